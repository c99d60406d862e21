"""The pieces comparisons are built from: a Splink comparison level as a dict, with its evidence label."""

from __future__ import annotations

from typing import Any

__all__ = ["ELSE_DIFFERENT", "Level", "level", "null"]

Level = dict[str, Any]


def null(*columns: str) -> Level:
    """The level of a pair where any of ``columns`` is missing on either side: "not recorded", neutral."""
    either_missing = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": either_missing, "label_for_charts": "not recorded", "is_null_level": True}


def level(sql: str, label: str, tf_column: str | None = None, tf_from_own_u: bool = False) -> Level:
    """A comparison level; ``tf_column`` adjusts it by the frequency of the value, relative to the
    level's own u when ``tf_from_own_u`` (a level that is not the exact match of that column)."""
    result: Level = {"sql_condition": sql, "label_for_charts": label}
    if tf_column is not None:
        result["tf_adjustment_column"] = tf_column
        result["tf_adjustment_weight"] = 1.0
    if tf_from_own_u:
        result["disable_tf_exact_match_detection"] = True
    return result


ELSE_DIFFERENT = level("ELSE", "different")
