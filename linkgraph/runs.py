"""Run records that tell the truth: every ingest and resolve run ends ``finished`` or ``failed``.

A run node (``IngestRun``, ``ResolutionRun``) is written ``running`` when the work starts, with the
identity of the process doing it (host, pid and the pid's start time, so a recycled pid is not taken
for the same process). ``recorded_run`` turns every way out of the block into ``finished`` or
``failed`` with the reason. A process killed with SIGKILL cannot write anything: the next command
recognises such a run because its process is gone (``interrupted``), ``status`` reports it, and the
next writing command records it as ``interrupted``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from linkgraph.errors import LinkgraphError

if TYPE_CHECKING:
    from linkgraph.store.base import Store

RUN_LABELS = ("IngestRun", "ResolutionRun")
RUNNING, FINISHED, FAILED, INTERRUPTED = "running", "finished", "failed", "interrupted"


def now() -> str:
    """The current UTC time as an ISO 8601 string with milliseconds.

    Milliseconds, not seconds: "the latest run" (the threshold in force, detect's watermark) is the
    greatest of these strings, and two runs often end within one second (a re-cut of the threshold
    right after a resolve). A stamp with seconds only, written by an older version, sorts before any
    stamp of the same second with milliseconds, so string order stays time order."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def step_seconds(timings: dict[str, float]) -> dict[str, float]:
    """A run's seconds per step as the properties its node records: ``seconds_<step>`` (spaces as
    underscores), to the millisecond, so that where a slow run went can be read from the store."""
    return {f"seconds_{step.replace(' ', '_')}": round(seconds, 3) for step, seconds in timings.items()}


def new_run_id(kind: str, random_hex: int = 6) -> str:
    """A sortable run id unique even for two runs in one second: ``<kind>-<UTC time>-<random hex>``,
    such as ``resolve-20261123T080102-3f9a1c``."""
    return f"{kind}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{secrets.token_hex(random_hex)[:random_hex]}"


def _start_ticks(pid: int) -> str:
    """The start time of process ``pid`` in clock ticks since boot ('' where /proc is unavailable)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_identity() -> dict[str, Any]:
    """The properties that identify this process on a run node: host, pid, pid start time."""
    pid = os.getpid()
    return {"host": socket.gethostname(), "pid": pid, "pid_start": _start_ticks(pid)}


def process_alive(props: dict[str, Any]) -> bool:
    """Whether the process recorded in ``props`` still runs (another host's process is assumed alive)."""
    if props.get("host") != socket.gethostname():
        return True
    pid = int(props.get("pid") or 0)
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    recorded = str(props.get("pid_start") or "")
    return not recorded or _start_ticks(pid) == recorded


def _set(store: Store, label: str, key: str, props: dict[str, Any]) -> None:
    store.upsert_nodes(label, [{"key": key, "records": [], "cases": [], "props": props}])


def _reason(error: BaseException) -> str:
    if isinstance(error, KeyboardInterrupt):
        return "interrupted by the user"
    if isinstance(error, SystemExit):
        return f"terminated (exit {error.code})"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


@contextlib.contextmanager
def recorded_run(store: Store, label: str, key: str, props: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Record run ``key`` as ``running`` with ``props``, yield a dict for its final properties, and
    record it ``finished`` with them, or ``failed`` with the reason when the block raises (re-raised).
    """
    _set(store, label, key, {**props, **process_identity(), "status": RUNNING, "started": now()})
    final: dict[str, Any] = {}
    try:
        yield final
    except BaseException as error:
        with contextlib.suppress(LinkgraphError, OSError):  # the store itself may be what failed
            _set(store, label, key, {**final, "status": FAILED, "finished": now(), "reason": _reason(error)})
        raise
    _set(store, label, key, {**final, "status": FINISHED, "finished": now()})


def interrupted_runs(store: Store) -> list[dict[str, Any]]:
    """Runs recorded ``running`` whose process is gone: ``[{label, key, user, started}]``, oldest first."""
    found = []
    for label in RUN_LABELS:
        rows = store.read(f"MATCH (r:{label}) WHERE r.status = $running RETURN r.key, properties(r)",
                          {"running": RUNNING}).rows
        for key, props in rows:
            if not process_alive(props):
                found.append({"label": label, "key": key, "user": props.get("user"), "started": props.get("started")})
    return sorted(found, key=lambda run: str(run["started"]))


def mark_interrupted(store: Store) -> list[dict[str, Any]]:
    """Record every run whose process is gone as ``interrupted``; return those runs."""
    found = interrupted_runs(store)
    for run in found:
        _set(store, run["label"], run["key"], {"status": INTERRUPTED, "reason": "its process ended without finishing"})
    return found


def run_counts(store: Store) -> dict[str, dict[str, int]]:
    """``{label: {status: n}}`` for ingest and resolution runs, with ``interrupted`` for dead ``running`` ones."""
    counts: dict[str, dict[str, int]] = {}
    for label in RUN_LABELS:
        rows = store.read(f"MATCH (r:{label}) RETURN r.status, count(r)").rows
        counts[label] = {str(status): n for status, n in rows if status}
    for run in interrupted_runs(store):
        by_status = counts[run["label"]]
        by_status[RUNNING] -= 1
        by_status[INTERRUPTED] = by_status.get(INTERRUPTED, 0) + 1
        if not by_status[RUNNING]:
            del by_status[RUNNING]
    return counts
