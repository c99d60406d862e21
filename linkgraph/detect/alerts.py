"""Alerts: one per cross-case link, never duplicated, withdrawn (not deleted) when the evidence goes.

An alert's key is a hash of the link's id and the cases it joins, so the same link raised again by
a later or a re-run detect is the same alert, and a link that reaches one more case is a new alert
(new information for the morning shift). An ``Alert`` node keeps the cases it joins in
``linked_cases``, not in ``cases``: an entity is visible when any of its cases is, but an alert only
when every case it joins is (it would reveal the other side), so queries written for entities never
show alerts to a restricted principal. ``ABOUT`` relationships lead to the evidence nodes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.links import STRONG_KINDS
from linkgraph.errors import NotFound, UsageError
from linkgraph.runs import now
from linkgraph.store.base import batches

if TYPE_CHECKING:
    from linkgraph.access.view import View
    from linkgraph.analysis.model import CrossCaseLink
    from linkgraph.store.base import Store

ALERT_STATUSES = ("new", "acked", "withdrawn")
#: Severity by kind of link: a shared strong identifier is stronger than a shared transit city.
SEVERITY = {"watchlist": "critical", "document": "high", "person": "high", "phone": "high", "account": "high",
            "email": "medium", "vehicle": "medium", "contact": "medium", "address": "medium", "route": "low"}
_ALERT_FIELDS = ("key", "link", "kind", "severity", "score", "title", "shared", "label", "cases", "countries", "evidence",
                 "provenance", "status", "run", "raised_at", "reported_in", "acked_by", "acked_at",
                 "withdrawn_at", "withdrawn_reason", "history", "watchlist", "entry_key")


def alert_key(link: CrossCaseLink) -> str:
    """The alert id for ``link``: stable for the same link over the same cases."""
    text = f"alert\x1f{link.id}\x1f{','.join(link.case_ids)}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _title(link: CrossCaseLink) -> str:
    countries = sorted({side.country or "?" for side in link.cases})
    what = {"person": "the same person", "route": "a shared transit point", "contact": "a contact"}.get(
        link.kind, f"the same {link.kind}")
    return (f"{what} ({link.label}) links {len(link.cases)} cases in {', '.join(countries)}: "
            f"{', '.join(link.case_ids)}")


def alert_row(link: CrossCaseLink, run_id: str) -> dict[str, Any]:
    """The properties of the alert ``link`` raises in run ``run_id`` (first time only)."""
    provenance = [f"{side.case}: {record}" for side in link.cases for record in side.records]
    return {"key": alert_key(link), "link": link.id, "kind": link.kind, "severity": SEVERITY.get(link.kind, "medium"),
            "score": float(link.score), "title": _title(link), "shared": link.shared, "label": link.label,
            "cases": list(link.case_ids), "countries": sorted({s.country or "?" for s in link.cases}),
            "evidence": list(link.evidence), "provenance": provenance, "status": "new", "run": run_id,
            "raised_at": now(), "history": [f"{now()} raised by {run_id}"]}


#: The label of the entity a link of each kind shares (a person link shares an identity, not a node).
SHARED_LABEL = {**STRONG_KINDS, "address": "Location", "route": "Location"}
#: The label of the entities on each side of a link: the routes travelled for a route link, persons
#: (holders, identities' records, residents, persons in contact) for the others. Each key is sought under
#: its own label only: under both, half the 738,174 lookups of a full detect on the 1,000,000-row store
#: found nothing (11.5 s against 7.2 s).
SIDE_LABEL = {"route": "Route"}
SIDE_DEFAULT = "Person"

#: Raise alerts once: a row's alert is created on its first run, and an existing key is left alone (its
#: status, acks and history kept). Watchlist hits carry ``watchlist`` and ``entry_key`` too (absent,
#: hence unset, for link alerts). Returns each key and whether this run created it.
RAISE_ALERTS = """
UNWIND $rows AS r
MERGE (a:Alert {key: r.key})
ON CREATE SET a.link = r.link, a.kind = r.kind, a.severity = r.severity, a.score = r.score, a.title = r.title,
  a.shared = r.shared, a.label = r.label, a.linked_cases = r.cases, a.countries = r.countries,
  a.evidence = r.evidence, a.provenance = r.provenance, a.status = r.status, a.run = r.run,
  a.raised_at = r.raised_at, a.history = r.history, a.records = [], a.created_in = r.run,
  a.watchlist = r.watchlist, a.entry_key = r.entry_key
RETURN a.key, a.created_in = r.run
"""


def _about_statement(label: str) -> str:
    return ("UNWIND $rows AS r MATCH (a:Alert {key: r.alert}) "
            f"MATCH (n:{label} {{key: r.key}}) MERGE (a)-[e:ABOUT {{key: ''}}]->(n) ON CREATE SET e.records = []")


def raise_alerts(store: Store, links: list[CrossCaseLink], run_id: str) -> list[str]:
    """Store one alert per link with ``ABOUT`` relationships to its evidence (idempotent: a re-run
    creates nothing twice); return the keys of the alerts this call created."""
    rows = [alert_row(link, run_id) for link in links]
    # batches in one pipeline: the next batch's parameters are written out while the server runs this one
    # (102,815 alerts and their ABOUT relationships on the 1,000,000-row store: 20.6 s before, 16.4 s; two
    # runs each on fresh copies)
    created = {key for key, fresh in store.query_batches(RAISE_ALERTS, batches(rows, 500)) if fresh}
    about: dict[str, list[dict[str, str]]] = {}
    for link, row in zip(links, rows):
        if link.kind in SHARED_LABEL:
            for shared in link.shared_keys or (link.shared,):  # a route link shares several places
                about.setdefault(SHARED_LABEL[link.kind], []).append({"alert": row["key"], "key": shared})
        side_label = SIDE_LABEL.get(link.kind, SIDE_DEFAULT)
        for side in link.cases:
            for key in side.entities:
                about.setdefault(side_label, []).append({"alert": row["key"], "key": key})
    link_about(store, about)
    return sorted(created)


def link_about(store: Store, about: dict[str, list[dict[str, str]]]) -> None:
    """Add the ``ABOUT`` relationships from alerts to their evidence: label -> ``[{alert, key}]``
    (idempotent; a key with no node of that label is skipped)."""
    from linkgraph.store.base import check_labels

    for label, pairs in about.items():
        check_labels(label)
        store.write_batches(_about_statement(label), [pairs[i:i + 2000] for i in range(0, len(pairs), 2000)])


def withdraw_missing(store: Store, scope_cases: list[str], current_links: set[str], run_id: str) -> list[str]:
    """Withdraw open alerts touching ``scope_cases`` whose link (by link id) this run no longer finds;
    return their keys. An alert whose link now reaches one more case is not withdrawn: the link holds."""
    if not scope_cases:
        return []
    rows = store.read("MATCH (a:Alert) WHERE a.status IN ['new', 'acked'] AND a.kind <> 'watchlist' "
                      "AND any(c IN a.linked_cases WHERE c IN $scope) RETURN a.key, a.link", {"scope": scope_cases}).rows
    gone = sorted(key for key, link in rows if link not in current_links)
    withdraw(store, gone, "its evidence is gone (a rejected match or a corrected record)", f"{run_id}: evidence gone")
    return gone


def withdraw(store: Store, keys: list[str], reason: str, by: str) -> None:
    """Mark the alerts ``keys`` withdrawn (never deleted) with ``reason``, and note when and ``by`` what."""
    if keys:
        stamp = now()
        store.write("UNWIND $keys AS k MATCH (a:Alert {key: k}) SET a.status = 'withdrawn', a.withdrawn_at = $now, "
                    "a.withdrawn_reason = $reason, a.history = coalesce(a.history, []) + [$note]",
                    {"keys": keys, "now": stamp, "reason": reason, "note": f"{stamp} withdrawn by {by}"})


@dataclass
class AlertView:
    """An alert as an analyst sees it (case lists filtered to what she may see)."""

    key: str
    kind: str
    severity: str
    score: float
    title: str
    status: str
    cases: list[str]
    countries: list[str]
    evidence: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    run: str | None = None
    raised_at: str | None = None
    acked_by: str | None = None
    acked_at: str | None = None
    withdrawn_at: str | None = None
    history: list[str] = field(default_factory=list)
    shared: str | None = None


_VISIBLE = "($everything OR all(c IN coalesce(a.linked_cases, []) WHERE c IN $visible))"
_COLUMNS = ("RETURN a.key, a.kind, a.severity, a.score, a.title, a.status, "
            "a.linked_cases, a.countries, a.evidence, "
            "a.provenance, a.run, a.raised_at, a.acked_by, a.acked_at, a.withdrawn_at, a.history, a.shared")


def unreported(store: Store) -> list[dict[str, Any]]:
    """Alerts no finished detect has reported yet (raised by this run, or by a run killed before it
    wrote its file), oldest first, as plain dicts with stable keys."""
    rows = store.read("MATCH (a:Alert) WHERE a.reported_in IS NULL RETURN properties(a) ORDER BY a.raised_at, a.key").rows
    return [{k: props.get("linked_cases" if k == "cases" else k) for k in _ALERT_FIELDS} for (props,) in rows]


def mark_reported(store: Store, keys: list[str], run_id: str) -> None:
    """Record that run ``run_id`` wrote alerts ``keys`` to its file (after the file is in place)."""
    for start in range(0, len(keys), 5000):
        store.write("UNWIND $keys AS k MATCH (a:Alert {key: k}) SET a.reported_in = $run",
                    {"keys": keys[start:start + 5000], "run": run_id})


def _alert(row: list[Any]) -> AlertView:
    return AlertView(row[0], row[1], row[2], float(row[3] or 0), row[4], row[5], list(row[6] or []),
                     list(row[7] or []), list(row[8] or []), list(row[9] or []), row[10], row[11], row[12], row[13],
                     row[14], list(row[15] or []), row[16])


def list_alerts(view: View, *, status: str | None = None, since: str | None = None, run: str | None = None,
                limit: int = 200) -> list[AlertView]:
    """Alerts the principal may see (every case of the alert visible), newest first."""
    if status is not None and status not in ALERT_STATUSES:
        raise UsageError(f"--status must be one of {', '.join(ALERT_STATUSES)}")
    rows = view.read("MATCH (a:Alert) WHERE " + _VISIBLE + " AND ($status IS NULL OR a.status = $status) "
                     "AND ($since IS NULL OR a.raised_at >= $since) AND ($run IS NULL OR a.run = $run) "
                     + _COLUMNS + " ORDER BY a.raised_at DESC, a.key LIMIT $limit",
                     {"status": status, "since": since, "run": run, "limit": limit}).rows
    found = [_alert(row) for row in rows]
    view.note(rows=len(found), cases=[c for a in found for c in a.cases])
    return found


def alerts_paragraph(view: View, run: str) -> str:
    """The alerts of ``run`` the principal may see, in one paragraph, for a report: severity, kind, cases and
    countries only (what they share is in the report's network and link table, redacted there)."""
    found = list_alerts(view, run=run, limit=500)
    return f"{len(found)} alerts of {run}: " + "; ".join(
        f"[{a.severity}] {a.key}: {'a watchlist hit' if a.kind == 'watchlist' else f'the same {a.kind}'} in "
        f"{', '.join(a.cases)} ({', '.join(a.countries)})" for a in found)


def show_alert(view: View, key: str) -> AlertView:
    """The alert ``key``; ``NotFound`` when it does not exist or the principal may not see all its cases."""
    rows = view.read("MATCH (a:Alert {key: $key}) WHERE " + _VISIBLE + " " + _COLUMNS, {"key": key}).rows
    if not rows:
        raise NotFound(f"no alert {key!r}: see `linkgraph alerts list`")
    alert = _alert(rows[0])
    view.note(rows=1, cases=alert.cases, params={"alert": key})
    return alert


def ack_alert(view: View, key: str) -> AlertView:
    """Record that the principal acknowledged alert ``key`` (who and when)."""
    alert = show_alert(view, key)
    if alert.status == "withdrawn":
        raise UsageError(f"alert {key} was withdrawn ({alert.withdrawn_at}); nothing to acknowledge")
    stamp, user = now(), view.principal.name
    view.writer("review").write("MATCH (a:Alert {key: $key}) SET a.status = 'acked', a.acked_by = $user, "
                                "a.acked_at = $now, a.history = coalesce(a.history, []) + [$note]",
                                {"key": key, "user": user, "now": stamp, "note": f"{stamp} acked by {user}"})
    return show_alert(view, key)
