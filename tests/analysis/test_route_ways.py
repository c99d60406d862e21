"""Each route's way, origins and first travel date, kept on the route by ingest (``store.route_ways``), and
route links read from them: the same links as worked out from the relationships, whatever state a
killed or concurrent write left a route in."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from conftest import StoreTarget
from linkgraph.analysis.links import cross_case_links
from linkgraph.analysis.route_links import _on_ways_of, _Traffic
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.report.subgraph import case_graph
from linkgraph.store import route_ways
from linkgraph.store.base import FIELD_SEPARATOR, Store
from tests.analysis.conftest import Generated


def _from_relationships(store: Store) -> dict[str, tuple[str, list[str], str | None]]:
    """Every route's (way, sorted origins, first travel date) worked out here from its relationships."""
    places, origins, days = defaultdict(set), defaultdict(set), defaultdict(list)
    for route, kind, place in store.read("MATCH (r:Route) OPTIONAL MATCH (r)-[v:VIA|FROM]->(l:Location) "
                                         "RETURN r.key, type(v), l.key").rows:
        places[route]  # every route, with or without places
        if place is not None:
            places[route].add(place)
            if kind == "FROM":
                origins[route].add(place)
    for route, day in store.read("MATCH (:Person)-[t:TRAVELLED]->(r:Route) WHERE t.date IS NOT NULL "
                                 "RETURN r.key, toString(t.date)").rows:
        days[route].append(day)
    return {route: (FIELD_SEPARATOR.join(sorted(found)), sorted(origins[route]), min(days[route], default=None))
            for route, found in places.items()}


def _kept(store: Store) -> dict[str, tuple[str, list[str], str | None]]:
    return {route: (way, sorted(origins or []), first) for route, way, origins, first in store.read(
        "MATCH (r:Route) RETURN r.key, r.way, r.origins, r.first_travel").rows}


def _route_links(target: StoreTarget) -> tuple[list[dict], tuple]:
    """Every pair of cases on one way within ten years, however likely by chance, and the traffic read of
    every route (its places, origins, first journey and cases) and of those on the ways of three cases."""
    with target.view() as view:
        links = [link.to_json() for link in cross_case_links(view, kinds=["route"], route_min_score=0.0, window_days=3650)]
        every = _Traffic.read(view, 2)
        cases = sorted({case for cases in every.route_cases.values() for case in cases})[:3]
        some = _Traffic.read(view, 2, on_ways=_on_ways_of(view, cases, 2))
        return links, tuple((t.stops, t.origins, t.first_day, t.route_cases) for t in (every, some))


def test_ingest_keeps_every_routes_way_origins_and_first_journey(generated: Generated) -> None:
    with generated.target.open() as store:
        expected = _from_relationships(store)
        kept = _kept(store)
        stale = store.read("MATCH (r:Route) WHERE r.way_stale IS NOT NULL RETURN count(r)").scalar()
    assert len(expected) > 100 and sum(1 for way, _, first in expected.values() if way and first) > 50
    assert kept == expected
    assert stale == 0


def test_reports_leave_the_kept_ways_out(generated: Generated) -> None:
    with generated.target.view() as view:
        case = view.read("MATCH (r:Route) WHERE r.way <> '' RETURN r.cases[0] LIMIT 1").scalar()
        nodes = case_graph(view, [case]).nodes
    routes = [node["props"] for node in nodes if node["label"] == "Route"]
    assert routes and all(props.get("description") for props in routes)
    assert not {name for props in routes for name in props} & {*route_ways.KEPT, "same_as_max"}


def test_route_links_from_kept_ways_are_those_worked_out_from_the_relationships(
        target: StoreTarget, generated_files: Path, tmp_path: Path) -> None:
    with target.open() as store:
        store.init_schema()
        ingest_manifest(store, generated_files / "manifest.json", rejects_dir=tmp_path, user="test")
        # some routes travelled on no known day (every generated journey is dated)
        undated = [row[0] for row in store.read(f"MATCH (r:Route) WHERE r.way <> '' RETURN {store.id_function}(r) LIMIT 20").rows]
        store.write(f"UNWIND $ids AS id MATCH (r) WHERE {store.id_function}(r) = id "
                    "MATCH (:Person)-[t:TRAVELLED]->(r) REMOVE t.date", {"ids": undated})
        route_ways.refresh(store, undated, "test")
    kept = _route_links(target)
    links, ((stops, _, _, _), (on_some_ways, _, _, _)) = kept
    assert links and len(stops) > 50 and 0 < len(on_some_ways) < len(stops)

    with target.open() as store:  # a store written before ways were kept: every route worked out live
        store.write("MATCH (r:Route) REMOVE r.way, r.origins, r.first_travel")
    assert _route_links(target) == kept

    with target.open() as store:  # the next ingest works every route out once
        one_row = tmp_path / "one-row.csv"
        source = next((generated_files / "es").glob("*.csv"))
        lines = source.read_bytes().splitlines(keepends=True)
        one_row.write_bytes(lines[0] + lines[-1])  # a row stored already: nothing changes but the repair
        ingest_files(store, [one_row], load_mapping("es-cnp-csv"), rejects_path=tmp_path / "one-row-rejects.csv")
        assert _kept(store) == _from_relationships(store)
        some = undated + [row[0] for row in store.read(
            f"MATCH (r:Route) WHERE r.way <> '' AND r.first_travel IS NOT NULL RETURN {store.id_function}(r) LIMIT 20").rows]
        # a chunk killed between its mark and its refresh: stale marks over values that are wrong (a busy
        # way, and a journey date on routes no dated journey travelled)
        route_ways.mark_stale(store, some, "killed")
        store.write("MATCH (r:Route) WHERE r.way_stale = 'killed' SET r.way = $way, r.first_travel = '2020-01-01'",
                    {"way": FIELD_SEPARATOR.join(["LBY|tripoli", "NER|agadez"])})
        assert len(some) == 40
    assert _route_links(target) == kept

    with target.open() as store:
        assert route_ways.repair(store) == len(some)
        assert _kept(store) == _from_relationships(store)
        # a refresh by a writer whose token is no longer the route's works the values out and keeps the mark
        route_ways.mark_stale(store, some[:5], "later")
        route_ways.refresh(store, some[:5], "earlier")
        assert store.read("MATCH (r:Route) WHERE r.way_stale = 'later' RETURN count(r)").scalar() == 5
        route_ways.refresh(store, some[:5], "later")
        assert store.read("MATCH (r:Route) WHERE r.way_stale IS NOT NULL RETURN count(r)").scalar() == 0
    assert _route_links(target) == kept


def test_a_later_file_travelling_an_earlier_day_moves_the_routes_first_journey(
        target: StoreTarget, generated_files: Path, tmp_path: Path) -> None:
    source = next((generated_files / "es").glob("*.csv"))
    with open(source, encoding="cp1252", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    travelled = [row for row in rows if row["route_origin"] and row["travel_date"]][:3]
    assert travelled
    mapping = load_mapping("es-cnp-csv")
    with target.open() as store:
        store.init_schema()
        ingest_files(store, [source], mapping, rejects_path=tmp_path / "first.csv")
        before = _kept(store)
        earlier = tmp_path / "earlier.csv"
        with open(earlier, "w", encoding="cp1252", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
            writer.writeheader()
            for row in travelled:
                day = date(*reversed([int(part) for part in row["travel_date"].split("/")])) - timedelta(days=10)
                writer.writerow({**row, "travel_date": day.strftime("%d/%m/%Y")})
        ingest_files(store, [earlier], mapping, rejects_path=tmp_path / "second.csv")
        after = _kept(store)
        assert after == _from_relationships(store)
    moved = {route for route in after if after[route][2] != before.get(route, (None, None, None))[2]}
    assert len(moved) == len(travelled)
    assert all(after[route][2] < before[route][2] for route in moved)


def test_journeys_of_a_link_table_refresh_routes_another_table_wrote(store: Store, tmp_path: Path) -> None:
    """A route whose journeys come in a later run, from a table that only refers to it, is refreshed too."""
    (tmp_path / "routes.csv").write_text("route_id,origin,transit\nR1,Lagos,Agadez|Tripoli\nR2,Lagos,Agadez\n")
    (tmp_path / "journeys.csv").write_text("route_id,person,day\nR1,P1,2024-03-05\nR1,P2,2024-02-01\nR2,P3,\n")
    (tmp_path / "m.yaml").write_text("""
source: border
reader: {format: csv}
tables:
  routes:
    file: "routes.csv"
    entities:
      route: {type: Route, id: route_id}
      origin: {type: Location, key: {column: origin, normalise: place, options: {country: {value: NGA}}}}
      transit: {type: Location, foreach: {column: transit, split: "|"}, key: {item: true, normalise: place}}
    relationships:
      - {type: FROM, from: route, to: origin}
      - {type: VIA, from: route, to: transit, properties: {seq: {position: true}}}
  journeys:
    file: "journeys.csv"
    entities:
      route: {type: Route, ref: route_id}
      person: {type: Person, id: person}
    relationships:
      - {type: TRAVELLED, from: person, to: route, properties: {date: {column: day, normalise: date}}}
""")
    mapping = load_mapping(str(tmp_path / "m.yaml"))
    ingest_files(store, [tmp_path / "routes.csv"], mapping, rejects_path=tmp_path / "r1.csv")
    ways = _kept(store)
    assert [first for _, _, first in ways.values()] == [None, None]
    ingest_files(store, [tmp_path / "journeys.csv"], mapping, rejects_path=tmp_path / "r2.csv")
    kept = _kept(store)
    assert kept == _from_relationships(store)
    assert sorted(first for _, _, first in kept.values() if first) == ["2024-02-01"]
