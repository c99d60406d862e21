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
costs what the new records cost. Only the persons ingest touched since the last run are read from the
store; the others come from the frame that run kept (``person_reader``). Training a model (first run,
``retrain``) scores every pair.

Identities: persons joined by accepted links, or by candidate links at or above the threshold in force
(recorded on the run), share a
resolved ``identity`` id. Ids never change when records are added unless two identities are joined
(the one holding more of the joined persons keeps its id) or one is split by a rejection (the part
holding more of its persons keeps it); every such change is written to the ``ResolutionRun``
(``kind`` ``resolve`` for runs, ``review`` for analyst decisions).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

import pandas as pd

from linkgraph.files import store_file
from linkgraph.errors import UsageError
from linkgraph.resolve.identities import assign_identities
from linkgraph.resolve.organisation_links import OrganisationSummary, resolve_organisations
from linkgraph.runs import mark_interrupted, new_run_id, recorded_run, step_seconds
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, PAIR_FLOOR, PAIRS_OUT_STATUSES
from linkgraph.resolve.matching import PAIR_COLUMNS
from linkgraph.resolve.person_reader import keep_frame, read_persons
from linkgraph.resolve.model_choice import choose_model, data_warnings, needs_training
from linkgraph.resolve.review import KINDS, Candidate, decide, review_list  # re-exported: review's home is review.py
from linkgraph.resolve.same_as import mark_resolved, pair_id, withdraw_stale, write_pairs
from linkgraph.resolve.pairs_view import PAIRS_CSV_COLUMNS, count_proposed, stored_pairs, write_pairs_csv
from linkgraph.store.base import Store

__all__ = ["KINDS", "PAIRS_CSV_COLUMNS", "Candidate", "ResolveSummary", "assign_identities", "decide", "load_person_frame",
           "pair_id", "resolve", "review_list"]

@dataclass
class ResolveSummary:
    """What one ``resolve`` run did.

    ``pairs`` counts the pairs scored at or above the threshold (``proposed`` holds them, as
    ``PAIR_COLUMNS``); ``stored`` the pairs it scored at or above ``PAIR_FLOOR`` and stored;
    ``in_view`` the stored pairs proposed at the threshold (candidates at or above it and accepted
    pairs, whichever run scored them); ``reopened`` the rejected pairs sent back to review on new
    evidence; ``withdrawn`` the candidates scored again below the floor; ``model_origin`` is
    ``trained``, ``saved`` or ``default`` and ``model_note`` says which model scored and why;
    ``warnings`` what the data cannot give; ``timings`` the seconds per step (the run records them as
    ``seconds_<step>``); ``organisations`` what organisation resolution did in the same run (``None`` when
    it did not run); ``scored_all`` whether it scored every pair (a trained model, or every person new), so
    that links anywhere may have changed.
    """

    run_id: str
    persons: int = 0
    new_persons: int = 0
    persons_read: int = 0
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
    scored_all: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    proposed: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PAIR_COLUMNS), repr=False)
    organisations: OrganisationSummary | None = None


def default_model_path(store: Store) -> Path:
    """Where the trained model lives: ``LINKGRAPH_MODEL`` if set, else ``<store>/resolution-model.json``
    for the embedded store, else a file per server and database under ``$XDG_STATE_HOME/linkgraph/models/``
    (``~/.local/state/linkgraph/models/``), named after a hash of the URI and database: never the
    working directory, so two Neo4j databases never share (or overwrite) a model."""
    if os.environ.get("LINKGRAPH_MODEL"):
        return Path(os.environ["LINKGRAPH_MODEL"])
    return store_file(store, "resolution-model.json", "models")


def load_person_frame(store: Store) -> pd.DataFrame:
    """Return the person frame of every ``Person`` in ``store`` (``PERSON_COLUMNS``), as resolution reads it
    (``person_reader``: from the kept frame and the persons touched since, when it may be used)."""
    return read_persons(store, claim=False).frame


def resolve(store: Store, *, threshold: float = DEFAULT_THRESHOLD, model_path: Path | None = None,
            retrain: bool = False, pairs_out: Path | None = None, user: str = "unknown",
            between: tuple[str, str] | None = None, pairs_statuses: tuple[str, ...] = PAIRS_OUT_STATUSES,
            progress: Callable[[str], None] | None = None, organisations: bool = True) -> ResolveSummary:
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

    With ``organisations`` (and without ``between``, which names person sources), organisations are
    resolved in the same run (``organisation_links``): their pairs are stored, decided and viewed at the
    threshold as persons' are.

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
        if organisations and between is None:
            step = time.perf_counter()
            (progress or (lambda step: None))("resolving organisations")
            summary.organisations = resolve_organisations(store, summary.run_id, threshold)
            summary.timings["organisations"] = time.perf_counter() - step
        if pairs_out:
            step = time.perf_counter()
            write_pairs_csv(stored_pairs(store, threshold, pairs_statuses, between), pairs_out)
            summary.timings["pairs out"] = time.perf_counter() - step
        summary.seconds = time.perf_counter() - clock
        final.update({
            "threshold": threshold, "trained": summary.trained, "persons": summary.persons,
            "new_persons": summary.new_persons, "persons_read": summary.persons_read, "pairs": summary.pairs, "stored_pairs": summary.stored,
            "pairs_in_view": summary.in_view, "model_origin": summary.model_origin, "reopened": summary.reopened,
            "withdrawn": summary.withdrawn, "identities": summary.identities, "warnings": summary.warnings,
            "identity_changes": summary.identity_changes, "seconds": round(summary.seconds, 2),
            **step_seconds(summary.timings)})
        if summary.organisations is not None:
            done = summary.organisations
            final.update({"organisations": done.organisations, "new_organisations": done.new,
                          "organisation_stored_pairs": done.stored, "organisation_pairs": done.pairs,
                          "organisation_identities": done.identities,
                          "organisation_identity_changes": done.identity_changes})
    return summary


def _resolve_into(store: Store, summary: ResolveSummary, model_path: Path, retrain: bool,
                  between: tuple[str, str] | None, progress: Callable[[str], None]) -> None:
    """The work of ``resolve``: choose a model, score, store pairs, mark persons resolved, draw identities."""
    clock = time.perf_counter()
    progress("reading persons")
    read = read_persons(store, claim=between is None)
    frame, changed = read.frame, read.changed
    summary.persons, summary.new_persons, summary.persons_read = len(frame), len(changed), read.touched
    summary.timings["read"] = time.perf_counter() - clock
    if between is not None:
        _check_sources(frame, between)
    summary.warnings = data_warnings(frame, between)
    training = needs_training(len(frame), model_path, retrain)
    if len(frame) >= 2 and (changed or training or between is not None):
        step = time.perf_counter()
        progress("training the model" if training else "loading the model")
        chosen = choose_model(frame, model_path, retrain, read.prepared_rows())  # made once, for training and scoring
        summary.trained, summary.model_origin, summary.model_note = (chosen.origin == "trained", chosen.origin,
                                                                     chosen.note)
        summary.timings["train" if summary.trained else "model"] = time.perf_counter() - step
        step = time.perf_counter()
        progress("scoring pairs")
        everything = summary.trained or len(changed) == len(frame) or between is not None
        summary.scored_all = everything
        scored = chosen.model.predict(frame, PAIR_FLOOR, None if everything else set(changed), between=between,
                                      frequencies=chosen.frequencies, prepared_rows=read.prepared_rows())
        summary.stored = len(scored)
        summary.proposed = scored[scored["probability"] >= summary.threshold].reset_index(drop=True)
        summary.pairs = len(summary.proposed)
        summary.timings["score"] = time.perf_counter() - step
        step = time.perf_counter()
        progress("writing pairs")
        summary.reopened = write_pairs(store, scored, summary.run_id)
        summary.withdrawn = withdraw_stale(store, summary.run_id, None if everything else sorted(changed), between)
        summary.timings["write"] = time.perf_counter() - step
    # marking each changed person resolved and keeping the frame write to every person read: timed, so
    # the steps add up to the run (on the 1,000,000-row store they were the 30 s no step showed)
    step = time.perf_counter()
    if changed and between is None:
        mark_resolved(store, changed)
    warning = keep_frame(store, read, summary.run_id)
    if warning:
        summary.warnings.append(warning)
    summary.timings["mark"] = time.perf_counter() - step
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
