"""Resolution against the store: pull persons, score new pairs, write ``SAME_AS`` links, keep identities stable.

Nothing is merged. Each pair scored at or above ``PAIR_FLOOR`` becomes a ``SAME_AS`` relationship
(left key < right key) with ``probability``, ``match_weight``, ``evidence`` (sentences), ``status``,
``run`` (the last run that scored it), a short review ``id`` and a ``history``. Statuses:

- ``candidate``: scored, waiting for an analyst; proposed when at or above the threshold in force
  (the threshold is a view over the stored pairs, see ``pairs_view``);
- ``accepted`` / ``rejected``: an analyst's decision, with ``decided_by``, ``decided_at`` and the
  evidence the analyst saw (``decided_evidence``, ``decided_probability``);
- ``withdrawn``: a candidate that a later run, scoring the pair again, put below ``PAIR_FLOOR``.

A re-run never overturns a decision: an accepted pair stays accepted, and a rejected pair stays
rejected unless the pair now has a piece of supporting evidence the analyst did not see (a shared
document, a date that now agrees...) and a higher probability than at the decision; it then goes back
to ``candidate`` with the reason in its history.

Incremental: every person's matching data (names, date, documents, phones, address...) is
fingerprinted; a person whose fingerprint differs from the one stored when it was last resolved (or
that was never resolved) is *new*, and only pairs touching new persons are scored, so a nightly run
costs what the new records cost. Training a model (first run, ``retrain``) scores every pair.

Identities: persons joined by accepted links, or by candidate links at or above the threshold in force
(recorded on the run), share a
resolved ``identity`` id. Ids never change when records are added unless two identities are joined
(the one holding more of the joined persons keeps its id) or one is split by a rejection (the part
holding more of its persons keeps it); every such change is written to the ``ResolutionRun``
(``kind`` ``resolve`` for runs, ``review`` for analyst decisions).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pandas as pd

from linkgraph.access.view import View
from linkgraph.files import state_dir
from linkgraph.errors import NotFound, UsageError
from linkgraph.resolve.identities import assign_identities
from linkgraph.runs import FINISHED, mark_interrupted, new_run_id, now, recorded_run
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, PAIR_FLOOR, PAIRS_OUT_STATUSES
from linkgraph.resolve.matching import PAIR_COLUMNS
from linkgraph.resolve.person_frame import SCALAR_COLUMNS, person_frame
from linkgraph.resolve.model_columns import person_field_expressions
from linkgraph.resolve.model_choice import choose_model, data_warnings, needs_training
from linkgraph.resolve.pairs_view import PAIRS_CSV_COLUMNS, count_proposed, stored_pairs, write_pairs_csv
from linkgraph.store.base import BATCH_SIZE, Store, batches

__all__ = ["PAIRS_CSV_COLUMNS", "Candidate", "ResolveSummary", "assign_identities", "decide", "load_person_frame",
           "pair_id", "resolve", "review_list"]

# The person frame is read as one string per person (fields joined by a unit separator) and one per
# document or phone held: the client then parses one value per row instead of fifteen, which is most
# of the cost of reading 100,000 persons. Pages are ranges of internal node ids, so no query sorts.
_SEPARATOR = "\x1f"
_IN_PAGE = "WHERE id(p) >= $low AND id(p) < $high"


def _person_fields() -> list[str]:
    """The Cypher expressions read per person: the resolution columns as the model feeds them
    (``model_columns``), then the fingerprint stored when the person was last resolved."""
    return [*person_field_expressions(list(SCALAR_COLUMNS)), "p.resolved_fingerprint"]


def _persons_query(fields: list[str]) -> str:
    return (f"MATCH (p:Person) {_IN_PAGE} RETURN "
            + f" + '{_SEPARATOR}' + ".join(f"coalesce({field}, '')" for field in fields))


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

_WITHDRAW_BETWEEN = """
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE s.status = 'candidate' AND s.run <> $run AND a.source IN $sources AND b.source IN $sources
  AND a.source <> b.source
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
    ``PAIR_COLUMNS``); ``stored`` the pairs it scored at or above ``PAIR_FLOOR`` and stored;
    ``in_view`` the stored pairs proposed at the threshold (candidates at or above it and accepted
    pairs, whichever run scored them); ``reopened`` the rejected pairs sent back to review on new
    evidence; ``withdrawn`` the candidates scored again below the floor; ``model_origin`` is
    ``trained``, ``saved`` or ``default`` and ``model_note`` says which model scored and why;
    ``warnings`` what the data cannot give; ``timings`` the seconds per step.
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
    threshold: float = DEFAULT_THRESHOLD
    stored: int = 0
    in_view: int = 0
    model_origin: str = ""
    model_note: str = ""
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    proposed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIR_COLUMNS), repr=False)


def pair_id(left: str, right: str) -> str:
    """Return the short, stable review id of the pair (left, right)."""
    return hashlib.sha1(f"{left}\x1f{right}".encode()).hexdigest()[:10]


def default_model_path(store: Store) -> Path:
    """Where the trained model lives: ``LINKGRAPH_MODEL`` if set, else ``<store>/resolution-model.json``
    for the embedded store, else a file per server and database under ``$XDG_STATE_HOME/linkgraph/models/``
    (``~/.local/state/linkgraph/models/``), named after a hash of the URI and database: never the
    working directory, so two Neo4j databases never share (or overwrite) a model."""
    if os.environ.get("LINKGRAPH_MODEL"):
        return Path(os.environ["LINKGRAPH_MODEL"])
    if store.backend == "falkordb":
        return Path(store.location) / "resolution-model.json"
    name = hashlib.sha1(f"{store.location}\x1f{getattr(store, 'database', None) or ''}".encode()).hexdigest()[:16]
    return state_dir() / "models" / f"resolution-model-{name}.json"


def _load_persons(store: Store) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the person frame and the fingerprints of the persons changed since they were last resolved."""
    held: dict[str, dict[str, list[str]]] = {"doc_keys": {}, "phone_keys": {}}
    scalar = list(SCALAR_COLUMNS)
    texts: list[str] = []
    stored: list[str] = []
    rows: list[list[str]] = []
    fields = _person_fields()
    persons, held_queries = _persons_query(fields), dict(_HELD)
    if store.id_function == "id":
        low, high = store.read(_ID_RANGE).rows[0]
        pages = [{"low": start, "high": start + ID_PAGE} for start in range(int(low or 0), int(high or -1) + 1, ID_PAGE)]
    else:  # Neo4j: id() is deprecated and elementId() has no range to page by; one streamed read each
        pages = [{}]
        persons = persons.replace(_IN_PAGE, "")
        held_queries = {column: query.replace(_IN_PAGE, "") for column, query in _HELD.items()}
    for page in pages:
        for [text] in store.read(persons, page).rows:
            values = text.split(_SEPARATOR)
            if len(values) != len(fields):
                values = _one_person(store, fields, text.split(_SEPARATOR, 1)[0])
            rows.append(values)
            texts.append(_SEPARATOR.join(values[:-1]))
            stored.append(values[-1])
        for column, query in held_queries.items():
            for [text] in store.read(query, page).rows:
                key, _, value = text.partition(_SEPARATOR)
                held[column].setdefault(key, []).append(value)
    columns: dict[str, Any] = {name: [row[i] or None for row in rows] for i, name in enumerate(scalar)}
    for column, by_person in held.items():
        columns[column] = [sorted(set(by_person.get(key, ()))) for key in columns["ref"]]
    frame = person_frame(columns)
    changed = {}
    for text, docs, phones, previous in zip(texts, columns["doc_keys"], columns["phone_keys"], stored):
        fingerprint = hashlib.sha1("\x1e".join((text, *docs, "", *phones)).encode()).hexdigest()[:16]
        if previous != fingerprint:
            changed[text.split(_SEPARATOR, 1)[0]] = fingerprint
    return frame, changed


def load_person_frame(store: Store) -> pd.DataFrame:
    """Return the person frame of every ``Person`` in ``store`` (``PERSON_COLUMNS``), as resolution reads it."""
    return _load_persons(store)[0]


def _one_person(store: Store, fields: list[str], key: str) -> list[str]:
    """One person's fields read one by one: for the rare value that holds the separator itself."""
    query = "MATCH (p:Person {key: $key}) RETURN " + ", ".join(fields)
    [row] = store.read(query, {"key": key}).rows
    return ["" if value is None else str(value) for value in row]


def resolve(store: Store, *, threshold: float = DEFAULT_THRESHOLD, model_path: Path | None = None,
            retrain: bool = False, pairs_out: Path | None = None, user: str = "unknown",
            between: tuple[str, str] | None = None, pairs_statuses: tuple[str, ...] = PAIRS_OUT_STATUSES,
            progress: Callable[[str], None] | None = None) -> ResolveSummary:
    """Score person pairs in ``store`` and write them as ``SAME_AS`` links; return what was done.

    Trains a model from the store's persons on the first run of a store with at least
    ``MIN_PERSONS_TO_TRAIN`` persons (or with ``retrain``) and saves it to ``model_path``; a smaller
    store is scored by the shipped default model. Later runs load the saved model and score only
    pairs touching new or changed persons. Every pair scored at or above ``PAIR_FLOOR`` is stored
    with its probability and evidence; the threshold is a view over them: identities are drawn at
    ``threshold`` (recorded on the run), and ``pairs_out`` gets the stored pairs at or above it whose
    status is in ``pairs_statuses`` (``PAIRS_CSV_COLUMNS``), whichever run scored them.

    ``between`` names two sources each free of duplicates (a registry and a watchlist): only pairs
    with one person of each are scored and written (link-only). ``progress`` is called with the name
    of each step as it starts. Records the run as a ``ResolutionRun`` node.

    Raises ``UsageError`` when ``threshold`` is not in (0, 1], when ``between`` names a source with no
    persons, or with ``retrain`` on a store too small to train.
    """
    if not 0.0 < threshold <= 1.0:
        raise UsageError(f"--threshold must be a probability in (0, 1], not {threshold}")
    clock = time.perf_counter()
    summary = ResolveSummary(new_run_id("resolve"), threshold=threshold)
    model_path = Path(model_path or default_model_path(store))
    summary.model_path = str(model_path)
    mark_interrupted(store)
    with recorded_run(store, "ResolutionRun", summary.run_id,
                      {"kind": "resolve", "user": user, "model": str(model_path),
                       "between": list(between) if between else None}) as final:
        _resolve_into(store, summary, model_path, retrain, between, progress or (lambda step: None))
        if pairs_out:
            step = time.perf_counter()
            write_pairs_csv(stored_pairs(store, threshold, pairs_statuses, between), pairs_out)
            summary.timings["pairs out"] = time.perf_counter() - step
        summary.seconds = time.perf_counter() - clock
        final.update({
            "threshold": threshold, "trained": summary.trained, "persons": summary.persons,
            "new_persons": summary.new_persons, "pairs": summary.pairs, "stored_pairs": summary.stored,
            "pairs_in_view": summary.in_view, "model_origin": summary.model_origin, "reopened": summary.reopened,
            "withdrawn": summary.withdrawn, "identities": summary.identities, "warnings": summary.warnings,
            "identity_changes": summary.identity_changes, "seconds": round(summary.seconds, 2)})
    return summary


def _resolve_into(store: Store, summary: ResolveSummary, model_path: Path, retrain: bool,
                  between: tuple[str, str] | None, progress: Callable[[str], None]) -> None:
    """The work of ``resolve``: choose a model, score, store pairs, mark persons resolved, draw identities."""
    clock = time.perf_counter()
    progress("reading persons")
    frame, changed = _load_persons(store)
    summary.persons, summary.new_persons = len(frame), len(changed)
    summary.timings["read"] = time.perf_counter() - clock
    if between is not None:
        _check_sources(frame, between)
    summary.warnings = data_warnings(frame, between)
    training = needs_training(len(frame), model_path, retrain)
    if len(frame) >= 2 and (changed or training or between is not None):
        step = time.perf_counter()
        progress("training the model" if training else "loading the model")
        chosen = choose_model(frame, model_path, retrain)
        summary.trained, summary.model_origin, summary.model_note = (chosen.origin == "trained", chosen.origin,
                                                                     chosen.note)
        summary.timings["train" if summary.trained else "model"] = time.perf_counter() - step
        step = time.perf_counter()
        progress("scoring pairs")
        everything = summary.trained or len(changed) == len(frame) or between is not None
        scored = chosen.model.predict(frame, PAIR_FLOOR, None if everything else set(changed), between=between,
                                      frequencies=chosen.frequencies)
        summary.stored = len(scored)
        summary.proposed = scored[scored["probability"] >= summary.threshold].reset_index(drop=True)
        summary.pairs = len(summary.proposed)
        summary.timings["score"] = time.perf_counter() - step
        step = time.perf_counter()
        progress("writing pairs")
        summary.reopened = _write_pairs(store, scored, summary.run_id)
        summary.withdrawn = _withdraw_stale(store, summary.run_id, None if everything else sorted(changed), between)
        summary.timings["write"] = time.perf_counter() - step
    if changed and between is None:
        rows = [{"key": key, "fingerprint": fingerprint} for key, fingerprint in changed.items()]
        store.write_batches(_MARK_RESOLVED, batches(rows, BATCH_SIZE))
    step = time.perf_counter()
    progress("drawing identities")
    summary.identity_changes, summary.identities = assign_identities(store, summary.threshold)
    summary.in_view = count_proposed(store, summary.threshold)
    summary.timings["identities"] = time.perf_counter() - step


def _check_sources(frame: pd.DataFrame, between: tuple[str, str]) -> None:
    """Refuse a link-only run naming the same source twice or a source with no persons in the store."""
    if between[0] == between[1]:
        raise UsageError(f"--between needs two different sources, not {between[0]} twice")
    known = set(frame["source"].dropna())
    for source in between:
        if source not in known:
            shown = ", ".join(sorted(known)[:10]) or "none"
            raise UsageError(f"--between: no person of source {source!r} in the store (sources: {shown})")


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


def _withdraw_stale(store: Store, run_id: str, touching: list[str] | None,
                    between: tuple[str, str] | None = None) -> int:
    """Withdraw candidates this run scored again (all, those touching ``touching``, or those across
    ``between``) but did not store: they now score below ``PAIR_FLOOR``."""
    note = f"{now()} withdrawn by {run_id}: scored below {PAIR_FLOOR}"
    if between is not None:
        return int(store.write(_WITHDRAW_BETWEEN, {"run": run_id, "note": note, "sources": list(between)}).scalar()
                   or 0)
    if touching is None:
        return int(store.write(_WITHDRAW_ALL, {"run": run_id, "note": note}).scalar() or 0)
    return sum(int(store.write(_WITHDRAW_TOUCHING, {"keys": list(chunk), "run": run_id, "note": note}).scalar() or 0)
               for chunk in batches(touching, BATCH_SIZE))


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


# Read through the view (linkgraph.access): a link is shown only when the principal sees both persons,
# and each person's case list only with the cases she may see.
_BOTH_VISIBLE = """($everything OR (any(c IN coalesce(a.cases, []) WHERE c IN $visible)
                     AND any(c IN coalesce(b.cases, []) WHERE c IN $visible)))"""

_LINK_COLUMNS = """
RETURN s.id, s.status, s.probability, s.evidence,
       a.key, a.name, a.birth_date, [c IN coalesce(a.cases, []) WHERE $everything OR c IN $visible], a.identity,
       b.key, b.name, b.birth_date, [c IN coalesce(b.cases, []) WHERE $everything OR c IN $visible], b.identity,
       s.decided_by, s.decided_at, s.history
"""

_REVIEW = """
MATCH (a:Person)-[s:SAME_AS]->(b:Person)
WHERE s.status IN $statuses AND s.probability >= $min
  AND ($case IS NULL OR (($case IN a.cases OR $case IN b.cases) AND ($everything OR $case IN $visible)))
  AND """ + _BOTH_VISIBLE + _LINK_COLUMNS + """
ORDER BY s.probability DESC, s.id
LIMIT $limit
"""


def _candidate(row: list[Any]) -> Candidate:
    def side(values: list[Any]) -> dict[str, Any]:
        return dict(zip(("key", "name", "birth_date", "cases", "identity"), values))

    return Candidate(row[0], row[1], row[2], side(row[4:9]), side(row[9:14]), list(row[3] or []),
                     row[14], row[15], list(row[16] or []))


def review_list(view: View, *, min_probability: float | None = None, case: str | None = None,
                statuses: tuple[str, ...] = ("candidate",), limit: int = 100) -> list[Candidate]:
    """Return the SAME_AS links with one of ``statuses`` scoring at least ``min_probability`` that
    ``view``'s principal may see (both persons), most probable first (at most ``limit``).
    ``min_probability`` defaults to the threshold of the latest resolve run: a lower one shows the
    stored pairs below it, without scoring anything again."""
    if min_probability is None:
        min_probability = _last_threshold(view)
    rows = view.read(_REVIEW, {"statuses": list(statuses), "min": min_probability, "case": case, "limit": limit}).rows
    found = [_candidate(r) for r in rows]
    view.note(rows=len(found), cases=[c for f in found for c in (f.left["cases"] or []) + (f.right["cases"] or [])])
    return found


_ACROSS_BOUNDARY = """
MATCH (a:Person)-[s:SAME_AS]-(b:Person)
WHERE s.status IN $statuses AND s.probability >= $min
  AND NOT $everything
  AND any(c IN coalesce(a.cases, []) WHERE c IN $visible)
  AND ($case IS NULL OR ($case IN a.cases AND $case IN $visible))
  AND NOT any(c IN coalesce(b.cases, []) WHERE c IN $visible)
RETURN DISTINCT a.key ORDER BY a.key LIMIT $limit
"""


def persons_linked_across(view: View, *, min_probability: float | None = None, case: str | None = None,
                          statuses: tuple[str, ...] = ("candidate",), limit: int = 100) -> list[str]:
    """Keys of persons the principal sees that have a SAME_AS link (of ``statuses``, at ``min_probability``
    or above, by default the latest run's threshold) to a person she may not see: the persons to show a
    restricted-match marker for."""
    if min_probability is None:
        min_probability = _last_threshold(view)
    rows = view.read(_ACROSS_BOUNDARY, {"statuses": list(statuses), "min": min_probability, "case": case,
                                        "limit": limit}).rows
    return [row[0] for row in rows]


def _last_threshold(store: Store | View) -> float:
    """The threshold of the latest resolve run (identities are drawn at it), else the default."""
    found = store.read("MATCH (r:ResolutionRun) WHERE r.threshold IS NOT NULL AND r.status = $finished "
                       "RETURN r.threshold ORDER BY r.finished DESC LIMIT 1", {"finished": FINISHED}).scalar()
    return float(found) if found is not None else DEFAULT_THRESHOLD


def decide(view: View, link_id: str, status: str, threshold: float | None = None) -> Candidate:
    """Record the decision (``accepted`` or ``rejected``) of ``view``'s principal on link ``link_id``;
    identities follow.

    The link keeps who decided, when, and the evidence and probability the analyst saw; the identity
    changes the decision causes are recorded on a ``ResolutionRun`` of kind ``review``. Identities
    are drawn at ``threshold`` (default: that of the latest resolve run).

    Raises ``UsageError`` for another status, ``NotFound`` when no SAME_AS link has that id or the
    principal may not see both persons (the two are told apart by nobody), ``AccessDenied`` when the
    policy does not let her review.
    """
    if status not in ("accepted", "rejected"):
        raise UsageError(f"a decision is accepted or rejected, not {status!r}")
    store, user = view.writer("review"), view.principal.name
    match = "MATCH (a:Person)-[s:SAME_AS {id: $id}]->(b:Person) "
    evidence = view.read(match + "WHERE " + _BOTH_VISIBLE + " RETURN s.evidence", {"id": link_id}).rows
    view.note(params={"link": link_id, "decision": status})
    if not evidence:
        raise NotFound(f"no SAME_AS link with id {link_id!r}: see `linkgraph review list`")
    decided_at = now()
    store.write(
        match + "SET s.status = $status, s.decided_by = $user, s.decided_at = $now, "
        "s.decided_evidence = $seen, s.decided_probability = s.probability, "
        "s.history = coalesce(s.history, []) + [$now + ' ' + $status + ' by ' + $user]",
        {"id": link_id, "status": status, "user": user, "now": decided_at, "seen": _supporting(list(evidence[0][0] or []))})
    changes, identities = assign_identities(store, threshold if threshold is not None else _last_threshold(store))
    store.upsert_nodes("ResolutionRun", [{"key": new_run_id("review"), "records": [], "cases": [], "props": {
        "kind": "review", "user": user, "time": decided_at, "link": link_id, "decision": status,
        "identities": identities, "identity_changes": changes}}])
    return _candidate(view.read(match + _LINK_COLUMNS, {"id": link_id}).rows[0])
