"""Compaction of the embedded server's append-only file: one snapshot instead of every statement since.

The append-only file starts with a snapshot (``aof-use-rdb-preamble``) followed by every write
statement since; a cold start loads the snapshot and replays the statements, which re-runs every
ingest query. Rewriting it (``BGREWRITEAOF``) makes it one snapshot again. Redis does so by itself when
the log has grown past ``auto-aof-rewrite-percentage`` of the snapshot; ``Store.compact()`` does it after
large writes, and the watchdog before it stops an idle server whose log has grown.
"""

from __future__ import annotations

import time

import redis

from linkgraph.errors import StoreError

#: A log grown by more than this many bytes and this share of the snapshot is compacted before an idle stop.
GROWN_BYTES = 1 << 20
GROWN_RATIO = 0.1


def rewrite(client: redis.Redis, timeout: float = 3600.0) -> None:
    """Rewrite the append-only file through ``client`` and wait until it is done.

    Raises ``StoreError`` when the rewrite fails or outlasts ``timeout`` seconds.
    """
    try:
        client.bgrewriteaof()
    except redis.ResponseError as error:
        if "in progress" not in str(error):
            raise StoreError(f"compacting the store failed: {error}") from None
    deadline = time.monotonic() + timeout
    while True:
        info = client.info("persistence")
        if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
            break
        if time.monotonic() > deadline:
            raise StoreError(f"compacting the store did not finish within {timeout:g} s")
        time.sleep(0.05)
    if info.get("aof_last_bgrewrite_status") != "ok":
        raise StoreError("compacting the store failed; see falkordb.log in the store directory")


def log_growth(client: redis.Redis) -> int:
    """Return how many bytes of statements the append-only file holds after its snapshot."""
    info = client.info("persistence")
    return max(0, int(info.get("aof_current_size", 0)) - int(info.get("aof_base_size", 0)))


def compact_if_grown(client: redis.Redis) -> bool:
    """Rewrite the append-only file when its log has grown past ``GROWN_BYTES`` and ``GROWN_RATIO`` of the
    snapshot; return whether it did."""
    info = client.info("persistence")
    base = int(info.get("aof_base_size", 0))
    grown = log_growth(client)
    if grown <= GROWN_BYTES or grown <= GROWN_RATIO * base:
        return False
    rewrite(client)
    return True
