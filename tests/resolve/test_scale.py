"""Resolution at scale: blocks of common names are split, DuckDB is capped, scored pairs are read in batches.

A store of 700,000 persons made 180 million candidate pairs from its common names and took resolution
past 20 GB; these tests hold the three things that keep it bounded, on frames small enough to run here.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from linkgraph.resolve import scored_pairs
from linkgraph.resolve.block_keys import MAX_BLOCK
from linkgraph.resolve.matching import default_model, train
from linkgraph.resolve.person_frame import prepare_person_frame
from linkgraph.resolve.splink_session import open_session

from person_records import background, frame_of, person  # noqa: F401  (background: a fixture)


def _crowd(size: int, surname: str = "mohamed") -> list[dict[str, object]]:
    """``size`` records named "ali <surname>", one year of birth in twenty, full dates otherwise apart."""
    return [person(f"crowd:{n:05d}", "ali", surname, 1960 + n % 20, 1 + n % 12, 1 + n // 240 % 28,
                   sex="M", nationality="MAR") for n in range(size)]


def _keys(rows: list[dict[str, object]], column: str) -> dict[str, object]:
    prepared = prepare_person_frame(frame_of(*rows)).to_pydict()
    return dict(zip(prepared["ref"], prepared[column]))


def test_a_name_block_larger_than_the_cap_is_split_by_year_and_a_smaller_one_is_not():
    small, large = _keys(_crowd(MAX_BLOCK), "block_names"), _keys(_crowd(MAX_BLOCK + 1), "block_names")
    # crowd:00000 and crowd:00001 are born in different years; crowd:00000 and crowd:00020 in the same one.
    assert small["crowd:00000"] == small["crowd:00001"]
    assert large["crowd:00000"] != large["crowd:00001"]
    assert large["crowd:00000"] == large["crowd:00020"]


def test_swapped_names_block_whichever_record_is_on_the_left():
    rows = [*_crowd(MAX_BLOCK + 1), person("swap:1", "mohamed", "ali", 1960), person("swap:2", "mohamed", "ali", 1961)]
    from_, to = _keys(rows, "block_swap_from"), _keys(rows, "block_swap_to")
    # swap:1 is swapped against the crowd born in 1960 only (the block is large, so split by year)...
    assert from_["swap:1"] == to["crowd:00000"] and to["swap:1"] == from_["crowd:00000"]
    assert from_["swap:2"] != to["crowd:00000"] and to["swap:2"] != from_["crowd:00000"]
    # ...and a small block is not split: both ways again, years apart.
    few = [*_crowd(3), person("swap:3", "mohamed", "ali", 1999)]
    from_, to = _keys(few, "block_swap_from"), _keys(few, "block_swap_to")
    assert from_["swap:3"] == to["crowd:00000"] and to["swap:3"] == from_["crowd:00000"]


def test_one_name_against_the_others_is_split_by_the_other_names_sound_where_the_block_is_large():
    # "ali mohamed" born in 1960, MAX_BLOCK + 1 times: "mohamed" in 1960 is a large block of surnames.
    crowd = [person(f"crowd:{n:05d}", "ali", "mohamed", 1960, 1 + n % 12, 1 + n // 12 % 28) for n in range(MAX_BLOCK + 1)]
    # Swapped, the other name respelt: given name "mohamed" meets the crowd's surname in 1960.
    rows = [*crowd, person("swap:a", "mohamed", "alee", 1960), person("swap:k", "mohamed", "karim", 1960)]
    given, surname = _keys(rows, "block_given_across"), _keys(rows, "block_surname_across")
    # Kept where the other names start with the same sound (alee / ali), split apart where not (karim).
    assert given["swap:a"] == surname["crowd:00000"]
    assert given["swap:k"] != surname["crowd:00000"]
    # A small block is not split: "karim" still meets "ali" there.
    few = [*crowd[:3], person("swap:k", "mohamed", "karim", 1960)]
    given, surname = _keys(few, "block_given_across"), _keys(few, "block_surname_across")
    assert given["swap:k"] == surname["crowd:00000"]
    # Another year never meets.
    assert given["swap:k"] != _keys([*crowd[:3], person("swap:k", "mohamed", "karim", 1961)],
                                    "block_given_across")["swap:k"]


def test_a_crowd_of_one_name_is_paired_within_its_years_only():
    crowd = _crowd(MAX_BLOCK + 60)
    # The shipped model's saved rules are the plain ones: predict blocks with today's rules anyway.
    pairs = default_model().predict(frame_of(*crowd), threshold=0.0, frequencies=False)
    born = {str(row["ref"]): row["birth_year"] for row in crowd}
    assert len(pairs)
    assert all(born[left] == born[right] for left, right in zip(pairs["left_ref"], pairs["right_ref"]))
    # All pairs of one year are there: the crowd spread over 20 years of birth.
    per_year = Counter(born.values())
    assert len(per_year) == 20
    assert len(pairs) == sum(k * (k - 1) // 2 for k in per_year.values())


def test_duckdb_runs_capped_and_spills_to_its_own_folder(monkeypatch):
    prepared = prepare_person_frame(frame_of(*_crowd(3)))
    with open_session(prepared) as (db_api, _):
        limit, spill = db_api.duckdb_con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
    assert limit.endswith("GiB") and float(limit.split()[0]) <= 3.0
    assert "linkgraph-resolve-" in spill
    monkeypatch.setenv("LINKGRAPH_RESOLVE_MEMORY", "500MB")
    with open_session(prepared) as (db_api, _):
        [(limit,)] = db_api.duckdb_con.execute("SELECT current_setting('memory_limit')").fetchall()
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 500


def test_pairs_read_in_small_batches_are_the_pairs_read_at_once(background, monkeypatch):
    model = train(background)
    at_once = model.predict(background, threshold=0.01)
    monkeypatch.setattr(scored_pairs, "_READ_BATCH", 7)
    batched = model.predict(background, threshold=0.01)
    assert len(at_once) > 7
    pd.testing.assert_frame_equal(at_once, batched)
    assert list(at_once.columns) == ["left_ref", "right_ref", "probability", "match_weight", "evidence"]
