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
