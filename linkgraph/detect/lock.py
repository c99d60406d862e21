"""One detect at a time per store: a ``DetectLock`` node whose key the store keeps unique.

Taking the lock is one CREATE that the uniqueness constraint on ``key`` lets only one process win, on
both backends. The node records the holder (host, pid and the pid's start time). A second detect that
finds the lock held by a live process stops at once, naming the holder; one whose holder's process is
gone (killed) deletes exactly that holder's lock, in one conditional statement, and takes it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from linkgraph.errors import KeyConflict, LinkgraphError
from linkgraph.runs import now, process_alive, process_identity

if TYPE_CHECKING:
    from linkgraph.store.base import Store

LOCK_KEY = "detect"


class DetectBusy(LinkgraphError):
    """Another detect is running on this store."""


def _holder(store: Store) -> dict[str, Any] | None:
    rows = store.read("MATCH (l:DetectLock {key: $key}) RETURN properties(l)", {"key": LOCK_KEY}).rows
    return rows[0][0] if rows else None


@contextlib.contextmanager
def detect_lock(store: Store, run_id: str) -> Iterator[dict[str, Any]]:
    """Hold the store's detect lock for the block; raise ``DetectBusy`` naming a live holder.

    A lock left by a process that is gone is taken over. The lock is released when the block ends,
    however it ends (a SIGKILL leaves it, for the next run to take over).
    """
    mine = {"key": LOCK_KEY, "run": run_id, "since": now(), **process_identity()}
    for _ in range(3):
        try:
            store.create_nodes("DetectLock", [mine])
            break
        except KeyConflict:
            holder = _holder(store)
            if holder is None:
                continue  # released between our attempt and our look: try again
            if process_alive(holder):
                raise DetectBusy(f"another detect is running on this store: pid {holder.get('pid')} on "
                                 f"{holder.get('host')}, run {holder.get('run')} since {holder.get('since')}") from None
            store.write("MATCH (l:DetectLock {key: $key}) WHERE l.pid = $pid AND l.pid_start = $start "
                        "AND l.host = $host DELETE l", {"key": LOCK_KEY, "pid": holder.get("pid"),
                                                        "start": holder.get("pid_start"), "host": holder.get("host")})
    else:
        raise DetectBusy("could not take the detect lock: other detects keep starting; try again")
    try:
        yield mine
    finally:
        store.write("MATCH (l:DetectLock {key: $key}) WHERE l.run = $run DELETE l", {"key": LOCK_KEY, "run": run_id})
