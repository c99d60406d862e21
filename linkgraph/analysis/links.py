"""Cross-case links: what ties two or more cases together, read through the view.

``find_links`` returns the links a principal may see and the restricted-match markers (hit/no-hit) for
what she sees that reaches into hidden cases; ``cross_case_links`` is the list of links alone, which
``linkgraph links``, nightly detection and the reports reuse. The kinds (``LINK_KINDS``):

- document, phone, email, account, vehicle: one strong-identifier entity mentioned by several cases;
- address: a street address (a Location of ``level`` address) where persons or organisations of several
  cases live (LIVES_AT); a town is home to thousands and links nobody;
- person: a resolved identity, persons joined by accepted SAME_AS links or candidates at or above the
  threshold (marked ``candidate``), or one person record mentioned by several cases;
- route: routes of two cases travelled the same way (same origin and transit places, at least two)
  within ``window_days`` of each other (``shared`` is the place keys joined by " & ");
- contact: a CONTACTED relationship between persons of different cases.

Every query filters with the view's scope, so nothing that exists only in a hidden case is read. A link
whose other side is hidden is not reported; the visible entity gets a hit marker instead.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.model import LINK_KINDS, CaseSide, CrossCaseLink
from linkgraph.errors import UsageError
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from linkgraph.access.view import Hit, View

#: Link kind -> label of the strong-identifier entity it is made of.
STRONG_KINDS = {"document": "Document", "phone": "Phone", "email": "Email", "account": "Account",
                "vehicle": "Vehicle"}
#: Relationships from a person to each strong identifier (who holds the passport, uses the phone).
_HOLDERS = {"document": "HOLDS", "phone": "USES", "email": "USES", "account": "USES", "vehicle": "USES"}
_CAPTION = {"document": "number", "phone": "number", "email": "address", "account": "number", "vehicle": "plate"}
_Provenance = dict[tuple[str, str], list[tuple[str, str]]]
#: The labels whose records ``provenance`` reads (a place's records are no case's evidence).
_RECORDED = ("Person", "Organisation", "Route", *STRONG_KINDS.values())
#: Route links are kept when chance explains them less often than not (``_Traffic``).
ROUTE_MIN_SCORE = 0.5
#: The days over which a way's traffic is counted around a journey.
YEAR = 365
_SEEN = "[k IN coalesce({v}.cases, []) WHERE $everything OR k IN $visible]"


@dataclass
class LinkReport:
    """What ``find_links`` found: the links, and the markers for matches in hidden cases."""

    links: list[CrossCaseLink] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def link_id(kind: str, shared: str, *extra: str) -> str:
    """The stable id of a link: a short hash of its kind and what is shared (plus, for route and contact
    links, the cases, because one place or one person ties many different groups of cases)."""
    text = "\x1f".join((kind, shared, *extra))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def cross_case_links(view: View, *, cases: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
                     min_cases: int = 2, since: str | None = None, window_days: int = 90,
                     threshold: float = DEFAULT_THRESHOLD,
                     route_min_score: float = ROUTE_MIN_SCORE) -> list[CrossCaseLink]:
    """Every link between ``min_cases`` or more cases the principal may see (see the module docstring).

    ``cases`` keeps links touching one of those cases; ``kinds`` keeps those kinds; ``since`` (an ingest
    run key or an ISO date) keeps links with a side ingested at or after it. Strongest first.
    """
    return find_links(view, cases=cases, kinds=kinds, min_cases=min_cases, since=since,
                      window_days=window_days, threshold=threshold, route_min_score=route_min_score).links


def find_links(view: View, *, cases: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
               min_cases: int = 2, since: str | None = None, window_days: int = 90,
               threshold: float = DEFAULT_THRESHOLD, route_min_score: float = ROUTE_MIN_SCORE) -> LinkReport:
    """The links of ``cross_case_links`` and the hit markers for the entities involved."""
    wanted = list(kinds or LINK_KINDS)
    unknown = [k for k in wanted if k not in LINK_KINDS]
    if unknown:
        raise UsageError(f"unknown link kind {unknown[0]!r}; use one of {', '.join(LINK_KINDS)}")
    if min_cases < 2:
        raise UsageError(f"--min-cases must be 2 or more, not {min_cases}")
    countries = dict(view.read("MATCH (c:Case) WHERE $everything OR c.key IN $visible "
                               "RETURN c.key, coalesce(c.country_key, c.country)").rows)
    report = LinkReport()
    raw: list[_Raw] = []
    for kind in wanted:
        if kind in STRONG_KINDS:
            raw += _strong(view, kind, report, sorted(cases) if cases else None)
        elif kind == "person":
            raw += _persons(view, threshold, report)
        elif kind == "route":
            raw += _routes(view, window_days, route_min_score, report)
        elif kind == "contact":
            raw += _contacts(view, report)
        elif kind == "address":
            raw += _addresses(view, report)
    keep = set(cases or [])
    raw = [r for r in raw if len(r.sides) >= min_cases and (not keep or keep & set(r.sides))]
    cases_of: dict[str, set[str]] = defaultdict(set)  # entity key -> the cases whose side holds it
    for r in raw:
        for case, keys in r.sides.items():
            for key in keys:
                cases_of[key].add(case)
    origins = provenance(view, cases_of, _labels(raw))
    if since:
        started, runs = _since(view, since), _run_times(view)
        raw = [r for r in raw if any(runs.get(run, "") >= started for case, keys in r.sides.items()
                                     for key in keys for _, run in origins.get((key, case), []))]
    report.links = sorted((r.link(countries, origins) for r in raw),
                          key=lambda link: (-len(link.cases), -link.score, link.kind, link.shared))
    report.hits = sorted(set(report.hits), key=lambda h: (h.kind, h.key, h.country))
    return report


def _labels(raw: list[_Raw]) -> dict[str, str]:
    """The label of each entity on the links' sides, where the kind says it (an address's residents may
    be persons or organisations: left out)."""
    labels: dict[str, str] = {}
    for r in raw:
        if r.kind == "address":
            labels[r.shared] = "Location"
            continue
        for keys in r.sides.values():
            labels.update(dict.fromkeys(keys, "Route" if r.kind == "route" else "Person"))
        if r.kind in STRONG_KINDS:
            labels[r.shared] = STRONG_KINDS[r.kind]
    return labels


@dataclass
class _Raw:
    """A link before its provenance is attached: case -> keys of the entities on that side."""

    kind: str
    shared: str
    label: str
    sides: dict[str, set[str]]
    evidence: tuple[str, ...] = ()
    status: str = "confirmed"
    score: float = 1.0
    id_extra: tuple[str, ...] = ()

    def link(self, countries: dict[str, str | None], provenance: _Provenance) -> CrossCaseLink:
        sides = tuple(CaseSide(case, countries.get(case), tuple(sorted(keys)),
                               tuple(sorted({rec for key in keys for rec, _ in
                                             provenance.get((key, case), [])})))
                      for case, keys in sorted(self.sides.items()))
        return CrossCaseLink(link_id(self.kind, self.shared, *self.id_extra), self.kind, self.shared, self.label,
                             sides, self.evidence, self.status, round(self.score, 4))


def _strong(view: View, kind: str, report: LinkReport, scope: list[str] | None = None) -> list[_Raw]:
    """Strong-identifier entities of several visible cases: mentioned by them, or held or used by their
    persons (a relational export names a document's case only through its holder). With ``scope``, only
    the entities those cases mention or whose holders they mention (nightly detection's new cases: its
    cost then follows the new data, not the store)."""
    label, holder = STRONG_KINDS[kind], _HOLDERS[kind]
    if scope is None:
        keys = _several_cases(view, label, holder)
    else:
        keys = {row[0] for row in view.read(
            f"MATCH (n:{label}) WHERE any(k IN coalesce(n.cases, []) WHERE k IN $scope) RETURN n.key",
            {"scope": scope}).rows}
        keys |= {row[0] for row in view.read(
            f"MATCH (p:Person) WHERE any(k IN coalesce(p.cases, []) WHERE k IN $scope) "
            f"MATCH (p)-[:{holder}]->(n:{label}) RETURN DISTINCT n.key", {"scope": scope}).rows}
    if not keys:
        return []
    start, params = f"UNWIND $keys AS key MATCH (n:{label} {{key: key}}) ", {"keys": sorted(keys)}
    rows = view.read(
        start + f"OPTIONAL MATCH (p:Person)-[:{holder}]->(n) "
        "WITH n, collect([p.key, " + _SEEN.format(v="p") + ", size(coalesce(p.cases, []))]) AS holders "
        "WITH n, [h IN holders WHERE h[0] IS NOT NULL] AS holders "
        "WHERE size(coalesce(n.cases, [])) + reduce(t = 0, h IN holders | t + h[2]) >= 2 "
        f"WITH n, holders, {_SEEN.format(v='n')} AS seen "
        "WITH n, holders, seen, reduce(acc = seen, h IN holders | acc + h[1]) AS every, "
        "size(seen) < size(coalesce(n.cases, [])) OR any(h IN holders WHERE size(h[1]) < h[2]) AS hidden_too "
        # two different visible cases, or one and a hidden one (a marker): most held documents are neither
        "WHERE size(every) >= 1 AND (hidden_too OR any(c IN every WHERE c <> every[0])) "
        f"RETURN n.key, n.{_CAPTION[kind]}, seen, hidden_too, [h IN holders | [h[0], h[1]]]", params).rows
    found, beyond = [], []
    for key, caption, seen, hidden_too, holders in rows:
        sides: dict[str, set[str]] = defaultdict(set)
        for case in seen:
            sides[case].add(key)
        for person, person_cases in holders:
            for case in person_cases:
                sides[case] |= {key, person}
        if hidden_too and sides:
            beyond.append(key)
        if len(sides) >= 2:
            found.append(_Raw(kind, key, str(caption or key), dict(sides), (f"same {kind} {caption or key}",)))
    report.hits += _holder_hits(view, label, holder, kind, beyond)
    return found


def _several_cases(view: View, label: str, holder: str) -> set[str]:
    """Keys of the ``label`` entities that may link cases, visible or not: named by two cases, held by two
    persons, or held by a person of two cases or of a case the entity does not name. Three plain scans
    instead of collecting every entity's holders: on 1,000,000 rows 2.4 s instead of 6.4 s, and as
    few entities are left for the full check as links come out of it."""
    keys = {row[0] for row in view.read(f"MATCH (n:{label}) WHERE size(coalesce(n.cases, [])) >= 2 RETURN n.key").rows}
    keys |= {row[0] for row in view.read(
        f"MATCH (:Person)-[:{holder}]->(n:{label}) WITH n, count(*) AS holders WHERE holders >= 2 RETURN n.key").rows}
    keys |= {row[0] for row in view.read(
        f"MATCH (p:Person)-[:{holder}]->(n:{label}) WHERE size(coalesce(p.cases, [])) >= 2 "
        "OR any(c IN coalesce(n.cases, []) WHERE NOT c IN coalesce(p.cases, [])) RETURN DISTINCT n.key").rows}
    return keys


def _holder_hits(view: View, label: str, holder: str, kind: str, keys: list[str]) -> list[Hit]:
    """Markers for the ``label`` entities ``keys`` that a hidden case mentions, or whose holder a hidden
    case mentions: the owner country and handling code of that case, nothing else."""
    if view.principal.everything or not keys:
        return []
    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    rows = view.read(
        f"UNWIND $keys AS key MATCH (n:{label} {{key: key}}) OPTIONAL MATCH (p:Person)-[:{holder}]->(n) "
        "WITH n, collect(coalesce(p.cases, [])) AS held "
        "WITH n, reduce(acc = coalesce(n.cases, []), x IN held | acc + x) AS every "
        "UNWIND [k IN every WHERE NOT k IN $visible] AS hidden MATCH (c:Case {key: hidden}) "
        "RETURN DISTINCT n.key, coalesce(c.country_key, c.country), c.handling_code", {"keys": keys}).rows
    return [Hit(key, kind, country or "unknown country", handling or DEFAULT_HANDLING) for key, country, handling in rows]


def _persons(view: View, threshold: float, report: LinkReport) -> list[_Raw]:
    """Resolved identities (SAME_AS components) and person records that span several visible cases."""
    edges = view.read(
        "MATCH (a:Person)-[s:SAME_AS]->(b:Person) "
        "WHERE s.status = 'accepted' OR (s.status = 'candidate' AND s.probability >= $threshold) "
        f"WITH a, b, s, {_SEEN.format(v='a')} AS seen_a, {_SEEN.format(v='b')} AS seen_b "
        "WHERE size(seen_a) >= 1 OR size(seen_b) >= 1 "
        "RETURN a.key, b.key, seen_a, seen_b, s.status, s.probability, s.evidence, a.name, b.name, "
        "a.identity, b.identity",
        {"threshold": threshold}).rows
    import networkx as nx

    graph = nx.Graph()
    names: dict[str, str] = {}
    person_cases: dict[str, list[str]] = {}
    edge_of: dict[frozenset[str], tuple[str, float, list[str]]] = {}
    beyond = set()
    identity: dict[str, str] = {}
    for a, b, seen_a, seen_b, status, probability, evidence, name_a, name_b, id_a, id_b in edges:
        identity.update({k: v for k, v in ((a, id_a), (b, id_b)) if v})
        if not seen_a or not seen_b:  # the other end lives only in hidden cases: a marker, not a link
            beyond.add(a if seen_a else b)
            continue
        graph.add_edge(a, b)
        names[a], names[b] = name_a or a, name_b or b
        person_cases[a], person_cases[b] = seen_a, seen_b
        edge_of[frozenset((a, b))] = (status, float(probability or 0), list(evidence or []))
    found = []
    for members in nx.connected_components(graph):
        sides: dict[str, set[str]] = defaultdict(set)
        for person in members:
            for case in person_cases[person]:
                sides[case].add(person)
        if len(sides) < 2:
            continue
        pairs = [(tuple(sorted(k)), v) for k, v in edge_of.items() if k <= members]
        status = "confirmed" if all(v[0] == "accepted" for _, v in pairs) else "candidate"
        evidence = tuple(f"{x} ~ {y}: {st} p={p:.3f}" + (f" ({'; '.join(ev)})" if ev else "")
                         for (x, y), (st, p, ev) in sorted(pairs))
        held = sorted(identity[m] for m in members if m in identity)
        anchor = max(set(held), key=held.count) if held else min(members)  # the resolved identity id
        label = " / ".join(sorted({names[m] for m in members}))
        found.append(_Raw("person", anchor, label, dict(sides), evidence, status, min(v[1] for _, v in pairs)))
    in_components = set(graph.nodes)
    single = view.read(
        f"MATCH (p:Person) WHERE size(coalesce(p.cases, [])) >= 2 WITH p, {_SEEN.format(v='p')} AS seen "
        "WHERE size(seen) >= 2 RETURN p.key, p.name, seen").rows
    for key, name, seen in single:
        if key not in in_components:
            found.append(_Raw("person", key, name or key, {case: {key} for case in seen},
                              (f"one person record {key} in {len(seen)} cases",)))
    hidden_too = view.read(f"MATCH (p:Person) WHERE size(coalesce(p.cases, [])) >= 2 WITH p, {_SEEN.format(v='p')} "
                           "AS seen WHERE size(seen) >= 1 AND size(seen) < size(p.cases) RETURN p.key").rows
    report.hits += view.hits("Person", sorted(beyond | {row[0] for row in hidden_too}), threshold)
    return found


def _day(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _routes(view: View, window_days: int, min_score: float = ROUTE_MIN_SCORE, report: LinkReport | None = None,
            min_points: int = 2) -> list[_Raw]:
    """Routes of two cases travelled the same way (the same origin and transit places, at least
    ``min_points`` of them) within the window, and closer in time than chance explains (``_Traffic``):
    one link per pair of cases (on the way that explains it best), naming the way's places. A single
    busy hub such as Tripoli, or two journeys crossing at one, is on the way of many unrelated journeys."""
    traffic = _Traffic.read(view, min_points)
    window = timedelta(days=window_days)
    if report is not None:
        report.hits += _route_hits(view, traffic, window, min_score, min_points)
    # (case a, case b) -> way -> [best chance, its gap, routes of a, routes of b, travel days]
    pairs: dict[tuple[str, str], dict[frozenset[str], list[Any]]] = defaultdict(dict)
    for way, routes in traffic.by_way.items():
        for i, x in enumerate(routes):
            cases_near = traffic.near(way, traffic.first_day[x])
            reach = traffic.reach(cases_near, min_score, window_days)
            for y in routes[i + 1:]:
                gap = (traffic.first_day[y] - traffic.first_day[x]).days
                if gap > reach:
                    break
                chance = traffic.chance(cases_near, gap)
                for a, b in ((a, b) for a in traffic.route_cases[x] for b in traffic.route_cases[y] if a != b):
                    (ra, rb) = (x, y) if a < b else (y, x)
                    entry = pairs[(min(a, b), max(a, b))].setdefault(way, [1.0, 0, set(), set(), [], 0])
                    if chance < entry[0]:
                        entry[0], entry[1], entry[5] = chance, gap, cases_near
                    entry[2].add(ra)
                    entry[3].add(rb)
                    entry[4] += [traffic.first_day[x], traffic.first_day[y]]
    best = {pair: (min(ways.items(), key=lambda item: (item[1][0], sorted(item[0])))) for pair, ways in pairs.items()}
    found = []
    for (a, b), (way, (chance, gap, routes_a, routes_b, days, cases_near)) in sorted(best.items()):
        if 1 - chance < min_score:
            continue
        names = sorted(traffic.places[p] for p in way)
        evidence = (f"routes of {a} and {b} share {', '.join(names)} between {min(days)} and {max(days)}",
                    f"{gap} days apart on a way {cases_near} visible cases travelled within half a year: "
                    f"journeys this close by chance p={chance:.2f}")
        found.append(_Raw("route", " & ".join(sorted(way)), "corridor " + ", ".join(n.split(" ", 1)[1] for n in names),
                          {a: routes_a, b: routes_b}, evidence, score=1 - chance, id_extra=(a, b)))
    return found


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
    places: dict[str, str]

    @classmethod
    def read(cls, view: View, min_points: int, hidden: bool = False) -> _Traffic:
        """The dated routes the principal sees (or, ``hidden``, those only hidden cases hold, with those
        cases: for markers) with at least ``min_points`` places, one row per route.

        Read from the dated journeys (half the routes of a store carry no travel date and are left out
        anyway), each route's places collected as flat strings: on 1,000,000 rows grouping nested lists
        (``collect(DISTINCT [type, key, place])``) cost FalkorDB 20 s and the client 23 s more to
        parse, this 7 s in all. Place captions come from the few ``Location`` nodes."""
        which = ("NOT any(k IN coalesce(r.cases, []) WHERE k IN $visible)" if hidden
                 else "$everything OR any(k IN coalesce(r.cases, []) WHERE k IN $visible)")
        stops, first_day, route_cases, places = {}, {}, {}, {}
        captions = dict(view.read("MATCH (l:Location) RETURN l.key, l.place").rows)
        for route, first, seen, visited in view.read(
                "MATCH (:Person)-[t:TRAVELLED]->(r:Route) WHERE t.date IS NOT NULL WITH r, min(t.date) AS first "
                f"WHERE {which} "
                "MATCH (r)-[v:VIA|FROM]->(l:Location) WITH r, first, collect(type(v) + ' ' + l.key) AS visited "
                f"RETURN r.key, toString(first), CASE WHEN $everything OR $hidden THEN coalesce(r.cases, []) "
                f"ELSE {_SEEN.format(v='r')} END, visited", {"hidden": hidden}).rows:
            day = _day(first)
            way = {tuple(stop.split(" ", 1)) for stop in visited}
            if day is None or len(way) < min_points:
                continue
            for rel, place in way:
                places[place] = f"{'transit' if rel == 'VIA' else 'origin'} {captions.get(place) or place}"
            stops[route] = frozenset(place for _, place in way)
            first_day[route], route_cases[route] = day, seen
        return cls(stops, first_day, route_cases, places)

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
        from bisect import bisect_left, bisect_right

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


def _route_hits(view: View, traffic: _Traffic, window: timedelta, min_score: float, min_points: int) -> list[Hit]:
    """Markers for visible routes that a route of a hidden case travelled the same way within the window
    and closer than chance explains: its owner country and handling code, nothing else. Here the way's
    traffic counts the hidden cases too: a busy corridor links nobody, whoever may see its journeys."""
    if view.principal.everything or not traffic.first_day:
        return []
    from bisect import bisect_left, bisect_right

    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    hidden = _Traffic.read(view, min_points, hidden=True)
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


def _addresses(view: View, report: LinkReport) -> list[_Raw]:
    """Street addresses where residents of several visible cases live; an address where a resident of a
    hidden case lives too is a marker on it."""
    rows = view.read(
        "MATCH (p)-[:LIVES_AT]->(l:Location {level: 'address'}) WHERE p:Person OR p:Organisation "
        f"WITH l, p, {_SEEN.format(v='p')} AS seen "
        "RETURN l.key, l.place, collect([p.key, coalesce(p.name, p.key), seen, size(seen) < size(coalesce(p.cases, []))])").rows
    found, beyond = [], []
    for key, place, residents in rows:
        sides: dict[str, set[str]] = defaultdict(set)
        for resident, _, seen, _ in residents:
            for case in seen:
                sides[case] |= {key, resident}
        if sides and any(hidden for *_, hidden in residents):
            beyond.append(key)
        if len(sides) >= 2:
            names = sorted({name for _, name, seen, _ in residents if seen})
            found.append(_Raw("address", key, str(place or key), dict(sides),
                              (f"{len(names)} residents of {len(sides)} cases live at {place or key}: {', '.join(names)}",)))
    if beyond and not view.principal.everything:
        from linkgraph.access.policy import DEFAULT_HANDLING
        from linkgraph.access.view import Hit

        for key, country, handling in view.read(
                "UNWIND $keys AS key MATCH (p)-[:LIVES_AT]->(l:Location {key: key}) "
                "UNWIND [k IN coalesce(p.cases, []) WHERE NOT k IN $visible] AS hidden MATCH (c:Case {key: hidden}) "
                "RETURN DISTINCT l.key, coalesce(c.country_key, c.country), c.handling_code", {"keys": beyond}).rows:
            report.hits.append(Hit(key, "address", country or "unknown country", handling or DEFAULT_HANDLING))
    return found


def _contacts(view: View, report: LinkReport) -> list[_Raw]:
    """Contacts (calls, messages, meetings) between persons of different visible cases; a contact with
    a person only hidden cases mention is a marker on the visible person."""
    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    if not view.principal.everything:
        beyond = view.read(
            f"MATCH (a:Person)-[:CONTACTED]-(b:Person) WITH a, b, {_SEEN.format(v='a')} AS seen_a, "
            f"{_SEEN.format(v='b')} AS seen_b WHERE size(seen_a) >= 1 AND size(seen_b) = 0 "
            "UNWIND coalesce(b.cases, []) AS hidden MATCH (c:Case {key: hidden}) "
            "RETURN DISTINCT a.key, coalesce(c.country_key, c.country), c.handling_code").rows
        report.hits += [Hit(key, "contact", country or "unknown country", handling or DEFAULT_HANDLING)
                        for key, country, handling in beyond]
    rows = view.read(
        f"MATCH (a:Person)-[c:CONTACTED]->(b:Person) WITH a, b, c, {_SEEN.format(v='a')} AS seen_a, "
        f"{_SEEN.format(v='b')} AS seen_b WHERE size(seen_a) >= 1 AND size(seen_b) >= 1 "
        "RETURN a.key, b.key, a.name, b.name, seen_a, seen_b, count(c), min(c.date), max(c.date)").rows
    found = []
    for a, b, name_a, name_b, seen_a, seen_b, n, first, last in rows:
        if set(seen_a) == set(seen_b):
            continue
        sides: dict[str, set[str]] = defaultdict(set)
        for case in seen_a:
            sides[case].add(a)
        for case in seen_b:
            sides[case].add(b)
        when = f", {first} to {last}" if first else ""
        evidence = (f"{name_a or a} contacted {name_b or b} {n} time{'s' if n != 1 else ''}{when}",)
        found.append(_Raw("contact", f"{a}->{b}", f"{name_a or a} -> {name_b or b}", dict(sides), evidence,
                          id_extra=tuple(sorted(sides))))
    return found


def provenance(view: View, cases_of: dict[str, set[str]], labels: dict[str, str] | None = None) -> _Provenance:
    """(entity key, case) -> ("source file:line (record id)", ingest run) of the visible records behind
    each entity of ``cases_of`` (entity key -> the cases it links). A record that names no case (a person
    row of a relational export, whose case comes from a link sheet) is filed under each of the entity's
    linked cases whose own records come from the same source: never under every case of that source.

    ``labels`` (entity key -> label), where the caller knows them, sends each key to its own label's
    index only; a key without one is looked for under every label that carries case records (on a
    whole-store ``links`` the blind look-ups were most of the time)."""
    keys, cases = set(cases_of), {case for linked in cases_of.values() for case in linked}
    if not keys:
        return {}
    labels = labels or {}
    rows = []
    for label in _RECORDED:  # by label: each key an index lookup
        wanted = sorted(key for key in keys if labels.get(key, label) == label)
        if not wanted:
            continue
        rows += view.read(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
            "UNWIND coalesce(n.records, []) AS rk MATCH (r:Record {key: rk}) "
            "WHERE $everything OR r.case_id IN $visible OR coalesce(r.case_id, '') = '' "
            "RETURN k, coalesce(r.case_id, ''), r.source, r.file, r.line, r.record_id, r.run", {"keys": wanted}).rows
    sources: dict[str, set[str]] = defaultdict(set)
    for case, source in view.read(
            "UNWIND $cases AS key MATCH (c:Case {key: key}) WHERE $everything OR c.key IN $visible "
            "UNWIND coalesce(c.records, []) AS rk MATCH (r:Record {key: rk}) RETURN DISTINCT c.key, r.source",
            {"cases": sorted(cases)}).rows:
        sources[source].add(case)
    found: _Provenance = defaultdict(list)
    for key, case, source, file, line, record_id, run in rows:
        where = f"{file}:{line}" if line is not None else str(file or "")
        for owner in [case] if case else sorted(cases_of[key] & sources.get(source, set())):
            found[(key, owner)].append((f"{source} {where} ({record_id})".strip(), str(run or "")))
    return found


def _since(view: View, since: str) -> str:
    """The ISO time ``--since`` stands for: an ingest run's start, or a date."""
    rows = view.read("MATCH (r:IngestRun {key: $key}) RETURN r.started", {"key": since}).rows
    if rows and rows[0][0]:
        return str(rows[0][0])
    try:
        return datetime.fromisoformat(since).isoformat()
    except ValueError:
        raise UsageError(f"--since {since!r} is neither an ingest run nor a date (YYYY-MM-DD)") from None


def _run_times(view: View) -> dict[str, str]:
    return {key: str(started) for key, started in view.read("MATCH (r:IngestRun) RETURN r.key, r.started").rows}
