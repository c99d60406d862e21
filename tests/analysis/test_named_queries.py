"""The analyst's named queries on a generated store, against answers computed independently in Python
over the whole graph pulled with ``store.subgraph()`` (networkx), and on a tiny hand-made store."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from conftest import StoreTarget
from linkgraph.named_queries import data_values, list_queries, load_query
from linkgraph.store.base import Store
from tests.analysis.conftest import Generated
from tests.analysis.test_links import TINY

THRESHOLD = 0.9


@pytest.fixture(scope="module")
def graph(generated_store: Any) -> nx.MultiDiGraph:
    with generated_store.ready().open(create=False) as store:
        return store.subgraph()


def ask(target: StoreTarget, name: str, **params: Any) -> list[dict[str, Any]]:
    with target.view() as view:
        return view.query(name, {k: str(v) for k, v in params.items()}).records()


def nodes(graph: nx.MultiDiGraph, label: str) -> list[tuple[str, dict[str, Any]]]:
    return [(d["key"], d) for _, d in graph.nodes(data=True) if d["label"] == label]


def test_every_shipped_query_has_a_full_header() -> None:
    for query in list_queries():
        assert query.description and query.example.startswith(f"linkgraph query {query.name}"), query.name
        assert query.filtered, query.name


@pytest.mark.parametrize("label", ["Document", "Phone", "Person", "Route"])
def test_cross_case_entities(generated: Generated, graph: nx.MultiDiGraph, label: str) -> None:
    rows = ask(generated.target, "cross_case_entities", label=label, min_cases=2)
    expected = {key: len(d["cases"]) for key, d in nodes(graph, label) if len(d.get("cases") or []) >= 2}
    assert {r["key"]: r["n_cases"] for r in rows} == expected
    assert [r["n_cases"] for r in rows] == sorted((r["n_cases"] for r in rows), reverse=True)
    if label == "Document":
        assert expected, "the generator plants shared documents"
        countries = {d["key"]: d.get("country_key") for _, d in nodes(graph, "Case")}
        assert all(sorted(r["countries"]) == sorted({countries[c] for c in r["cases"]}) for r in rows)


def test_entity_profile_lists_every_relationship_with_its_provenance(generated: Generated, graph: nx.MultiDiGraph) -> None:
    key = next(k for k, d in sorted(nodes(graph, "Document"), key=lambda kd: kd[0]) if len(d.get("cases") or []) >= 2)
    rows = ask(generated.target, "entity_profile", key=key)
    node = f"Document:{key}"
    expected = {(d["type"], b.split(":", 1)[1]) for _, b, d in graph.out_edges(node, data=True)}
    expected |= {(d["type"], a.split(":", 1)[1]) for a, _, d in graph.in_edges(node, data=True)}
    assert {(r["fact"], r["other"]) for r in rows if r["fact"] != "recorded as"} == expected
    recorded = [r for r in rows if r["fact"] == "recorded as"]
    assert len(recorded) == len(graph.nodes[node]["records"])
    # a row of a table without a case column (e.g. a persons sheet) records the entity with case_id ''
    record_cases = {graph.nodes[f"Record:{record}"]["case_id"] for record in graph.nodes[node]["records"]}
    assert {r["case_id"] for r in recorded} == record_cases
    assert record_cases - {""} == set(graph.nodes[node]["cases"])
    assert all(r["source"] and r["country"] and r["recorded"] for r in rows)


@pytest.mark.parametrize("hops", [1, 2])
def test_neighbourhood_matches_networkx(generated: Generated, graph: nx.MultiDiGraph, hops: int) -> None:
    key = next(k for k, d in nodes(graph, "Person") if len(d.get("cases") or []) >= 1 and graph.degree(f"Person:{k}") > 2)
    plain = nx.Graph()
    plain.add_nodes_from(graph.nodes)
    plain.add_edges_from((a, b) for a, b, d in graph.edges(data=True) if d["type"] != "SAME_AS")
    expected = nx.single_source_shortest_path_length(plain, f"Person:{key}", cutoff=hops)
    rows = ask(generated.target, "neighbourhood", key=key, hops=hops, same_as="false")
    assert {f"{r['label']}:{r['key']}": r["hops"] for r in rows} == {n: d for n, d in expected.items() if d > 0}


def test_neighbourhood_through_same_as(generated: Generated, graph: nx.MultiDiGraph) -> None:
    a, b, _ = next((a, b, d) for a, b, d in graph.edges(data=True)
                   if d["type"] == "SAME_AS" and d.get("status") == "candidate" and d["probability"] >= THRESHOLD)
    key = graph.nodes[a]["key"]
    with_links = {f"{r['label']}:{r['key']}" for r in ask(generated.target, "neighbourhood", key=key, hops=1, same_as="true")}
    without = {f"{r['label']}:{r['key']}" for r in ask(generated.target, "neighbourhood", key=key, hops=1, same_as="false")}
    assert b in with_links and b not in without


def _qualifying(d: dict[str, Any]) -> bool:
    return d["type"] == "SAME_AS" and (d.get("status") == "accepted" or
                                       (d.get("status") == "candidate" and d["probability"] >= THRESHOLD))


def test_shared_between_cases(generated: Generated, graph: nx.MultiDiGraph) -> None:
    planted = [r for r in generated.truth_links if r["kind"] in ("same_document", "same_person")]
    checked = 0
    for link in planted[:6]:
        a, b = link["case_a"], link["case_b"]
        rows = ask(generated.target, "shared_between_cases", case_a=a, case_b=b)
        direct = {(d["label"], d["key"]) for _, d in graph.nodes(data=True)
                  if d["label"] not in ("Case", "Record") and {a, b} <= set(d.get("cases") or [])}
        resolved = set()
        for x, y, d in graph.edges(data=True):
            if _qualifying(d):
                for p, q in ((x, y), (y, x)):
                    if a in (graph.nodes[p].get("cases") or []) and b in (graph.nodes[q].get("cases") or []):
                        resolved.add((graph.nodes[p]["key"], graph.nodes[q]["key"]))
        assert {(r["label"], r["key"]) for r in rows if r["how"] == "same entity"} == direct
        assert {(r["key"], r["other"]) for r in rows if r["how"] != "same entity"} == resolved
        checked += bool(direct or resolved)
    assert checked, "planted links show up as shared entities"


def _roles(graph: nx.MultiDiGraph) -> dict[str, list[tuple[str, str, str]]]:
    """identity (or person key) -> (role, case, person key) of every INVOLVED_IN."""
    part_of = {a: b for a, b, d in graph.edges(data=True) if d["type"] == "PART_OF"}
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for p, o, d in graph.edges(data=True):
        if d["type"] == "INVOLVED_IN" and o in part_of:
            person = graph.nodes[p]
            found[person.get("identity") or person["key"]].append((d["role"], graph.nodes[part_of[o]]["key"], person["key"]))
    return found


def test_role_switch(generated: Generated, graph: nx.MultiDiGraph) -> None:
    expected = {}
    for who, facts in _roles(graph).items():
        suspect = {c for role, c, _ in facts if role == "suspect"}
        victim = {c for role, c, _ in facts if role == "victim"}
        if any(s != v for s in suspect for v in victim):
            expected[who] = (sorted(suspect), sorted(victim))
    rows = ask(generated.target, "role_switch")
    assert {r["identity"]: (sorted(r["suspect_in"]), sorted(r["victim_in"])) for r in rows} == expected


def test_victims_by_suspect_and_person_timeline(generated: Generated, graph: nx.MultiDiGraph) -> None:
    roles = _roles(graph)
    who = next(w for w, facts in sorted(roles.items(), key=lambda kv: -len(kv[1]))
               if any(r == "suspect" for r, _, _ in facts) and w.startswith("ID-"))
    suspect = next(p for r, _, p in roles[who] if r == "suspect")
    offences = {o for p, o, d in graph.edges(data=True) if d["type"] == "INVOLVED_IN" and d["role"] in ("suspect", "facilitator")
                and (graph.nodes[p].get("identity") == who)}
    victims = {graph.nodes[p]["key"] for p, o, d in graph.edges(data=True)
               if d["type"] == "INVOLVED_IN" and d["role"] == "victim" and o in offences}
    rows = ask(generated.target, "victims_by_suspect", key=suspect)
    assert {r["key"] for r in rows} == victims
    timeline = ask(generated.target, "person_timeline", key=suspect)
    assert sorted((r["role"], r["case_id"], r["key"]) for r in timeline if r["event"] == "offence") == sorted(roles[who])
    dates = [r["date"] for r in timeline if r["date"]]
    assert dates == sorted(dates)


def test_document_sharing_and_phone_hubs(generated: Generated, graph: nx.MultiDiGraph) -> None:
    holders: dict[str, set[str]] = defaultdict(set)
    users: dict[str, set[str]] = defaultdict(set)
    for p, x, d in graph.edges(data=True):
        if d["type"] == "HOLDS":
            holders[graph.nodes[x]["key"]].add(graph.nodes[p]["key"])
        if d["type"] == "USES" and graph.nodes[x]["label"] in ("Phone", "Email", "Account"):
            cases = set(graph.nodes[p].get("cases") or []) & set(graph.nodes[x].get("cases") or [])
            users[graph.nodes[x]["key"]] |= cases
    rows = ask(generated.target, "document_sharing")
    assert {r["key"]: set(r["holders"]) for r in rows} == {k: v for k, v in holders.items() if len(v) >= 2}
    rows = ask(generated.target, "phone_hubs", min_cases=2)
    assert {r["key"]: set(r["cases"]) for r in rows} == {k: v for k, v in users.items() if len(v) >= 2}


def test_route_corridors(generated: Generated, graph: nx.MultiDiGraph) -> None:
    cases: dict[str, set[str]] = defaultdict(set)
    for r, loc, d in graph.edges(data=True):
        if d["type"] == "VIA":
            cases[graph.nodes[loc]["key"]] |= set(graph.nodes[r].get("cases") or [])
    rows = ask(generated.target, "route_corridors")
    assert {r["key"]: set(r["cases"]) for r in rows} == {k: v for k, v in cases.items() if len(v) >= 2}
    planted = {r["detail"] for r in generated.truth_links if r["kind"] == "shared_transit"}
    assert planted <= {r["place"] for r in rows} or not planted


def test_international_cases_and_empact(generated: Generated, graph: nx.MultiDiGraph) -> None:
    eu, empact = set(data_values("eu_member_states.csv", "iso3")), set(data_values("empact_priorities.csv", "offence_types"))
    assert len(eu) == 27 and "trafficking_sexual_exploitation" in empact
    involved: dict[str, set[str]] = defaultdict(set)
    offences: dict[str, set[str]] = defaultdict(set)
    case_of = {}
    for _, d in nodes(graph, "Case"):
        involved[d["key"]].add(d.get("country_key"))
    for a, b, d in graph.edges(data=True):
        if d["type"] == "PART_OF":
            case_of[a] = graph.nodes[b]["key"]
    for a, b, d in graph.edges(data=True):
        if d["type"] == "AT" and a in case_of and graph.nodes[a]["label"] == "Offence":
            involved[case_of[a]].add(graph.nodes[b].get("country"))
        if d["type"] in ("FROM", "TO", "VIA") and a in case_of:
            involved[case_of[a]].add(graph.nodes[b].get("country"))
        if d["type"] == "INVOLVED_IN" and b in case_of:
            involved[case_of[b]].add(graph.nodes[a].get("nationality_key") or graph.nodes[a].get("nationality"))
    for node, case in case_of.items():
        if graph.nodes[node]["label"] == "Offence":
            offences[case].add(graph.nodes[node].get("offence_type"))
    expected = {}
    for case, countries in involved.items():
        countries.discard(None)
        if len(countries) >= 2:
            expected[case] = (sorted(countries), len(countries & eu) >= 2 and bool(offences[case] & empact))
    rows = ask(generated.target, "international_cases")
    assert {r["case_id"]: (sorted(r["countries"]), r["empact_eligible"]) for r in rows} == expected
    assert any(eligible for _, eligible in expected.values())


def test_contact_pairs_on_a_tiny_store(store: Store, target: StoreTarget) -> None:
    store.write(TINY)
    rows = ask(target, "contact_pairs")
    assert [(r["key"], r["other"], r["contacts"], r["first"], r["last"]) for r in rows] == [
        ("es:P1", "ng:P3", 2, "2024-03-01", "2024-03-05")]


def test_a_users_own_query_folder_is_listed_and_run(store: Store, target: StoreTarget, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "my_cases.cypher").write_text(
        "// description: My cases.\n// example: linkgraph query my_cases\n// access: filtered\n"
        "MATCH (c:Case) WHERE $everything OR c.key IN $visible RETURN c.key AS case_id ORDER BY case_id\n")
    (folder / "provenance.cypher").write_text("// description: shadowing a shipped query\nRETURN 1 AS one\n")
    listed = {q.name: q.origin for q in list_queries(folder)}
    assert listed["my_cases"] == str(folder) and listed["provenance"] == "shipped"
    monkeypatch.setenv("LINKGRAPH_QUERIES", str(folder))
    assert load_query("my_cases").origin == str(folder)
    store.write(TINY)
    assert [r["case_id"] for r in ask(target, "my_cases")] == ["C1", "C2", "C3"]
