"""Unsupervised estimation of the resolution model's parameters with Splink.

u probabilities come from random pairs (almost all of them non-matches); m probabilities from
expectation maximisation (EM), once per rule of ``comparisons.TRAINING_RULES``; the prior from
``comparisons.DETERMINISTIC_RULES``. Two things Splink 5 does not do for us are done here:

- An EM session that fails (a rule with no pairs, or an m collapsing below 1e-300, which happens
  when a disagreement is never seen among matches, e.g. sex in clean data) leaves Splink's linker
  without the rule's own comparisons. Each session therefore runs on a fresh linker from the
  settings so far; a failed session is retried with the collapsing levels held fixed, then skipped.
- A level estimated in several sessions takes the median of its estimates (as Splink does); levels
  training could not estimate are made explicit and bounded (``regularise_levels``).

With too few records for any EM session (under about a hundred pairs per rule) the model has u
probabilities only, scores every comparison as neutral and so proposes nothing.
"""

from __future__ import annotations

import copy
import statistics
from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, block_on
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from linkgraph.resolve.comparisons import (
    DESCRIPTIONS,
    DETERMINISTIC_RECALL,
    DETERMINISTIC_RULES,
    TRAINING_RULES,
    base_settings,
)
from linkgraph.resolve.splink_session import PEOPLE_TABLE, new_linker, open_session

#: No single comparison counts more than log2(1/0.01) = 6.6 bits against a match. EM without
#: labels drives a disagreement it rarely sees among matches towards m = 0, while real records of
#: one person disagree on any one field (sex, nationality, a phone) through recording errors far
#: more often than that.
MIN_BAYES_FACTOR = 0.01

# Splink writes a level never seen in training as this m or u probability.
_NOT_OBSERVED = 1e-6
_FALLBACK_PRIOR = 1e-4
# EM needs at least a hundred or so pairs to say anything; past a few million it only costs time.
_MIN_EM_PAIRS = 100
_MAX_EM_PAIRS = 2_000_000

LevelKey = tuple[str, int]


def estimate_settings(prepared: pa.Table, *, seed: int, u_max_pairs: float) -> dict[str, Any]:
    """Return Splink settings with every m and u estimated from the unlabelled ``prepared`` people."""
    all_pairs = prepared.num_rows * (prepared.num_rows - 1) / 2
    with open_session(prepared) as (db_api, people):
        linker = new_linker(people, base_settings())
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(u_max_pairs, all_pairs), seed=seed, min_count_per_level=None
        )
        settings = linker.misc.save_model_to_json()
        estimates: dict[LevelKey, list[float]] = {}
        for alternatives in TRAINING_RULES:
            counted = [(columns, _count_pairs(db_api, columns)) for columns in alternatives]
            usable = [(columns, pairs) for columns, pairs in counted if pairs >= _MIN_EM_PAIRS]
            if not usable:
                continue
            columns, pairs = usable[0]
            session = _em_session(people, settings, columns, sample=pairs > _MAX_EM_PAIRS)
            if session is not None:
                start, settings = session
                _collect_estimates(start, settings, estimates)
        for (name, position), values in estimates.items():
            level = _comparison(settings, name)["comparison_levels"][position]
            level["m_probability"] = statistics.median(values)
        settings["probability_two_random_records_match"] = _estimate_prior(people, settings)
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        comparison["comparison_description"] = DESCRIPTIONS.get(name, name)
    regularise_levels(settings)
    return settings


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
        levels = [
            (position, level)
            for position, level in enumerate(comparison["comparison_levels"])
            if not level.get("is_null_level")
        ]
        for order, (position, level) in enumerate(levels):
            m, u = level.get("m_probability"), level.get("u_probability")
            if m is None or m == _NOT_OBSERVED:
                is_last = order == len(levels) - 1
                m = MIN_BAYES_FACTOR * u if is_last and u is not None else u
                raised.add((name, position))
            if u is None:
                u = m
            m, u = (1.0 if m is None else m), (1.0 if u is None else u)
            if m < MIN_BAYES_FACTOR * u:
                m = MIN_BAYES_FACTOR * u
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
    for held in (set(), at_risk):
        trial = copy.deepcopy(start)
        for name, position in held:
            _comparison(trial, name)["comparison_levels"][position]["fix_m_probability"] = True
        linker = new_linker(people, trial)
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*columns), max_pairs=_MAX_EM_PAIRS if sample else None
            )
        except (SplinkException, ValueError):
            if not at_risk:
                return None
            continue
        trained = linker.misc.save_model_to_json()
        for comparison in trained["comparisons"]:
            for level in comparison["comparison_levels"]:
                level["fix_m_probability"] = False
        return start, trained
    return None


def _collect_estimates(
    before: dict[str, Any], after: dict[str, Any], into: dict[LevelKey, list[float]]
) -> None:
    """Record the m of each level that EM changed from ``before`` to ``after``."""
    for comparison in after["comparisons"]:
        name = comparison["output_column_name"]
        previous = _comparison(before, name)["comparison_levels"]
        for position, level in enumerate(comparison["comparison_levels"]):
            m = level.get("m_probability")
            if level.get("is_null_level") or m is None or m == _NOT_OBSERVED:
                continue
            if m != previous[position].get("m_probability"):
                into.setdefault((name, position), []).append(m)


def _comparison(settings: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in settings["comparisons"] if c["output_column_name"] == name)


def _count_pairs(db_api: DuckDBAPI, columns: tuple[str, ...]) -> int:
    """Number of record pairs equal on all ``columns`` (none null), from the block sizes."""
    not_null = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    blocks = f"SELECT count(*) AS n FROM {PEOPLE_TABLE} WHERE {not_null} GROUP BY {', '.join(columns)}"
    sql = f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ({blocks})"
    [(pairs,)] = db_api.duckdb_con.execute(sql).fetchall()
    return int(pairs)


def _estimate_prior(people: SplinkDataFrame, settings: dict[str, Any]) -> float:
    linker = new_linker(people, settings)
    try:
        linker.training.estimate_probability_two_random_records_match(
            copy.deepcopy(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
        )
    except (SplinkException, ValueError):
        return _FALLBACK_PRIOR
    prior = float(linker.misc.save_model_to_json()["probability_two_random_records_match"])
    return prior if 0.0 < prior < 1.0 else _FALLBACK_PRIOR
