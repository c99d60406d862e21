"""The audit log: one append-only JSON line per command that read or wrote case data, hash-chained.

Each record carries ``seq`` (1, 2, ...), the ``hash`` of the record before it (``prev``) and its own
``hash`` (SHA-256 of ``prev`` and the record's canonical JSON). Editing a record breaks its hash;
removing or reordering records breaks the chain; removing the last records is caught against the
head (sequence number and hash of the last record) that the store keeps as an ``AuditEvent`` node.
``verify`` names the first bad record.

Where the log lives: ``audit.jsonl`` in the embedded store's directory (mode 0600); for a Neo4j
store, the file named by ``LINKGRAPH_AUDIT`` (default ``~/.local/state/linkgraph/audit-<store>.jsonl``),
with the head in the database. Records never hold secrets: parameters are kept, passwords never reach
them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.errors import AuditBroken
from linkgraph.files import state_dir
from linkgraph.runs import now

if TYPE_CHECKING:
    from linkgraph.store.base import Store

HEAD_KEY = "audit-head"
_GENESIS = "0" * 64


def default_audit_path(store: Store) -> Path:
    """Where the audit log of ``store`` lives (see the module docstring)."""
    if store.backend == "falkordb":
        return Path(store.location) / "audit.jsonl"
    if os.environ.get("LINKGRAPH_AUDIT"):
        return Path(os.environ["LINKGRAPH_AUDIT"])
    digest = hashlib.sha256(store.location.encode()).hexdigest()[:12]
    return state_dir() / f"audit-{digest}.jsonl"


def _digest(prev: str, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev + canonical).encode("utf-8")).hexdigest()


def _last_line(handle: Any) -> bytes:
    """The last non-empty line of the open binary file ``handle`` (b'' for an empty file)."""
    handle.seek(0, os.SEEK_END)
    end = handle.tell()
    block, data = 4096, b""
    while end > 0:
        start = max(0, end - block)
        handle.seek(start)
        data = handle.read(end - start) + data
        lines = data.rstrip(b"\n").split(b"\n")
        if len(lines) > 1 or start == 0:
            return lines[-1]
        end = start
    return b""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[Any]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    handle = os.fdopen(fd, "r+b")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield handle
    finally:
        handle.close()


class AuditLog:
    """The audit log of one store. ``append`` one record per command; ``verify`` the whole chain."""

    def __init__(self, store: Store, path: Path | None = None) -> None:
        self.store = store
        self.path = path or default_audit_path(store)

    def append(self, record: dict[str, Any]) -> dict[str, Any]:
        """Append ``record`` (time, seq, prev and hash are added) and move the head; return what was written."""
        with _locked(self.path) as handle:
            last = _last_line(handle)
            previous = json.loads(last) if last else {"seq": 0, "hash": _GENESIS}
            body = {"time": now(), **record, "seq": int(previous["seq"]) + 1, "prev": previous["hash"]}
            written = {**body, "hash": _digest(previous["hash"], body)}
            handle.seek(0, os.SEEK_END)
            handle.write((json.dumps(written, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
            self.store.upsert_nodes("AuditEvent", [{"key": HEAD_KEY, "records": [], "cases": [], "props": {
                "seq": written["seq"], "hash": written["hash"], "file": str(self.path)}}])
        return written

    def records(self) -> list[dict[str, Any]]:
        """Every record, in order (unchecked: ``verify`` checks them)."""
        if not self.path.exists():
            return []
        with self.path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]

    def verify(self) -> VerifyResult:
        """Check the chain and the head; raise ``AuditBroken`` naming the first bad record."""
        prev, seq = _GENESIS, 0
        lines = self.path.read_text(encoding="utf-8").splitlines() if self.path.exists() else []
        for number, line in enumerate(lines, start=1):
            try:
                record = json.loads(line)
                claimed = record.pop("hash")
            except (ValueError, KeyError, AttributeError):
                raise AuditBroken(f"{self.path}:{number}: record {number} is not an audit record (edited)") from None
            if record.get("seq") != seq + 1 or record.get("prev") != prev:
                raise AuditBroken(f"{self.path}:{number}: record {number} does not follow record {seq} "
                                  f"(a record before it was removed or the records were reordered)")
            if _digest(prev, record) != claimed:
                raise AuditBroken(f"{self.path}:{number}: record {number} was edited (its hash does not match)")
            prev, seq = claimed, seq + 1
        head = self.store.read("MATCH (h:AuditEvent {key: $key}) RETURN h.seq, h.hash", {"key": HEAD_KEY}).rows
        if head and (head[0][0] != seq or head[0][1] != prev):
            raise AuditBroken(f"{self.path}: the log ends at record {seq} but the store's head is record {head[0][0]} "
                              "(records were removed from the end)")
        if not head and seq:
            raise AuditBroken(f"{self.path}: the store has no audit head for {seq} records (the log was planted)")
        return VerifyResult(self.path, seq, prev)


@dataclass(frozen=True)
class VerifyResult:
    """An intact audit log: where, how many records, and the hash of the last."""

    path: Path
    records: int
    head: str
