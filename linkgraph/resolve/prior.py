"""The prior of the resolution model: how likely two random records are to be one person.

What rules with almost no false matches find (``comparisons.DETERMINISTIC_RULES``), divided by the share
of matches they find, read from the trained m of the levels that say a rule holds, as Splink turns an
EM session's lambda into the whole data's. Also the small look-ups of a settings dict training shares.
"""

from __future__ import annotations

from typing import Any

from splink import DuckDBAPI
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from linkgraph.resolve.comparisons import (
    DETERMINISTIC_RECALL,
    DETERMINISTIC_RULES,
    LIST_COLUMNS,
    DeterministicRule,
)
from linkgraph.resolve.splink_session import PEOPLE_TABLE, new_linker

__all__ = ["comparison_named", "count_pairs", "estimate_prior", "has_comparison"]

LevelKey = tuple[str, int]
_FALLBACK_PRIOR = 1e-4


def has_comparison(settings: dict[str, Any], name: str) -> bool:
    """Whether ``settings`` has a comparison whose output column is ``name``."""
    return any(c["output_column_name"] == name for c in settings["comparisons"])


def comparison_named(settings: dict[str, Any], name: str) -> dict[str, Any]:
    """The comparison of ``settings`` whose output column is ``name``."""
    return next(c for c in settings["comparisons"] if c["output_column_name"] == name)


def count_pairs(db_api: DuckDBAPI, columns: tuple[str, ...]) -> int:
    """Number of record pairs equal on all ``columns`` (none null), from the block sizes."""
    not_null = " AND ".join(f"{column} IS NOT NULL" for column in columns)
    blocks = f"SELECT count(*) AS n FROM {PEOPLE_TABLE} WHERE {not_null} GROUP BY {', '.join(columns)}"
    sql = f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM ({blocks})"
    [(pairs,)] = db_api.duckdb_con.execute(sql).fetchall()
    return int(pairs)


def estimate_prior(db_api: DuckDBAPI, people: SplinkDataFrame, settings: dict[str, Any],
                    estimated: set[LevelKey], records: int) -> float:
    """The probability that two random records match: what the deterministic rules find over their recall.

    A rule's recall among matches is the chance both records hold its columns (the share of records
    holding them, squared) times the trained m of the levels that say it holds, per comparison
    (``comparisons.DeterministicRule``): the rule for "same whole name and same full date" finds fewer
    of the matches in data whose duplicates misspell names. Only rules whose comparisons EM estimated
    count; the estimate pools them (all they found over the matches they are expected to find). Without
    any, Splink's estimate with the assumed ``DETERMINISTIC_RECALL``.
    """
    found = expected = 0.0
    for rule in DETERMINISTIC_RULES:
        recall = _rule_recall(db_api, settings, rule, estimated, records)
        if recall is None:
            continue
        found += _count_rule_pairs(db_api, rule)
        expected += recall
    all_pairs = records * (records - 1) / 2
    if found > 0 and expected > 0 and all_pairs:
        prior = found / expected / all_pairs
        if 0.0 < prior < 1.0:
            return prior
    linker = new_linker(people, settings)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [rule.blocking_rule() for rule in DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL
        )
    except (SplinkException, ValueError):
        return _FALLBACK_PRIOR
    prior = float(linker.misc.save_model_to_json()["probability_two_random_records_match"])
    return prior if 0.0 < prior < 1.0 else _FALLBACK_PRIOR


def _rule_recall(db_api: DuckDBAPI, settings: dict[str, Any], rule: DeterministicRule,
                 estimated: set[LevelKey], records: int) -> float | None:
    """The share of matching pairs ``rule`` finds, from the trained m; None when EM did not estimate it."""
    recall = 1.0
    for name, labels in rule.levels.items():
        if not has_comparison(settings, name):
            return None
        levels = comparison_named(settings, name)["comparison_levels"]
        chosen = [p for p, level in enumerate(levels) if level.get("label_for_charts") in labels]
        if not chosen or not any((name, p) in estimated for p in chosen):
            return None
        recall *= sum(float(levels[p].get("m_probability") or 0.0) for p in chosen)
    holding = " AND ".join(f"len({c}) > 0" if c in LIST_COLUMNS else f"{c} IS NOT NULL" for c in rule.columns)
    [(held,)] = db_api.duckdb_con.execute(f"SELECT count(*) FROM {PEOPLE_TABLE} WHERE {holding}").fetchall()
    return recall * (held / records) ** 2 if records else None


def _count_rule_pairs(db_api: DuckDBAPI, rule: DeterministicRule) -> int:
    """Pairs of records ``rule`` joins (a pair sharing two documents counts twice, rarely)."""
    listed = [c for c in rule.columns if c in LIST_COLUMNS]
    if not listed:
        return count_pairs(db_api, rule.columns)
    [column] = listed
    sql = (f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(DISTINCT ref) AS n FROM "
           f"(SELECT ref, unnest({column}) AS k FROM {PEOPLE_TABLE}) GROUP BY k)")
    [(pairs,)] = db_api.duckdb_con.execute(sql).fetchall()
    return int(pairs)
