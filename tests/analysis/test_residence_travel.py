"""Where persons live and whom they travelled with: the address link kind, `co_residence` and
`co_travellers`, on a hand-made store of both backends, checked against answers computed here from the
rows written."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from linkgraph.access.view import login_name, open_view
from linkgraph.analysis.links import find_links

#: (person, case, country of the case, where she lives, level of that place)
RESIDENTS = [
    ("es:P1", "C1", "ESP", "ESP|calle mayor 5 madrid", "address"),
    ("it:P2", "C2", "ITA", "ESP|calle mayor 5 madrid", "address"),
    ("ng:P3", "C3", "NGA", "ESP|calle mayor 5 madrid", "address"),
    ("es:P4", "C1", "ESP", "ESP|madrid", "locality"),
    ("it:P5", "C2", "ITA", "ESP|madrid", "locality"),
    ("fr:P6", "C4", "FRA", "ESP|madrid", "locality"),
    ("fr:P7", "C4", "FRA", "FRA|rue de la paix 3 paris", "address"),
    ("fr:P8", "C4", "FRA", "FRA|rue de la paix 3 paris", "address"),
]
#: (person, route, travel date, the route's places)
JOURNEYS = [
    ("es:P1", "es:R1", "2024-02-27", ["NGA|lagos", "NER|agadez", "LBY|tripoli"]),
    ("it:P2", "it:R2", "2024-03-02", ["NGA|lagos", "NER|agadez", "ITA|rome"]),       # 4 days, leg Lagos-Agadez
    ("ng:P3", "ng:R3", "2024-03-20", ["NGA|lagos", "NER|agadez", "LBY|tripoli"]),    # 22 days
    ("es:P4", "es:R4", "2024-02-28", ["GHA|accra", "LBY|tripoli"]),                   # one place only
    ("fr:P6", "fr:R6", "2023-12-30", ["NGA|lagos", "NER|agadez"]),                   # across the new year
]
WRITE = """
UNWIND $cases AS c CREATE (:Case {key: c[0], country_key: c[1], handling_code: 'H2', cases: [c[0]], records: []})
WITH count(*) AS done
UNWIND $residents AS row
MERGE (l:Location {key: row[3]}) ON CREATE SET l.place = split(row[3], '|')[1], l.level = row[4]
CREATE (p:Person {key: row[0], name: 'person ' + row[0], cases: [row[1]], records: []})-[:LIVES_AT]->(l)
WITH count(*) AS done
UNWIND $journeys AS row
MATCH (p:Person {key: row[0]})
CREATE (r:Route {key: row[1], cases: p.cases, records: []}), (p)-[:TRAVELLED {date: row[2]}]->(r)
WITH r, row UNWIND row[3] AS place
MERGE (l:Location {key: place}) ON CREATE SET l.place = split(place, '|')[1]
CREATE (r)-[:VIA]->(l)
"""
POLICY = "users:\n  {admin}: {{all: true, admin: true}}\n  ana: {{countries: [ESP, ITA, FRA]}}\n"


@pytest.fixture
def homes(target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    for name, value in target.env.items():
        monkeypatch.setenv(name, value)
    cases = sorted({(case, country) for _, case, country, _, _ in RESIDENTS})
    store = target.open()
    try:
        store.init_schema()
        store.write(WRITE, {"cases": [list(c) for c in cases], "residents": [list(r) for r in RESIDENTS],
                            "journeys": [list(j) for j in JOURNEYS]})
    finally:
        store.close()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.format(admin=json.dumps(login_name())))
    yield target.uri, policy


def test_a_street_address_links_the_cases_of_its_residents_a_town_does_not(homes: tuple[str, Path]) -> None:
    uri, policy = homes
    expected = defaultdict(set)  # address -> cases of its residents
    for _, case, _, place, level in RESIDENTS:
        if level == "address":
            expected[place].add(case)
    with open_view(uri, command="test") as view:
        links = find_links(view, kinds=["address"]).links
    assert {link.shared: set(link.case_ids) for link in links} == {k: v for k, v in expected.items() if len(v) >= 2}
    (link,) = links
    assert [side.entities for side in link.cases] == [
        ("ESP|calle mayor 5 madrid", "es:P1"), ("ESP|calle mayor 5 madrid", "it:P2"), ("ESP|calle mayor 5 madrid", "ng:P3")]
    assert link.evidence[0].startswith("3 residents of 3 cases live at calle mayor 5 madrid")
    with open_view(uri, command="test", as_user="ana", policy=policy) as view:
        report = find_links(view, kinds=["address"])
    (seen,) = report.links
    assert seen.case_ids == ("C1", "C2") and "ng:P3" not in json.dumps(seen.to_json())
    assert [(h.kind, h.key, h.country) for h in report.hits] == [("address", "ESP|calle mayor 5 madrid", "NGA")]


def test_co_residence_lists_every_place_with_its_residents_addresses_first(homes: tuple[str, Path]) -> None:
    uri, policy = homes
    for user, seen in ((None, None), ("ana", {"C1", "C2", "C4"})):
        places = defaultdict(lambda: (set(), set(), ""))
        for person, case, _, place, level in RESIDENTS:
            if seen is None or case in seen:
                places[place][0].add(person)
                places[place][1].add(case)
                places[place] = (places[place][0], places[place][1], level)
        expected = sorted(((0 if level == "address" else 1, -len(cases), -len(people), place, sorted(people))
                           for place, (people, cases, level) in places.items() if len(people) >= 2))
        with open_view(uri, command="test", as_user=user, policy=policy if user else None) as view:
            rows = view.query("co_residence", {}).records()
        assert [(0 if r["level"] == "address" else 1, -r["n_cases"], -r["n_residents"], r["key"], sorted(r["residents"]))
                for r in rows] == expected


def _day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize("window", [7, 30, 60])
def test_co_travellers_are_those_on_a_shared_leg_within_the_window(homes: tuple[str, Path], window: int) -> None:
    uri, _ = homes
    by_person = {person: (route, _day(day), set(places)) for person, route, day, places in JOURNEYS}
    for me in by_person:
        route, day, places = by_person[me]
        expected = sorted((abs((day - d).days), other) for other, (_, d, p) in by_person.items()
                          if other != me and len(places & p) >= 2 and abs((day - d).days) <= window)
        with open_view(uri, command="test") as view:
            rows = view.query("co_travellers", {"key": me, "window": window}).records()
        assert [(r["gap"], r["key"]) for r in rows] == expected, me
