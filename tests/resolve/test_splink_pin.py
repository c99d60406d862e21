"""linkgraph patches one Splink internal while EM runs: fail loudly if Splink changes it."""

from __future__ import annotations

import inspect
from importlib.metadata import version

from splink.internals import expectation_maximisation


def test_the_patched_splink_function_keeps_the_signature_the_patch_wraps() -> None:
    patched = expectation_maximisation.populate_m_u_from_lookup
    assert list(inspect.signature(patched).parameters) == ["training_fixed_probabilities", "comparison_level", "output_column_name", "m_u_records_lookup"], (
        f"splink {version('splink')} changed populate_m_u_from_lookup; revisit linkgraph.resolve.training._clamped_em")


def test_the_installed_splink_is_within_the_tested_range() -> None:
    major, minor = (int(part) for part in version("splink").split(".")[:2])
    assert (major, minor) == (5, 0)


def test_every_frequency_adjusted_level_is_what_splinks_own_search_would_pick() -> None:
    """Frequency-adjusted levels say "relative to my own u" (``comparison_levels.level``) to spare
    Splink a parse of every level per statement. For an exact match that must be the u Splink's own
    search finds: the first exact-match level of the adjusted column is the level itself."""
    from splink.internals.comparison import Comparison

    from linkgraph.resolve.comparisons import base_settings

    checked = 0
    for spec in base_settings()["comparisons"]:
        levels = [dict(level, u_probability=(n + 1) / 100, disable_tf_exact_match_detection=False)
                  for n, level in enumerate(spec["comparison_levels"])]
        comparison = Comparison(levels, "duckdb", spec["output_column_name"])
        for own, level in zip(spec["comparison_levels"], comparison.comparison_levels):
            if "tf_adjustment_column" not in own:
                continue
            assert own["disable_tf_exact_match_detection"] is True, own["label_for_charts"]
            if not level._is_exact_match:
                continue  # a fuzzy level: its own u is the point (its evidence says so)
            found = level._u_probability_corresponding_to_exact_match(comparison.comparison_levels)
            assert found == level.u_probability, (spec["output_column_name"], own["label_for_charts"])
            checked += 1
    assert checked >= 4  # given name, surname, whole name, region
