"""Which level of the name comparisons a pair of records falls in (the model's SQL run on a frame)."""

from __future__ import annotations

import duckdb
import pytest

from linkgraph.resolve.comparisons import COMPARISONS
from linkgraph.resolve.person_frame import person_frame, prepare_person_frame


def _levels(given: tuple[str, str], surname: tuple[str, str]) -> dict[str, str]:
    """The label of the level each name comparison gives records (given[0], surname[0]) and (given[1],
    surname[1])."""
    rows = [{"ref": f"s:{n}", "source": "s", "given_key": g, "surname_key": f, "name_key": f"{g} {f}"}
            for n, (g, f) in enumerate(zip(given, surname))]
    prepared = prepare_person_frame(person_frame(rows))
    con = duckdb.connect()
    con.register("people", prepared)
    columns = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in prepared.column_names)
    con.execute(f"CREATE TABLE pair AS SELECT {columns} FROM people l, people r WHERE l.ref = 's:0' AND r.ref = 's:1'")
    labels = {}
    for comparison in COMPARISONS[:2]:
        for level in comparison["comparison_levels"]:
            condition = level["sql_condition"]
            if condition.strip() == "ELSE" or con.execute(f"SELECT count(*) FROM pair WHERE {condition}").fetchone()[0]:
                labels[comparison["output_column_name"]] = level["label_for_charts"]
                break
    return labels


@pytest.mark.parametrize(
    ("given", "surname", "expected"),
    [
        (("yusuf", "lhddy"), ("el haddadi", "ywsf"), "given name and surname swapped, one side written without vowels"),
        (("mohamed", "mhmd"), ("el trabelsi", "ltrblsy"), "same consonants, one side written without vowels (as from Arabic script)"),
        (("florin constantin", "stoica"), ("stoica", "florin"), "given name and surname swapped, one spelt differently or with a name more"),
        (("jack", "ryan"), ("ryan", "jack"), "given name and surname swapped"),
        (("zineb", "zeinab"), ("alaoui", "el alaoui"), "same surname but for the article (al-, el-)"),
        (("ali", "ly"), ("gamal", "jml"), "same consonants, one side written without vowels (as from Arabic script)"),
    ],
)
def test_a_pair_falls_in_the_surname_level_that_describes_it(given, surname, expected):
    assert _levels(given, surname)["surname"] == expected


@pytest.mark.parametrize(
    ("given", "surname"),
    [
        (("yusuf", "lhddy"), ("el haddadi", "ywsf")),
        (("mahmoud ahmed", "mohamed ahmed"), ("mohamed", "mahmoud")),
        (("florin constantin", "stoica"), ("stoica", "florin")),
    ],
)
def test_the_given_name_yields_when_the_surname_scores_the_whole_name(given, surname):
    assert _levels(given, surname)["given_name"].startswith("compared with the surname")
