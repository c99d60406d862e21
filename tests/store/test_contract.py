"""The store contract: every backend must pass these (embedded always, Neo4j when configured)."""

from __future__ import annotations

import networkx as nx
import pytest

from linkgraph.errors import ReadOnlyViolation, StoreError, UsageError
from linkgraph.store import Store


def person(key: str, name: str, record: str = "r1", case: str = "C-1") -> dict:
    return {"key": key, "props": {"name": name}, "records": [record], "cases": [case]}


def holds(src: str, dst: str, record: str = "r1") -> dict:
    return {"src": src, "dst": dst, "key": "", "props": {}, "records": [record]}


def snapshot(store: Store) -> tuple:
    nodes = store.read("MATCH (n) RETURN labels(n)[0], n.key, properties(n) ORDER BY n.key").rows
    rels = store.read(
        "MATCH (a)-[r]->(b) RETURN a.key, type(r), b.key, properties(r) ORDER BY a.key, type(r), b.key"
    ).rows
    return [tuple(map(repr, row)) for row in nodes], [tuple(map(repr, row)) for row in rels]


def test_upserted_nodes_are_read_back_with_their_properties(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana"), person("es:2", "Luis")])
    rows = store.read("MATCH (p:Person) RETURN p.key, p.name ORDER BY p.key").rows
    assert rows == [["es:1", "Ana"], ["es:2", "Luis"]]


def test_writing_the_same_batch_twice_leaves_the_same_graph(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    store.upsert_nodes("Document", [{"key": "passport|ESP|X1", "props": {"number": "X1"}, "records": ["r1"], "cases": ["C-1"]}])
    store.upsert_relationships("HOLDS", "Person", "Document", [holds("es:1", "passport|ESP|X1")])
    first = snapshot(store)
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    store.upsert_nodes("Document", [{"key": "passport|ESP|X1", "props": {"number": "X1"}, "records": ["r1"], "cases": ["C-1"]}])
    store.upsert_relationships("HOLDS", "Person", "Document", [holds("es:1", "passport|ESP|X1")])
    assert snapshot(store) == first
    assert store.read("MATCH ()-[r:HOLDS]->() RETURN count(r)").scalar() == 1


def test_a_second_record_adds_provenance_and_keeps_the_first(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana", record="r1", case="C-1")])
    store.upsert_nodes("Person", [person("es:1", "Ana María", record="r2", case="C-2")])
    store.upsert_nodes("Person", [person("es:1", "Ana María", record="r2", case="C-2")])
    row = store.read("MATCH (p:Person {key: 'es:1'}) RETURN p.name, p.records, p.cases").rows[0]
    assert row == ["Ana María", ["r1", "r2"], ["C-1", "C-2"]]


def test_relationships_with_different_keys_are_kept_apart(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    store.upsert_nodes("Offence", [{"key": "es:o1", "props": {"offence_type": "migrant_smuggling"}, "records": ["r1"], "cases": ["C-1"]}])
    rows = [{"src": "es:1", "dst": "es:o1", "key": role, "props": {"role": role}, "records": ["r1"]}
            for role in ("suspect", "witness", "suspect")]
    store.upsert_relationships("INVOLVED_IN", "Person", "Offence", rows)
    roles = store.read("MATCH (:Person)-[r:INVOLVED_IN]->(:Offence) RETURN r.role ORDER BY r.role").rows
    assert roles == [["suspect"], ["witness"]]


def test_relationship_provenance_grows_without_repeats(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    store.upsert_nodes("Phone", [{"key": "+34600000001", "props": {"number": "+34600000001"}, "records": ["r1"], "cases": ["C-1"]}])
    for record in ("r1", "r2", "r1"):
        store.upsert_relationships("USES", "Person", "Phone", [holds("es:1", "+34600000001", record)])
    assert store.read("MATCH ()-[r:USES]->() RETURN r.records").scalar() == ["r1", "r2"]


def test_values_with_quotes_and_backslashes_arrive_intact(store: Store) -> None:
    tricky = "O'Brien \"the\" \\ driver }) MATCH (n) DETACH DELETE n //"
    store.upsert_nodes("Person", [person("ie:1", tricky), person("ie:2", "Ana")])
    assert store.read("MATCH (p:Person {key: $k}) RETURN p.name", {"k": "ie:1"}).scalar() == tricky
    assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 2


def test_read_only_path_refuses_writes(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    with pytest.raises(ReadOnlyViolation):
        store.read("MATCH (p:Person) SET p.name = 'changed'")
    assert store.read("MATCH (p:Person) RETURN p.name").scalar() == "Ana"


def test_named_query_runs_with_its_declared_parameter(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana", case="ES-1"), person("it:1", "Bea", case="IT-1")])
    result = store.query("case_entities", {"case_id": "ES-1"})
    assert [r["key"] for r in result.records()] == ["es:1"]


def test_named_query_rejects_an_undeclared_parameter(store: Store) -> None:
    with pytest.raises(UsageError, match="no parameter"):
        store.query("case_entities", {"case_id": "ES-1", "bogus": "1"})


def test_counts_cover_every_label_and_type(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana"), person("es:2", "Luis")])
    counts = store.counts()
    assert counts["nodes"]["Person"] == 2
    assert counts["nodes"]["Document"] == 0
    assert counts["relationships"]["HOLDS"] == 0


def test_subgraph_streams_nodes_and_edges_within_hops(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana"), person("es:2", "Luis"), person("es:3", "Far")])
    store.upsert_nodes("Document", [{"key": "passport|ESP|X1", "props": {}, "records": ["r1"], "cases": ["C-1"]}])
    store.upsert_relationships("HOLDS", "Person", "Document", [holds("es:1", "passport|ESP|X1"), holds("es:2", "passport|ESP|X1")])
    one_hop = store.subgraph(["es:1"], hops=1)
    assert isinstance(one_hop, nx.MultiDiGraph)
    assert set(one_hop.nodes) == {"Person:es:1", "Document:passport|ESP|X1"}
    two_hops = store.subgraph(["es:1"], hops=2)
    assert set(two_hops.nodes) == {"Person:es:1", "Person:es:2", "Document:passport|ESP|X1"}
    assert two_hops.number_of_edges() == 2
    everything = store.subgraph()
    assert everything.number_of_nodes() == 4


def test_init_schema_can_run_again(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    store.init_schema()
    store.init_schema()
    assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 1


def test_existing_keys_reports_only_stored_keys(store: Store) -> None:
    store.upsert_nodes("Person", [person("es:1", "Ana")])
    assert store.existing_keys("Person", ["es:1", "es:9"]) == {"es:1"}


def test_batches_larger_than_one_statement_are_all_written(store: Store) -> None:
    rows = [person(f"es:{i}", f"P{i}") for i in range(25_001)]
    store.upsert_nodes("Person", rows)
    assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 25_001


def test_created_nodes_come_back_with_handles_that_node_ids_finds_again(store: Store) -> None:
    handles = store.create_nodes("Person", [{"key": "es:1", "name": "Ana", "records": ["r1"], "cases": ["C-1"]},
                                            {"key": "es:2", "records": ["r1"], "cases": []}])
    assert set(handles) == {"es:1", "es:2"}
    assert store.node_ids("Person", ["es:1", "es:2", "es:9"]) == handles
    assert store.read("MATCH (p:Person {key: 'es:2'}) RETURN p.name").scalar() is None


def test_creating_a_key_that_exists_is_refused_and_writes_nothing(store: Store) -> None:
    store.create_nodes("Phone", [{"key": "+34600000001"}])
    with pytest.raises(StoreError):
        store.create_nodes("Phone", [{"key": "+34600000002"}, {"key": "+34600000001"}])
    assert store.read("MATCH (p:Phone) RETURN count(p)").scalar() == 1


def test_relationships_by_handle_are_created_then_merged_with_their_provenance(store: Store) -> None:
    ids = store.create_nodes("Person", [{"key": "es:1"}])
    ids |= store.create_nodes("Offence", [{"key": "es:o1"}])
    a, b = ids["es:1"], ids["es:o1"]
    store.create_relationships("INVOLVED_IN", [[a, b, {"key": "suspect", "role": "suspect", "records": ["r1"]}]])
    for record in ("r2", "r2"):
        store.merge_relationships("INVOLVED_IN", [{"a": a, "b": b, "key": "suspect", "props": {"role": "suspect"},
                                                   "records": [record]}])
    rows = store.read("MATCH (:Person)-[r:INVOLVED_IN]->(:Offence) RETURN r.role, r.records").rows
    assert rows == [["suspect", ["r1", "r2"]]]


def test_merging_by_handle_adds_only_the_missing_records_and_cases(store: Store) -> None:
    ids = store.create_nodes("Person", [{"key": "es:1", "name": "Ana", "records": ["r1"], "cases": ["C-1"]}])
    row = {"id": ids["es:1"], "props": {"name": "Ana María"}, "records": ["r1", "r2"], "cases": ["C-2"]}
    store.merge_nodes([row])
    store.merge_nodes([row])
    store.add_cases_by_id([[ids["es:1"], ["C-1", "C-3"]]])
    assert store.read("MATCH (p:Person) RETURN p.name, p.records, p.cases").rows == [
        ["Ana María", ["r1", "r2"], ["C-1", "C-2", "C-3"]]]


def test_query_batches_returns_plain_values_as_read_does(store: Store) -> None:
    query = "UNWIND $rows AS r RETURN r, r > 1, toFloat(r) / 4, null, [r, 'x']"
    batched = store.query_batches(query, [[1, 2], [3]])
    assert batched == [[1, False, 0.25, None, [1, "x"]], [2, True, 0.5, None, [2, "x"]], [3, True, 0.75, None, [3, "x"]]]
    assert batched == store.read(query, {"rows": [1, 2, 3]}).rows
