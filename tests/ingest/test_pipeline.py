"""The ingest pipeline on a real store of each backend: bad rows quarantined, nothing lost, re-ingest idempotent."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest

from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.errors import InvalidData
from linkgraph.store import Store

from conftest import EMBEDDED_ONLY, StoreTarget

FIXTURES = Path(__file__).parent / "fixtures"


def entity_graph(store: Store) -> tuple[list, list, list]:
    """The case data and its provenance, without the run bookkeeping (run ids and times differ per run)."""
    nodes = store.read("MATCH (n) WHERE NOT n:IngestRun AND NOT n:Record "
                       "RETURN labels(n)[0], n.key, properties(n) ORDER BY labels(n)[0], n.key").rows
    rels = store.read("MATCH (a)-[r]->(b) RETURN a.key, type(r), r.key, b.key, properties(r) "
                      "ORDER BY a.key, type(r), r.key, b.key").rows
    records = store.read("MATCH (r:Record) RETURN r.key, r.source, r.file, r.line, r.record_id, r.case_id "
                         "ORDER BY r.key").rows
    return [repr(n) for n in nodes], [repr(r) for r in rels], [repr(r) for r in records]


def ingest_fixture(store: Store, tmp_path: Path, csv_path: Path | None = None):
    return ingest_files(store, [csv_path or FIXTURES / "persons.csv"], load_mapping(str(FIXTURES / "persons.yaml")),
                        rejects_path=tmp_path / "rejects.csv")


def test_bad_rows_go_to_the_rejects_file_with_line_field_and_reason(target: StoreTarget, tmp_path: Path) -> None:
    with target.open() as store:
        summary = ingest_fixture(store, tmp_path)
    # the bad birth date of line 4 is kept raw (the row is stored); the bad phone number identifies the
    # Phone of line 5, and the missing person id identifies line 6's person: both rows are rejected
    assert (summary.rows_read, summary.rows_rejected, summary.values_quarantined) == (5, 2, 1)
    with open(tmp_path / "rejects.csv", newline="", encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["line"], r["field"], r["action"]) for r in rejects] == [
        ("4", "birth_date", "keep_raw: stored as birth_date_raw"), ("5", "phone", "reject_row"), ("6", "person_id", "reject_row")]
    assert "there is no 31st of February in 1985" in rejects[0]["reason"]
    assert json.loads(rejects[1]["raw"])["phone"] == "12"


def test_every_good_row_is_stored(target: StoreTarget, tmp_path: Path) -> None:
    with target.open() as store:
        ingest_fixture(store, tmp_path)
        people = store.read("MATCH (p:Person) RETURN p.key, p.name_key, p.birth_date ORDER BY p.key").rows
        passport = store.read("MATCH (:Person {key: 'es-test:P1'})-[:HOLDS]->(d:Document) RETURN d.key").scalar()
        phone = store.read("MATCH (:Person {key: 'es-test:P1'})-[:USES]->(p:Phone) RETURN p.key").scalar()
    assert people == [["es-test:P1", "mohamed el amrani", "1987-03"], ["es-test:P2", "blessing okafor", "1999"],
                      ["es-test:P3", "nunez ana pena", None]]
    assert passport == "passport|MAR|X1234567"
    assert phone == "+34612345678"


def test_reingesting_the_same_file_changes_nothing(target: StoreTarget, tmp_path: Path) -> None:
    with target.open() as store:
        ingest_fixture(store, tmp_path)
        first = entity_graph(store)
        ingest_fixture(store, tmp_path)
        assert entity_graph(store) == first


def test_a_corrected_row_updates_the_entity_and_keeps_the_old_provenance(target: StoreTarget, tmp_path: Path) -> None:
    corrected = tmp_path / "persons.csv"
    text = (FIXTURES / "persons.csv").read_text()
    corrected.write_text(text.replace("ES-2024-117;P1;EL AMRANI Mohamed;03/1987", "ES-2024-117;P1;EL AMRANI Mohammed;05/03/1987"))
    with target.open() as store:
        ingest_fixture(store, tmp_path)
        ingest_fixture(store, tmp_path, corrected)
        row = store.read("MATCH (p:Person {key: 'es-test:P1'}) RETURN p.name, p.birth_date").rows[0]
        provenance = store.query("provenance", {"key": "es-test:P1"}).records()
    assert row == ["EL AMRANI Mohammed", "1987-03-05"]
    assert len(provenance) == 2
    assert {p["file"] for p in provenance} == {str(FIXTURES / "persons.csv"), str(corrected)}


def test_a_file_that_cannot_be_read_writes_nothing(target: StoreTarget, tmp_path: Path) -> None:
    broken = tmp_path / "persons.csv"
    broken.write_bytes((FIXTURES / "persons.csv").read_bytes() + b"ES-1;P9;\xff\xfe;1990;;;;;;;\n")
    mapping = load_mapping(str(FIXTURES / "persons.yaml"))
    mapping.tables[0].reader["encoding"] = "utf-8"
    with target.open() as store:
        with pytest.raises(InvalidData, match="persons.csv: line 7"):
            ingest_files(store, [FIXTURES / "persons.csv", broken], mapping, rejects_path=tmp_path / "r.csv")
        assert store.read("MATCH (n) RETURN count(n)").scalar() in (0, None)


RELATIONAL = {
    "persons.csv": "person_id,surname,given\nA1,Okafor,Blessing\nA2,Diallo,Mamadou\n",
    "offences.csv": "offence_id,case_ref,offence_type\nO1,FR-2025-9,migrant_smuggling\n",
    "person_offence.csv": "person_id,offence_id,role\nA1,O1,victim\nA2,O1,suspect\nA9,O1,suspect\n",
}
RELATIONAL_MAPPING = """
source: fr-test
reader: {format: csv}
tables:
  persons:
    file: "persons*.csv"
    record_id: person_id
    entities:
      person:
        type: Person
        id: person_id
        properties:
          name: {column: given, normalise: name_parts, options: {surname: {column: surname}}}
  offences:
    file: "offences*.csv"
    case: case_ref
    entities:
      offence: {type: Offence, id: offence_id, properties: {offence_type: offence_type}}
      case: {type: Case, key: case_ref}
    relationships:
      - {type: PART_OF, from: offence, to: case}
  roles:
    file: "person_offence*.csv"
    entities:
      person: {type: Person, ref: person_id}
      offence: {type: Offence, ref: offence_id}
    relationships:
      - {type: INVOLVED_IN, from: person, to: offence, properties: {role: {column: role, normalise: role}}}
"""


def test_link_tables_join_entities_of_other_files_and_reject_unknown_ids(target: StoreTarget, tmp_path: Path) -> None:
    for name, text in RELATIONAL.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "map.yaml").write_text(RELATIONAL_MAPPING)
    files = [tmp_path / "person_offence.csv", tmp_path / "persons.csv", tmp_path / "offences.csv"]
    with target.open() as store:
        summary = ingest_files(store, files, load_mapping(str(tmp_path / "map.yaml")), rejects_path=tmp_path / "r.csv")
        roles = store.read("MATCH (p:Person)-[r:INVOLVED_IN]->(o:Offence) RETURN p.key, r.role ORDER BY p.key").rows
        names = store.read("MATCH (p:Person) RETURN p.name_key ORDER BY p.key").rows
    assert roles == [["fr-test:A1", "victim"], ["fr-test:A2", "suspect"]]
    assert names == [["blessing okafor"], ["mamadou diallo"]]
    assert summary.rows_rejected == 1
    rejected = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    assert (rejected[0]["line"], rejected[0]["field"]) == ("4", "person_id")
    assert "'A9' is not defined by source fr-test" in rejected[0]["reason"]



@EMBEDDED_ONLY  # on Neo4j: covered by test_link_tables_join_entities_of_other_files_and_reject_unknown_ids
@pytest.mark.parametrize("reader_process", [True, False], ids=["child-process", "in-process"])
def test_reading_in_a_child_process_or_in_process_stores_the_same(target: StoreTarget, tmp_path: Path,
                                                                   reader_process: bool) -> None:
    for name, text in RELATIONAL.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "map.yaml").write_text(RELATIONAL_MAPPING)
    files = [tmp_path / "person_offence.csv", tmp_path / "persons.csv", tmp_path / "offences.csv"]
    with target.open() as store:
        summary = ingest_files(store, files, load_mapping(str(tmp_path / "map.yaml")), rejects_path=tmp_path / "r.csv",
                               reader_process=reader_process)
        nodes, rels, records = entity_graph(store)
    assert (summary.rows_read, summary.rows_rejected) == (6, 1)
    assert (len(nodes), len(rels), len(records)) == (4, 3, 5)
    assert "'A9' is not defined" in (tmp_path / "r.csv").read_text()


NESTED_MAPPING = """
source: it-test
reader: {format: ndjson, date_order: ymd}
case: case.reference
record_id: case.reference
entities:
  case: {type: Case, key: case.reference}
  suspect:
    type: Person
    foreach: "suspects[]"
    id: id
    properties:
      name: {column: name.given, normalise: name_parts, options: {surname: {column: name.family}}}
      birth_date: {column: birth_date, normalise: date}
  document:
    type: Document
    foreach: "suspects[].documents[]"
    key: {column: number, normalise: document, options: {doc_type: {column: type}, country: {column: country}}}
  offence:
    type: Offence
    foreach: "case.offences[]"
    id: id
    properties: {offence_type: type}
relationships:
  - {type: HOLDS, from: suspect, to: document}
  - {type: INVOLVED_IN, from: suspect, to: offence, properties: {role: {value: suspect}}}
  - {type: PART_OF, from: offence, to: case}
"""


def test_nested_json_arrays_give_each_child_to_its_parent(target: StoreTarget, tmp_path: Path) -> None:
    case = {"case": {"reference": "IT-2025-031", "offences": [{"id": "o1", "type": "migrant_smuggling"}]},
            "suspects": [
                {"id": "s1", "name": {"given": "Ivan", "family": "Петров"}, "birth_date": "1980",
                 "documents": [{"type": "passport", "number": "AB 123", "country": "UA"}]},
                {"id": "s2", "name": {"given": "Yusuf", "family": "Kaya"}, "birth_date": "1979-04-02",
                 "documents": [{"type": "id_card", "number": "T-99 88", "country": "TUR"},
                               {"type": "passport", "number": "U777", "country": "TUR"}]}]}
    (tmp_path / "cases.ndjson").write_text(json.dumps(case, ensure_ascii=False) + "\n")
    (tmp_path / "map.yaml").write_text(NESTED_MAPPING)
    with target.open() as store:
        ingest_files(store, [tmp_path / "cases.ndjson"], load_mapping(str(tmp_path / "map.yaml")), rejects_path=tmp_path / "r.csv")
        held = store.read("MATCH (p:Person)-[:HOLDS]->(d:Document) RETURN p.key, d.key ORDER BY p.key, d.key").rows
        involved = store.read("MATCH (p:Person)-[:INVOLVED_IN]->(:Offence)-[:PART_OF]->(c:Case) RETURN p.key, c.key ORDER BY p.key").rows
        name = store.read("MATCH (p:Person {key: 'it-test:s1'}) RETURN p.name, p.name_key").rows[0]
    assert held == [["it-test:s1", "passport|UKR|AB123"], ["it-test:s2", "id_card|TUR|T9988"],
                    ["it-test:s2", "passport|TUR|U777"]]
    assert involved == [["it-test:s1", "IT-2025-031"], ["it-test:s2", "IT-2025-031"]]
    assert name == ["Ivan Петров", "ivan petrov"]


def test_the_shipped_case_export_mapping_keeps_every_role_s_documents_and_phones(target: StoreTarget,
                                                                                 tmp_path: Path) -> None:
    """A witness's passport and phone are as much a cross-case link as a suspect's (they were once left out)."""
    person = {"name": {"given": "Tekle", "family": "Tesfaye"}, "birth_date": "1979-11-06"}
    case = {"case": {"reference": "IT-2023-00003", "country": "IT", "offences": [{"id": "o1", "type": "migrant_smuggling"}]},
            **{role: [{**person, "id": f"{role}-1", "documents": [{"type": "passport", "number": f"P78426{n}9", "country": "ER"}],
                       "phones": [f"+3933312345{n}"]}] for n, role in enumerate(("suspects", "victims", "witnesses"))}}
    (tmp_path / "cases.ndjson").write_text(json.dumps(case) + "\n")
    with target.open() as store:
        ingest_files(store, [tmp_path / "cases.ndjson"], load_mapping("case-ndjson"), rejects_path=tmp_path / "r.csv")
        held = store.read("MATCH (p:Person)-[:HOLDS]->(d:Document) RETURN p.key, d.key ORDER BY p.key").rows
        used = store.read("MATCH (p:Person)-[:USES]->(t:Phone) RETURN p.key ORDER BY p.key").rows
    assert held == [["it-cms:suspects-1", "passport|ERI|P7842609"], ["it-cms:victims-1", "passport|ERI|P7842619"],
                    ["it-cms:witnesses-1", "passport|ERI|P7842629"]]
    assert used == [["it-cms:suspects-1"], ["it-cms:victims-1"], ["it-cms:witnesses-1"]]


KILLER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from linkgraph.ingest.mapping import load_mapping
    from linkgraph.ingest.pipeline import ingest_files
    from linkgraph.store import open_store
    store = open_store(sys.argv[1], create=True)
    ingest_files(store, [Path(sys.argv[2])], load_mapping(sys.argv[3]), rejects_path=Path(sys.argv[4]),
                 chunk_rows=int(sys.argv[5]), progress=lambda n: print("CHUNK", flush=True))
    store.close()
""")


def test_an_ingest_killed_midway_and_rerun_ends_like_one_clean_run(tmp_path: Path, python: str, target: StoreTarget) -> None:
    big = tmp_path / "big.csv"
    lines = (FIXTURES / "persons.csv").read_text().splitlines()
    header, good = lines[0], lines[1:3]
    body = [good[i % 2].replace(";P1;", f";K{i};").replace(";P2;", f";K{i};").replace("x12-345 67", f"x12-{i:06d}")
            .replace("612 345 678", f"6{i % 100:02d} 345 {i % 1000:03d}") for i in range(3000)]
    big.write_text("\n".join([header] + body) + "\n")
    mapping = str(FIXTURES / "persons.yaml")
    with target.open() as clean:  # one clean run first, on the same backend; then the store is emptied again
        ingest_files(clean, [big], load_mapping(mapping), rejects_path=tmp_path / "r0.csv", chunk_rows=200)
        expected = entity_graph(clean)
        clean.write("MATCH (n) DETACH DELETE n")
    args = [python, "-c", KILLER, target.uri, str(big), mapping, str(tmp_path / "r1.csv"), "200"]
    victim = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=target.run_env)
    for seen, _ in enumerate(victim.stdout, start=1):
        if seen == 4:
            break
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    victim.stdout.close()
    with target.open() as store:
        partial = store.read("MATCH (p:Person) RETURN count(p)").scalar()
        assert 0 < partial < 3000, "the kill should land mid-ingest"
        ingest_files(store, [big], load_mapping(mapping), rejects_path=tmp_path / "r2.csv", chunk_rows=200)
        assert entity_graph(store) == expected
