"""``detect``: the nightly job. Resolve what is new, find the cross-case links it makes, raise alerts.

Incremental by watermark: each finished ``DetectRun`` records the ingest runs it covered. The next
run covers the finished ingest runs no finished detect has covered (runs still going, failed or
interrupted are left for the next night and named in the summary), resolves persons added or changed
since (resolution is itself incremental, and skipped when nothing can have changed), and looks for links only around the cases those ingests and
the new or decided ``SAME_AS`` links touch, so its cost follows the new data, not the store.

Kill-safe: alerts are keyed by their link and written idempotently; the watermark moves only when a
run finishes; alerts are marked reported only after the run's file is in place. A run killed at any
point and run again covers the same ingests, creates no alert twice and reports every alert once.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.detect.alerts import alerts_paragraph, mark_reported, raise_alerts, unreported, withdraw_missing
from linkgraph.detect.lock import detect_lock
from linkgraph.detect.watchlists import watchlist_alerts
from linkgraph.errors import UsageError
from linkgraph.files import ensure_folder, open_private, sha256_of
from linkgraph.runs import (FINISHED, RUNNING, mark_interrupted, new_run_id, now, process_alive, recorded_run,
                            step_seconds)

if TYPE_CHECKING:
    from linkgraph.access.view import View
    from linkgraph.store.base import Store

#: Version of the ``alerts-<run>.json`` shape; bump when a key changes meaning.
ALERTS_FORMAT = 1
#: The HTML summary draws the evidence of every alert the run raised; above this many (a first run
#: over a whole store) it would take longer than the detection itself (measured: 7,327 alerts of a
#: 100,000-row store, over 25 minutes) and no one reads it, so the run writes only the JSON file and
#: says so; ``linkgraph report --alerts RUN`` still makes it on demand.
SUMMARY_MAX_ALERTS = 500


@dataclass
class DetectSummary:
    """What one detect did."""

    run_id: str
    ingests: list[str] = field(default_factory=list)
    left_for_later: list[str] = field(default_factory=list)
    cases_in_scope: int = 0
    links: int = 0
    raised: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    reported: int = 0
    resolved_pairs: int = 0
    watchlist_hits: int = 0
    alerts_file: str | None = None
    summary_file: str | None = None
    seconds: float = 0.0
    #: seconds per step (``STEPS``), as ``ResolveSummary.timings``; recorded on the ``DetectRun`` as ``seconds_<step>``
    timings: dict[str, float] = field(default_factory=dict)


#: The steps of a detect whose seconds the run records: resolution, links, raising and withdrawing
#: alerts, watchlist hits, and the files and report marks.
STEPS = ("resolve", "links", "alerts", "watchlists", "output")


def _covered(store: Store) -> tuple[set[str], str | None]:
    """Ingest runs covered by finished detects, and when the last finished detect started."""
    rows = store.read("MATCH (d:DetectRun) WHERE d.status = $finished RETURN d.ingests, d.started",
                      {"finished": FINISHED}).rows
    covered = {run for ingests, _ in rows for run in (ingests or [])}
    last = max((started for _, started in rows if started), default=None)
    return covered, last


def _ingests(store: Store, since: str | None) -> tuple[list[str], list[str]]:
    """(finished ingest runs to cover, runs left for later: still going, failed or interrupted)."""
    covered, _ = _covered(store)
    rows = store.read("MATCH (r:IngestRun) RETURN r.key, r.status, r.finished, properties(r)").rows
    todo, later = [], []
    for key, status, finished, props in rows:
        if status == FINISHED:
            if since is not None:
                if str(finished or "") >= since:
                    todo.append(key)
            elif key not in covered:
                todo.append(key)
        elif status == RUNNING and process_alive(props):
            later.append(f"{key} (still running)")
        elif key not in covered:
            later.append(f"{key} ({'interrupted' if status == RUNNING else status})")
    return sorted(todo), sorted(later)


def _resolution_needed(store: Store, ingests: list[str], since: str | None, redrawn: bool) -> bool:
    """Whether resolution can change anything tonight: an ingest run to cover, a person waiting for
    resolution (one an ingest still going wrote), a decision on a SAME_AS link since the last detect
    started (``since``), or identities to draw anew (``redrawn``: see ``_redrawn``). Otherwise it is skipped: on a store of a million rows a night with nothing
    new then costs these checks (a few seconds) instead of a resolution run that changes nothing (13 s)."""
    from linkgraph.store.bulk import RESOLVING, UNRESOLVED

    if ingests or since is None:
        return True
    if any(store.read(f"MATCH (p:{label}) RETURN count(p)").scalar() for label in (UNRESOLVED, RESOLVING)):
        return True
    return redrawn or bool(_decided(store, since))


def _redrawn(store: Store, threshold: float) -> bool:
    """Whether a resolution run now would draw identities anew: the last resolve run did not finish, or
    drew them at another threshold."""
    last = store.read("MATCH (r:ResolutionRun) WHERE r.kind = 'resolve' RETURN r.status, r.threshold "
                      "ORDER BY r.started DESC LIMIT 1").rows
    return not last or last[0][0] != FINISHED or last[0][1] != threshold


def _decided(store: Store, since: str) -> list[str]:
    """Ids of the SAME_AS links accepted or rejected in review since ``since``, from the review's own
    ``ResolutionRun`` records (``resolve.review.decide`` writes one before the link): a few nodes, where
    reading the links' decision times meant every link of the store (2 s on a million rows)."""
    return sorted({link for (link,) in store.read(
        "MATCH (r:ResolutionRun) WHERE r.kind = 'review' AND r.time >= $since RETURN r.link", {"since": since}).rows if link})


def _scope(store: Store, ingests: list[str], since_time: str | None) -> list[str]:
    """Cases touched by the ingest runs, and by SAME_AS links decided since ``since_time`` (None: every
    case a SAME_AS link touches, as when identities may have changed anywhere)."""
    cases = {row[0] for row in store.read("UNWIND $runs AS run MATCH (r:Record) WHERE r.run = run "
                                          "RETURN DISTINCT r.case_id", {"runs": ingests}).rows if row[0]}
    if since_time is None:
        rows = store.read("MATCH (a:Person)-[:SAME_AS]->(b:Person) RETURN a.cases, b.cases").rows
    else:
        decided = _decided(store, since_time)
        rows = store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.id IN $ids RETURN a.cases, b.cases",
                          {"ids": decided}).rows if decided else []
    for left, right in rows:
        cases.update(left or [])
        cases.update(right or [])
    return sorted(cases)


def _resolve_since(since: str) -> str:
    """``--since`` as an ISO time: a date or time as given, or the start of the named ingest run."""
    try:
        datetime.fromisoformat(since)
    except ValueError:
        raise UsageError(f"--since takes last, an ingest run id or an ISO date, not {since!r}") from None
    return since


def detect(view: View, *, since: str | None = None, out_dir: Path | None = None,
           threshold: float | None = None) -> DetectSummary:
    """Run one detection (see the module docstring); return its summary.

    ``since``: None or ``"last"`` for the watermark; an ISO date to cover every ingest finished since
    then again (alerts already raised are not raised twice). ``out_dir``: where ``alerts-<run>.json``
    goes. Raise ``DetectBusy`` when another detect holds the store, ``AccessDenied`` unless the
    principal sees every case (a service principal of the policy).
    """
    from linkgraph.analysis.links import cross_case_links
    from linkgraph.collector import collector_paused
    from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
    from linkgraph.resolve.service import resolve

    store = view.writer("all")
    threshold = threshold or DEFAULT_THRESHOLD
    since_time = None if since in (None, "last") else _ingest_time(store, since) or _resolve_since(str(since))
    if out_dir is not None:
        ensure_folder(out_dir)
    clock = time.perf_counter()
    summary = DetectSummary(new_run_id("detect"))
    store.init_schema()
    with detect_lock(store, summary.run_id):
        mark_interrupted(store)
        with recorded_run(store, "DetectRun", summary.run_id, {"user": view.principal.name}) as final:
            _, last_started = _covered(store)
            summary.ingests, summary.left_for_later = _ingests(store, since_time)
            # Identities drawn anew (another threshold) or every pair scored again (a model trained)
            # may link or unlink cases no new record touches: then every case is in scope.
            store_wide = False
            redrawn = _redrawn(store, threshold)  # read before a resolution run records tonight's threshold
            step = time.perf_counter()
            if _resolution_needed(store, summary.ingests, last_started, redrawn):
                resolved = resolve(store, threshold=threshold, user=view.principal.name)
                summary.resolved_pairs = resolved.pairs
                store_wide = redrawn or resolved.scored_all
            step = _step(summary, "resolve", step)
            # links, alerts and the output build many long-lived Python objects, which the cyclic
            # collector would scan again and again (collector.collector_paused; resolution, with its
            # Splink objects, runs with it). Nights on the 1M store, each its own new case of 2,000
            # rows: detect 54.0 and 42.9 s with the pause, 59.4 and 53.1 s without
            with collector_paused():
                scope = _scope(store, summary.ingests, None if store_wide else since_time or last_started)
                summary.cases_in_scope = len(scope)
                links = cross_case_links(view, cases=scope, threshold=threshold) if scope else []
                summary.links = len(links)
                step = _step(summary, "links", step)
                summary.raised = raise_alerts(store, links, summary.run_id)
                summary.withdrawn = withdraw_missing(store, scope, {link.id for link in links}, summary.run_id)
                step = _step(summary, "alerts", step)
                hits, gone = watchlist_alerts(view, scope, summary.run_id, threshold)
                summary.raised, summary.withdrawn = sorted(summary.raised + hits), sorted(summary.withdrawn + gone)
                step = _step(summary, "watchlists", step)
                summary.watchlist_hits = len(hits)
                report = unreported(store)
                summary.reported = len(report)
                if out_dir is not None:
                    summary.alerts_file = str(_write_alerts(out_dir, summary, report))
                    if 0 < len(summary.raised) <= SUMMARY_MAX_ALERTS:
                        summary.summary_file = str(_write_summary(view, out_dir, summary.run_id))
                mark_reported(store, [a["key"] for a in report], summary.run_id)
                _step(summary, "output", step)
            summary.seconds = time.perf_counter() - clock
            final.update({"ingests": summary.ingests, "left_for_later": summary.left_for_later,
                          "cases_in_scope": summary.cases_in_scope, "links": summary.links,
                          "raised": len(summary.raised), "watchlist_hits": summary.watchlist_hits, "withdrawn": len(summary.withdrawn),
                          "reported": summary.reported, "alerts_file": summary.alerts_file or "",
                          "seconds": round(summary.seconds, 2),
                          **step_seconds(summary.timings)})
    view.note(rows=summary.reported, cases=scope, output=summary.alerts_file,
              sha256=sha256_of(Path(summary.alerts_file)) if summary.alerts_file else None)
    return summary


def _step(summary: DetectSummary, name: str, started: float) -> float:
    """Record the seconds of step ``name`` (one of ``STEPS``) since ``started``; return now."""
    at = time.perf_counter()
    summary.timings[name] = at - started
    return at


def _ingest_time(store: Store, run: str) -> str | None:
    """The start time of ingest run ``run``, when ``--since`` names one."""
    return store.read("MATCH (r:IngestRun {key: $key}) RETURN r.started", {"key": run}).scalar()


def _write_alerts(out_dir: Path, summary: DetectSummary, alerts: list[dict[str, Any]]) -> Path:
    """Write ``alerts-<run>.json`` (stable shape, documented in the README) atomically; return its path."""
    path = out_dir / f"alerts-{summary.run_id}.json"
    partial = out_dir / f".alerts-{summary.run_id}.json.partial"
    document = {"format": ALERTS_FORMAT, "run": summary.run_id, "time": now(), "ingests": summary.ingests,
                "left_for_later": summary.left_for_later, "withdrawn": summary.withdrawn, "alerts": alerts}
    with open_private(partial) as handle:
        json.dump(document, handle, ensure_ascii=False, indent=2, sort_keys=True)
    partial.replace(path)
    return path


def _write_summary(view: View, out_dir: Path, run_id: str) -> Path:
    """The offline HTML summary of the alerts this run raised, made by the report command's code."""
    from linkgraph.report.build import write_report

    path = out_dir / f"alerts-{run_id}.html"
    write_report(view, path, alerts=run_id, title=f"linkgraph alerts of {run_id}", describe_alerts=alerts_paragraph)
    return path
