"""Resolution against the store: pull persons, score new pairs, write ``SAME_AS`` links, keep identities stable.

Nothing is merged. Each scored pair becomes a ``SAME_AS`` relationship (left key < right key) with
``probability``, ``match_weight``, ``evidence`` (sentences), ``status`` (candidate, accepted, rejected),
``run`` and a short review ``id``. Analysts accept or reject; a rejected pair stays rejected unless a
later run finds evidence it did not have.

Incremental: a person whose ``records`` grew since it was last resolved (or that was never resolved)
is *new*; only pairs touching new persons are scored, so a nightly run costs what the new records cost.

Identities: persons joined by accepted links, or by candidate links at or above the threshold, share a
resolved ``identity`` id. Ids never change when records are added, unless two identities are joined
(the larger keeps its id) or one is split by a rejection (the larger part keeps it); every such change
is written to the ``ResolutionRun``.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from linkgraph.errors import NotFound, UsageError
from linkgraph.resolve.matching import DEFAULT_THRESHOLD, PERSON_COLUMNS, ResolutionModel, train
from linkgraph.store.base import Store

PAGE = 50_000
STATUSES = ("candidate", "accepted", "rejected")

_PERSONS = """
MATCH (p:Person)
WITH p ORDER BY p.key SKIP $skip LIMIT $limit
OPTIONAL MATCH (p)-[:HOLDS]->(d:Document)
WITH p, collect(DISTINCT d.key) AS docs
OPTIONAL MATCH (p)-[:USES]->(ph:Phone)
RETURN p.key, p.source, p.name_given_key, p.name_surname_key, p.name_key,
       p.birth_date_year, p.birth_date_month, p.birth_date_day, p.sex, p.nationality_key,
       docs, collect(DISTINCT ph.key), coalesce(p.address_key, p.address), p.postcode, p.locality,
       size(coalesce(p.records, [])), p.resolved_records
"""

_WRITE_LINKS = """
UNWIND $rows AS r
MATCH (a:Person {key: r.left})
MATCH (b:Person {key: r.right})
MERGE (a)-[s:SAME_AS {key: ''}]->(b)
ON CREATE SET s.id = r.id, s.status = 'candidate', s.probability = r.probability, s.match_weight = r.weight,
              s.evidence = r.evidence, s.signature = r.signature, s.run = r.run, s.created = r.time,
              s.records = [], s.history = [r.time + ' proposed by ' + r.run]
ON MATCH SET s.history = CASE WHEN s.status = 'rejected' AND s.signature <> r.signature AND r.probability > s.probability
                              THEN s.history + [r.time + ' reopened by ' + r.run + ': new evidence'] ELSE s.history END,
             s.status = CASE WHEN s.status = 'rejected' AND s.signature <> r.signature AND r.probability > s.probability
                             THEN 'candidate' ELSE s.status END,
             s.probability = r.probability, s.match_weight = r.weight, s.evidence = r.evidence,
             s.signature = r.signature, s.run = r.run
"""


@dataclass
class ResolveSummary:
    """What one ``resolve`` run did."""

    run_id: str
    persons: int = 0
    new_persons: int = 0
    pairs: int = 0
    trained: bool = False
    model_path: str = ""
    identity_changes: list[str] = field(default_factory=list)
    identities: int = 0
    seconds: float = 0.0


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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


def person_frame(store: Store) -> tuple[pd.DataFrame, set[str]]:
    """Return the person frame of the whole store and the refs of persons not resolved since they changed."""
    rows: list[list[Any]] = []
    skip = 0
    while True:
        page = store.read(_PERSONS, {"skip": skip, "limit": PAGE}).rows
        rows.extend(page)
        if len(page) < PAGE:
            break
        skip += PAGE
    columns = list(PERSON_COLUMNS)
    frame = pd.DataFrame([row[:15] for row in rows], columns=columns)
    for column, dtype in PERSON_COLUMNS.items():
        if dtype != "object":
            frame[column] = frame[column].astype(dtype)
    new = {row[0] for row in rows if row[16] is None or row[16] != row[15]}
    return frame, new


def _signature(evidence: list[str]) -> str:
    return " | ".join(sorted(sentence.rsplit(",", 1)[0] for sentence in evidence))


def resolve(store: Store, *, threshold: float = DEFAULT_THRESHOLD, model_path: Path | None = None,
            retrain: bool = False, pairs_out: Path | None = None, user: str = "unknown") -> ResolveSummary:
    """Score new person pairs, write them as ``SAME_AS`` candidates, and update identities.

    Trains a model on the store's persons when none is saved (or ``retrain``) and saves it to
    ``model_path``. Writes the scored pairs to ``pairs_out`` as CSV
    (``left_ref,right_ref,probability,evidence``) when given.
    """
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"--threshold must be a probability in (0, 1], not {threshold}")
    started = datetime.now(timezone.utc)
    run_id = f"resolve-{started:%Y%m%dT%H%M%S}-{os.getpid() % 10000:04d}"
    summary = ResolveSummary(run_id)
    model_path = model_path or default_model_path(store)
    summary.model_path = str(model_path)
    frame, new = person_frame(store)
    summary.persons, summary.new_persons = len(frame), len(new)
    if len(frame) >= 2:
        if retrain or not model_path.exists():
            model = train(frame)
            model.save(model_path)
            summary.trained = True
        else:
            model = ResolutionModel.load(model_path)
        everything = summary.trained or len(new) == len(frame)
        pairs = model.predict(frame, threshold, None if everything else new) if new else None
        if pairs is not None and len(pairs):
            _write_pairs(store, pairs, run_id)
            summary.pairs = len(pairs)
            if pairs_out:
                _pairs_csv(pairs, pairs_out)
        elif pairs_out:
            _pairs_csv(pd.DataFrame(columns=["left_ref", "right_ref", "probability", "evidence"]), pairs_out)
    if new:
        store.write("UNWIND $keys AS k MATCH (p:Person {key: k}) SET p.resolved_records = size(coalesce(p.records, []))",
                    {"keys": sorted(new)})
    summary.identity_changes, summary.identities = assign_identities(store, threshold)
    summary.seconds = (datetime.now(timezone.utc) - started).total_seconds()
    store.upsert_nodes("ResolutionRun", [{"key": run_id, "records": [], "cases": [], "props": {
        "user": user, "time": _now(), "threshold": threshold, "model": str(model_path), "trained": summary.trained,
        "persons": summary.persons, "new_persons": summary.new_persons, "pairs": summary.pairs,
        "identity_changes": summary.identity_changes, "seconds": round(summary.seconds, 2)}}])
    return summary


def _write_pairs(store: Store, pairs: pd.DataFrame, run_id: str) -> None:
    now = _now()
    rows = [{"left": left, "right": right, "id": pair_id(left, right), "probability": float(probability),
             "weight": float(weight), "evidence": list(evidence), "signature": _signature(list(evidence)),
             "run": run_id, "time": now}
            for left, right, probability, weight, evidence in pairs[["left_ref", "right_ref", "probability",
                                                                     "match_weight", "evidence"]].itertuples(index=False)]
    store.write_batches(_WRITE_LINKS, (rows[i:i + 5000] for i in range(0, len(rows), 5000)))


def _pairs_csv(pairs: pd.DataFrame, path: Path) -> None:
    out = pairs[["left_ref", "right_ref", "probability"]].copy()
    out["probability"] = out["probability"].map(lambda p: f"{p:.4f}")
    out["evidence"] = pairs["evidence"].map(lambda e: "; ".join(e)) if len(pairs) else []
    out.to_csv(path, index=False)


def assign_identities(store: Store, threshold: float = DEFAULT_THRESHOLD) -> tuple[list[str], int]:
    """Give every cluster of linked persons one stable ``identity`` id; return (changes, cluster count)."""
    links = store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.status = 'accepted' OR "
                       "(s.status = 'candidate' AND s.probability >= $t) RETURN a.key, b.key", {"t": threshold}).rows
    current = dict(store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL RETURN p.key, p.identity").rows)
    graph = nx.Graph()
    graph.add_edges_from(links)
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    target: dict[str, str] = {}
    taken: set[str] = set()
    changes: list[str] = []
    for members in components:
        held = Counter(current[m] for m in members if m in current)
        candidates = [i for i, _ in sorted(held.items(), key=lambda kv: (-kv[1], kv[0])) if i not in taken]
        identity = candidates[0] if candidates else "ID-" + hashlib.sha1(members[0].encode()).hexdigest()[:10]
        if not candidates and held:
            changes.append(f"{identity}: split from {', '.join(sorted(held))}")
        for other in candidates[1:]:
            changes.append(f"{other} joined into {identity}")
        taken.add(identity)
        for member in members:
            target[member] = identity
    dropped = sorted(k for k in current if k not in target)
    changed = [{"key": k, "identity": v} for k, v in target.items() if current.get(k) != v]
    if changed:
        store.write("UNWIND $rows AS r MATCH (p:Person {key: r.key}) SET p.identity = r.identity", {"rows": changed})
    if dropped:
        store.write("UNWIND $keys AS k MATCH (p:Person {key: k}) REMOVE p.identity", {"keys": dropped})
        changes.extend(f"{k} left {current[k]}" for k in dropped)
    return changes, len(components)


@dataclass
class Candidate:
    """A SAME_AS link as the review list shows it."""

    id: str
    status: str
    probability: float
    left: dict[str, Any]
    right: dict[str, Any]
    evidence: list[str]


_REVIEW = """
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE s.status IN $statuses AND s.probability >= $min
  AND ($case IS NULL OR $case IN a.cases OR $case IN b.cases)
RETURN s.id, s.status, s.probability, s.evidence,
       a.key, a.name, a.birth_date, a.cases, b.key, b.name, b.birth_date, b.cases
ORDER BY s.probability DESC, s.id
LIMIT $limit
"""


def review_list(store: Store, *, min_probability: float = 0.0, case: str | None = None,
                statuses: tuple[str, ...] = ("candidate",), limit: int = 100) -> list[Candidate]:
    """Return SAME_AS links to review, most probable first."""
    rows = store.read(_REVIEW, {"statuses": list(statuses), "min": min_probability, "case": case, "limit": limit}).rows
    return [Candidate(r[0], r[1], r[2], {"key": r[4], "name": r[5], "birth_date": r[6], "cases": r[7]},
                      {"key": r[8], "name": r[9], "birth_date": r[10], "cases": r[11]}, list(r[3] or []))
            for r in rows]


def decide(store: Store, link_id: str, status: str, user: str, threshold: float = DEFAULT_THRESHOLD) -> Candidate:
    """Record an analyst's decision (accepted or rejected) on link ``link_id``; identities follow.

    Raises ``NotFound`` when no SAME_AS link has that id.
    """
    if status not in ("accepted", "rejected"):
        raise UsageError(f"a decision is accepted or rejected, not {status!r}")
    now = _now()
    result = store.write(
        "MATCH (:Person)-[s:SAME_AS {id: $id}]->(:Person) "
        "SET s.status = $status, s.decided_by = $user, s.decided_at = $now, "
        "s.history = coalesce(s.history, []) + [$now + ' ' + $status + ' by ' + $user] RETURN s.id",
        {"id": link_id, "status": status, "user": user, "now": now})
    if not result.rows:
        raise NotFound(f"no SAME_AS link with id {link_id!r}: see `linkgraph review list`")
    assign_identities(store, threshold)
    found = review_list(store, statuses=STATUSES, limit=1_000_000)
    return next(c for c in found if c.id == link_id)
