"""Row-level joins in mappings (``join:``): a calls file joined with its subscribers file, persons with
their documents; through the CLI, on a real store of each backend, with files made here."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import StoreTarget
from linkgraph.errors import InvalidMapping
from linkgraph.ingest.mapping import load_mapping

CALLS = """\
call_id,caller_sub,callee_sub,start,seconds
C1,S1,S2,2024-02-01 08:10,30
C2,S1,S9,2024-02-01 21:45,95
C3,S3,S2,2024-02-02 09:00,12
C4,,S2,2024-02-02 10:00,40
C5,S7,S1,2024-02-03 11:00,5
C6,S2,S1,2024-02-03 12:00,7
"""
# semicolons, a repeated identical row (S2: one subscriber), two different rows for S3, a bad row
SUBSCRIBERS = """\
id;number;holder
S1;+34 612 345 678;Ana
S2;+34 699 000 111;Luis
S3;+34 600 000 001;Eva
S3;+34 600 000 002;Eva
S2;+34 699 000 111;Luis
S4;+34 600 000 004
"""
CALLS_MAPPING = """\
source: telco
reader: {format: csv, date_order: ymd}
tables:
  subscribers:
    file: "subscribers*.csv"
    reader: {delimiter: ";"}
  calls:
    file: "calls*.csv"
    join:
      - {table: subscribers, on: {caller_sub: id}, as: caller}
      - {table: subscribers, on: {callee_sub: id}, as: callee, how: left}
    entities:
      call:
        type: Event
        id: call_id
        properties: {kind: {value: call}, time: start, duration: {column: seconds, normalise: number}}
      a: {type: Phone, key: {column: caller.number, normalise: phone}}
      b: {type: Phone, optional: true, key: {column: callee.number, normalise: phone}}
    relationships:
      - {type: TOOK_PART_IN, from: a, to: call, properties: {role: {value: caller}}}
      - {type: TOOK_PART_IN, from: b, to: call, properties: {role: {value: callee}}}
"""


def lg(target: StoreTarget, python: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "linkgraph", "--store", target.uri, *args], capture_output=True,
                          text=True, timeout=300, env={**os.environ, **target.env})


def cypher(target: StoreTarget, python: str, query: str) -> list[dict]:
    done = lg(target, python, "cypher", query, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def files(tmp_path: Path, **texts: str) -> dict[str, Path]:
    paths = {}
    for name, text in texts.items():
        path = tmp_path / name.replace("_", ".", 1)
        path.write_text(text, encoding="utf-8")
        paths[name] = path
    return paths


def rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_calls_file_joined_with_its_subscribers_file_gets_both_phone_numbers(
        python: str, target: StoreTarget, tmp_path: Path) -> None:
    paths = files(tmp_path, calls_csv=CALLS, subscribers_csv=SUBSCRIBERS, m_yaml=CALLS_MAPPING)
    done = lg(target, python, "ingest", str(paths["calls_csv"]), str(paths["subscribers_csv"]),
              "--mapping", str(paths["m_yaml"]), "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    parties = cypher(target, python, "MATCH (p:Phone)-[t:TOOK_PART_IN]->(e:Event) "
                                     "RETURN e.source_id AS call, t.role AS role, p.key AS phone ORDER BY call, role")
    # truth, by hand: C1 S1->S2; C2 S1->S9 (no such subscriber: the left join keeps the call, no callee);
    # C6 S2->S1. C3 (S3 twice, differently), C4 (no caller) and C5 (S7 unknown, inner join) are rejected.
    assert [(p["call"], p["role"], p["phone"]) for p in parties] == [
        ("C1", "callee", "+34699000111"), ("C1", "caller", "+34612345678"),
        ("C2", "caller", "+34612345678"),
        ("C6", "callee", "+34612345678"), ("C6", "caller", "+34699000111")]
    lines = {(Path(r["file"]).name, r["line"]): r for r in rejects(tmp_path / "r.csv")}
    assert set(lines) == {("calls.csv", "4"), ("calls.csv", "5"), ("calls.csv", "6"), ("subscribers.csv", "7")}
    assert lines[("calls.csv", "4")]["field"] == "caller_sub"
    assert "2 different rows of subscribers.csv have id 'S3' (lines 4, 5)" in lines[("calls.csv", "4")]["reason"]
    assert lines[("calls.csv", "5")]["reason"].startswith("caller_sub is empty: nothing to join it with")
    assert "caller_sub 'S7' matches no row of subscribers.csv (join caller, how: inner)" in lines[("calls.csv", "6")]["reason"]
    assert "lookup table subscribers: row has 2 fields, the header has 3" in lines[("subscribers.csv", "7")]["reason"]
    records = cypher(target, python, "MATCH (r:Record) RETURN r.file AS file, r.line AS line ORDER BY line")
    assert [r["line"] for r in records] == ["2", "3", "7"]  # provenance: the calls file's lines


PERSONS = """\
person_id,name
P1,Ana GARCIA
P2,Luis PEREZ
P3,Eva LOPEZ
"""
DOCUMENTS = """\
owner,doc_type,number,country
P1,passport,X1234567,ESP
P1,id_card,11111111H,ESP
P2,passport,Y7654321,ESP
P2,passport,Y7654322,ESP
"""
PERSONS_MAPPING = """\
source: reg
reader: {{format: csv}}
tables:
  documents:
    file: "documents*.csv"
  persons:
    file: "persons*.csv"
    join: {{table: documents, on: {{person_id: owner}}, as: doc, how: left, duplicates: {duplicates}}}
    entities:
      person:
        type: Person
        id: person_id
        properties: {{name: {{column: name, normalise: name}}}}
      document:
        type: Document
        optional: true
        key: {{column: doc.number, normalise: document, options: {{doc_type: {{column: doc.doc_type}}, country: {{column: doc.country}}}}}}
    relationships:
      - {{type: HOLDS, from: person, to: document}}
"""


@pytest.mark.parametrize(("duplicates", "held"), [
    ("all", [("reg:P1", "id_card|ESP|11111111H"), ("reg:P1", "passport|ESP|X1234567"),
             ("reg:P2", "passport|ESP|Y7654321"), ("reg:P2", "passport|ESP|Y7654322")]),
    ("first", [("reg:P1", "passport|ESP|X1234567"), ("reg:P2", "passport|ESP|Y7654321")]),
    ("last", [("reg:P1", "id_card|ESP|11111111H"), ("reg:P2", "passport|ESP|Y7654322")]),
])
def test_a_persons_file_joined_with_its_documents_takes_all_first_or_last_match(
        python: str, target: StoreTarget, tmp_path: Path, duplicates: str, held: list[tuple[str, str]]) -> None:
    paths = files(tmp_path, persons_csv=PERSONS, documents_csv=DOCUMENTS,
                  m_yaml=PERSONS_MAPPING.format(duplicates=duplicates))
    done = lg(target, python, "ingest", str(paths["persons_csv"]), str(paths["documents_csv"]),
              "--mapping", str(paths["m_yaml"]), "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr
    rows = cypher(target, python, "MATCH (p:Person)-[:HOLDS]->(d:Document) RETURN p.key AS p, d.key AS d ORDER BY p, d")
    assert [(r["p"], r["d"]) for r in rows] == held
    persons = cypher(target, python, "MATCH (p:Person) RETURN p.key AS key ORDER BY key")
    assert [p["key"] for p in persons] == ["reg:P1", "reg:P2", "reg:P3"]  # P3 has no document: kept (how: left)
    if duplicates == "all":  # one record per pair, located by both lines
        lines = cypher(target, python, "MATCH (r:Record) RETURN r.line AS line ORDER BY line")
        assert [r["line"] for r in lines] == ["2+2", "2+3", "3+4", "3+5", "4"]


def test_mapping_check_names_an_unknown_join_table_and_bad_join_options_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(CALLS_MAPPING.replace("{table: subscribers, on: {caller_sub",
                                                           "{table: subscriber, on: {caller_sub")
                                     .replace("how: left}", "how: outer, duplicates: any}"))
    with pytest.raises(InvalidMapping) as caught:
        load_mapping(str(tmp_path / "m.yaml"))
    message = str(caught.value)
    assert "m.yaml:10: table 'calls' joins an unknown table 'subscriber' (did you mean 'subscribers'?)" in message
    assert "m.yaml:11: how is inner (a row with no match is rejected) or left (kept without the joined columns), not 'outer'" in message
    assert "m.yaml:11: duplicates is one of reject, first, last, all, not 'any'" in message


@pytest.mark.parametrize(("text", "message"), [
    ("join: {table: calls, on: x}", "m.yaml:6: table 'calls' cannot join itself"),
    ("join: {table: subscribers}", "m.yaml:6: a join needs table: (the lookup table) and on:"),
    ("join: {table: subscribers, on: [a, b]}", "m.yaml:6: on: is a column both files share"),
    ("join: {table: subscribers, on: id, as: a.b}", "m.yaml:6: as: is the prefix joined columns are read under"),
    ("join: {table: subscribers, on: id, kind: inner}", "m.yaml:6: unknown join key 'kind'"),
    ("", "m.yaml:10: table 'subscribers' has no entities: and no table joins it"),
])
def test_join_mistakes_are_refused_before_any_row(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "m.yaml").write_text(f"""source: t
reader: {{format: csv}}
tables:
  calls:
    file: "calls*.csv"
    {text}
    entities:
      call: {{type: Event, id: call_id}}

  subscribers:
    file: "subscribers*.csv"
""")
    with pytest.raises(InvalidMapping) as caught:
        load_mapping(str(tmp_path / "m.yaml"))
    assert message in str(caught.value)


def test_mapping_check_with_samples_names_a_joined_column_the_lookup_file_lacks(python: str, tmp_path: Path) -> None:
    paths = files(tmp_path, calls_csv=CALLS, subscribers_csv=SUBSCRIBERS,
                  m_yaml=CALLS_MAPPING.replace("column: caller.number", "column: caller.numbr")
                  .replace("{callee_sub: id}", "{callee_sub: ident}"))
    done = subprocess.run([python, "-m", "linkgraph", "mapping", "check", str(paths["m_yaml"]),
                           str(paths["calls_csv"]), str(paths["subscribers_csv"])], capture_output=True, text=True)
    assert done.returncode == 2
    assert ("m.yaml:17: column 'caller.numbr' is not in subscribers.csv (table subscribers, joined as caller) "
            "(did you mean 'number'?)") in done.stderr
    assert ("m.yaml:11: join callee: the key column 'ident' (on:) is not in subscribers.csv (table subscribers) "
            "(expected one of: id, number, holder)") in done.stderr  # every join's columns, reported together
    assert "Traceback" not in done.stderr


def test_mapping_check_tries_the_joined_rows_and_refuses_a_join_without_its_lookup_file(python: str, tmp_path: Path) -> None:
    paths = files(tmp_path, calls_csv=CALLS, subscribers_csv=SUBSCRIBERS, m_yaml=CALLS_MAPPING)
    check = [python, "-m", "linkgraph", "mapping", "check", str(paths["m_yaml"]), str(paths["calls_csv"])]
    both = subprocess.run(check + [str(paths["subscribers_csv"])], capture_output=True, text=True)
    assert both.returncode == 3
    # 6 calls and the lookup file's bad row; 3 calls and that row rejected
    assert "7 rows tried" in both.stdout and "4 rows would be rejected" in both.stdout
    assert "line subscribers.csv:7: (row): lookup table subscribers: row has 2 fields, the header has 3" in both.stdout
    assert "line 6: caller_sub: caller_sub 'S7' matches no row of subscribers.csv" in both.stdout
    alone = subprocess.run(check, capture_output=True, text=True)
    assert alone.returncode == 2
    assert ("table calls joins table subscribers, but no file given matches it (subscribers*.csv); "
            "give its file too") in alone.stderr
