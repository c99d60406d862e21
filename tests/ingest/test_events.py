"""Events, relationship keys from the source and the person-to-person relationships, on a real store."""

from __future__ import annotations

from pathlib import Path

from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.store.base import Store

CALLS = """\
call_id,caller,callee,start,seconds,cell
C1,+34 612 345 678,+34 699 000 111,2024-02-01 08:10,30,Madrid
C2,+34 612 345 678,+34 699 000 111,2024-02-01 21:45,95,Madrid
C3,+34 699 000 111,+34 612 345 678,2024-02-02 09:00,12,
"""
CALLS_MAPPING = """
source: telco
reader: {format: csv, date_order: ymd}
constants: {country: ESP}
entities:
  call:
    type: Event
    id: {template: "call/{call_id}"}
    properties:
      kind: {value: call}
      time: start
      duration: {column: seconds, normalise: number}
  caller: {type: Phone, key: {column: caller, normalise: phone}}
  callee: {type: Phone, key: {column: callee, normalise: phone}}
  cell:
    type: Location
    optional: true
    key: {column: cell, normalise: place, options: {country: {const: country}}}
relationships:
  - {type: TOOK_PART_IN, from: caller, to: call, properties: {role: {value: caller}}}
  - {type: TOOK_PART_IN, from: callee, to: call, properties: {role: {value: callee}}}
  - {type: AT, from: call, to: cell}
  - {type: CONTACTED, from: caller, to: callee, key: call_id, properties: {date: {column: start, normalise: date}, duration: seconds}}
"""


def test_two_calls_on_one_day_stay_two_events_and_two_contacts(store: Store, tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text(CALLS)
    (tmp_path / "m.yaml").write_text(CALLS_MAPPING)
    summary = ingest_files(store, [tmp_path / "calls.csv"], load_mapping(str(tmp_path / "m.yaml")),
                           rejects_path=tmp_path / "r.csv")
    events = store.read("MATCH (e:Event) RETURN e.source_id, e.kind, e.duration ORDER BY e.source_id").rows
    parties = store.read("MATCH (p:Phone)-[t:TOOK_PART_IN]->(e:Event {source_id: 'call/C1'}) "
                         "RETURN t.role, p.key ORDER BY t.role").rows
    contacts = store.read("MATCH (:Phone {key: '+34612345678'})-[c:CONTACTED]->(:Phone {key: '+34699000111'}) "
                          "RETURN c.source_id, c.duration ORDER BY c.source_id").rows
    places = store.read("MATCH (e:Event)-[:AT]->(l:Location) RETURN e.source_id ORDER BY e.source_id").rows
    assert summary.rows_rejected == 0
    assert events == [["call/C1", "call", 30], ["call/C2", "call", 95], ["call/C3", "call", 12]]
    assert parties == [["callee", "+34699000111"], ["caller", "+34612345678"]]
    assert contacts == [["C1", "30"], ["C2", "95"]]  # same day, same phones: the earlier duration is kept
    assert places == [["call/C1"], ["call/C2"]]


def test_family_knows_lives_at_and_owns_are_in_the_model(store: Store, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("pid,relative,kind,town,plate\nP1,P2,sibling,Lyon,AB-123-CD\nP1,P3,cousin,,\n")
    (tmp_path / "m.yaml").write_text("""
source: fam
reader: {format: csv}
entities:
  person: {type: Person, id: pid}
  relative: {type: Person, id: relative}
  home: {type: Location, optional: true, key: {column: town, normalise: place, options: {country: FR}}}
  car: {type: Vehicle, optional: true, key: plate}
relationships:
  - {type: FAMILY_OF, from: person, to: relative, properties: {kind: kind}}
  - {type: KNOWS, from: person, to: relative}
  - {type: LIVES_AT, from: person, to: home}
  - {type: OWNS, from: person, to: car}
""")
    ingest_files(store, [tmp_path / "p.csv"], load_mapping(str(tmp_path / "m.yaml")), rejects_path=tmp_path / "r.csv")
    rels = store.read("MATCH (a)-[r]->(b) WHERE NOT b:Record RETURN type(r), r.kind, b.key ORDER BY type(r), b.key").rows
    assert rels == [["FAMILY_OF", "sibling", "fam:P2"], ["FAMILY_OF", "cousin", "fam:P3"],
                    ["KNOWS", None, "fam:P2"], ["KNOWS", None, "fam:P3"],
                    ["LIVES_AT", None, "FRA|lyon"], ["OWNS", None, "AB-123-CD"]]


def test_an_adjacency_matrix_becomes_weighted_links_with_the_cell_as_provenance(store: Store, tmp_path: Path) -> None:
    (tmp_path / "phase1.csv").write_text(",N1,N2,N3\nN1,0,2,0\nN2,2,0,1\nN3,0,1,0\nN9,1,0,0\n")
    (tmp_path / "m.yaml").write_text("""
source: crimenet
reader: {format: matrix}
case: file
entities:
  a: {type: Person, id: row}
  b: {type: Person, id: column}
relationships:
  - {type: KNOWS, from: a, to: b, properties: {weight: {column: weight, normalise: number}}}
""")
    summary = ingest_files(store, [tmp_path / "phase1.csv"], load_mapping(str(tmp_path / "m.yaml")),
                           rejects_path=tmp_path / "r.csv")
    links = store.read("MATCH (a:Person)-[k:KNOWS]->(b:Person) RETURN a.source_id, b.source_id, k.weight "
                       "ORDER BY a.source_id, b.source_id").rows
    cell = store.query("provenance", {"key": "crimenet:N3"}).records()
    assert links == [["N1", "N2", 2], ["N2", "N1", 2], ["N2", "N3", 1], ["N3", "N2", 1]]
    assert summary.rows_rejected == 1  # N9 is not a column: the matrix is not square there
    assert "N9" in (tmp_path / "r.csv").read_text()
    assert {(c["line"], c["case_id"]) for c in cell} >= {("3:4", "phase1")}


NEO4J_NODES = "personId:ID(Person),name,age:int,:LABEL\np1,Ana Ruiz,34,Person\np2,Bo Lind,41,Person;Suspect\n"
NEO4J_RELS = "# neo4j-admin relationship file\n:START_ID(Person),:END_ID(Person),:TYPE,since:int\np1,p2,KNOWS,2019\np2,p1,FAMILY_OF,\np1,p7,KNOWS,2020\n"


def test_the_neo4j_admin_import_layout_maps_without_conversion_code(store: Store, tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_text(NEO4J_NODES)
    (tmp_path / "rels.csv").write_text(NEO4J_RELS)
    (tmp_path / "m.yaml").write_text("""
source: n4j
reader: {format: csv, delimiter: ",", comment: "#"}
tables:
  persons:
    file: "persons*.csv"
    entities:
      person:
        type: Person
        id: "personId:ID(Person)"
        properties:
          name: {column: name, normalise: name}
          age: {column: "age:int", normalise: number}
          labels: ":LABEL"
  knows:
    file: "rels*.csv"
    where: {column: ":TYPE", equals: KNOWS}
    entities:
      a: {type: Person, ref: ":START_ID(Person)"}
      b: {type: Person, ref: ":END_ID(Person)"}
    relationships:
      - {type: KNOWS, from: a, to: b, properties: {since: {column: "since:int", normalise: number}}}
""")
    summary = ingest_files(store, [tmp_path / "rels.csv", tmp_path / "persons.csv"],
                           load_mapping(str(tmp_path / "m.yaml")), rejects_path=tmp_path / "r.csv")
    people = store.read("MATCH (p:Person) RETURN p.source_id, p.age ORDER BY p.source_id").rows
    knows = store.read("MATCH (a)-[k:KNOWS]->(b) RETURN a.source_id, b.source_id, k.since").rows
    assert people == [["p1", 34], ["p2", 41]]
    assert knows == [["p1", "p2", 2019]]
    assert (summary.rows_read, summary.rows_filtered, summary.rows_rejected) == (5, 1, 1)  # p7 is defined nowhere


def test_a_key_two_labels_share_is_told_apart_by_the_label_parameter(store: Store, tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text("id,name,kind\n275,Ana Ruiz,theft\n")
    (tmp_path / "m.yaml").write_text("""
source: src
reader: {format: csv}
entities:
  person: {type: Person, id: id, properties: {name: {column: name, normalise: name}}}
  offence: {type: Offence, id: id, properties: {offence_type: kind}}
relationships:
  - {type: INVOLVED_IN, from: person, to: offence, properties: {role: {value: suspect}}}
""")
    ingest_files(store, [tmp_path / "rows.csv"], load_mapping(str(tmp_path / "m.yaml")), rejects_path=tmp_path / "r.csv")
    both = store.query("provenance", {"key": "src:275"}).records()
    person = store.query("provenance", {"key": "src:275", "label": "Person"}).records()
    links = store.query("relationship_provenance", {"key": "src:275", "label": "Offence"}).records()
    assert sorted(r["label"] for r in both) == ["Offence", "Person"]
    assert [r["label"] for r in person] == ["Person"] and person[0]["line"] == "2"
    assert [(r["relationship"], r["other"]) for r in links] == [("INVOLVED_IN", "src:275")]


def test_a_call_in_one_file_and_its_two_ends_in_two_others_make_one_event(store: Store, tmp_path: Path) -> None:
    (tmp_path / "calls.csv").write_text("call_id,start,seconds\nK1,2024-02-01 08:10,30\nK2,2024-02-01 09:00,5\n")
    (tmp_path / "callers.csv").write_text("call_id,number\nK1,+34 612 345 678\nK2,+34 612 345 678\nK9,+34 600 000 000\n")
    (tmp_path / "callees.csv").write_text("call_id,number\nK1,+34 699 000 111\nK2,+34 655 000 222\n")
    (tmp_path / "m.yaml").write_text("""
source: telco
reader: {format: csv}
tables:
  calls:
    file: "calls.csv"
    entities:
      call:
        type: Event
        id: call_id
        properties: {kind: {value: call}, time: start, duration: {column: seconds, normalise: number}}
  callers:
    file: "callers.csv"
    entities:
      call: {type: Event, ref: call_id}
      phone: {type: Phone, key: {column: number, normalise: phone}}
    relationships:
      - {type: TOOK_PART_IN, from: phone, to: call, properties: {role: {value: caller}}}
  callees:
    file: "callees.csv"
    entities:
      call: {type: Event, ref: call_id}
      phone: {type: Phone, key: {column: number, normalise: phone}}
    relationships:
      - {type: TOOK_PART_IN, from: phone, to: call, properties: {role: {value: callee}}}
""")
    files = [tmp_path / name for name in ("callees.csv", "callers.csv", "calls.csv")]
    summary = ingest_files(store, files, load_mapping(str(tmp_path / "m.yaml")), rejects_path=tmp_path / "r.csv")
    calls = store.read("MATCH (a:Phone)-[:TOOK_PART_IN {role: 'caller'}]->(e:Event)<-[:TOOK_PART_IN {role: 'callee'}]-(b:Phone) "
                       "RETURN e.source_id, e.duration, a.key, b.key ORDER BY e.source_id").rows
    assert calls == [["K1", 30, "+34612345678", "+34699000111"], ["K2", 5, "+34612345678", "+34655000222"]]
    assert summary.rows_rejected == 1  # K9: no such call
