"""neo4j-admin import files mapped as they are: a typed header (``age:int``, ``born:date``,
``aliases:string[]``) picks its normaliser by itself; a bad value for the type costs what ``on_error`` says."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import StoreTarget
from linkgraph.errors import InvalidMapping
from linkgraph.ingest.fields import header_type
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.normalise import Invalid, normalise_boolean, normalise_number

PERSONS = """\
personId:ID(Person),name:string,born:date,age:int,score:float,flag:boolean,aliases:string[],note:IGNORE,:LABEL
p1,Ana GARCIA,1990-03-16,34,0.5,true,Nana;La Rubia,x,Person
p2,Luis PEREZ,1990-02-31,3.5,abc,maybe,,y,Person
p3,Eva LOPEZ,,41,2,FALSE,Evi,z,Person
"""
RELS = """\
:START_ID(Person),:END_ID(Person),:TYPE,since:int
p1,p2,KNOWS,2019
p1,p3,KNOWS,20x
p3,p1,FAMILY_OF,1990
p1,p9,KNOWS,2020
"""
MAPPING = """\
source: n4j
reader: {format: csv, delimiter: ","}
on_error: keep_raw
tables:
  persons:
    file: "persons*.csv"
    entities:
      person:
        type: Person
        id: "personId:ID(Person)"
        properties:
          name: {column: "name:string", normalise: name}
          birth_date: "born:date"
          age: {column: "age:int", on_error: drop_field}
          score: "score:float"
          flag: "flag:boolean"
          aliases: "aliases:string[]"
          first_alias: {column: "aliases:string[]", pick: first}
  knows:
    file: "rels*.csv"
    where: {column: ":TYPE", equals: KNOWS}
    entities:
      a: {type: Person, ref: ":START_ID(Person)"}
      b: {type: Person, ref: ":END_ID(Person)"}
    relationships:
      - {type: KNOWS, from: a, to: b, properties: {since: "since:int"}}
"""


def lg(target: StoreTarget, python: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "linkgraph", "--store", target.uri, *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **target.env})


def test_neo4j_admin_files_ingest_with_their_header_types_and_no_normaliser_named(
        python: str, target: StoreTarget, tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_text(PERSONS)
    (tmp_path / "rels.csv").write_text(RELS)
    (tmp_path / "m.yaml").write_text(MAPPING)
    done = lg(target, python, "ingest", str(tmp_path / "persons.csv"), str(tmp_path / "rels.csv"),
              "--mapping", str(tmp_path / "m.yaml"), "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    query = ("MATCH (p:Person) RETURN p.key AS key, p.birth_date AS born, p.birth_date_year AS year, "
             "p.birth_date_raw AS born_raw, p.age AS age, p.age_raw AS age_raw, p.score AS score, "
             "p.score_raw AS score_raw, p.flag AS flag, p.flag_raw AS flag_raw, p.aliases AS aliases, "
             "p.first_alias AS first_alias ORDER BY key")
    shown = lg(target, python, "cypher", query, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    persons = {p.pop("key"): p for p in json.loads(shown.stdout)}
    assert persons["n4j:p1"] == {"born": "1990-03-16", "year": 1990, "born_raw": None, "age": 34, "age_raw": None,
                                 "score": 0.5, "score_raw": None, "flag": True, "flag_raw": None,
                                 "aliases": ["Nana", "La Rubia"], "first_alias": "Nana"}
    # each bad value costs what on_error says: kept raw (the mapping's default), or dropped (age)
    assert persons["n4j:p2"] == {"born": None, "year": None, "born_raw": "1990-02-31", "age": None, "age_raw": None,
                                 "score": None, "score_raw": "abc", "flag": None, "flag_raw": "maybe",
                                 "aliases": None, "first_alias": None}
    assert persons["n4j:p3"]["score"] == 2.0 and isinstance(persons["n4j:p3"]["score"], float)
    assert (persons["n4j:p3"]["age"], persons["n4j:p3"]["flag"], persons["n4j:p3"]["aliases"]) == (41, False, ["Evi"])
    rels = lg(target, python, "cypher", "MATCH (a)-[k:KNOWS]->(b) RETURN a.key AS a, b.key AS b, k.since AS since, "
                                         "k.since_raw AS raw ORDER BY b", "--format", "json")
    assert json.loads(rels.stdout) == [{"a": "n4j:p1", "b": "n4j:p2", "since": 2019, "raw": None},
                                       {"a": "n4j:p1", "b": "n4j:p3", "since": None, "raw": "20x"}]
    with (tmp_path / "r.csv").open(newline="") as handle:
        lines = [(Path(r["file"]).name, r["line"], r["field"], r["reason"], r["action"]) for r in csv.DictReader(handle)]
    assert lines == [
        ("persons.csv", "3", "born:date", "no such day: there is no 31st of February in 1990: '1990-02-31'",
         "keep_raw: stored as birth_date_raw"),
        ("persons.csv", "3", "age:int", "not a whole number: '3.5' (the column holds integers)", "drop_field: age not stored"),
        ("persons.csv", "3", "score:float", "not a number: 'abc'", "keep_raw: stored as score_raw"),
        ("persons.csv", "3", "flag:boolean", "not a boolean (true or false): 'maybe'", "keep_raw: stored as flag_raw"),
        ("rels.csv", "3", "since:int", "not a number: '20x'", "keep_raw: stored as since_raw"),
        ("rels.csv", "5", ":END_ID(Person)", "Person 'p9' is not defined by source n4j", "reject_row"),
    ]


@pytest.mark.parametrize(("column", "expected"), [
    ("age:int", ("int", False)), ("born:DATE", ("date", False)), ("aliases:string[]", ("string", True)),
    (":ID(Person)", ("id", False)), (":START_ID(Person)", ("start_id", False)), (":TYPE", ("type", False)),
    ("x:IGNORE", ("ignore", False)), ("age", None), ("Time: 12", None), ("a:weird", None),
])
def test_header_types_are_read_from_the_header_only(column: str, expected: tuple[str, bool] | None) -> None:
    assert header_type(column) == expected


def write(tmp_path: Path, properties: str, reader: str = "{format: csv}") -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(f"""source: t
reader: {reader}
entities:
  person:
    type: Person
    id: ":ID"
    properties:
      {properties}
""")
    return path


def test_an_ignored_column_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match=r"m.yaml:8: column 'note:IGNORE' is marked :IGNORE by its header"):
        load_mapping(str(write(tmp_path, 'note: "note:IGNORE"')))


def test_a_typed_header_is_checked_against_the_model(tmp_path: Path) -> None:
    mapping = load_mapping(str(write(tmp_path, 'birth_date: "born:date"')))  # a date column fills a date property
    spec = mapping.tables[0].entities["person"].properties["birth_date"]
    assert (spec.normaliser, spec.options) == ("date", {"order": "ymd"})
    with pytest.raises(InvalidMapping, match="Person.birth_date is a date: give it normalise: date, not number"):
        load_mapping(str(write(tmp_path, 'birth_date: "born:int"')))


def test_a_named_normaliser_wins_over_the_header_type(tmp_path: Path) -> None:
    mapping = load_mapping(str(write(tmp_path, 'birth_date: {column: "born:date", normalise: date, options: {order: dmy}}')))
    spec = mapping.tables[0].entities["person"].properties["birth_date"]
    assert (spec.normaliser, spec.options) == ("date", {"order": "dmy"})


def test_the_array_delimiter_may_not_be_the_field_delimiter(tmp_path: Path) -> None:
    with pytest.raises(InvalidMapping, match="m.yaml:2: array_delimiter is the text between the elements"):
        load_mapping(str(write(tmp_path, 'alias: "a:string[]"', '{format: csv, delimiter: "|", array_delimiter: "|"}')))


@pytest.mark.parametrize(("raw", "kind", "expected"), [
    ("42", "int", 42), ("3.0", "int", 3), (7.0, "int", 7), ("3.5", "int", None), ("3", "float", 3.0),
    ("0,75", "float", 0.75), ("3", None, 3), ("x", "int", None),
])
def test_number_kinds(raw: object, kind: str | None, expected: float | None) -> None:
    result = normalise_number(raw, kind)
    if expected is None:
        assert isinstance(result, Invalid)
    else:
        assert result.display == expected and type(result.display) is type(expected)


@pytest.mark.parametrize(("raw", "expected"), [
    ("true", True), ("TRUE", True), ("yes", True), ("1", True), ("f", False), ("No", False), (False, False),
    ("maybe", None), ("", None), ("2", None),
])
def test_booleans(raw: object, expected: bool | None) -> None:
    result = normalise_boolean(raw)
    assert (None if isinstance(result, Invalid) else result.display) == expected
