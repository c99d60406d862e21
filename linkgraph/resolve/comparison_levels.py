"""The pieces comparisons are built from: a Splink comparison level as a dict, with its evidence label."""

from __future__ import annotations

from typing import Any

__all__ = ["ELSE_DIFFERENT", "Level", "level", "null"]

Level = dict[str, Any]


def null(*columns: str) -> Level:
    """The level of a pair where any of ``columns`` is missing on either side: "not recorded", neutral."""
    either_missing = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": either_missing, "label_for_charts": "not recorded", "is_null_level": True}


def level(sql: str, label: str, tf_column: str | None = None) -> Level:
    """A comparison level; ``tf_column`` adjusts it by the frequency of the value, relative to the
    level's own u.

    For the exact match of ``tf_column`` that is the u Splink would look up itself; for a fuzzy level
    (nearly the same spelling, names swapped) it is the u of that level, as its evidence says. Saying
    so (``disable_tf_exact_match_detection``) also spares Splink's search for the exact-match level,
    which parses every level's SQL again each time a statement is written (an EM iteration, a
    prediction): 0.9 s of a 10.9 s profiled sparse FEBRL4 resolve. ``tests/resolve`` checks that
    Splink's own search would find the same level.
    """
    result: Level = {"sql_condition": sql, "label_for_charts": label}
    if tf_column is not None:
        result["tf_adjustment_column"] = tf_column
        result["tf_adjustment_weight"] = 1.0
        result["disable_tf_exact_match_detection"] = True
    return result


ELSE_DIFFERENT = level("ELSE", "different")
