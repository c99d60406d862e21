"""Watchlists: lost or stolen travel documents and wanted or missing persons, matched against every case.

A watchlist is read through an ordinary source mapping (one entity of type ``Document`` for a list of
documents, ``Person`` for a list of persons; see ``mappings/sltd-csv.yaml`` and ``notices-csv.yaml``),
so a listed passport gets the same normalised key as the same passport in a case file, and a listed
person the same name, date and nationality keys as a case person.

Entries are stored as ``WatchlistEntry`` nodes under one ``Watchlist`` node per list name: internal
labels, never ``Document`` or ``Person``, so no query, report, export or resolution run over case data
ever sees them, and they count in no case. Loading a list again under the same name replaces it: the
version goes up, entries missing from the new file are kept but marked inactive (``removed_in``), and
the open alerts they raised are withdrawn at once (never deleted).

``detect`` turns hits into ``critical`` alerts, one per (list entry, case): a listed document is a
hit wherever a case holds a document with the same key; a listed person is a hit where the resolution
model scores a case person at or above the threshold against the entry (link-only, watchlist against
case persons). Documents are index look-ups per entry, every run. Persons are scored against every
person of the store (the same frame, so the same term frequencies, as resolution) on the first run
after a list is loaded or replaced, when hits are raised and withdrawn in every case, and on every run
with cases in scope, when hits are raised and withdrawn in those cases only. An alert is visible to whoever sees its case; anyone else sees only a hit
marker (the list, the entry's reference, the case's owner country and handling code).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.errors import UsageError
from linkgraph.files import sha256_of
from linkgraph.runs import new_run_id, now, process_alive, process_identity

if TYPE_CHECKING:
    from linkgraph.access.view import Hit, View
    from linkgraph.store.base import Store

#: The kinds of watchlist and the label of the one entity their mapping must write.
KINDS = {"documents": "Document", "persons": "Person"}
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_OPEN = ["new", "acked"]
_BATCH = 2000


@dataclass
class WatchlistSummary:
    """What one ``watchlist load`` did."""

    name: str
    kind: str
    version: int
    entries: int = 0
    added: int = 0
    removed: int = 0
    rejected: int = 0
    rejects_path: str | None = None
    withdrawn: list[str] = field(default_factory=list)
    sha256: str = ""


def _read_entries(file: Path, mapping_name: str, kind: str, list_name: str,
                  rejects_path: Path) -> tuple[dict[str, dict[str, Any]], int]:
    """The entries of ``file`` read through the mapping (entry key -> properties) and the number of
    rows rejected (written to ``rejects_path`` with file, line, field and reason)."""
    from linkgraph.ingest.mapping import load_mapping
    from linkgraph.ingest.pipeline import plan_ingest
    from linkgraph.ingest.rejects import Rejects
    from linkgraph.ingest.transform import Rejection, RowTransformer

    mapping = load_mapping(mapping_name)
    label = KINDS[kind]
    written = {entity.label for table in mapping.tables for entity in table.entities.values()}
    if label not in written:
        raise UsageError(f"mapping {mapping.path.name} writes no {label}: a {kind} watchlist needs a mapping "
                         f"with one {label} entity (see mappings/{'sltd' if kind == 'documents' else 'notices'}-csv.yaml)")
    entries: dict[str, dict[str, Any]] = {}
    rejects = Rejects(rejects_path)
    try:
        for plan in plan_ingest([file], mapping):
            transformer = RowTransformer(mapping, plan.table)
            for row in plan.reader.rows():
                if row.blank:
                    continue
                outcome = Rejection("(row)", row.problem) if row.problem else transformer.transform(row.record)
                if outcome is None:
                    continue
                if isinstance(outcome, Rejection):
                    rejects.add(file, row, outcome.field, outcome.reason)
                    continue
                for node in (n for n in outcome.nodes if n.label == label):
                    key = f"{list_name}|{node.key}"
                    if key in entries:
                        rejects.add(file, row, "(entry)", f"the same entry as line {entries[key]['line']} ({node.key})")
                        continue
                    entries[key] = {**node.props, "key": key, "list": list_name, "kind": kind, "entry": node.key,
                                    "line": str(row.locator), "active": True}
            transformer.close()
    finally:
        rejects.close()
    return entries, rejects.count


def load_watchlist(view: View, file: Path, *, kind: str, mapping: str, name: str | None = None,
                   rejects_path: Path | None = None,
                   progress: Callable[[int], None] | None = None) -> WatchlistSummary:
    """Load (or replace) the watchlist ``name`` from ``file`` read through ``mapping``; return what was done.

    ``kind`` is ``documents`` or ``persons``. ``name`` defaults to the mapping's source. Rows the
    mapping rejects go to ``rejects_path`` (default ``linkgraph-rejects-watchlist-<name>-<run>.csv``);
    every good row is loaded. Needs the ``ingest`` capability (``AccessDenied`` otherwise); raises
    ``UsageError`` for an unknown kind, a bad name, a mapping without the kind's entity, or a file with
    no good entry (the list in force is then kept as it was). ``progress`` is called with the number of
    entries written after each batch.

    A load is not one transaction (a list can hold a million documents), so the ``Watchlist`` node
    carries a loading marker (the version being written, when, by which process) from before the
    first entry is written until the version is recorded. A load killed in between leaves the marker:
    ``list_watchlists`` reports the list as interrupted, and loading the file again writes the same
    version over it (entries are merged by key), so nothing is counted twice.
    """
    if kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if name is not None and not _NAME.match(name):
        raise UsageError(f"--name {name!r}: a watchlist name is lower-case letters, digits and . _ - (e.g. sltd)")
    store = view.writer("ingest")
    from linkgraph.ingest.mapping import load_mapping

    list_name = name or load_mapping(mapping).source
    if not _NAME.match(list_name):
        raise UsageError(f"watchlist name {list_name!r} is not usable; give one with --name (e.g. sltd)")
    rejects_path = rejects_path or Path(f"linkgraph-rejects-{new_run_id('watchlist-' + list_name)}.csv")
    entries, rejected = _read_entries(Path(file), mapping, kind, list_name, rejects_path)
    if not entries:
        raise UsageError(f"{file}: no good entry ({rejected} rows rejected, see {rejects_path}); "
                         f"watchlist {list_name} is left as it was")
    store.init_schema()
    old = store.read("MATCH (w:Watchlist {key: $name}) RETURN w.version, w.kind", {"name": list_name}).rows
    if old and old[0][1] != kind:
        raise UsageError(f"watchlist {list_name} is a list of {old[0][1]}, not {kind}; give another --name")
    version = int(old[0][0] or 0) + 1 if old else 1
    before = {key for [key] in store.read("MATCH (e:WatchlistEntry {list: $name}) WHERE e.active RETURN e.key",
                                          {"name": list_name}).rows}
    rows = [{**entry, "version": version} for entry in entries.values()]
    marker = json.dumps({**process_identity(), "version": version, "started": now(), "by": view.principal.name})
    store.write("MERGE (w:Watchlist {key: $name}) ON CREATE SET w.kind = $kind, w.version = 0, w.entries = 0 "
                "SET w.loading = $marker", {"name": list_name, "kind": kind, "marker": marker})
    for start in range(0, len(rows), _BATCH):
        store.write("UNWIND $rows AS r MERGE (e:WatchlistEntry {key: r.key}) SET e += r, e.removed_in = null",
                    {"rows": rows[start:start + _BATCH]})
        if progress:
            progress(min(start + _BATCH, len(rows)))
    store.write("MATCH (e:WatchlistEntry {list: $name}) WHERE e.active AND e.version <> $version "
                "SET e.active = false, e.removed_in = $version", {"name": list_name, "version": version})
    summary = WatchlistSummary(list_name, kind, version, entries=len(rows), added=len(set(entries) - before),
                               removed=len(before - set(entries)), rejected=rejected,
                               rejects_path=str(rejects_path) if rejected else None, sha256=sha256_of(Path(file)))
    summary.withdrawn = _withdraw_removed(store, list_name, f"watchlist {list_name} version {version}")
    stamp, user = now(), view.principal.name
    store.write("MERGE (w:Watchlist {key: $name}) SET w.kind = $kind, w.version = $version, w.entries = $entries, "
                "w.file = $file, w.sha256 = $sha, w.mapping = $mapping, w.loaded_at = $now, w.loaded_by = $user, "
                "w.rejected = $rejected, w.history = coalesce(w.history, []) + [$note], w.loading = null",
                {"name": list_name, "kind": kind, "version": version, "entries": len(rows), "file": str(file),
                 "sha": summary.sha256, "mapping": str(mapping), "now": stamp, "user": user, "rejected": rejected,
                 "note": f"{stamp} version {version} loaded by {user} from {Path(file).name} (sha256 {summary.sha256})"})
    view.note(rows=len(rows), params={"watchlist": list_name, "version": version}, output=str(file),
              sha256=summary.sha256)
    return summary


def _withdraw_removed(store: Store, list_name: str, by: str) -> list[str]:
    """Withdraw the open alerts raised by entries of ``list_name`` that are no longer on it; return their keys."""
    stamp = now()
    rows = store.write(
        "MATCH (e:WatchlistEntry {list: $name}) WHERE NOT e.active WITH collect(e.key) AS gone "
        "MATCH (a:Alert) WHERE a.kind = 'watchlist' AND a.watchlist = $name AND a.status IN $open "
        "AND a.entry_key IN gone SET a.status = 'withdrawn', a.withdrawn_at = $now, a.withdrawn_reason = $reason, "
        "a.history = coalesce(a.history, []) + [$note] RETURN a.key",
        {"name": list_name, "open": _OPEN, "now": stamp, "reason": f"the entry is no longer on watchlist {list_name}",
         "note": f"{stamp} withdrawn by {by}: entry removed from the list"}).rows
    return sorted(key for [key] in rows)


def list_watchlists(view: View) -> list[dict[str, Any]]:
    """Every watchlist: name, kind, entries, version, loaded_at, loaded_by, sha256, file, rejected.

    A watchlist holds no case data, so every principal may list them."""
    rows = view.read("MATCH (w:Watchlist) RETURN w.key, w.kind, w.entries, w.version, w.loaded_at, w.loaded_by, "
                     "w.sha256, w.file, w.rejected, w.loading ORDER BY w.key").rows
    names = ("name", "kind", "entries", "version", "loaded_at", "loaded_by", "sha256", "file", "rejected")
    found = [{**dict(zip(names, row)), "state": _state(row[-1])} for row in rows]
    view.note(rows=len(found))
    return found


def _state(loading: str | None) -> str:
    """``loaded``; or, while a load's marker is on the list, that load as still running or as interrupted."""
    if not loading:
        return "loaded"
    marker = json.loads(loading)
    what = f"version {marker.get('version')} started {marker.get('started')} by {marker.get('by')}"
    if process_alive(marker):
        return f"loading {what}"
    return f"interrupted: {what} did not finish; load the file again"


# -- detection --------------------------------------------------------------------------------------

@dataclass
class _Hit:
    """One listed entry found in one case."""

    entry: dict[str, Any]
    case: str
    shared: str  # the document key, or the case person's key
    about: list[tuple[str, str]]  # (label, key) of the evidence nodes
    evidence: list[str]
    score: float = 1.0


def _hit_key(entry_key: str, case: str) -> str:
    return hashlib.sha1(f"watchlist\x1f{entry_key}\x1f{case}".encode()).hexdigest()[:12]


def _document_hits(store: Store, list_name: str) -> list[_Hit]:
    """Every case holding a document listed on ``list_name`` (one index look-up per entry). A document's
    cases are its own and its holders' (a relational export's person row may name no case; its
    person gets the case from the link sheet)."""
    rows = store.read(
        "MATCH (e:WatchlistEntry {list: $name}) WHERE e.active MATCH (d:Document {key: e.entry}) "
        "OPTIONAL MATCH (p:Person)-[:HOLDS]->(d) "
        "RETURN properties(e), d.cases, collect([p.key, p.cases])", {"name": list_name}).rows
    hits = []
    for entry, own, holders in rows:
        holders = [(key, cases or []) for key, cases in holders if key is not None]
        for case in sorted(set(own or []).union(*(cases for _, cases in holders))):
            holding = sorted(key for key, cases in holders if case in cases)
            sentence = f"document {entry['entry']} in case {case} has the same key as the listed one"
            if entry.get("reason"):
                sentence += (f" (reported {entry['reason']}"
                             + (f" on {entry['reported']})" if entry.get("reported") else ")"))
            hits.append(_Hit(entry, case, entry["entry"], [("Document", entry["entry"])]
                             + [("Person", k) for k in holding], [sentence] + [f"held by {k}" for k in holding]))
    return hits


def _entry_frame(store: Store, list_name: str) -> Any:
    """The active persons listed on ``list_name`` as a resolution person frame, source ``watchlist``.

    The entries were written by the list's mapping with the model's ``Person`` properties, so their
    columns are read with the expressions resolution reads case persons with (``model_columns``): a
    property a model extension feeds into resolution reaches watchlist matching too."""
    from linkgraph.resolve.model_columns import person_field_expressions
    from linkgraph.resolve.person_frame import SCALAR_COLUMNS, person_frame

    rows = store.read(f"MATCH (p:WatchlistEntry {{list: $name}}) WHERE p.active "
                      f"RETURN {', '.join(person_field_expressions(list(SCALAR_COLUMNS)))}", {"name": list_name}).rows
    columns: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(SCALAR_COLUMNS)}
    columns.update(source=["watchlist"] * len(rows), doc_keys=[[] for _ in rows], phone_keys=[[] for _ in rows])
    return person_frame(columns)


def _person_hits(store: Store, list_name: str, scope: list[str] | None, threshold: float) -> list[_Hit]:
    """Case persons the resolution model matches to a person listed on ``list_name`` at ``threshold``
    or above (link-only: the list against the store's persons), in ``scope`` cases (None: every case)."""
    import pandas as pd

    from linkgraph.resolve.model_choice import choose_model
    from linkgraph.resolve.service import default_model_path, load_person_frame

    entries = [props for [props] in store.read("MATCH (e:WatchlistEntry {list: $name}) WHERE e.active "
                                               "RETURN properties(e)", {"name": list_name}).rows]
    if not entries:
        return []
    persons = load_person_frame(store)
    if persons.empty:
        return []
    chosen = choose_model(persons, default_model_path(store), retrain=False)
    persons = persons.assign(source="cases")
    combined = pd.concat([_entry_frame(store, list_name), persons], ignore_index=True)
    scored = chosen.model.predict(combined, threshold, between=("watchlist", "cases"), frequencies=chosen.frequencies)
    by_key = {e["key"]: e for e in entries}
    matched: list[tuple[dict[str, Any], str, float, list[str]]] = []
    for left, right, probability, evidence in scored[["left_ref", "right_ref", "probability", "evidence"]].itertuples(
            index=False):
        entry_key, person = (left, right) if left in by_key else (right, left)
        matched.append((by_key[entry_key], person, float(probability), list(evidence)))
    cases = dict(store.read("UNWIND $keys AS k MATCH (p:Person {key: k}) RETURN p.key, p.cases",
                            {"keys": sorted({m[1] for m in matched})}).rows)
    best: dict[tuple[str, str], _Hit] = {}
    for entry, person, probability, evidence in matched:
        for case in cases.get(person) or []:
            if scope is not None and case not in scope:
                continue
            known = best.get((entry["key"], case))
            if known is None or probability > known.score:
                best[(entry["key"], case)] = _Hit(
                    entry, case, person, [("Person", person)],
                    [f"person {person} in case {case} matches the listed person {entry.get('name')} "
                     f"(probability {probability:.3f})", *evidence], probability)
    return list(best.values())


def _alert_rows(hits: list[_Hit], countries: dict[str, str], list_name: str, run_id: str) -> list[dict[str, Any]]:
    stamp = now()
    rows = []
    for hit in hits:
        entry, country = hit.entry, countries.get(hit.case) or "?"
        what = f"document {hit.shared}" if entry["kind"] == "documents" else f"a person matching {entry.get('name')}"
        title = (f"{what} in case {hit.case} ({country}) is on watchlist {list_name}: reference "
                 f"{entry.get('reference')}, {entry.get('authority')}")
        rows.append({"key": _hit_key(entry["key"], hit.case), "link": f"watchlist|{entry['key']}|{hit.case}",
                     "kind": "watchlist", "severity": "critical", "score": hit.score, "title": title,
                     "shared": hit.shared, "label": entry.get("reference"), "cases": [hit.case],
                     "countries": [country], "evidence": hit.evidence,
                     "provenance": [f"watchlist {list_name} version {entry.get('version')}, line {entry.get('line')}, "
                                    f"reference {entry.get('reference')}, {entry.get('authority')}"],
                     "status": "new", "run": run_id, "raised_at": stamp, "history": [f"{stamp} raised by {run_id}"],
                     "watchlist": list_name, "entry_key": entry["key"]})
    return rows


def watchlist_alerts(view: View, scope: list[str], run_id: str, threshold: float) -> tuple[list[str], list[str]]:
    """Raise one ``critical`` alert per new watchlist hit and withdraw the open ones whose hit is gone;
    return (keys raised, keys withdrawn). See the module docstring for what is matched where."""
    from linkgraph.analysis.links import provenance
    from linkgraph.detect.alerts import RAISE_ALERTS, link_about

    store = view.writer("all")
    raised: list[str] = []
    withdrawn: list[str] = []
    countries = dict(store.read("MATCH (c:Case) RETURN c.key, coalesce(c.country_key, c.country)").rows)
    for list_name, kind, version, scanned in store.read(
            "MATCH (w:Watchlist) RETURN w.key, w.kind, w.version, w.scanned_version ORDER BY w.key").rows:
        withdrawn += _withdraw_removed(store, list_name, run_id)
        whole = version != scanned
        if kind == "documents":
            hits, looked_at = _document_hits(store, list_name), None
        elif whole or scope:
            looked_at = None if whole else scope
            hits = _person_hits(store, list_name, looked_at, threshold)
        else:
            continue
        rows = _alert_rows(hits, countries, list_name, run_id)
        cases_of: dict[str, set[str]] = {}
        for hit in hits:
            cases_of.setdefault(hit.shared, set()).add(hit.case)
        origin = provenance(view, cases_of)
        for row, hit in zip(rows, hits):
            row["provenance"] += [text for text, _ in origin.get((hit.shared, hit.case), [])]
        for start in range(0, len(rows), 500):
            raised += [key for key, fresh in store.write(RAISE_ALERTS, {"rows": rows[start:start + 500]}).rows if fresh]
        about: dict[str, list[dict[str, str]]] = {}
        for row, hit in zip(rows, hits):
            for label, key in hit.about:  # the entry itself is named by a.entry_key (not case data)
                about.setdefault(label, []).append({"alert": row["key"], "key": key})
        link_about(store, about)
        withdrawn += _withdraw_gone(store, list_name, {row["key"] for row in rows}, looked_at, run_id)
        store.write("MATCH (w:Watchlist {key: $name}) SET w.scanned_version = $version",
                    {"name": list_name, "version": version})
    return sorted(raised), sorted(withdrawn)


def _withdraw_gone(store: Store, list_name: str, found: set[str], scope: list[str] | None, run_id: str) -> list[str]:
    """Withdraw open alerts of ``list_name`` (in ``scope`` cases, or all) whose hit this run did not find again."""
    rows = store.read("MATCH (a:Alert) WHERE a.kind = 'watchlist' AND a.watchlist = $name AND a.status IN $open "
                      "AND ($scope IS NULL OR any(c IN a.linked_cases WHERE c IN $scope)) RETURN a.key",
                      {"name": list_name, "open": _OPEN, "scope": scope}).rows
    from linkgraph.detect.alerts import withdraw

    gone = sorted(key for [key] in rows if key not in found)
    withdraw(store, gone, "the hit no longer holds (a corrected record or entry)", f"{run_id}: hit gone")
    return gone


def watchlist_markers(view: View) -> list[Hit]:
    """Hit markers for the open watchlist alerts in cases the principal may not see: the list, the
    entry's reference, the case's owner country and handling code, nothing else. Empty for a principal
    who sees every case."""
    from linkgraph.access.policy import DEFAULT_HANDLING
    from linkgraph.access.view import Hit

    if view.principal.everything:
        return []
    rows = view.read("MATCH (a:Alert) WHERE a.kind = 'watchlist' AND a.status IN $open "
                     "AND NOT all(c IN coalesce(a.linked_cases, []) WHERE c IN $visible) "
                     "UNWIND a.linked_cases AS hidden MATCH (c:Case {key: hidden}) WHERE NOT hidden IN $visible "
                     "RETURN DISTINCT a.watchlist, a.label, coalesce(c.country_key, c.country), c.handling_code",
                     {"open": _OPEN}).rows
    return sorted({Hit(f"{name} entry {reference}", "watchlist", country or "unknown country",
                       handling or DEFAULT_HANDLING) for name, reference, country, handling in rows},
                  key=lambda h: (h.key, h.country, h.handling))
