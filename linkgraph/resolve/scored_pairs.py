"""Splink's scored pairs read out of DuckDB in batches and explained: ``PAIR_COLUMNS`` frames.

Splink's table of scored pairs carries every comparison's level and weight (about sixty columns);
read as one pandas frame it cost gigabytes on a store of 700,000 persons. Batches are read with only
the columns the evidence needs, and each is explained and cut to five columns before the next.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from splink import DuckDBAPI

from linkgraph.resolve.evidence import evidence_sentences

__all__ = ["PAIR_COLUMNS", "empty_pairs", "explained_batches", "sorted_pairs"]

#: Columns of the pairs frame ``ResolutionModel.predict`` returns.
PAIR_COLUMNS = ["left_ref", "right_ref", "probability", "match_weight", "evidence"]

#: Scored pairs are read out of DuckDB and explained this many at a time: Splink's table of pairs
#: carries every comparison's level and weight (about sixty columns), which as one pandas frame would
#: cost gigabytes on a large store; the explained pairs keep five.
_READ_BATCH = 50_000


def explained_batches(db_api: DuckDBAPI, table: Any, settings: dict[str, Any]) -> Iterator[pd.DataFrame]:
    """Yield Splink's scored pairs in ``table`` as ``PAIR_COLUMNS`` frames, ``_READ_BATCH`` rows at a time,
    reading only the columns the evidence needs."""
    names = [row[0] for row in db_api.duckdb_con.execute(f"DESCRIBE {table.physical_name}").fetchall()]
    wanted = [n for n in names if n in _PAIR_INPUTS or n.startswith(("gamma_", "mw_"))]
    relation = db_api.duckdb_con.sql(f"SELECT {', '.join(wanted)} FROM {table.physical_name}")
    # DuckDB 2 calls it to_arrow_reader and deprecates fetch_arrow_reader, which older versions have.
    reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    for batch in reader(_READ_BATCH):
        if batch.num_rows:
            yield _pairs_from_scored(batch.to_pandas(), settings)


_PAIR_INPUTS = {"ref_l", "ref_r", "match_probability", "match_weight",
                "doc_keys_l", "doc_keys_r", "phone_keys_l", "phone_keys_r"}


def _pairs_from_scored(scored: pd.DataFrame, settings: dict[str, Any]) -> pd.DataFrame:
    """Turn Splink's scored pairs into ``PAIR_COLUMNS``: smaller ref left, explained."""
    swap = scored["ref_l"] > scored["ref_r"]
    if swap.any():
        left = [c for c in scored.columns if c.endswith("_l") and f"{c[:-2]}_r" in scored.columns]
        mirror = {c: f"{c[:-2]}_r" for c in left} | {f"{c[:-2]}_r": c for c in left}
        scored = pd.concat([scored[~swap], scored[swap].rename(columns=mirror)], ignore_index=True)
    return pd.DataFrame(
        {
            "left_ref": scored["ref_l"].astype(str),
            "right_ref": scored["ref_r"].astype(str),
            "probability": scored["match_probability"].astype(float),
            "match_weight": scored["match_weight"].astype(float),
            "evidence": evidence_sentences(scored, settings["comparisons"]),
        }
    )


def sorted_pairs(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The explained pairs of every batch: each pair once, most probable first."""
    found = [pairs for pairs in found if len(pairs)]
    if not found:
        return empty_pairs()
    pairs = pd.concat(found, ignore_index=True).drop_duplicates(["left_ref", "right_ref"])
    pairs = pairs.sort_values(["probability", "left_ref", "right_ref"], ascending=[False, True, True])
    return pairs.reset_index(drop=True)


def empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "left_ref": pd.Series(dtype=str),
            "right_ref": pd.Series(dtype=str),
            "probability": pd.Series(dtype=float),
            "match_weight": pd.Series(dtype=float),
            "evidence": pd.Series(dtype=object),
        }
    )
