"""Cross-case links on tiny hand-made stores (one per kind, and through a restricted view)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conftest import StoreTarget
from linkgraph.access.view import login_name
from linkgraph.analysis.links import cross_case_links, find_links, link_id
from linkgraph.errors import UsageError
from linkgraph.store.base import Store

#: Three cases of three countries: a passport shared by C1 and C2, a phone shared by C1 and C3, persons
#: p1 (C1) = p2 (C2) accepted, p2 = p3 (C3) a candidate above the threshold, p1 ~ p4 (C3) below it,
#: routes of C1 and C2 through Rome three weeks apart and of C3 through Rome months later, and p1
#: contacting p3.
TINY = """
CREATE (:Case {key: 'C1', country_key: 'ESP', operation: 'OP1', handling_code: 'H2', records: [], cases: ['C1']}),
       (:Case {key: 'C2', country_key: 'ITA', operation: 'OP1', handling_code: 'H2', records: [], cases: ['C2']}),
       (:Case {key: 'C3', country_key: 'NGA', operation: 'OP3', handling_code: 'H2', records: [], cases: ['C3']}),
       (:IngestRun {key: 'run-1', started: '2024-01-01T10:00:00'}),
       (:IngestRun {key: 'run-2', started: '2024-06-01T10:00:00'}),
       (:Record {key: 'r1', source: 'es', file: 'es.csv', line: 2, record_id: 'P1', case_id: 'C1', run: 'run-1'}),
       (:Record {key: 'r2', source: 'it', file: 'it.csv', line: 5, record_id: 'P2', case_id: 'C2', run: 'run-1'}),
       (:Record {key: 'r3', source: 'ng', file: 'ng.csv', line: 7, record_id: 'P3', case_id: 'C3', run: 'run-2'}),
       (:Record {key: 'r4', source: 'ng', file: 'ng.csv', line: 8, record_id: 'P4', case_id: 'C3', run: 'run-2'}),
       (p1:Person {key: 'es:P1', name: 'Mohamed El Amrani', cases: ['C1'], records: ['r1']}),
       (p2:Person {key: 'it:P2', name: 'Muhammad Elamrani', cases: ['C2'], records: ['r2']}),
       (p3:Person {key: 'ng:P3', name: 'Mohammed Amrani', cases: ['C3'], records: ['r3']}),
       (p4:Person {key: 'ng:P4', name: 'Blessing Okafor', cases: ['C3'], records: ['r4']}),
       (d:Document {key: 'passport|NGA|A123', number: 'A123', cases: ['C1', 'C2'], records: ['r1', 'r2']}),
       (f:Phone {key: '+2348031234567', number: '+2348031234567', cases: ['C1', 'C3'], records: ['r1', 'r4']}),
       (lone:Phone {key: '+34600000000', number: '+34600000000', cases: ['C1'], records: ['r1']}),
       (p1)-[:HOLDS]->(d), (p2)-[:HOLDS]->(d), (p1)-[:USES]->(f), (p4)-[:USES]->(f), (p1)-[:USES]->(lone),
       (p1)-[:SAME_AS {status: 'accepted', probability: 0.97, evidence: ['birth date: same'], id: 's12'}]->(p2),
       (p2)-[:SAME_AS {status: 'candidate', probability: 0.95, evidence: ['name: similar'], id: 's23'}]->(p3),
       (p1)-[:SAME_AS {status: 'candidate', probability: 0.50, evidence: [], id: 's14'}]->(p4),
       (rome:Location {key: 'ITA|rome', place: 'Rome'}), (lagos:Location {key: 'NGA|lagos', place: 'Lagos'}),
       (ra:Route {key: 'es:R1', cases: ['C1'], records: ['r1']}), (rb:Route {key: 'it:R2', cases: ['C2'], records: ['r2']}),
       (rc:Route {key: 'ng:R3', cases: ['C3'], records: ['r3']}),
       (ra)-[:VIA {seq: 1}]->(rome), (rb)-[:VIA {seq: 2}]->(rome), (rc)-[:VIA {seq: 1}]->(rome),
       (ra)-[:FROM]->(lagos), (rb)-[:FROM]->(lagos), (rc)-[:FROM]->(lagos),
       (p1)-[:TRAVELLED {date: '2024-01-10'}]->(ra), (p2)-[:TRAVELLED {date: '2024-02-01'}]->(rb),
       (p3)-[:TRAVELLED {date: '2024-09-01'}]->(rc),
       (p1)-[:CONTACTED {date: '2024-03-01'}]->(p3), (p1)-[:CONTACTED {date: '2024-03-05'}]->(p3)
"""
POLICY = "users:\n  {admin}: {{all: true, admin: true}}\n  ana: {{countries: [ESP, ITA]}}\n"


@pytest.fixture
def tiny(store: Store, target: StoreTarget) -> StoreTarget:
    store.write(TINY)
    return target


def _by_kind(links: list) -> dict[str, list]:
    found: dict[str, list] = {}
    for link in links:
        found.setdefault(link.kind, []).append(link)
    return found


def test_every_kind_is_found_with_cases_countries_and_provenance(tiny: StoreTarget) -> None:
    with tiny.view() as view:
        links = _by_kind(cross_case_links(view))
    (document,) = links["document"]
    assert (document.shared, document.case_ids, document.status) == ("passport|NGA|A123", ("C1", "C2"), "confirmed")
    assert [(s.case, s.country, s.entities) for s in document.cases] == [
        ("C1", "ESP", ("es:P1", "passport|NGA|A123")), ("C2", "ITA", ("it:P2", "passport|NGA|A123"))]
    assert document.cases[0].records == ("es es.csv:2 (P1)",)
    assert document.id == link_id("document", "passport|NGA|A123")
    (phone,) = links["phone"]
    assert phone.case_ids == ("C1", "C3") and phone.cases[1].entities == ("+2348031234567", "ng:P4")
    (person,) = links["person"]  # p1 ~ p4 is below the threshold: p4 stays out
    assert person.case_ids == ("C1", "C2", "C3") and person.status == "candidate" and person.score == 0.95
    assert [s.entities for s in person.cases] == [("es:P1",), ("it:P2",), ("ng:P3",)]
    assert any("birth date: same" in e for e in person.evidence)
    # C1 and C2 share the origin Lagos and the transit Rome within weeks; C3 travelled the same way months later
    (route,) = links["route"]
    assert (route.label, route.case_ids, route.shared) == ("corridor Lagos, Rome", ("C1", "C2"), "ITA|rome & NGA|lagos")
    assert [s.entities for s in route.cases] == [("es:R1",), ("it:R2",)]
    (contact,) = links["contact"]
    assert contact.case_ids == ("C1", "C3") and "2 times" in contact.evidence[0]


def test_a_wider_window_takes_in_the_later_route(tiny: StoreTarget) -> None:
    with tiny.view() as view:
        routes = cross_case_links(view, kinds=["route"], window_days=365, route_min_score=0)
        likely = cross_case_links(view, kinds=["route"], window_days=365)
    assert sorted(link.case_ids for link in routes) == [("C1", "C2"), ("C1", "C3"), ("C2", "C3")]
    # months apart on a way three cases travelled in a year: chance explains it, so by default only C1-C2
    assert [link.case_ids for link in likely] == [("C1", "C2")]


def test_one_shared_hub_is_not_a_corridor(store: Store, target: StoreTarget) -> None:
    store.write(TINY.replace("(rc)-[:FROM]->(lagos),", ""))
    with target.view() as view:
        routes = cross_case_links(view, kinds=["route"], window_days=365, route_min_score=0)
    assert sorted(link.case_ids for link in routes) == [("C1", "C2")]


def test_filters_by_case_kind_min_cases_and_since(tiny: StoreTarget) -> None:
    with tiny.view() as view:
        assert {link.kind for link in cross_case_links(view, cases=["C2"])} == {"document", "person", "route"}
        assert [link.kind for link in cross_case_links(view, min_cases=3)] == ["person"]
        assert {link.kind for link in cross_case_links(view, since="run-2")} == {"phone", "person", "contact"}
        assert {link.kind for link in cross_case_links(view, since="2025-01-01")} == set()
        with pytest.raises(UsageError, match="neither an ingest run nor a date"):
            cross_case_links(view, since="yesterday")
        with pytest.raises(UsageError, match="unknown link kind"):
            cross_case_links(view, kinds=["gossip"])


def test_without_records_the_links_are_the_same_and_since_still_filters_on_them(tiny: StoreTarget) -> None:
    """The table of ``linkgraph links`` shows no provenance, so it is not read; nothing else changes."""
    with tiny.view() as view:
        for since in (None, "run-2"):
            full = find_links(view, since=since).links
            bare = find_links(view, since=since, with_records=False).links
            assert full and any(side.records for link in full for side in link.cases)
            assert not any(side.records for link in bare for side in link.cases)
            assert [replace(link, cases=tuple(replace(side, records=()) for side in link.cases)) for link in full] == bare


def test_a_below_threshold_candidate_joins_when_the_threshold_is_lowered(tiny: StoreTarget) -> None:
    with tiny.view() as view:
        (person,) = cross_case_links(view, kinds=["person"], threshold=0.5)
    assert [s.entities for s in person.cases][2] == ("ng:P3", "ng:P4")


def test_a_restricted_user_sees_no_link_into_a_hidden_case_only_a_marker(tiny: StoreTarget) -> None:
    tiny.write_policy(POLICY.format(admin=json.dumps(login_name())))
    with tiny.view(as_user="ana") as view:
        report = find_links(view)
    text = json.dumps([link.to_json() for link in report.links])
    for secret in ("C3", '"NGA"', "ng:P3", "ng:P4", "Blessing", "Mohammed Amrani", "ng.csv", "2024-09-01"):
        assert secret not in text
    assert {link.kind for link in report.links} == {"document", "person", "route"}
    (person,) = [link for link in report.links if link.kind == "person"]
    assert person.case_ids == ("C1", "C2") and person.status == "confirmed"
    assert sorted((h.kind, h.key, h.country) for h in report.hits) == [
        ("contact", "es:P1", "NGA"), ("person", "it:P2", "NGA"), ("phone", "+2348031234567", "NGA")]
