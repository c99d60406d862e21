"""``SAME_AS`` links in the store: writing scored pairs without overturning decisions, and withdrawing
the candidates a new scoring put below ``PAIR_FLOOR``; for persons and organisations alike.

A pair is written left key < right key, with ``probability``, ``match_weight``, ``evidence``, ``status``,
``run``, a short review ``id`` and a ``history`` (see ``service`` for what the statuses mean).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from linkgraph.resolve.defaults import PAIR_FLOOR
from linkgraph.runs import now
from linkgraph.resolve.bound import ACCEPTED_BOUND, accepted_mark, bound_mark, keeps_bound, marked, raise_bound
from linkgraph.store.base import BATCH_SIZE, Store, batches, check_labels

__all__ = ["RESOLVED_LABELS", "keep_bound", "next_state", "pair_id", "supporting", "withdraw_stale", "write_pairs"]

#: The labels resolution links with ``SAME_AS`` (the data model allows it between two nodes of one of them).
RESOLVED_LABELS = ("Person", "Organisation")

_EXISTING_LINKS = """
UNWIND $rows AS r
MATCH (a:{label} {{key: r.left}})-[s:SAME_AS]->(b:{label} {{key: r.right}})
RETURN r.left, r.right, s.status, s.decided_evidence, s.decided_probability, s.evidence, s.probability
"""

# ``was`` is the status this run read; a decision taken since then wins over this run's view.
_WRITE_LINKS = """
UNWIND $rows AS r
MATCH (a:{label} {{key: r.left}})
MATCH (b:{label} {{key: r.right}})
MERGE (a)-[s:SAME_AS {{key: ''}}]->(b)
ON CREATE SET s.id = r.id, s.status = 'candidate', s.created = r.time, s.records = [], s.history = [r.note]
ON MATCH SET s.history = CASE WHEN r.note IS NULL OR s.status <> r.was THEN s.history
                              ELSE coalesce(s.history, []) + [r.note] END,
             s.status = CASE WHEN s.status = r.was THEN r.status ELSE s.status END
SET s.probability = r.probability, s.match_weight = r.weight, s.evidence = r.evidence, s.run = r.run,
    """ + raise_bound("a", "r.probability") + """
"""

# Once per store and label, before the first write that keeps it: the bound of every node starting links
# written before it was kept. Then the mark says that every such node carries it.
_BACKFILL_BOUND = """
MATCH (a:{label})-[s:SAME_AS]->(:{label})
WITH a, max(s.probability) AS most
SET """ + raise_bound("a", "most") + """
"""

# Once per store and label, after that: the bound of every node starting a link accepted before a
# decision raised it.
_BACKFILL_ACCEPTED = """
MATCH (a:{label})-[s:SAME_AS]->(:{label})
WHERE s.status = 'accepted'
WITH DISTINCT a
SET """ + raise_bound("a", "$accepted") + """
"""

_WITHDRAW_ALL = """
MATCH (:{label})-[s:SAME_AS]->(:{label})
WHERE s.status = 'candidate' AND s.run <> $run
SET s.status = 'withdrawn', s.history = coalesce(s.history, []) + [$note]
RETURN count(s)
"""

_WITHDRAW_BETWEEN = """
MATCH (a:{label})-[s:SAME_AS]->(b:{label})
WHERE s.status = 'candidate' AND s.run <> $run AND a.source IN $sources AND b.source IN $sources
  AND a.source <> b.source
SET s.status = 'withdrawn', s.history = coalesce(s.history, []) + [$note]
RETURN count(s)
"""

_WITHDRAW_TOUCHING = """
UNWIND $keys AS k
MATCH (:{label} {{key: k}})-[s:SAME_AS]-(:{label})
WHERE s.status = 'candidate' AND s.run <> $run
WITH DISTINCT s
SET s.status = 'withdrawn', s.history = coalesce(s.history, []) + [$note]
RETURN count(s)
"""


def _for(query: str, label: str) -> str:
    """``query`` for one of ``RESOLVED_LABELS`` (a label is no query parameter; only these are written in)."""
    if label not in RESOLVED_LABELS:
        raise ValueError(f"resolution links {', '.join(RESOLVED_LABELS)}, not {label!r}")
    return query.format(label=label)


def keep_bound(store: Store, label: str) -> None:
    """Give the ``label`` nodes of a store resolved (or reviewed) before the bound was kept their bound,
    once for each of its two marks (``resolve.bound``), and mark it. Each mark is written after its fill:
    a run killed between the two fills again next time."""
    mark = "MERGE (m:StoreMark {key: $key}) ON CREATE SET m.created = $time"
    if not keeps_bound(store, label):
        store.init_schema()  # its index, on a store made before it
        store.write(_for(_BACKFILL_BOUND, label))
        store.write(mark, {"key": bound_mark(label), "time": now()})
    if not marked(store, accepted_mark(label)):
        store.write(_for(_BACKFILL_ACCEPTED, label), {"accepted": ACCEPTED_BOUND})
        store.write(mark, {"key": accepted_mark(label), "time": now()})


def pair_id(left: str, right: str) -> str:
    """Return the short, stable review id of the pair (left, right)."""
    return hashlib.sha1(f"{left}\x1f{right}".encode()).hexdigest()[:10]


def supporting(evidence: list[str]) -> list[str]:
    """The evidence sentences that count for a match, without their weights or frequency notes."""
    found = []
    for sentence in evidence:
        text, _, weight = sentence.rpartition(", ")
        if not text or not weight.startswith("+"):
            continue
        found.append(text.removesuffix(" (rare)").removesuffix(" (common)"))
    return sorted(set(found))


def next_state(was: str, evidence: list[str], probability: float, decided_evidence: list[str] | None,
               decided_probability: float | None, run_id: str, now: str) -> tuple[str, str | None]:
    """The status of a scored pair after this run, and the history line saying why it changed (or None)."""
    if was == "withdrawn":
        return "candidate", f"{now} proposed again by {run_id}"
    if was != "rejected":
        return was, None
    new = sorted(set(supporting(evidence)) - set(decided_evidence or []))
    if new and probability > (decided_probability or 0.0):
        return "candidate", f"{now} reopened by {run_id}: new evidence: {'; '.join(new)}"
    return "rejected", None


def write_pairs(store: Store, pairs: pd.DataFrame, run_id: str, label: str = "Person") -> int:
    """Write scored pairs (``left_ref``, ``right_ref``, ``probability``, ``match_weight``, ``evidence``) as
    SAME_AS links between ``label`` nodes, keeping decisions; return how many rejected pairs were reopened."""
    if pairs.empty:
        return 0
    stamp = now()
    scored = pairs[["left_ref", "right_ref", "probability", "match_weight", "evidence"]].itertuples(index=False)
    rows = [{"left": left, "right": right, "id": pair_id(left, right), "probability": float(probability),
             "weight": float(weight), "evidence": list(evidence), "run": run_id, "time": stamp,
             "note": f"{stamp} proposed by {run_id}", "was": None, "status": "candidate"}
            for left, right, probability, weight, evidence in scored]
    by_pair = {(row["left"], row["right"]): row for row in rows}
    keep_bound(store, label)
    reopened = 0
    for batch in batches(rows, BATCH_SIZE):
        keys = [{"left": row["left"], "right": row["right"]} for row in batch]
        for left, right, was, seen, seen_probability, last, last_probability in store.read(
                _for(_EXISTING_LINKS, label), {"rows": keys}).rows:
            row = by_pair[(left, right)]
            row["was"] = was
            # A decision recorded without what the analyst saw: the last scoring is the best stand-in.
            decided_evidence = seen if seen is not None else supporting(list(last or []))
            decided_probability = seen_probability if seen_probability is not None else last_probability
            row["status"], row["note"] = next_state(was, row["evidence"], row["probability"], decided_evidence,
                                                    decided_probability, run_id, stamp)
            reopened += was == "rejected" and row["status"] == "candidate"
    store.write_batches(_for(_WRITE_LINKS, label), batches(rows, 5000))
    return reopened


def withdraw_stale(store: Store, run_id: str, touching: list[str] | None,
                   between: tuple[str, str] | None = None, label: str = "Person") -> int:
    """Withdraw candidates between ``label`` nodes this run scored again (all, those touching ``touching``,
    or those across ``between``) but did not store: they now score below ``PAIR_FLOOR``."""
    note = f"{now()} withdrawn by {run_id}: scored below {PAIR_FLOOR}"
    if between is not None:
        return int(store.write(_for(_WITHDRAW_BETWEEN, label),
                               {"run": run_id, "note": note, "sources": list(between)}).scalar() or 0)
    if touching is None:
        return int(store.write(_for(_WITHDRAW_ALL, label), {"run": run_id, "note": note}).scalar() or 0)
    return sum(int(store.write(_for(_WITHDRAW_TOUCHING, label), {"keys": list(chunk), "run": run_id,
                                                                  "note": note}).scalar() or 0)
               for chunk in batches(touching, BATCH_SIZE))


def mark_resolved(store: Store, changed: dict[str, str], label: str = "Person") -> None:
    """Record on each ``label`` node of ``changed`` (key -> fingerprint) the fingerprint it was resolved
    with, so the next run scores only what changed since."""
    check_labels(label)
    rows = [{"key": key, "fingerprint": fingerprint} for key, fingerprint in changed.items()]
    store.write_batches(f"UNWIND $rows AS r MATCH (n:{label} {{key: r.key}}) SET n.resolved_fingerprint = r.fingerprint",
                        batches(rows, BATCH_SIZE))
