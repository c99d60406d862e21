"""Route links: routes of two cases travelled the same way within a window, closer in time than chance explains.

Part of ``links`` (kind ``route``); the way's traffic model is ``_Traffic``.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.model import SEEN_CASES, LinkReport, RawLink
from linkgraph.store.base import FIELD_SEPARATOR, one_string
from linkgraph.store.route_ways import FIRST_TRAVEL, ORIGINS, STALE, WAY, places_of

if TYPE_CHECKING:
    from linkgraph.access.view import Hit, View

__all__ = ["ROUTE_MIN_SCORE", "YEAR", "route_links"]

#: Route links are kept when chance explains them less often than not (``_Traffic``).
ROUTE_MIN_SCORE = 0.5
#: The days over which a way's traffic is counted around a journey.
YEAR = 365


#: Between the elements of a list read inside one string (``_items``).
_ITEM = "\x1e"


def _items(expression: str) -> str:
    """Cypher: the strings of the list ``expression``, each followed by ``_ITEM`` (split, drop the last)."""
    return f"reduce(s = '', x IN {expression} | s + x + '{_ITEM}')"


def _day(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def route_links(view: View, window_days: int, min_score: float = ROUTE_MIN_SCORE, report: LinkReport | None = None,
                min_points: int = 2, scope: list[str] | None = None) -> list[RawLink]:
    """Routes of two cases travelled the same way (the same origin and transit places, at least
    ``min_points`` of them) within the window, and closer in time than chance explains (``_Traffic``):
    one link per pair of cases (on the way that explains it best), naming the way's places. A single
    busy hub such as Tripoli, or two journeys crossing at one, is on the way of many unrelated journeys.

    With ``scope`` (cases), only the ways the scope's routes travel are read, each with all its traffic,
    so the links touching the scope are those of the whole store (nightly detection's new cases: on a
    store of a million rows, one case's route links took 11.7 s store-wide)."""
    on_ways = None if scope is None else _on_ways_of(view, scope, min_points)
    if on_ways is not None and not on_ways:
        return []
    traffic = _Traffic.read(view, min_points, on_ways=on_ways)
    window = timedelta(days=window_days)
    if report is not None:
        report.hits += _route_hits(view, traffic, window, min_score, min_points, on_ways)
    # (case a, case b) -> way -> [best chance, its gap, routes of a, routes of b, first day, last day, cases near]
    pairs: dict[tuple[str, str], dict[frozenset[str], list[Any]]] = defaultdict(dict)
    # with a scope, only pairs of journeys one of which is the scope's: the links kept are those of a
    # scope case (``find_links``), and every journey pair making one of them has a journey of that case
    scoped = None if scope is None else {r for r, cases in traffic.route_cases.items() if not set(scope).isdisjoint(cases)}
    for way, routes in traffic.by_way.items():
        at = None if scoped is None else [j for j, route in enumerate(routes) if route in scoped]
        for i, x in enumerate(routes):
            later: Sequence[int] = range(i + 1, len(routes)) if at is None or x in scoped else at[bisect_right(at, i):]
            if not later:
                continue
            day_x, cases_x = traffic.first_day[x], traffic.route_cases[x]
            cases_near = traffic.near(way, day_x)
            reach = traffic.reach(cases_near, min_score, window_days)
            # the inner loop runs for every pair of journeys in reach (482,487 on the 1,000,000-row store):
            # ``_Traffic.chance`` is written out here (its operations in its order: the same float, so two
            # ways as likely break the same tie), and a pair's days kept as their first and last
            busy = -max(0, cases_near - 1) * 2
            for y in (routes[j] for j in later):
                day_y = traffic.first_day[y]
                gap = (day_y - day_x).days
                if gap > reach:
                    break
                chance = 1 - math.exp(busy * (gap if gap > 1 else 1) / YEAR)
                for a in cases_x:
                    for b in traffic.route_cases[y]:
                        if a == b:
                            continue
                        ways = pairs[(a, b) if a < b else (b, a)]
                        entry = ways.get(way)
                        if entry is None:
                            entry = ways[way] = [1.0, 0, set(), set(), day_x, day_y, 0]
                        entry[2 if a < b else 3].add(x)
                        entry[3 if a < b else 2].add(y)
                        if chance < entry[0]:
                            entry[0], entry[1], entry[6] = chance, gap, cases_near
                        # a way's routes are in day order, so x travelled no later than y: the pair's
                        # first day is some x's, its last some y's
                        if day_x < entry[4]:
                            entry[4] = day_x
                        if day_y > entry[5]:
                            entry[5] = day_y
    best = {pair: (min(ways.items(), key=lambda item: (item[1][0], sorted(item[0])))) for pair, ways in pairs.items()}
    found = []
    for (a, b), (way, (chance, gap, routes_a, routes_b, first, last, cases_near)) in sorted(best.items()):
        if 1 - chance < min_score:
            continue
        # a place is named as the origin where one of the pair's routes starts there (the same place may be
        # a transit on other routes of the way: naming it from them would depend on what else was read)
        starts = set().union(*(traffic.origins[r] for r in routes_a | routes_b))
        names = sorted(f"{'origin' if p in starts else 'transit'} {traffic.captions.get(p) or p}" for p in way)
        evidence = (f"routes of {a} and {b} share {', '.join(names)} between {first} and {last}",
                    f"{gap} days apart on a way {cases_near} visible cases travelled within half a year: "
                    f"journeys this close by chance p={chance:.2f}")
        found.append(RawLink("route", " & ".join(sorted(way)), "corridor " + ", ".join(n.split(" ", 1)[1] for n in names),
                          {a: routes_a, b: routes_b}, evidence, score=1 - chance, id_extra=(a, b),
                          shared_keys=tuple(sorted(way))))
    return found


def _on_ways_of(view: View, scope: list[str], min_points: int) -> set[frozenset[str]]:
    """The ways (sets of places) the visible routes of the ``scope`` cases travel, of ``min_points`` or more."""
    ways, live = set(), []
    for route, way, fresh in view.read(
            "MATCH (r:Route) WHERE any(k IN coalesce(r.cases, []) WHERE k IN $scope) "
            "AND ($everything OR any(k IN coalesce(r.cases, []) WHERE k IN $visible)) "
            f"RETURN r.key, r.{WAY}, r.{WAY} IS NOT NULL AND r.{STALE} IS NULL", {"scope": scope}).rows:
        if fresh:
            ways.add(places_of(way))
        else:
            live.append(route)
    places: dict[str, set[str]] = defaultdict(set)
    for route, place in view.read("UNWIND $routes AS key MATCH (r:Route {key: key})-[:VIA|FROM]->(l:Location) "
                                  "RETURN r.key, l.key", {"routes": live}).rows if live else []:
        places[route].add(place)
    ways.update(frozenset(found) for found in places.values())
    return {way for way in ways if len(way) >= min_points}


@dataclass
class _Traffic:
    """How busy each way (a route's set of origin and transit places) is among the visible routes.

    Written here because no library models it: two cases on the same way a few days apart mean little
    on a corridor dozens of cases travel each year, and much on one travelled twice. Journeys on one way
    are taken as arriving at random at the way's rate around the time of the journey: the cases whose
    first journey on the way lies within half a year either side, over a year (corridors open, close
    and surge, so a rate over the whole store would be wrong in both directions). The chance that some
    other case on the way travelled within ``gap`` days of one of the pair is then
    ``1 - exp(-rate * 2 * gap)``.
    Only visible routes are counted: hidden traffic must not change what a restricted user is shown.
    Routes without a travel date are left out: the window cannot be checked.
    """

    stops: dict[str, frozenset[str]]
    first_day: dict[str, date]
    route_cases: dict[str, list[str]]
    origins: dict[str, frozenset[str]]  # route -> the place(s) it starts from
    captions: dict[str, str]  # place key -> its name

    @classmethod
    def read(cls, view: View, min_points: int, hidden: bool = False,
             on_ways: set[frozenset[str]] | None = None) -> _Traffic:
        """The dated routes the principal sees (or, ``hidden``, those only hidden cases hold, with those
        cases: for markers) with at least ``min_points`` places, one row per route; with ``on_ways``, only
        the routes on those ways.

        Each route's way, origins and first journey are read as ingest keeps them on the route
        (``store.route_ways``: the routes on a way are an index seek); a route without them, or marked
        stale, is worked out from its relationships (``_live``). Place captions come from the few
        ``Location`` nodes."""
        which = ("NOT any(k IN coalesce(r.cases, []) WHERE k IN $visible)" if hidden
                 else "$everything OR any(k IN coalesce(r.cases, []) WHERE k IN $visible)")
        cases = f"CASE WHEN $everything OR $hidden THEN coalesce(r.cases, []) ELSE {SEEN_CASES.format(v='r')} END"
        stops: dict[str, frozenset[str]] = {}
        first_day: dict[str, date] = {}
        route_cases: dict[str, list[str]] = {}
        origins_of: dict[str, frozenset[str]] = {}

        # the routes of a store share a few thousand days and ways: each is parsed once
        days: dict[Any, date | None] = {}
        ways: dict[str, frozenset[str]] = {}
        starts: dict[str, frozenset[str]] = {}

        def add(route: str, first: Any, seen: list[str], places: frozenset[str], origins: frozenset[str]) -> None:
            day = days[first] if first in days else days.setdefault(first, _day(first))
            if day is None or len(places) < min_points or (on_ways is not None and places not in on_ways):
                return
            stops[route], origins_of[route], first_day[route], route_cases[route] = places, origins, day, seen

        # one string per route (``one_string``; the way, itself joined by the separator, last): on the
        # 1,000,000-row store the client parsed 1.5 million values for 276,707 routes
        kept = (f"r.{WAY} IS NOT NULL AND r.{FIRST_TRAVEL} IS NOT NULL AND r.{STALE} IS NULL AND ({which}) RETURN "
                + one_string(["r.key", f"toString(r.{FIRST_TRAVEL})", _items(cases), _items(f"coalesce(r.{ORIGINS}, [])"),
                              f"r.{WAY}"]))
        if on_ways is None:
            rows = view.read(f"MATCH (r:Route) WHERE {kept}", {"hidden": hidden}).rows
        else:
            rows = view.read(f"UNWIND $ways AS w MATCH (r:Route {{{WAY}: w}}) WHERE {kept}",
                             {"hidden": hidden, "ways": sorted(FIELD_SEPARATOR.join(sorted(way)) for way in on_ways)}).rows
        for [row] in rows:
            route, first, seen, origins, way = row.split(FIELD_SEPARATOR, 4)
            places = ways.get(way) or ways.setdefault(way, places_of(way))
            begins = starts.get(origins) or starts.setdefault(origins, frozenset(origins.split(_ITEM)[:-1]))
            add(route, first, seen.split(_ITEM)[:-1], places, begins)
        live = [route for [route] in view.read(
            f"MATCH (r:Route) WHERE (r.{WAY} IS NULL OR r.{STALE} IS NOT NULL) AND ({which}) RETURN r.key").rows]
        for route, first, seen, visited in cls._live(view, live, which, cases, hidden):
            way = {tuple(stop.split(" ", 1)) for stop in visited}
            add(route, first, seen, frozenset(place for _, place in way), frozenset(place for rel, place in way if rel == "FROM"))
        return cls(stops, first_day, route_cases, origins_of, dict(view.read("MATCH (l:Location) RETURN l.key, l.place").rows))

    @staticmethod
    def _live(view: View, routes: list[str], which: str, cases: str, hidden: bool) -> list[list[Any]]:
        """The first dated journey, cases and ``'FROM place'`` / ``'VIA place'`` stops of the ``routes``,
        worked out from their relationships (each route's places collected as flat strings: on 1,000,000
        rows grouping nested lists cost FalkorDB 20 s and the client 23 s more to parse)."""
        if not routes:
            return []
        return view.read(
            "UNWIND $routes AS key MATCH (r:Route {key: key}) MATCH (:Person)-[t:TRAVELLED]->(r) "
            "WHERE t.date IS NOT NULL WITH r, min(t.date) AS first "
            f"WHERE {which} "
            "MATCH (r)-[v:VIA|FROM]->(l:Location) WITH r, first, collect(type(v) + ' ' + l.key) AS visited "
            f"RETURN r.key, toString(first), {cases}, visited", {"hidden": hidden, "routes": routes}).rows

    def __post_init__(self) -> None:
        by_way: dict[frozenset[str], list[str]] = defaultdict(list)
        for route in self.first_day:
            by_way[self.stops[route]].append(route)
        self.by_way = {way: sorted(routes, key=lambda r: (self.first_day[r], r)) for way, routes in by_way.items()}
        first: dict[tuple[frozenset[str], str], date] = {}  # (way, case) -> its first journey on the way
        for route, day in self.first_day.items():
            for case in self.route_cases[route]:
                key = (self.stops[route], case)
                first[key] = min(day, first.get(key, day))
        self.case_days: dict[frozenset[str], list[date]] = defaultdict(list)
        for (way, _), day in first.items():
            self.case_days[way].append(day)
        for days in self.case_days.values():
            days.sort()

    def near(self, way: frozenset[str], day: date, extra: _Traffic | None = None) -> int:
        """Cases whose first journey on ``way`` lies within half a year of ``day`` (and of ``extra``'s)."""
        half = timedelta(days=YEAR // 2)
        count = 0
        for traffic in (self, extra) if extra is not None else (self,):
            days = traffic.case_days.get(way, [])
            count += bisect_right(days, day + half) - bisect_left(days, day - half)
        return count

    def chance(self, cases: int, gap: int) -> float:
        """The chance that, of ``cases`` on one way, another than a given one travelled within ``gap`` days
        of it (a same-day journey counts as one day apart: dates carry no time)."""
        return 1 - math.exp(-max(0, cases - 1) * 2 * max(gap, 1) / YEAR)

    def reach(self, cases: int, min_score: float, window_days: int) -> int:
        """The widest gap (days) that can still score ``min_score`` on a way of ``cases``, within the window:
        on a busy way no pair need be looked at beyond it (-1: not even a same-day pair)."""
        if min_score <= 0 or cases <= 1:
            return window_days
        widest = -math.log(min_score) * YEAR / (2 * (cases - 1))
        return -1 if widest < 1 else min(window_days, int(widest))


def _route_hits(view: View, traffic: _Traffic, window: timedelta, min_score: float, min_points: int,
                on_ways: set[frozenset[str]] | None = None) -> list[Hit]:
    """Markers for visible routes that a route of a hidden case travelled the same way within the window
    and closer than chance explains: its owner country and handling code, nothing else. Here the way's
    traffic counts the hidden cases too: a busy corridor links nobody, whoever may see its journeys."""
    if view.principal.everything or not traffic.first_day:
        return []
    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    hidden = _Traffic.read(view, min_points, hidden=True, on_ways=on_ways)
    if not hidden.first_day:
        return []
    countries = {key: (country, handling) for key, country, handling in view.read(
        "UNWIND $cases AS key MATCH (c:Case {key: key}) RETURN c.key, coalesce(c.country_key, c.country), c.handling_code",
        {"cases": sorted({c for cases in hidden.route_cases.values() for c in cases})}).rows}
    hits = set()
    for way, routes in hidden.by_way.items():
        seen_routes = traffic.by_way.get(way)
        if not seen_routes:
            continue
        days = [traffic.first_day[r] for r in seen_routes]
        for route in routes:
            day = hidden.first_day[route]
            lo, hi = bisect_left(days, day - window), bisect_right(days, day + window)
            for near in seen_routes[lo:hi]:
                cases_on_way = traffic.near(way, min(day, traffic.first_day[near]), hidden)
                if 1 - traffic.chance(cases_on_way, abs((traffic.first_day[near] - day).days)) >= min_score:
                    for case in hidden.route_cases[route]:
                        country, handling = countries.get(case, (None, None))
                        hits.add(Hit(near, "route", country or "unknown country", handling or DEFAULT_HANDLING))
    return sorted(hits, key=lambda h: (h.key, h.country))
