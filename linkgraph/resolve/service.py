"""Resolution against the store: pull persons, score new pairs, write ``SAME_AS`` links, keep identities stable.

Nothing is merged. Each pair scored at or above the threshold becomes a ``SAME_AS`` relationship
(left key < right key) with ``probability``, ``match_weight``, ``evidence`` (sentences), ``status``,
``run`` (the last run that scored it), a short review ``id`` and a ``history``. Statuses:

- ``candidate``: proposed, waiting for an analyst;
- ``accepted`` / ``rejected``: an analyst's decision, with ``decided_by``, ``decided_at`` and the
  evidence the analyst saw (``decided_evidence``, ``decided_probability``);
- ``withdrawn``: a candidate that a later run, scoring the pair again, put below the threshold.

A re-run never overturns a decision: an accepted pair stays accepted, and a rejected pair stays
rejected unless the pair now has a piece of supporting evidence the analyst did not see (a shared
document, a date that now agrees...) and a higher probability than at the decision; it then goes back
to ``candidate`` with the reason in its history.

Incremental: every person's matching data (names, date, documents, phones, address...) is
fingerprinted; a person whose fingerprint differs from the one stored when it was last resolved (or
that was never resolved) is *new*, and only pairs touching new persons are scored, so a nightly run
costs what the new records cost. Training a model (first run, ``retrain``) scores every pair.

Identities: persons joined by accepted links, or by candidate links at or above the threshold, share a
resolved ``identity`` id. Ids never change when records are added unless two identities are joined
(the one holding more of the joined persons keeps its id) or one is split by a rejection (the part
holding more of its persons keeps it); every such change is written to the ``ResolutionRun``
(``kind`` ``resolve`` for runs, ``review`` for analyst decisions).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from linkgraph.errors import NotFound, UsageError
from linkgraph.resolve.identities import assign_identities
from linkgraph.runs import FINISHED, mark_interrupted, now, recorded_run
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, STATUSES
from linkgraph.resolve.matching import PAIR_COLUMNS, PERSON_COLUMNS, ResolutionModel, train
from linkgraph.store.base import BATCH_SIZE, Store, batches

PAIRS_CSV_COLUMNS = ["left_ref", "right_ref", "probability", "evidence"]

# The person frame is read as one string per person (fields joined by a unit separator) and one per
# document or phone held: the client then parses one value per row instead of fifteen, which is most
# of the cost of reading 100,000 persons. Pages are ranges of internal node ids, so no query sorts.
_SEPARATOR = "\x1f"
_PERSON_FIELDS = (
    "p.key", "p.source", "p.name_given_key", "p.name_surname_key", "coalesce(p.name_key, p.name)",
    "toString(p.birth_date_year)", "toString(p.birth_date_month)", "toString(p.birth_date_day)", "p.sex",
    "p.nationality_key", "coalesce(p.address_key, p.address)", "coalesce(p.postcode_key, p.postcode)",
    "coalesce(p.locality_key, p.locality)", "p.resolved_fingerprint",
)
_IN_PAGE = "WHERE id(p) >= $low AND id(p) < $high"
_PERSONS = (f"MATCH (p:Person) {_IN_PAGE} RETURN "
            + f" + '{_SEPARATOR}' + ".join(f"coalesce({field}, '')" for field in _PERSON_FIELDS))
_HELD = {
    "doc_keys": f"MATCH (p:Person)-[:HOLDS]->(x:Document) {_IN_PAGE} RETURN p.key + '{_SEPARATOR}' + x.key",
    "phone_keys": f"MATCH (p:Person)-[:USES]->(x:Phone) {_IN_PAGE} RETURN p.key + '{_SEPARATOR}' + x.key",
}
_ID_RANGE = "MATCH (p:Person) RETURN min(id(p)), max(id(p))"
ID_PAGE = 250_000

_EXISTING_LINKS = """
UNWIND $rows AS r
MATCH (a:Person {key: r.left})-[s:SAME_AS]->(b:Person {key: r.right})
RETURN r.left, r.right, s.status, s.decided_evidence, s.decided_probability, s.evidence, s.probability
"""

# ``was`` is the status this run read; a decision taken since then wins over this run's view.
_WRITE_LINKS = """
UNWIND $rows AS r
MATCH (a:Person {key: r.left})
MATCH (b:Person {key: r.right})
MERGE (a)-[s:SAME_AS {key: ''}]->(b)
ON CREATE SET s.id = r.id, s.status = 'candidate', s.created = r.time, s.records = [], s.history = [r.note]
ON MATCH SET s.history = CASE WHEN r.note IS NULL OR s.status <> r.was THEN s.history
                              ELSE coalesce(s.history, []) + [r.note] END,
             s.status = CASE WHEN s.status = r.was THEN r.status ELSE s.status END
SET s.probability = r.probability, s.match_weight = r.weight, s.evidence = r.evidence, s.run = r.run
"""

_MARK_RESOLVED = "UNWIND $rows AS r MATCH (p:Person {key: r.key}) SET p.resolved_fingerprint = r.fingerprint"

_WITHDRAW_ALL = """
MATCH (:Person)-[s:SAME_AS]->(:Person)
WHERE s.status = 'candidate' AND s.run <> $run
SET s.status = 'withdrawn', s.history = coalesce(s.history, []) + [$note]
RETURN count(s)
"""

_WITHDRAW_TOUCHING = """
UNWIND $keys AS k
MATCH (:Person {key: k})-[s:SAME_AS]-(:Person)
WHERE s.status = 'candidate' AND s.run <> $run
WITH DISTINCT s
SET s.status = 'withdrawn', s.history = coalesce(s.history, []) + [$note]
RETURN count(s)
"""


@dataclass
class ResolveSummary:
    """What one ``resolve`` run did.

    ``pairs`` counts the pairs scored at or above the threshold (``proposed`` holds them, as
    ``PAIR_COLUMNS``); ``reopened`` the rejected pairs sent back to review on new evidence;
    ``withdrawn`` the candidates scored again below the threshold; ``timings`` the seconds per step.
    """

    run_id: str
    persons: int = 0
    new_persons: int = 0
    pairs: int = 0
    trained: bool = False
    model_path: str = ""
    identity_changes: list[str] = field(default_factory=list)
    identities: int = 0
    seconds: float = 0.0
    reopened: int = 0
    withdrawn: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    proposed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIR_COLUMNS), repr=False)


def _run_id(kind: str) -> str:
    """A run id unique even for two runs in one second of one process: time, then a random part."""
    return f"{kind}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def pair_id(left: str, right: str) -> str:
    """Return the short, stable review id of the pair (left, right)."""
    return hashlib.sha1(f"{left}\x1f{right}".encode()).hexdigest()[:10]


def default_model_path(store: Store) -> Path:
    """Where the trained model lives: ``LINKGRAPH_MODEL`` if set, else ``<store>/resolution-model.json``
    for the embedded store, else ``./linkgraph-resolution-model.json``."""
    if os.environ.get("LINKGRAPH_MODEL"):
        return Path(os.environ["LINKGRAPH_MODEL"])
    if store.backend == "falkordb":
        return Path(store.location) / "resolution-model.json"
    return Path("linkgraph-resolution-model.json")


def _load_persons(store: Store) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the person frame and the fingerprints of the persons changed since they were last resolved."""
    held: dict[str, dict[str, list[str]]] = {"doc_keys": {}, "phone_keys": {}}
    scalar = [name for name in PERSON_COLUMNS if name not in held]
    texts: list[str] = []
    stored: list[str] = []
    rows: list[list[str]] = []
    low, high = store.read(_ID_RANGE).rows[0]
    for start in range(int(low or 0), int(high or -1) + 1, ID_PAGE):
        page = {"low": start, "high": start + ID_PAGE}
        for [text] in store.read(_PERSONS, page).rows:
            values = text.split(_SEPARATOR)
            if len(values) != len(_PERSON_FIELDS):
                values = _person_fields(store, text.split(_SEPARATOR, 1)[0])
            rows.append(values)
            texts.append(_SEPARATOR.join(values[:-1]))
            stored.append(values[-1])
        for column, query in _HELD.items():
            for [text] in store.read(query, page).rows:
                key, _, value = text.partition(_SEPARATOR)
                held[column].setdefault(key, []).append(value)
    columns: dict[str, Any] = {name: [row[i] or None for row in rows] for i, name in enumerate(scalar)}
    for column, by_person in held.items():
        columns[column] = [sorted(set(by_person.get(key, ()))) for key in columns["ref"]]
    frame = pd.DataFrame(columns, columns=list(PERSON_COLUMNS))
    for column, dtype in PERSON_COLUMNS.items():
        if dtype == "Int64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif dtype != "object":
            frame[column] = frame[column].astype(dtype)
    changed = {}
    for text, docs, phones, previous in zip(texts, columns["doc_keys"], columns["phone_keys"], stored):
        fingerprint = hashlib.sha1("\x1e".join((text, *docs, "", *phones)).encode()).hexdigest()[:16]
        if previous != fingerprint:
            changed[text.split(_SEPARATOR, 1)[0]] = fingerprint
    return frame, changed


def _person_fields(store: Store, key: str) -> list[str]:
    """One person's fields read one by one: for the rare value that holds the separator itself."""
    query = "MATCH (p:Person {key: $key}) RETURN " + ", ".join(_PERSON_FIELDS)
    [row] = store.read(query, {"key": key}).rows
    return ["" if value is None else str(value) for value in row]


def resolve(store: Store, *, threshold: float = DEFAULT_THRESHOLD, model_path: Path | None = None,
            retrain: bool = False, pairs_out: Path | None = None, user: str = "unknown") -> ResolveSummary:
    """Score the pairs touching new or changed persons, write them as ``SAME_AS`` links, update identities.

    Trains a model on the store's persons when none is saved (or ``retrain``), saves it to
    ``model_path`` (default ``default_model_path``) and then scores every pair. Writes this run's
    pairs at or above ``threshold`` to ``pairs_out`` as CSV (``left_ref,right_ref,probability,evidence``)
    when given. Records the run as a ``ResolutionRun`` node.

    Raises ``UsageError`` when ``threshold`` is not in (0, 1].
    """
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"--threshold must be a probability in (0, 1], not {threshold}")
    clock = time.perf_counter()
    summary = ResolveSummary(_run_id("resolve"))
    model_path = Path(model_path or default_model_path(store))
    summary.model_path = str(model_path)
    mark_interrupted(store)
    with recorded_run(store, "ResolutionRun", summary.run_id,
                      {"kind": "resolve", "user": user, "model": str(model_path)}) as final:
        _resolve_into(store, summary, threshold, model_path, retrain, pairs_out)
        summary.seconds = time.perf_counter() - clock
        final.update({
            "threshold": threshold, "trained": summary.trained, "persons": summary.persons,
            "new_persons": summary.new_persons, "pairs": summary.pairs, "reopened": summary.reopened,
            "withdrawn": summary.withdrawn, "identities": summary.identities,
            "identity_changes": summary.identity_changes, "seconds": round(summary.seconds, 2)})
    return summary


def _resolve_into(store: Store, summary: ResolveSummary, threshold: float, model_path: Path, retrain: bool,
                  pairs_out: Path | None) -> None:
    """The work of ``resolve``: train or load, score, write links, mark persons resolved, draw identities."""
    clock = time.perf_counter()
    frame, changed = _load_persons(store)
    summary.persons, summary.new_persons = len(frame), len(changed)
    summary.timings["read"] = time.perf_counter() - clock
    if len(frame) >= 2 and (changed or retrain or not model_path.exists()):
        step = time.perf_counter()
        if retrain or not model_path.exists():
            model = train(frame)
            model.save(model_path)
            summary.trained = True
            summary.timings["train"] = time.perf_counter() - step
        else:
            model = ResolutionModel.load(model_path)
        step = time.perf_counter()
        everything = summary.trained or len(changed) == len(frame)
        summary.proposed = model.predict(frame, threshold, None if everything else set(changed))
        summary.pairs = len(summary.proposed)
        summary.timings["score"] = time.perf_counter() - step
        step = time.perf_counter()
        summary.reopened = _write_pairs(store, summary.proposed, summary.run_id)
        summary.withdrawn = _withdraw_stale(store, summary.run_id, None if everything else sorted(changed))
        summary.timings["write"] = time.perf_counter() - step
    if pairs_out:
        _pairs_csv(summary.proposed, pairs_out)
    if changed:
        rows = [{"key": key, "fingerprint": fingerprint} for key, fingerprint in changed.items()]
        store.write_batches(_MARK_RESOLVED, batches(rows, BATCH_SIZE))
    step = time.perf_counter()
    summary.identity_changes, summary.identities = assign_identities(store, threshold)
    summary.timings["identities"] = time.perf_counter() - step


def _supporting(evidence: list[str]) -> list[str]:
    """The evidence sentences that count for a match, without their weights or frequency notes."""
    found = []
    for sentence in evidence:
        text, _, weight = sentence.rpartition(", ")
        if not text or not weight.startswith("+"):
            continue
        found.append(text.removesuffix(" (rare)").removesuffix(" (common)"))
    return sorted(set(found))


def _next_state(was: str, evidence: list[str], probability: float, decided_evidence: list[str] | None,
                decided_probability: float | None, run_id: str, now: str) -> tuple[str, str | None]:
    """The status of a scored pair after this run, and the history line saying why it changed (or None)."""
    if was == "withdrawn":
        return "candidate", f"{now} proposed again by {run_id}"
    if was != "rejected":
        return was, None
    new = sorted(set(_supporting(evidence)) - set(decided_evidence or []))
    if new and probability > (decided_probability or 0.0):
        return "candidate", f"{now} reopened by {run_id}: new evidence: {'; '.join(new)}"
    return "rejected", None


def _write_pairs(store: Store, pairs: pd.DataFrame, run_id: str) -> int:
    """Write scored pairs as SAME_AS links, keeping decisions; return how many rejected pairs were reopened."""
    if pairs.empty:
        return 0
    stamp = now()
    scored = pairs[["left_ref", "right_ref", "probability", "match_weight", "evidence"]].itertuples(index=False)
    rows = [{"left": left, "right": right, "id": pair_id(left, right), "probability": float(probability),
             "weight": float(weight), "evidence": list(evidence), "run": run_id, "time": stamp,
             "note": f"{stamp} proposed by {run_id}", "was": None, "status": "candidate"}
            for left, right, probability, weight, evidence in scored]
    by_pair = {(row["left"], row["right"]): row for row in rows}
    reopened = 0
    for batch in batches(rows, BATCH_SIZE):
        keys = [{"left": row["left"], "right": row["right"]} for row in batch]
        for left, right, was, seen, seen_probability, last, last_probability in store.read(
                _EXISTING_LINKS, {"rows": keys}).rows:
            row = by_pair[(left, right)]
            row["was"] = was
            # A decision recorded without what the analyst saw: the last scoring is the best stand-in.
            decided_evidence = seen if seen is not None else _supporting(list(last or []))
            decided_probability = seen_probability if seen_probability is not None else last_probability
            row["status"], row["note"] = _next_state(was, row["evidence"], row["probability"], decided_evidence,
                                                     decided_probability, run_id, stamp)
            reopened += was == "rejected" and row["status"] == "candidate"
    store.write_batches(_WRITE_LINKS, batches(rows, 5000))
    return reopened


def _withdraw_stale(store: Store, run_id: str, touching: list[str] | None) -> int:
    """Withdraw candidates this run scored again (all, or those touching ``touching``) but did not propose."""
    note = f"{now()} withdrawn by {run_id}: scored below the threshold"
    if touching is None:
        return int(store.write(_WITHDRAW_ALL, {"run": run_id, "note": note}).scalar() or 0)
    return sum(int(store.write(_WITHDRAW_TOUCHING, {"keys": list(chunk), "run": run_id, "note": note}).scalar() or 0)
               for chunk in batches(touching, BATCH_SIZE))


def _pairs_csv(pairs: pd.DataFrame, path: Path) -> None:
    """Write the scored pairs to ``path``: a private file (0600, never through a symlink), cells inert for spreadsheets."""
    import csv

    from linkgraph.files import open_private
    from linkgraph.output import csv_row

    with open_private(path) as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PAIRS_CSV_COLUMNS)
        for left, right, probability, evidence in zip(pairs["left_ref"], pairs["right_ref"], pairs["probability"],
                                                      pairs["evidence"]):
            writer.writerow(csv_row([str(left), str(right), f"{probability:.4f}", "; ".join(evidence)]))


@dataclass
class Candidate:
    """A SAME_AS link as the review list shows it; each side is ``{key, name, birth_date, cases, identity}``."""

    id: str
    status: str
    probability: float
    left: dict[str, Any]
    right: dict[str, Any]
    evidence: list[str]
    decided_by: str | None = None
    decided_at: str | None = None
    history: list[str] = field(default_factory=list)


_LINK_COLUMNS = """
RETURN s.id, s.status, s.probability, s.evidence,
       a.key, a.name, a.birth_date, a.cases, a.identity, b.key, b.name, b.birth_date, b.cases, b.identity,
       s.decided_by, s.decided_at, s.history
"""

_REVIEW = """
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE s.status IN $statuses AND s.probability >= $min
  AND ($case IS NULL OR $case IN a.cases OR $case IN b.cases)
""" + _LINK_COLUMNS + """
ORDER BY s.probability DESC, s.id
LIMIT $limit
"""


def _candidate(row: list[Any]) -> Candidate:
    def side(values: list[Any]) -> dict[str, Any]:
        return dict(zip(("key", "name", "birth_date", "cases", "identity"), values))

    return Candidate(row[0], row[1], row[2], side(row[4:9]), side(row[9:14]), list(row[3] or []),
                     row[14], row[15], list(row[16] or []))


def review_list(store: Store, *, min_probability: float = 0.0, case: str | None = None,
                statuses: tuple[str, ...] = ("candidate",), limit: int = 100) -> list[Candidate]:
    """Return SAME_AS links with one of ``statuses``, most probable first (at most ``limit``)."""
    rows = store.read(_REVIEW, {"statuses": list(statuses), "min": min_probability, "case": case, "limit": limit}).rows
    return [_candidate(r) for r in rows]


def _last_threshold(store: Store) -> float:
    """The threshold of the latest resolve run (identities are drawn at it), else the default."""
    found = store.read("MATCH (r:ResolutionRun) WHERE r.threshold IS NOT NULL AND r.status = $finished "
                       "RETURN r.threshold ORDER BY r.finished DESC LIMIT 1", {"finished": FINISHED}).scalar()
    return float(found) if found is not None else DEFAULT_THRESHOLD


def decide(store: Store, link_id: str, status: str, user: str, threshold: float | None = None) -> Candidate:
    """Record an analyst's decision (``accepted`` or ``rejected``) on link ``link_id``; identities follow.

    The link keeps who decided, when, and the evidence and probability the analyst saw; the identity
    changes the decision causes are recorded on a ``ResolutionRun`` of kind ``review``. Identities
    are drawn at ``threshold`` (default: that of the latest resolve run).

    Raises ``UsageError`` for another status, ``NotFound`` when no SAME_AS link has that id.
    """
    if status not in ("accepted", "rejected"):
        raise UsageError(f"a decision is accepted or rejected, not {status!r}")
    match = "MATCH (a:Person)-[s:SAME_AS {id: $id}]->(b:Person) "
    evidence = store.read(match + "RETURN s.evidence", {"id": link_id}).rows
    if not evidence:
        raise NotFound(f"no SAME_AS link with id {link_id!r}: see `linkgraph review list`")
    decided_at = now()
    store.write(
        match + "SET s.status = $status, s.decided_by = $user, s.decided_at = $now, "
        "s.decided_evidence = $seen, s.decided_probability = s.probability, "
        "s.history = coalesce(s.history, []) + [$now + ' ' + $status + ' by ' + $user]",
        {"id": link_id, "status": status, "user": user, "now": decided_at, "seen": _supporting(list(evidence[0][0] or []))})
    changes, identities = assign_identities(store, threshold if threshold is not None else _last_threshold(store))
    store.upsert_nodes("ResolutionRun", [{"key": _run_id("review"), "records": [], "cases": [], "props": {
        "kind": "review", "user": user, "time": decided_at, "link": link_id, "decision": status,
        "identities": identities, "identity_changes": changes}}])
    return _candidate(store.read(match + _LINK_COLUMNS, {"id": link_id}).rows[0])
