"""Route links weigh how busy a way is: two cases a few days apart on a corridor dozens of cases travel
are not linked; on a way only they travelled, they are. Hidden traffic never changes what a restricted
user is shown, and a hidden case on the same way is a marker. On both backends."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from linkgraph.access.view import login_name, open_view
from linkgraph.analysis.links import find_links

BUSY_START, BUSY_STEP, BUSY_CASES = date(2023, 1, 1), 18, 40
#: (case, country, route, origin, transit, travel date): A and B ten days apart on the busy way
#: Lagos -> Rome; C and D ten days apart on Accra -> Niamey, which nobody else travelled.
PAIRS = [("A", "ESP", "es:RA", "NGA|lagos", "ITA|rome", "2024-03-01"),
         ("B", "ITA", "it:RB", "NGA|lagos", "ITA|rome", "2024-03-11"),
         ("C", "FRA", "fr:RC", "GHA|accra", "NER|niamey", "2024-05-01"),
         ("D", "DEU", "de:RD", "GHA|accra", "NER|niamey", "2024-05-11")]
WRITE = """
UNWIND $rows AS row
MERGE (o:Location {key: row[3]}) ON CREATE SET o.place = split(row[3], '|')[1]
MERGE (t:Location {key: row[4]}) ON CREATE SET t.place = split(row[4], '|')[1]
CREATE (c:Case {key: row[0], country_key: row[1], handling_code: 'H2', cases: [row[0]], records: []})
CREATE (r:Route {key: row[2], cases: [row[0]], records: []})
CREATE (p:Person {key: row[2] + '-p', name: 'traveller ' + row[0], cases: [row[0]], records: []})
CREATE (r)-[:FROM]->(o), (r)-[:VIA {seq: 1}]->(t), (p)-[:TRAVELLED {date: row[5]}]->(r)
"""
POLICY = "users:\n  {admin}: {{all: true, admin: true}}\n  ana: {{countries: [ESP, ITA, FRA]}}\n"


def rows() -> list[list[str]]:
    busy = [[f"BUSY-{i:02}", "NLD", f"nl:R{i:02}", "NGA|lagos", "ITA|rome",
             (BUSY_START + timedelta(days=BUSY_STEP * i)).isoformat()] for i in range(BUSY_CASES)]
    return busy + [list(pair) for pair in PAIRS]


@pytest.fixture
def roads(target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    for name, value in target.env.items():
        monkeypatch.setenv(name, value)
    store = target.open()
    try:
        store.init_schema()
        store.write(WRITE, {"rows": rows()})
    finally:
        store.close()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY.format(admin=json.dumps(login_name())))
    yield target.uri, policy


def journeys() -> dict[tuple[str, str], list[tuple[str, date]]]:
    """Way (origin, transit) -> (case, travel date), from the rows written."""
    ways: dict[tuple[str, str], list[tuple[str, date]]] = {}
    for case, _, _, origin, transit, day in rows():
        ways.setdefault((origin, transit), []).append((case, date.fromisoformat(day)))
    return ways


def near(way: tuple[str, str], day: date, seen: set[str] | None = None) -> int:
    """Cases (that the reader sees) on the way whose journey lies within half a year of ``day``."""
    return sum(1 for case, d in journeys()[way] if (seen is None or case in seen) and abs((d - day).days) <= 182)


def expected_score(cases_near: int, gap: int) -> float:
    """Computed here, independently of the code: journeys on a way arrive at random at the rate of the
    cases travelling it within half a year either side, over a year."""
    return math.exp(-(cases_near - 1) * 2 * max(gap, 1) / 365)


def expected_links(window: int = 90) -> set[tuple[str, str]]:
    """Every pair of cases on one way within the window whose score is at least 0.5, from the rows."""
    found = set()
    for way, trips in journeys().items():
        for (a, day_a), (b, day_b) in ((x, y) for i, x in enumerate(trips) for y in trips[i + 1:]):
            gap = abs((day_a - day_b).days)
            if gap <= window and expected_score(near(way, min(day_a, day_b)), gap) >= 0.5:
                found.add(tuple(sorted((a, b))))
    return found


def test_a_busy_corridor_links_few_a_quiet_way_links_its_two_cases(roads: tuple[str, Path]) -> None:
    uri, _ = roads
    with open_view(uri, command="test") as view:
        routes = find_links(view, kinds=["route"], min_cases=2).links
        every = find_links(view, kinds=["route"], route_min_score=0).links
    assert {link.case_ids for link in routes} == expected_links()
    # A and B ten days apart: nothing on a way twenty cases travel within half a year; C and D: a link
    lagos, accra = ("NGA|lagos", "ITA|rome"), ("GHA|accra", "NER|niamey")
    assert expected_score(near(lagos, date(2024, 3, 1)), 10) < 0.5 < expected_score(near(accra, date(2024, 5, 1)), 10)
    assert ("A", "B") not in expected_links() and ("C", "D") in expected_links()
    (link,) = [link for link in routes if link.case_ids == ("C", "D")]
    assert link.score == round(expected_score(2, 10), 4)
    assert "10 days apart on a way 2 visible cases travelled within half a year" in link.evidence[1]
    # with no minimum every same-way pair within the window is there, A-B included
    assert ("A", "B") in {l.case_ids for l in every} and len(every) > len(routes)


def test_hidden_traffic_does_not_change_a_restricted_view_and_a_hidden_partner_is_a_marker(
        roads: tuple[str, Path]) -> None:
    uri, policy = roads
    with open_view(uri, command="test", as_user="ana", policy=policy) as view:
        report = find_links(view, kinds=["route"])
    # ana sees A, B (the busy way's other 40 cases are Dutch: hidden) and C, not D
    assert [link.case_ids for link in report.links] == [("A", "B")]
    assert near(("NGA|lagos", "ITA|rome"), date(2024, 3, 1), seen={"A", "B", "C"}) == 2
    assert report.links[0].score == round(expected_score(2, 10), 4)
    # a marker wherever the all-seeing user has a route link from ana's case into a hidden one
    route, country = {row[0]: row[2] for row in rows()}, {row[0]: row[1] for row in rows()}
    crossing = {(route[a], country[b]) for pair in expected_links() for a, b in (pair, pair[::-1])
                if a in {"A", "B", "C"} and b not in {"A", "B", "C"}}
    assert ("fr:RC", "DEU") in crossing and not any(key == "es:RA" for key, _ in crossing)
    assert {(h.key, h.country) for h in report.hits} == crossing and {h.kind for h in report.hits} == {"route"}
    text = json.dumps([link.to_json() for link in report.links])
    assert "BUSY" not in text and "nl:R" not in text and "de:RD" not in text


def test_scoped_to_some_cases_the_route_links_and_markers_are_those_of_the_whole_store(roads: tuple[str, Path]) -> None:
    """Nightly detection asks for the links of a few cases: only their ways are read, each with all its
    traffic, so a pair on the busy way keeps the low score the forty other cases give it."""
    uri, policy = roads
    for user in (None, "ana"):
        with open_view(uri, command="test", as_user=user, policy=policy if user else None) as view:
            whole = find_links(view, kinds=["route"], route_min_score=0)
            for scope in (["A"], ["C"], ["B", "D"], ["BUSY-05"]):
                scoped = find_links(view, cases=scope, kinds=["route"], route_min_score=0)
                expected = [link for link in whole.links if set(scope) & set(link.case_ids)]
                assert expected or user == "ana"
                assert [link.to_json() for link in scoped.links] == [link.to_json() for link in expected]
                assert {h.key for h in scoped.hits} <= {h.key for h in whole.hits}
    with open_view(uri, command="test") as view:
        (scoped_pair,) = [link for link in find_links(view, cases=["A"], kinds=["route"], route_min_score=0).links
                          if link.case_ids == ("A", "B")]
    assert scoped_pair.score == round(expected_score(near(("NGA|lagos", "ITA|rome"), date(2024, 3, 1)), 10), 4) < 0.5
