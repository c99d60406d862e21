"""The ingest pipeline: files + mapping -> checked readers -> records -> deduplicated batches -> store.

Every file is checked whole before anything is written (a file that cannot be read is refused whole).
Rows are then processed in chunks: bad rows go to the rejects file with file, line, field, reason and
the raw row; good rows become one ``Record`` node each (provenance) and the entities and relationships
they assert, deduplicated within the chunk so each is sent once. Entities not yet in the store are
CREATEd rather than MERGEd (several times faster), and relationships between two new entities are
created too; everything else is merged. Writes are idempotent, so a killed run, run again, ends in the
same state as one clean run.
"""

from __future__ import annotations

import csv
import hashlib
import json
import queue
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ingest.mapping import Mapping, TableSpec, check_columns
from ingest.readers import Reader, SourceRow, open_reader
from ingest.transform import Rejection, RowOutput, RowTransformer
from linkgraph.errors import UsageError
from linkgraph.model import load_model
from linkgraph.store.base import Store

CHUNK_ROWS = 5_000
_REFERENCE_LABELS = frozenset(e.label for e in load_model().entities.values() if e.reference)
REJECT_COLUMNS = ["file", "line", "field", "reason", "raw"]


@dataclass
class IngestSummary:
    """What one ingest did; ``rejected`` > 0 means the CLI exits 3."""

    run_id: str
    files: list[str]
    source: str = ""
    rows_read: int = 0
    rows_rejected: int = 0
    entities_written: int = 0
    relationships_written: int = 0
    rejects_path: str | None = None
    seconds: float = 0.0
    per_file: dict[str, int] = field(default_factory=dict)


def new_run_id() -> str:
    """Return a sortable, unique ingest run id such as ``run-20261123T080102-3f9a``."""
    return f"run-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class _Rejects:
    """The rejects file, created on the first bad row only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: Any = None
        self._writer: Any = None

    def add(self, file: Path, row: SourceRow, field_name: str, reason: str) -> None:
        if self._writer is None:
            self._handle = self.path.open("w", encoding="utf-8", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REJECT_COLUMNS)
        raw = json.dumps(row.record, ensure_ascii=False, default=str)
        self._writer.writerow([str(file), row.locator, field_name, reason, raw])
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()


@dataclass
class _Plan:
    file: Path
    table: TableSpec
    reader: Reader


def plan_ingest(files: list[Path], mapping: Mapping) -> list[_Plan]:
    """Match every file to its table(s), open and check every reader and its columns; raise before writing.

    Entity tables come before link tables, so references resolve to entities of the same run.
    """
    plans: list[_Plan] = []
    for file in files:
        tables = [t for t in mapping.tables if (t.file is None or file.match(t.file))]
        if file.suffix.lower() != ".xlsx" and any(t.reader.get("format") == "xlsx" for t in tables):
            raise UsageError(f"{file}: mapping {mapping.path.name} reads XLSX workbooks; this file is not one")
        if not tables:
            patterns = ", ".join(f"{t.name}: {t.file}" for t in mapping.tables)
            raise UsageError(f"{file}: matches no table of mapping {mapping.path.name} ({patterns})")
        if len(tables) > 1 and any(t.reader.get("format") != "xlsx" for t in tables):
            tables = tables[:1]
        for table in tables:
            options = dict(table.reader)
            if table.sheet:
                options["sheet"] = table.sheet
            reader = open_reader(file, options)
            if reader.columns is not None:
                check_columns(mapping, table, reader.columns, file)
            plans.append(_Plan(file, table, reader))
    return sorted(plans, key=lambda p: p.table.is_link_table)


def _record_key(source: str, file: Path, locator: str, digest: str) -> str:
    return hashlib.sha1(f"{source}\x1f{file.name}\x1f{locator}\x1f{digest}".encode()).hexdigest()[:16]


class _Chunk:
    """One chunk of good rows, deduplicated: each node and relationship once, with all its records and cases."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[str, str], dict[str, Any]] = {}
        self.rels: dict[tuple[str, str, str, str, str, str], dict[str, Any]] = {}
        self.records: list[dict[str, Any]] = []
        self.case_refs: dict[tuple[str, str], list[str]] = {}

    def add(self, output: RowOutput, record_key: str) -> None:
        cases = [output.case_id] if output.case_id else []
        for label, key, _ in output.refs:  # a link-table row puts the entity it names into its case
            known = self.case_refs.setdefault((label, key), [])
            known.extend(c for c in cases if c not in known)
        nodes = self.nodes
        for node in output.nodes:
            entry = nodes.get((node.label, node.key))
            if node.label in _REFERENCE_LABELS:
                if entry is None:
                    nodes[(node.label, node.key)] = {"key": node.key, "props": node.props, "records": [], "cases": []}
                else:
                    entry["props"].update(node.props)
                continue
            if entry is None:
                nodes[(node.label, node.key)] = {"key": node.key, "props": node.props, "records": [record_key],
                                                 "cases": list(cases)}
                continue
            entry["props"].update(node.props)
            if entry["records"][-1] != record_key:
                entry["records"].append(record_key)
            for case in cases:
                if case not in entry["cases"]:
                    entry["cases"].append(case)
        rels = self.rels
        for rel in output.rels:
            ident = (rel.type, rel.src_label, rel.src, rel.dst_label, rel.dst, rel.key)
            entry = rels.get(ident)
            if entry is None:
                rels[ident] = {"src": rel.src, "dst": rel.dst, "key": rel.key, "props": rel.props,
                               "records": [record_key]}
                continue
            entry["props"].update(rel.props)
            if entry["records"][-1] != record_key:
                entry["records"].append(record_key)

    def write(self, store: Store) -> tuple[int, int]:
        """Write records, nodes (new ones created, known ones merged) and relationships; return counts."""
        new_keys: set[tuple[str, str]] = set()
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (label, _), row in self.nodes.items():
            by_label[label].append(row)
        by_label["Record"] = self.records
        for label, rows in by_label.items():
            existing = store.existing_keys(label, [r["key"] for r in rows])
            fresh = [r for r in rows if r["key"] not in existing]
            store.upsert_nodes(label, fresh, new=True)
            store.upsert_nodes(label, [r for r in rows if r["key"] in existing])
            new_keys.update((label, r["key"]) for r in fresh)
        by_type: dict[tuple[str, str, str, bool], list[dict[str, Any]]] = defaultdict(list)
        for (rel_type, src_label, src, dst_label, dst, _), row in self.rels.items():
            fresh = (src_label, src) in new_keys and (dst_label, dst) in new_keys
            by_type[(rel_type, src_label, dst_label, fresh)].append(row)
        for (rel_type, src_label, dst_label, fresh), rows in by_type.items():
            store.upsert_relationships(rel_type, src_label, dst_label, rows, new=fresh)
        touched: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (label, key), cases in self.case_refs.items():
            if cases:
                touched[label].append({"key": key, "cases": cases})
        for label, rows in touched.items():
            store.add_cases(label, rows)
        return len(self.nodes), len(self.rels)


def _chunks(rows: Iterator[SourceRow], size: int) -> Iterator[list[SourceRow]]:
    chunk: list[SourceRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ingest_files(
    store: Store,
    files: list[Path],
    mapping: Mapping,
    *,
    case: str | None = None,
    rejects_path: Path | None = None,
    user: str = "unknown",
    progress: Callable[[int], None] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> IngestSummary:
    """Ingest ``files`` through ``mapping`` into ``store``; return the summary.

    Raises ``InvalidData`` / ``InvalidMapping`` / ``UsageError`` before writing anything when a file
    cannot be read or does not fit the mapping. Bad rows do not raise: they go to ``rejects_path``
    (default ``linkgraph-rejects-<run>.csv`` in the current directory), and ``rows_rejected`` counts them.
    """
    started = time.monotonic()
    plans = plan_ingest(files, mapping)
    run_id = new_run_id()
    summary = IngestSummary(run_id, [str(f) for f in files], mapping.source)
    rejects = _Rejects(rejects_path or Path(f"linkgraph-rejects-{run_id}.csv"))
    store.init_schema()
    run_props = {"user": user, "started": _now(), "source": mapping.source, "mapping": str(mapping.path),
                 "files": [str(f) for f in files], "status": "running"}
    store.upsert_nodes("IngestRun", [{"key": run_id, "props": run_props, "records": [], "cases": []}])
    writer = _Writer(store, summary)
    try:
        for plan in plans:
            if plan.table.is_link_table:
                writer.drain()  # references are checked against the store: earlier chunks must be in it
            transformer = RowTransformer(mapping, plan.table, case)
            for rows in _chunks(plan.reader.rows(), chunk_rows):
                writer.put(_prepare_chunk(store, plan, mapping, transformer, rows, rejects, run_id))
                summary.rows_read += len(rows)
                summary.per_file[str(plan.file)] = summary.per_file.get(str(plan.file), 0) + len(rows)
                if progress:
                    progress(len(rows))
            if hasattr(plan.reader, "close"):
                plan.reader.close()
        writer.close()
    finally:
        writer.abandon()
        rejects.close()
    summary.rows_rejected = rejects.count
    summary.rejects_path = str(rejects.path) if rejects.count else None
    summary.seconds = time.monotonic() - started
    store.upsert_nodes("IngestRun", [{"key": run_id, "records": [], "cases": [], "props": {
        "status": "finished", "finished": _now(), "rows_read": summary.rows_read,
        "rows_rejected": summary.rows_rejected, "rejects_file": summary.rejects_path or ""}}])
    return summary


class _Writer:
    """Writes chunks in order on one background thread while the next chunk is read and transformed.

    The server works on one core while Python reads and normalises on the other; the queue holds at
    most two chunks, so memory stays flat. The first error stops the writer and is raised by ``put``,
    ``drain`` or ``close``.
    """

    def __init__(self, store: Store, summary: IngestSummary) -> None:
        self.store = store
        self.summary = summary
        self.error: BaseException | None = None
        self.chunks: queue.Queue[_Chunk | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="linkgraph-ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            try:
                if self.error is None:
                    entities, relationships = chunk.write(self.store)
                    self.summary.entities_written += entities
                    self.summary.relationships_written += relationships
            except BaseException as error:  # handed to the main thread
                self.error = error
            finally:
                self.chunks.task_done()
        self.chunks.task_done()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, chunk: _Chunk) -> None:
        """Queue ``chunk`` for writing (blocks while two chunks wait)."""
        self._check()
        self.chunks.put(chunk)

    def drain(self) -> None:
        """Wait until every queued chunk is written."""
        self.chunks.join()
        self._check()

    def close(self) -> None:
        """Write what is queued and stop the thread."""
        self.drain()
        self.chunks.put(None)
        self.thread.join()
        self._check()

    def abandon(self) -> None:
        """Stop the thread after an error in the main thread (queued chunks are still written first)."""
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()


def _prepare_chunk(store: Store, plan: _Plan, mapping: Mapping, transformer: RowTransformer,
                   rows: list[SourceRow], rejects: _Rejects, run_id: str) -> _Chunk:
    good: list[tuple[SourceRow, RowOutput]] = []
    for row in rows:
        if row.problem:
            rejects.add(plan.file, row, "(row)", row.problem)
            continue
        outcome = transformer.transform(row.record)
        if isinstance(outcome, Rejection):
            rejects.add(plan.file, row, outcome.field, outcome.reason)
        else:
            good.append((row, outcome))
    good = _check_references(store, plan, mapping, good, rejects)
    chunk = _Chunk()
    for row, output in good:
        digest = hashlib.sha1(row.raw.encode() if row.raw is not None else
                              json.dumps(row.record, sort_keys=True, default=str).encode()).hexdigest()
        record_key = _record_key(mapping.source, plan.file, row.locator, digest)
        chunk.records.append({"key": record_key, "records": [], "cases": [output.case_id] if output.case_id else [],
                              "props": {"source": mapping.source, "file": str(plan.file), "line": row.locator,
                                        "record_id": output.record_id or row.locator, "case_id": output.case_id or "",
                                        "run": run_id}})
        chunk.add(output, record_key)
    return chunk


def _check_references(store: Store, plan: _Plan, mapping: Mapping, good: list[tuple[SourceRow, RowOutput]],
                      rejects: _Rejects) -> list[tuple[SourceRow, RowOutput]]:
    """Reject rows that refer to an id their source never defined (in this run or earlier)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for _, output in good:
        for label, key, _ in output.refs:
            wanted[label].add(key)
    if not wanted:
        return good
    known = {label: store.existing_keys(label, keys) for label, keys in wanted.items()}
    kept = []
    for row, output in good:
        missing = [(label, key, field_name) for label, key, field_name in output.refs if key not in known[label]]
        if missing:
            label, key, field_name = missing[0]
            rejects.add(plan.file, row, field_name,
                        f"{label} {key.split(':', 1)[1]!r} is not defined by source {mapping.source}")
        else:
            kept.append((row, output))
    return kept


@dataclass
class DryRun:
    """What a mapping would do with a sample: counts and the rows it would reject."""

    rows: int = 0
    entities: int = 0
    relationships: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)


def dry_run(file: Path, mapping: Mapping, limit: int = 1000) -> DryRun:
    """Read and transform up to ``limit`` rows of ``file`` through ``mapping``; write nothing.

    References to other tables cannot be checked without a store and are not reported.
    """
    report = DryRun()
    for plan in plan_ingest([file], mapping):
        transformer = RowTransformer(mapping, plan.table)
        for row in plan.reader.rows():
            if report.rows >= limit:
                break
            report.rows += 1
            outcome = Rejection("(row)", row.problem) if row.problem else transformer.transform(row.record)
            if isinstance(outcome, Rejection):
                report.rejected.append((row.locator, outcome.field, outcome.reason))
            else:
                report.entities += len(outcome.nodes)
                report.relationships += len(outcome.rels)
    return report
