"""Person matching: who is probably the same person, and the evidence an analyst reads for it.

One model is trained (once per module) on a few hundred generated case-file records
(``tests/person_records.py``); each test adds a few records of its own to that background and predicts with
``new_refs`` on those. Names as case files write them are ``test_name_matching.py``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from linkgraph.errors import InvalidData
from linkgraph.resolve.matching import (
    DEFAULT_THRESHOLD,
    PAIR_COLUMNS,
    PERSON_COLUMNS,
    ResolutionModel,
    empty_person_frame,
)

from person_records import frame_of, person
from person_records import background, model  # noqa: F401  (fixtures)
from person_records import pair as _pair
from person_records import score as _score
from person_records import weight as _weight


def test_transliterated_and_misspelt_name_with_same_birth_year_scores_above_threshold(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "mohamed", "el amrani", 1990, sex="M", nationality="MAR"),
        person("it:7", "muhammad", "elamrani", 1990, 3, 14, sex="M", nationality="MAR"),
    )
    assert _pair(pairs, "es:1", "it:7")["probability"] >= DEFAULT_THRESHOLD


def test_look_alike_with_same_common_name_and_different_full_birth_date_scores_below_threshold(
    model, background
):
    pairs = _score(
        model,
        background,
        person("es:1", "mohamed", "el amrani", 1990, 3, 14, sex="M", nationality="MAR"),
        person("it:7", "mohamed", "el amrani", 1978, 11, 2, sex="M", nationality="MAR"),
    )
    pair = _pair(pairs, "es:1", "it:7")
    assert pair["probability"] < DEFAULT_THRESHOLD
    assert _birth_evidence(pair) < 0


def test_evidence_names_the_shared_passport_with_its_weight(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "yusuf", "kadiri", 1985, 6, 1, docs=("passport|ESP|X1234567",)),
        person("ng:4", "youssef", "kadiri", 1985, docs=("passport|ESP|X1234567", "national_id|NGA|99")),
    )
    evidence = _pair(pairs, "es:1", "ng:4")["evidence"]
    passport = [s for s in evidence if s.startswith("passport in common (passport|ESP|X1234567), +")]
    assert len(passport) == 1
    assert float(passport[0].rsplit(", ", 1)[1]) > 5


def test_year_only_birth_date_against_full_date_in_same_year_is_not_scored_as_disagreement(
    model, background
):
    pairs = _score(
        model,
        background,
        person("es:1", "olena", "kovalchuk", 1979, sex="F"),
        person("ua:2", "olena", "kovalchuk", 1979, 8, 23, sex="F"),
        person("es:3", "olena", "lysenko", 1979, 2, 11, sex="F"),
        person("ua:4", "olena", "lysenko", 1979, 8, 23, sex="F"),
    )
    partial = _birth_evidence(_pair(pairs, "es:1", "ua:2"))
    month_differs = _birth_evidence(_pair(pairs, "es:3", "ua:4"))
    assert partial > 0
    assert partial > month_differs


def _birth_evidence(pair: pd.Series) -> float:
    """The signed weight of the date-of-birth sentence of ``pair``."""
    [sentence] = [s for s in pair["evidence"] if s.startswith("date of birth:")]
    return float(sentence.rsplit(", ", 1)[1])


def test_incremental_prediction_returns_exactly_the_pairs_touching_new_records(model, background):
    new = frame_of(
        person("new:1", *_copy_of(background, "bg_a:5")),
        person("new:2", "chioma", "adeyemi", 2001, 2, 2, sex="F", nationality="NGA"),
        person("new:3", "chiomah", "adeyemi", 2001, 2, sex="F", nationality="NGA"),
    )
    frame = pd.concat([background, new], ignore_index=True)
    new_refs = set(new["ref"])
    incremental = model.predict(frame, threshold=0.5, new_refs=new_refs)
    full = model.predict(frame, threshold=0.5)
    touching = full[full["left_ref"].isin(new_refs) | full["right_ref"].isin(new_refs)]
    assert len(incremental) > 0
    assert (incremental["left_ref"].isin(new_refs) | incremental["right_ref"].isin(new_refs)).all()
    assert _pair_set(incremental) == _pair_set(touching)


def _pair_set(pairs: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(pairs["left_ref"], pairs["right_ref"], strict=True))


def _copy_of(background: pd.DataFrame, ref: str) -> tuple[object, ...]:
    """Name and full date of birth of the background record ``ref``."""
    row = background.set_index("ref").loc[ref]
    return (row["given_key"], row["surname_key"], *(int(row[f"birth_{p}"]) for p in ("year", "month", "day")))


def test_pairs_put_the_smaller_ref_left_and_appear_once(model, background):
    pairs = model.predict(background, threshold=0.5)
    assert list(pairs.columns) == PAIR_COLUMNS
    assert (pairs["left_ref"] < pairs["right_ref"]).all()
    assert not pairs.duplicated(["left_ref", "right_ref"]).any()


def test_saved_and_loaded_model_gives_the_same_probabilities(model, background, tmp_path):
    path = tmp_path / "model.json"
    model.save(path)
    loaded = ResolutionModel.load(path)
    before = model.predict(background, threshold=0.5)
    after = loaded.predict(background, threshold=0.5)
    assert loaded.record_count == model.record_count and loaded.trained_at == model.trained_at
    columns = ["left_ref", "right_ref", "probability"]
    pd.testing.assert_frame_equal(before[columns], after[columns])


def test_loading_a_file_that_is_not_a_model_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text('{"link_type": "dedupe_only"}', encoding="utf-8")
    with pytest.raises(InvalidData, match="not a linkgraph resolution model"):
        ResolutionModel.load(path)


def test_person_frame_without_a_required_column_is_refused(model):
    frame = empty_person_frame().drop(columns=["birth_year"])
    with pytest.raises(InvalidData, match="birth_year"):
        model.predict(frame)


def test_empty_person_frame_has_every_input_column():
    assert list(empty_person_frame().columns) == list(PERSON_COLUMNS)


def test_the_same_whole_name_is_one_piece_of_evidence_not_two(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "aisha", "kovalchuk", 1983, 4, 9, sex="F"),
        person("ua:2", "aisha", "kovalchuk", 1983, 4, 9, sex="F"),
    )
    evidence = _pair(pairs, "es:1", "ua:2")["evidence"]
    assert any(s.startswith("surname: same given name and surname") for s in evidence)
    assert not any(s.startswith("given name:") for s in evidence)


# -- sparse records: each comparison level explains itself ----------------------------------------


def test_a_date_of_birth_missing_on_one_side_is_unknown_not_a_disagreement(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "chioma", "zulfikarova", 1988, 5, 17, sex="F"),
        person("ng:2", "chioma", "zulfikarova", sex="F"),
        person("ng:3", "chioma", "zulfikarova", 1961, 2, 3, sex="F"),
    )
    missing, differs = _pair(pairs, "es:1", "ng:2"), _pair(pairs, "es:1", "ng:3")
    assert not any(s.startswith("date of birth") for s in missing["evidence"])
    assert missing["match_weight"] > differs["match_weight"]


def test_a_year_alone_that_differs_counts_less_against_than_two_different_full_dates(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "olena", "tkachenko", 1979, sex="F"),
        person("ua:2", "olena", "tkachenko", 1984, 8, 23, sex="F"),
        person("es:3", "olena", "marchenko", 1979, 2, 11, sex="F"),
        person("ua:4", "olena", "marchenko", 1984, 8, 23, sex="F"),
    )
    year_only = _pair(pairs, "es:1", "ua:2")
    full = _pair(pairs, "es:3", "ua:4")
    assert any(s.startswith("date of birth: year only on one side, a different year") for s in year_only["evidence"])
    # Its weight is estimated from the data; on a few hundred records it may not rise above "different".
    assert _weight(year_only, "date of birth:") >= _weight(full, "date of birth: different")


def test_a_full_date_two_digits_apart_is_its_own_level_above_a_different_date(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "maria", "dobrescu", 1991, 6, 22, sex="F"),
        person("ro:2", "maria", "dobrescu", 1991, 12, 22, sex="F"),
        person("es:3", "maria", "iordache", 1991, 6, 22, sex="F"),
        person("ro:4", "maria", "iordache", 1975, 1, 9, sex="F"),
    )
    typo = _pair(pairs, "es:1", "ro:2")
    assert any(s.startswith("date of birth: two digits different") for s in typo["evidence"])
    # Its weight is estimated from the data; on a few hundred records it may not rise above "different".
    assert _weight(typo, "date of birth:") >= _weight(_pair(pairs, "es:3", "ro:4"), "date of birth:")


def test_a_wholly_different_date_counts_at_most_the_date_floor_against(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "aisha", "wolanczyk", 1990, 3, 14, sex="F"),
        person("it:7", "aisha", "wolanczyk", 1958, 11, 2, sex="F"),
    )
    assert _weight(_pair(pairs, "es:1", "it:7"), "date of birth: different") >= -5.2


def test_the_same_region_counts_for_and_another_region_against(model, background):
    pairs = _score(
        model,
        background,
        person("es:1", "omar", "haddadi", 1980, 1, 2, region="murcia"),
        person("es:2", "omar", "haddadi", 1980, 1, 2, region="murcia"),
        person("es:3", "omar", "benslimane", 1980, 1, 2, region="murcia"),
        person("es:4", "omar", "benslimane", 1980, 1, 2, region="galicia"),
    )
    assert _weight(_pair(pairs, "es:1", "es:2"), "region: same") > 0
    assert _weight(_pair(pairs, "es:3", "es:4"), "region: different") < 0


def test_a_rare_whole_name_counts_more_than_a_common_one(model, background):
    common = background[background["surname_key"] == "el amrani"].iloc[0]
    pairs = _score(
        model,
        background,
        person("es:1", common["given_key"], "el amrani", 1970, 1, 1),
        person("ma:2", common["given_key"], "el amrani", 1970, 1, 1),
        person("es:3", "yusuf", "zarqawiyan", 1970, 1, 1),
        person("ma:4", "yusuf", "zarqawiyan", 1970, 1, 1),
    )
    rare = _weight(_pair(pairs, "es:3", "ma:4"), "surname: same given name and surname")
    assert rare > _weight(_pair(pairs, "es:1", "ma:2"), "surname: same given name and surname")
    assert any(s.startswith("surname: same given name and surname (rare)") for s in _pair(pairs, "es:3", "ma:4")["evidence"])


def test_swapped_names_count_by_how_common_the_names_are(model, background):
    common = background[background["surname_key"] == "okafor"].iloc[0]["given_key"]
    pairs = _score(
        model,
        background,
        person("es:1", common, "okafor", 1970, 1, 1),
        person("ng:2", "okafor", common, 1970, 1, 1),
        person("es:3", "yusuf", "zarqawiyan", 1970, 1, 1),
        person("ng:4", "zarqawiyan", "yusuf", 1970, 1, 1),
    )
    swapped_common = _weight(_pair(pairs, "es:1", "ng:2"), "surname: given name and surname swapped")
    swapped_rare = _weight(_pair(pairs, "es:3", "ng:4"), "surname: given name and surname swapped")
    assert swapped_rare > swapped_common


def test_the_prior_is_what_the_sure_rules_find_over_their_recall_read_from_the_trained_model(model, background):
    # A third of the background's people are recorded twice, and half of the copies change the given
    # name or misspell the surname: "same whole name and same full date" finds about one match in five.
    # Crediting the rule with a fixed recall (once 0.7) put the prior three times too low.
    records = len(background)
    true_pairs = int(background["ref"].str.startswith("bg_b:").sum())
    truth = true_pairs / (records * (records - 1) / 2)
    assert truth / 1.5 < model.settings["probability_two_random_records_match"] < truth * 1.5


def test_a_link_only_run_holds_a_cross_pair_to_the_odds_of_a_cross_pair(model, background):
    sources = background["source"].value_counts()
    left, right = int(sources["bg_a"]), int(sources["bg_b"])
    records = left + right
    assert model.prior_between(left, right) == pytest.approx(
        model.prior_for(records) * records * (records - 1) / 2 / (left * right))
    pool = model.predict(background, threshold=0.0)
    linked = model.predict(background, threshold=0.0, between=("bg_a", "bg_b"))
    pair = linked.iloc[len(linked) // 2]
    same = pool[(pool["left_ref"] == pair["left_ref"]) & (pool["right_ref"] == pair["right_ref"])].iloc[0]
    odds = model.prior_between(left, right) / (1 - model.prior_between(left, right))
    pool_odds = model.prior_for(records) / (1 - model.prior_for(records))
    assert pair["match_weight"] - same["match_weight"] == pytest.approx(math.log2(odds / pool_odds), abs=1e-6)
    assert pair["probability"] > same["probability"]


def _levels(model: ResolutionModel, name: str) -> list[dict]:
    comparison = next(c for c in model.settings["comparisons"] if c["output_column_name"] == name)
    return [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]


def test_a_comparison_of_columns_no_record_holds_is_kept_in_the_model_but_neutral(model, background):
    # The background has no address, postcode or locality: training skips those comparisons, the
    # saved model keeps them (a later store may have addresses) at m = u, and no pair mentions them.
    assert background[["address_key", "postcode", "locality"]].isna().all().all()
    for name in ("address", "place"):
        assert all(level["m_probability"] == level["u_probability"] for level in _levels(model, name))
    assert any(level["m_probability"] != level["u_probability"] for level in _levels(model, "region"))
    sentences = [s for evidence in model.predict(background, threshold=0.5)["evidence"] for s in evidence]
    assert sentences and not any(s.startswith(("address", "place of residence")) for s in sentences)


def test_training_sessions_run_with_duckdbs_cte_inlining_off_and_scoring_sessions_with_it_on():
    """``splink_session.TRAINING_DISABLED_OPTIMIZERS``: training's chained CTEs run faster as written,
    scoring's (tens of millions of pairs on a large store) faster inlined."""
    import duckdb

    from linkgraph.resolve.person_frame import prepare_person_frame
    from linkgraph.resolve.splink_session import open_session

    known = {name for (name,) in duckdb.connect().execute("SELECT name FROM duckdb_optimizers()").fetchall()}
    if "cte_inlining" not in known:
        pytest.skip(f"DuckDB {duckdb.__version__} has no cte_inlining optimizer")
    prepared = prepare_person_frame(frame_of(person("p1", "Ana", "Silva"), person("p2", "Ana", "Silva")))
    disabled = {}
    for training in (True, False):
        with open_session(prepared, training=training) as (db_api, _people):
            connection = db_api.duckdb_con
            disabled[training] = connection.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
            assert connection.execute("SELECT count(*) FROM people").fetchone()[0] == 2
    assert "cte_inlining" in disabled[True].lower()
    assert "cte_inlining" not in disabled[False].lower()


def test_a_session_parses_each_sql_text_once_hands_out_private_copies_and_puts_sqlglot_back():
    """``splink_session._parsed_once``: Splink parses the same texts again for every linker; within a
    session the second parse of a text is a copy of the first, a copy Splink may rewrite freely."""
    import sqlglot
    import sqlglot.expressions as exp

    from linkgraph.resolve.person_frame import prepare_person_frame
    from linkgraph.resolve.splink_session import open_session

    original = sqlglot.parse_one
    prepared = prepare_person_frame(frame_of(person("p1", "Ana", "Silva"), person("p2", "Ana", "Silva")))
    with open_session(prepared) as (_db_api, _people):
        cache = sqlglot.parse_one._linkgraph_cache
        first = sqlglot.parse_one("given_key_l = given_key_r", read="duckdb")
        assert ("given_key_l = given_key_r", "duckdb", None, None) in cache
        parsed = len(cache)  # a first parse in the process may parse sqlglot's own texts too
        first.find(exp.Column).set("this", exp.to_identifier("mangled"))
        second = sqlglot.parse_one("given_key_l = given_key_r", read="duckdb")
        assert len(cache) == parsed
        assert second is not first
        assert second.sql(dialect="duckdb") == "given_key_l = given_key_r"
        # parser options are not part of the cache key: such a call goes to sqlglot as it is
        sqlglot.parse_one("a = b", read="duckdb", error_level=sqlglot.ErrorLevel.RAISE)
        assert len(cache) == parsed
        with open_session(prepared) as _inner:  # a nested session keeps the outer cache
            assert sqlglot.parse_one._linkgraph_cache is cache
        assert sqlglot.parse_one._linkgraph_cache is cache
    assert sqlglot.parse_one is original
