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
  within ``window_days`` of each other (``shared`` is the place keys joined by " & ", ``shared_keys``
  the keys themselves);
- contact: a CONTACTED relationship between persons of different cases.

Every query filters with the view's scope, so nothing that exists only in a hidden case is read. A link
whose other side is hidden is not reported; the visible entity gets a hit marker instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING

from linkgraph.analysis.model import (LINK_KINDS, SEEN_CASES, CrossCaseLink, LinkReport, Provenance, RawLink,
                                      link_id)
from linkgraph.analysis.person_links import person_links
from linkgraph.analysis.route_links import ROUTE_MIN_SCORE, route_links
from linkgraph.collector import collector_paused
from linkgraph.errors import UsageError
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.store.base import FIELD_SEPARATOR, one_string

if TYPE_CHECKING:
    from linkgraph.access.view import Hit, View

__all__ = ["ROUTE_MIN_SCORE", "STRONG_KINDS", "LinkReport", "cross_case_links", "find_links", "link_id", "provenance"]

#: Link kind -> label of the strong-identifier entity it is made of.
STRONG_KINDS = {"document": "Document", "phone": "Phone", "email": "Email", "account": "Account",
                "vehicle": "Vehicle"}
#: Relationships from a person to each strong identifier (who holds the passport, uses the phone).
_HOLDERS = {"document": "HOLDS", "phone": "USES", "email": "USES", "account": "USES", "vehicle": "USES"}
_CAPTION = {"document": "number", "phone": "number", "email": "address", "account": "number", "vehicle": "plate"}
#: The labels whose records ``provenance`` reads (a place's records are no case's evidence).
_RECORDED = ("Person", "Organisation", "Route", *STRONG_KINDS.values())


#: The most cases a scope is read by (see ``find_links``): a full detect's scope is every case of the store.
SCOPE_READ_MAX = 1000
#: The kinds ``find_links`` works on at once (the embedded server answers reads on as many threads as there are
#: cores, two on the machines measured; three threads were no faster), and the order it starts them in
#: (most client work first).
KIND_THREADS = 2
_SLOWEST_FIRST = ("route", "person", "phone", "document", "contact", "email", "account", "vehicle", "address")


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


@collector_paused()  # a whole-store run builds millions of long-lived objects: see the docstring
def find_links(view: View, *, cases: Iterable[str] | None = None, kinds: Iterable[str] | None = None,
               min_cases: int = 2, since: str | None = None, window_days: int = 90,
               threshold: float = DEFAULT_THRESHOLD, route_min_score: float = ROUTE_MIN_SCORE,
               with_records: bool = True) -> LinkReport:
    """The links of ``cross_case_links`` and the hit markers for the entities involved. Without
    ``with_records`` the sides carry no provenance records (``since`` still reads them to filter): for a
    table that does not show them, which saves the longest read of a whole-store run.

    Runs with the cyclic garbage collector paused (``collector.collector_paused``): a whole-store run
    builds millions of long-lived rows, tuples and sets, and the collector scanned them a third of the
    time."""
    wanted = list(kinds or LINK_KINDS)
    unknown = [k for k in wanted if k not in LINK_KINDS]
    if unknown:
        raise UsageError(f"unknown link kind {unknown[0]!r}; use one of {', '.join(LINK_KINDS)}")
    if min_cases < 2:
        raise UsageError(f"--min-cases must be 2 or more, not {min_cases}")
    countries = dict(view.read("MATCH (c:Case) WHERE $everything OR c.key IN $visible "
                               "RETURN c.key, coalesce(c.country_key, c.country)").rows)
    report = LinkReport()
    raw: list[RawLink] = []
    # the entities of a few cases are read from those cases; a scope of many is read store-wide and
    # filtered below (every node's check against a list of thousands of cases costs more than that)
    chosen = sorted(set(cases)) if cases is not None else []
    scope = chosen if chosen and len(chosen) <= SCOPE_READ_MAX else None

    def of_kind(kind: str) -> tuple[list[RawLink], list[Hit]]:
        part = LinkReport()  # its own markers: the kinds run in threads
        if kind in STRONG_KINDS:
            found = _strong(view, kind, part, scope)
        elif kind == "person":
            found = person_links(view, threshold, part, scope)
        elif kind == "route":
            found = route_links(view, window_days, route_min_score, part, scope=scope)
        elif kind == "contact":
            found = _contacts(view, part)
        else:
            found = _addresses(view, part)
        return found, part.hits

    # The kinds run in threads: while one kind's query runs in the server (which answers reads on
    # several threads), the client works out another's links. On the resolved 1,000,000-row store the
    # whole-store run used 14.8 s of client and 9.4 s of server CPU, and took their sum one after the other.
    with ThreadPoolExecutor(max_workers=KIND_THREADS, thread_name_prefix="links") as pool:
        started = {kind: pool.submit(of_kind, kind) for kind in sorted(wanted, key=_SLOWEST_FIRST.index)}
        try:
            for kind in wanted:  # in the order asked, whichever finished first
                found, hits = started[kind].result()
                raw += found
                report.hits += hits
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    keep = set(chosen)
    raw = [r for r in raw if len(r.sides) >= min_cases and (not keep or keep & set(r.sides))]
    cases_of: dict[str, set[str]] = defaultdict(set)  # entity key -> the cases whose side holds it
    for r in raw:
        for case, keys in r.sides.items():
            for key in keys:
                cases_of[key].add(case)
    origins = provenance(view, cases_of, _labels(raw)) if with_records or since else {}
    if since:
        started, runs = _since(view, since), _run_times(view)
        raw = [r for r in raw if any(runs.get(run, "") >= started for case, keys in r.sides.items()
                                     for key in keys for _, run in origins.get((key, case), []))]
    if not with_records:
        origins = {}
    report.links = sorted((r.link(countries, origins) for r in raw),
                          key=lambda link: (-len(link.cases), -link.score, link.kind, link.shared))
    report.hits = sorted(set(report.hits), key=lambda h: (h.kind, h.key, h.country))
    return report


def _labels(raw: list[RawLink]) -> dict[str, str]:
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


def _strong(view: View, kind: str, report: LinkReport, scope: list[str] | None = None) -> list[RawLink]:
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
        "WITH n, collect([p.key, " + SEEN_CASES.format(v="p") + ", size(coalesce(p.cases, []))]) AS holders "
        "WITH n, [h IN holders WHERE h[0] IS NOT NULL] AS holders "
        "WHERE size(coalesce(n.cases, [])) + reduce(t = 0, h IN holders | t + h[2]) >= 2 "
        f"WITH n, holders, {SEEN_CASES.format(v='n')} AS seen "
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
            found.append(RawLink(kind, key, str(caption or key), dict(sides), (f"same {kind} {caption or key}",)))
    report.hits += _holder_hits(view, label, holder, kind, beyond)
    return found


def _several_cases(view: View, label: str, holder: str) -> set[str]:
    """Keys of the ``label`` entities that may link cases, visible or not: named by two cases, held by two
    persons, or held by a person of two cases or of a case the entity does not name. Three plain scans
    instead of collecting every entity's holders: on 1,000,000 rows 2.4 s instead of 6.4 s, and as
    few entities are left for the full check as links come out of it (``_in_degree`` may leave an
    organisation's phone more)."""
    keys = {row[0] for row in view.read(f"MATCH (n:{label}) WHERE size(coalesce(n.cases, [])) >= 2 RETURN n.key").rows}
    keys |= {row[0] for row in view.read(f"MATCH (n:{label}) WHERE {_in_degree(view, holder)} >= 2 RETURN n.key").rows}
    keys |= {row[0] for row in view.read(
        f"MATCH (p:Person)-[:{holder}]->(n:{label}) WHERE size(coalesce(p.cases, [])) >= 2 "
        "OR any(c IN coalesce(n.cases, []) WHERE NOT c IN coalesce(p.cases, [])) RETURN DISTINCT n.key").rows}
    return keys


def _in_degree(view: View, rel_type: str) -> str:
    """Cypher for the number of ``rel_type`` relationships into ``n``, from any node: for a check of two
    holders, a superset of two holding persons (an organisation may use a phone), which the full check
    narrows. Read from the node's degree, not by walking each relationship: on 1,000,000 rows, documents
    held twice took 0.35 s instead of 2.0 s on FalkorDB."""
    if view.backend == "falkordb":
        return f"indegree(n, '{rel_type}')"
    return f"COUNT {{ (n)<-[:{rel_type}]-() }}"


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


def _addresses(view: View, report: LinkReport) -> list[RawLink]:
    """Street addresses where residents of several visible cases live; an address where a resident of a
    hidden case lives too is a marker on it."""
    rows = view.read(
        "MATCH (p)-[:LIVES_AT]->(l:Location {level: 'address'}) WHERE p:Person OR p:Organisation "
        f"WITH l, p, {SEEN_CASES.format(v='p')} AS seen "
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
            found.append(RawLink("address", key, str(place or key), dict(sides),
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


def _contacts(view: View, report: LinkReport) -> list[RawLink]:
    """Contacts (calls, messages, meetings) between persons of different visible cases; a contact with
    a person only hidden cases mention is a marker on the visible person."""
    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    if not view.principal.everything:
        beyond = view.read(
            f"MATCH (a:Person)-[:CONTACTED]-(b:Person) WITH a, b, {SEEN_CASES.format(v='a')} AS seen_a, "
            f"{SEEN_CASES.format(v='b')} AS seen_b WHERE size(seen_a) >= 1 AND size(seen_b) = 0 "
            "UNWIND coalesce(b.cases, []) AS hidden MATCH (c:Case {key: hidden}) "
            "RETURN DISTINCT a.key, coalesce(c.country_key, c.country), c.handling_code").rows
        report.hits += [Hit(key, "contact", country or "unknown country", handling or DEFAULT_HANDLING)
                        for key, country, handling in beyond]
    rows = view.read(
        f"MATCH (a:Person)-[c:CONTACTED]->(b:Person) WITH a, b, c, {SEEN_CASES.format(v='a')} AS seen_a, "
        f"{SEEN_CASES.format(v='b')} AS seen_b WHERE size(seen_a) >= 1 AND size(seen_b) >= 1 "
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
        found.append(RawLink("contact", f"{a}->{b}", f"{name_a or a} -> {name_b or b}", dict(sides), evidence,
                          id_extra=tuple(sorted(sides))))
    return found


def provenance(view: View, cases_of: dict[str, set[str]], labels: dict[str, str] | None = None) -> Provenance:
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
        # One string per record, split here: the client parses one value per row instead of seven, which
        # halved this read on a whole-store ``links`` (170,000 records: 15.5 s to 7.8 s).
        rows += [row[0].split(FIELD_SEPARATOR) for row in view.read(
            f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) "
            "UNWIND coalesce(n.records, []) AS rk MATCH (r:Record {key: rk}) "
            "WHERE $everything OR r.case_id IN $visible OR coalesce(r.case_id, '') = '' "
            "RETURN " + one_string(f"toString({value})" for value in
                                   ("k", "r.case_id", "r.source", "r.file", "r.line", "r.record_id", "r.run")),
            {"keys": wanted}).rows]
    sources: dict[str, set[str]] = defaultdict(set)
    for case, source in view.read(
            "UNWIND $cases AS key MATCH (c:Case {key: key}) WHERE $everything OR c.key IN $visible "
            "UNWIND coalesce(c.records, []) AS rk MATCH (r:Record {key: rk}) RETURN DISTINCT c.key, r.source",
            {"cases": sorted(cases)}).rows:
        sources[source].add(case)
    found: Provenance = defaultdict(list)
    for key, case, source, file, line, record_id, run in rows:
        where = f"{file}:{line}" if line else file
        for owner in [case] if case else sorted(cases_of[key] & sources.get(source, set())):
            found[(key, owner)].append((f"{source} {where} ({record_id})".strip(), run))
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
