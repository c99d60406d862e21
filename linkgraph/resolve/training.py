"""Unsupervised estimation of the resolution model's parameters with Splink.

u probabilities come from random pairs (almost all of them non-matches); m probabilities from
expectation maximisation (EM), once per rule of ``comparisons.TRAINING_RULES``; the prior from
``comparisons.DETERMINISTIC_RULES`` (``prior``). Two things Splink 5 does not do for us are done here:

- An EM session that fails (a rule with no pairs, or an m collapsing below 1e-300, which happens
  when a disagreement is never seen among matches, e.g. sex in clean data) leaves Splink's linker
  without the rule's own comparisons. Each session therefore runs on a fresh linker from the
  settings so far; a failed session is retried with the collapsing levels held fixed, then skipped.
- A level estimated in several sessions takes the median of its estimates (as Splink does); levels
  training could not estimate are made explicit and bounded (``regularise_levels``).
- Splink 5 refuses an m that EM drives below 1e-300 ("never among matches"); such an iteration is
  clamped instead (``_clamped_em``), so a session with a clean signal is not lost.

Three corrections to the textbook estimates, each because its independence assumption fails on
case-file data:

- Sharing a document or a phone is too rare among random pairs for a sample to see; its u is counted
  over all records (``_count_identifier_u``).
- Sex and nationality follow from the names (``comparisons.NAME_DEPENDENT``): EM sessions blocked on
  names hold them neutral, and their u is measured among pairs with alike names
  (``_condition_on_names``), so agreement on them does not count the name a second time.
- Given name and surname together are scored as one fact with the whole name's own frequency
  (``comparisons._SAME_WHOLE_NAME``).

With too few records for any EM session (under about a hundred pairs per rule) the model has u
probabilities only, scores every comparison as neutral and so proposes nothing.
"""

from __future__ import annotations

import contextlib
import copy
import statistics
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, block_on
from splink.internals import expectation_maximisation as _splink_em
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from linkgraph.resolve.comparisons import (
    DESCRIPTIONS,
    IDENTIFIER_LEVELS,
    NAME_BLOCKS,
    NAME_DEPENDENT,
    TRAINING_RULES,
    base_settings,
)
from linkgraph.resolve.person_frame import PREPARED_SCHEMA
from linkgraph.resolve.prior import comparison_named, count_pairs, estimate_prior, has_comparison
from linkgraph.resolve.splink_session import PEOPLE_TABLE, new_linker, open_session

PREPARED_COLUMNS = tuple(PREPARED_SCHEMA.names)

#: No single comparison counts more than log2(1/0.01) = 6.6 bits against a match. EM without
#: labels drives a disagreement it rarely sees among matches towards m = 0, while real records of
#: one person disagree on any one field (sex, nationality, a phone) through recording errors far
#: more often than that.
MIN_BAYES_FACTOR = 0.01

#: A date of birth is copied by hand, typed, converted between formats and, for victims and irregular
#: migrants, often estimated: two records of one person disagree on it more often than on other
#: fields, so a wholly different date counts at most log2(1/0.03) = 5.1 bits against a match. Two
#: records with the same rare whole name and a different date are then not written off like any other
#: disagreement ("date of birth: different, -5.1").
MIN_BAYES_FACTOR_FOR = {"date_of_birth": 0.03}

# Splink writes a level never seen in training as this m or u probability.
_NOT_OBSERVED = 1e-6
# EM needs at least a hundred or so pairs to say anything; past a few million it only costs time.
_MIN_EM_PAIRS = 100
_MAX_EM_PAIRS = 2_000_000

LevelKey = tuple[str, int]


def estimate_settings(prepared: pa.Table, *, seed: int, u_max_pairs: float) -> dict[str, Any]:
    """Return Splink settings with every m and u estimated from the unlabelled ``prepared`` people."""
    all_pairs = prepared.num_rows * (prepared.num_rows - 1) / 2
    full = base_settings()
    with open_session(prepared, training=True) as (db_api, people):
        linker = new_linker(people, _without_idle(full, prepared))
        # One chunk: Splink splits the sample in ten per comparison only to stop early once every
        # level has ``min_count_per_level`` counts, which is off here; ten chunks cost ten queries.
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(u_max_pairs, all_pairs), seed=seed, min_count_per_level=None, num_chunks=1
        )
        settings = linker.misc.save_model_to_json()
        _bound_unseen_u(settings, min(u_max_pairs, all_pairs))
        _count_identifier_u(db_api, settings)
        estimates: dict[LevelKey, list[float]] = {}
        for alternatives in TRAINING_RULES:
            counted = [(columns, count_pairs(db_api, columns)) for columns in alternatives]
            usable = [(columns, pairs) for columns, pairs in counted if pairs >= _MIN_EM_PAIRS]
            if not usable:
                continue
            columns, pairs = usable[0]
            session = _em_session(people, settings, columns, sample=pairs > _MAX_EM_PAIRS)
            if session is not None:
                start, settings = session
                _collect_estimates(start, settings, estimates)
        for (name, position), values in estimates.items():
            level = comparison_named(settings, name)["comparison_levels"][position]
            level["m_probability"] = statistics.median(values)
        settings["probability_two_random_records_match"] = estimate_prior(
            db_api, people, settings, set(estimates), prepared.num_rows)
        _condition_on_names(db_api, settings)
    trained = {c["output_column_name"]: c for c in settings["comparisons"]}
    settings["comparisons"] = [trained.get(c["output_column_name"], c) for c in full["comparisons"]]
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        comparison["comparison_description"] = DESCRIPTIONS.get(name, name)
    _unadjust_unestimated(settings, set(estimates))
    regularise_levels(settings)
    return settings


def _unadjust_unestimated(settings: dict[str, Any], estimated: set[LevelKey]) -> None:
    """Drop the frequency adjustment of every level whose m no EM session estimated (its m is a
    stand-in, at best u): adjusted, such a level would score a rare value as strong evidence (m / tf)."""
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        for position, level in enumerate(comparison["comparison_levels"]):
            if not level.get("is_null_level") and (name, position) not in estimated:
                level.pop("tf_adjustment_column", None)
                level.pop("tf_adjustment_weight", None)


def regularise_levels(settings: dict[str, Any]) -> set[LevelKey]:
    """Make every level's m and u explicit and bounded; return the levels whose m was raised.

    Without labels some levels are never seen: Splink then scores them with defaults (m or u
    missing) or with m = 1e-6, i.e. as very strong disagreement. Here an agreement level not seen
    among matches counts for nothing (m = u), no level counts more than ``MIN_BAYES_FACTOR``
    against, and no level of a comparison counts less than its "different" level.
    """
    raised: set[LevelKey] = set()
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        floor_factor = MIN_BAYES_FACTOR_FOR.get(name, MIN_BAYES_FACTOR)
        levels = [
            (position, level)
            for position, level in enumerate(comparison["comparison_levels"])
            if not level.get("is_null_level")
        ]
        for order, (position, level) in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None or m == _NOT_OBSERVED:
                is_last = order == len(levels) - 1
                m = floor_factor * u if is_last and u is not None else u
                raised.add((name, position))
            if u is None:
                u = m
            m, u = (1.0 if m is None else m), (1.0 if u is None else u)
            if m < floor_factor * u:
                m = floor_factor * u
                raised.add((name, position))
            level["m_probability"], level["u_probability"] = m, u
        last = levels[-1][1]
        if last.get("label_for_charts") != "different":
            continue
        floor = last["m_probability"] / last["u_probability"]
        for _, level in levels[:-1]:
            level["m_probability"] = max(level["m_probability"], min(1.0, floor * level["u_probability"]))
    return raised


def _em_session(
    people: SplinkDataFrame, settings: dict[str, Any], columns: tuple[str, ...], *, sample: bool
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Run EM blocked on equality of ``columns``; return (start, trained) settings, None if it failed."""
    start = copy.deepcopy(settings)
    at_risk = regularise_levels(start)
    name_columns = {column for block in NAME_BLOCKS for column in block}
    implied = _hold_name_dependent(start) if set(columns) & name_columns else set()
    for held in (implied, at_risk | implied):
        trial = copy.deepcopy(start)
        for name, position in held:
            comparison_named(trial, name)["comparison_levels"][position]["fix_m_probability"] = True
        linker = new_linker(people, trial)
        try:
            with _clamped_em():
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block_on(*columns), max_pairs=_MAX_EM_PAIRS if sample else None
                )
        except (SplinkException, ValueError):
            if not at_risk:
                return None
            continue
        trained = linker.misc.save_model_to_json()
        for comparison in trained["comparisons"]:
            given = comparison_named(settings, comparison["output_column_name"])["comparison_levels"]
            for level, before in zip(comparison["comparison_levels"], given):
                level["fix_m_probability"] = False
                # EM leaves u alone; a u that random pairs never showed stays unknown (regularise_levels
                # then makes its level neutral) instead of keeping the stand-in this session used.
                if not level.get("is_null_level"):
                    level["u_probability"] = before.get("u_probability")
        return start, trained
    return None


_SPLINK_MIN_PROBABILITY = 1e-300


@contextlib.contextmanager
def _clamped_em() -> Iterator[None]:
    """Let an EM iteration that drives an m below 1e-300 keep going instead of failing.

    Splink 5 refuses such values (earlier versions clamped them); they mean "never seen among
    matches", which ``regularise_levels`` bounds afterwards. Without the clamp, a session in which
    EM finds a clean signal (documents never differ among matches) fails as a whole.
    """
    original = getattr(_splink_em, "populate_m_u_from_lookup", None)
    if original is None:  # another Splink: keep its behaviour, failures are retried as before
        yield
        return

    def clamped(fixed: Any, level: Any, name: str, lookup: dict[str, dict[int, Any]]) -> None:
        for record in lookup.get(name, {}).values():
            for key in ("m_probability", "u_probability"):
                value = record.get(key)
                if isinstance(value, float) and value < _SPLINK_MIN_PROBABILITY:
                    record[key] = _SPLINK_MIN_PROBABILITY
        original(fixed, level, name, lookup)

    _splink_em.populate_m_u_from_lookup = clamped
    try:
        yield
    finally:
        _splink_em.populate_m_u_from_lookup = original


def _bound_unseen_u(settings: dict[str, Any], sampled: float) -> None:
    """Give each level no random pair fell in the u of one pair in ``sampled``.

    Levels of rare agreement (the same name words in another order) may never turn up among a million
    random pairs. Unknown, their u would later be set equal to their m, and the level made neutral
    however often matches fall in it; "at most about one in the sample" keeps what EM learns of them.
    """
    if sampled < 1:
        return
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level["sql_condition"].strip() == "ELSE":
                continue
            if level.get("u_probability") in (None, _NOT_OBSERVED):
                level["u_probability"] = 1.0 / sampled


def _count_identifier_u(db_api: DuckDBAPI, settings: dict[str, Any]) -> None:
    """Set the u of each ``IDENTIFIER_LEVELS`` level to the share of all comparable pairs sharing a key.

    Pairs sharing a key are counted per key (a pair sharing two keys counts twice, which is rare and
    errs towards caution); comparable pairs are those where both records hold at least one key.
    """
    for name, (column, label) in IDENTIFIER_LEVELS.items():
        if not has_comparison(settings, name):
            continue
        levels = comparison_named(settings, name)["comparison_levels"]
        level = next((lv for lv in levels if lv.get("label_for_charts") == label), None)
        if level is None:
            continue
        sql = (f"SELECT (SELECT count(*) FROM {PEOPLE_TABLE} WHERE len({column}) > 0), "
               f"(SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(DISTINCT ref) AS n FROM "
               f"(SELECT ref, unnest({column}) AS k FROM {PEOPLE_TABLE}) GROUP BY k))")
        [(holders, shared)] = db_api.duckdb_con.execute(sql).fetchall()
        comparable = holders * (holders - 1) / 2
        if comparable >= 1:
            level["u_probability"] = max(float(shared), 1.0) / comparable


def _hold_name_dependent(settings: dict[str, Any]) -> set[LevelKey]:
    """Make the ``NAME_DEPENDENT`` comparisons neutral (m = u) in ``settings``; return their levels.

    Among pairs blocked on alike names, different people agree on sex and mostly on nationality,
    far more often than u (from random pairs) says; left free, EM would take that agreement for
    matches and learn that matches differ in everything else.
    """
    held: set[LevelKey] = set()
    for name in filter(lambda name: has_comparison(settings, name), NAME_DEPENDENT):
        for position, level in enumerate(comparison_named(settings, name)["comparison_levels"]):
            if not level.get("is_null_level"):
                level["m_probability"] = level["u_probability"]
                held.add((name, position))
    return held


def _condition_on_names(db_api: DuckDBAPI, settings: dict[str, Any]) -> None:
    """Set the u of each ``NAME_DEPENDENT`` comparison to its level shares among pairs with alike names.

    Nearly all pairs in that block are different people, and nearly every pair the model scores has
    alike names, so this is the chance that two different people with alike names agree.
    """
    usable = [block for block in NAME_BLOCKS if count_pairs(db_api, block) >= _MIN_EM_PAIRS]
    if not usable:
        return
    on = " AND ".join(f"l.{c} = r.{c}" for c in usable[0])
    for name in filter(lambda name: has_comparison(settings, name), NAME_DEPENDENT):
        levels = comparison_named(settings, name)["comparison_levels"]
        cases = " ".join(f"WHEN {level['sql_condition']} THEN {position}"
                         for position, level in enumerate(levels) if level["sql_condition"].strip() != "ELSE")
        columns = sorted({c for c in PREPARED_COLUMNS if f"{c}_l" in cases})
        selected = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
        sql = (f"SELECT CASE {cases} ELSE {len(levels) - 1} END AS level, count(*) FROM "
               f"(SELECT {selected} FROM {PEOPLE_TABLE} l JOIN {PEOPLE_TABLE} r ON {on} AND l.ref < r.ref) "
               "GROUP BY level")
        counts = dict(db_api.duckdb_con.execute(sql).fetchall())
        scored = {position: counts.get(position, 0) for position, level in enumerate(levels)
                  if not level.get("is_null_level")}
        total = sum(scored.values())
        if not total:
            continue
        for position, count in scored.items():
            levels[position]["u_probability"] = max(count, 1) / total


def _collect_estimates(
    before: dict[str, Any], after: dict[str, Any], into: dict[LevelKey, list[float]]
) -> None:
    """Record the m of each level that EM changed from ``before`` to ``after``."""
    for comparison in after["comparisons"]:
        name = comparison["output_column_name"]
        previous = comparison_named(before, name)["comparison_levels"]
        for position, level in enumerate(comparison["comparison_levels"]):
            m = level.get("m_probability")
            if level.get("is_null_level") or m is None or m == _NOT_OBSERVED:
                continue
            if m != previous[position].get("m_probability"):
                into.setdefault((name, position), []).append(m)


def _without_idle(settings: dict[str, Any], prepared: pa.Table) -> dict[str, Any]:
    """``settings`` without the comparisons whose every column is empty in ``prepared`` (sparse data has
    no documents, phones or addresses at all). Training them costs a u sample and a term in every EM
    iteration, and teaches nothing: they come back untrained, so neutral (``regularise_levels``)."""
    empty = {name for name in prepared.column_names if prepared[name].null_count == prepared.num_rows}
    kept = []
    for comparison in settings["comparisons"]:
        sql = " ".join(level["sql_condition"] for level in comparison["comparison_levels"])
        used = {column for column in PREPARED_COLUMNS if f"{column}_l" in sql}
        if not used or not used <= empty:
            kept.append(comparison)
    return {**settings, "comparisons": kept}
