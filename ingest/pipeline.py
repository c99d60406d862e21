"""The ingest pipeline: files + mapping -> checked readers -> records -> deduplicated batches -> store.

Every file is checked whole before anything is written (a file that cannot be read is refused whole).
Rows are then processed in chunks: bad rows go to the rejects file with file, line, field, reason and
the raw row; good rows become one ``Record`` node each (provenance) and the entities and relationships
they assert, deduplicated within the chunk so each is sent once (``ingest.chunk``: entities not yet in
the store are CREATEd rather than MERGEd, several times faster, and so are relationships with an end
created just now). Writes are idempotent, so a killed run, run again, ends in the same state as one
clean run.

Reading and normalising (one child process, ``ingest.reader_process``) overlap with writing (a thread
here, and the database server): each takes about one core. Several runs in a row (a manifest's groups,
``ingest_groups``) share the child, which reads the next run's rows while the last of the one before
are written.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from linkgraph.ingest.chunk import Chunk
from linkgraph.ingest.chunk_writer import ChunkWriter, StoreLookup
from linkgraph.ingest.join import JoinedReader, LookupTables
from linkgraph.ingest.mapping import Mapping, Problems, TableSpec, check_columns, column_problems
from linkgraph.collector import collector_paused
from linkgraph.ingest.reader_process import ReaderProcess, fork_safe
from linkgraph.ingest.matrix import open_source
from linkgraph.ingest.readers import Reader, SourceRow
from linkgraph.ingest.rejects import Rejects
from linkgraph.ingest.transform import Rejection, RowOutput, RowTransformer
from linkgraph.errors import UsageError
from linkgraph.files import check_output
from linkgraph.runs import mark_interrupted, new_run_id, recorded_run
from linkgraph.store.base import NodeId, Store
from linkgraph.store import route_ways

CHUNK_ROWS = 5_000
CHUNK_ITEMS = 50_000  # entities and relationships asserted: a chunk closes at this many, or at chunk_rows
FIRST_CHUNK_ITEMS = 5_000  # the first chunk of an ingest: the writing waits for it, so it comes soon

#: Answers a link table's question: of these keys per label, which does the store hold (with their handles)?
_Lookup = Callable[[dict[str, set[str]]], dict[str, dict[str, NodeId]]]


@dataclass
class IngestSummary:
    """What one ingest did; ``rejected`` > 0 means the CLI exits 3."""

    run_id: str
    files: list[str]
    source: str = ""
    rows_read: int = 0
    rows_rejected: int = 0
    rows_blank: int = 0  # rows with no value at all (only separators), counted in rows_read
    rows_filtered: int = 0  # rows a table's where: left out, counted in rows_read
    values_quarantined: int = 0  # bad values of stored rows, kept raw or dropped (a rejects line each)
    entities_written: int = 0
    relationships_written: int = 0
    rejects_path: str | None = None
    seconds: float = 0.0
    per_file: dict[str, int] = field(default_factory=dict)


def ingest_run_id() -> str:
    """Return a sortable, unique ingest run id such as ``run-20261123T080102-3f9a``."""
    return new_run_id("run", 4)


@dataclass
class _Plan:
    file: Path
    table: TableSpec
    reader: Reader
    lookups: LookupTables | None = None  # on one plan of an ingest: the lookup readers, closed at the end


def plan_ingest(files: list[Path], mapping: Mapping) -> list[_Plan]:
    """Match every file to its table(s), open and check every reader and its columns; raise before writing.

    Entity tables come before link tables, so references resolve to entities of the same run. The files
    of a lookup table (one only joined by others) are read by the tables that join it, through a
    ``JoinedReader``; a join whose lookup table has no file among ``files`` is refused.
    """
    plans: list[_Plan] = []
    lookups = LookupTables()
    lookup_names = {j.table for t in mapping.tables for j in t.joins}
    for file in files:
        tables = [t for t in mapping.tables if (t.file is None or file.match(t.file))]
        if file.suffix.lower() != ".xlsx" and any(t.reader.get("format") == "xlsx" for t in tables):
            raise UsageError(f"{file}: mapping {mapping.path.name} reads XLSX workbooks; this file is not one")
        if not tables:
            patterns = ", ".join(f"{t.name}: {t.file}" for t in mapping.tables)
            raise UsageError(f"{file}: matches no table of mapping {mapping.path.name} ({patterns})")
        for table in [t for t in tables if t.name in lookup_names]:
            lookups.add(table.name, file, _open_table(file, table))
        tables = [t for t in tables if not t.is_lookup]
        if len(tables) > 1 and any(t.reader.get("format") != "xlsx" for t in tables):
            tables = tables[:1]
        for table in tables:
            reader = _open_table(file, table)
            if reader.columns is not None:
                check_columns(mapping, table, reader.columns, file)
            plans.append(_Plan(file, table, reader))
    problems = Problems(mapping.path)  # the joined columns of every table, reported together
    for plan in plans:
        if plan.table.joins:
            for join in plan.table.joins:
                sources = lookups.sources.get(join.table)
                if not sources:
                    other = next(t for t in mapping.tables if t.name == join.table)
                    raise UsageError(f"{plan.file}: table {plan.table.name} joins table {join.table}, but no file "
                                     f"given matches it ({other.file or other.sheet}); give its file too")
                for file, reader in sources:
                    if reader.columns is not None:
                        problems.items.extend(column_problems(plan.table, reader.columns, file, join))
            plan.reader = JoinedReader(plan.reader, plan.table.joins, lookups)
    problems.items = list(dict.fromkeys(problems.items))
    problems.raise_if_any()
    if plans:
        plans[-1].lookups = lookups
    return sorted(plans, key=lambda p: p.table.is_link_table)


def _open_table(file: Path, table: TableSpec) -> Reader:
    options = dict(table.reader)
    if table.sheet:
        options["sheet"] = table.sheet
    return open_source(file, options)


def _record_key(source: str, file: Path, locator: str, digest: str) -> str:
    return hashlib.sha1(f"{source}\x1f{file.name}\x1f{locator}\x1f{digest}".encode()).hexdigest()[:16]


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
    reader_process: bool = True,
    plans: list[_Plan] | None = None,
) -> IngestSummary:
    """Ingest ``files`` through ``mapping`` into ``store``; return the summary.

    Raises ``InvalidData`` / ``InvalidMapping`` / ``UsageError`` before writing anything when a file
    cannot be read or does not fit the mapping. Bad rows do not raise: they go to ``rejects_path``
    (default ``linkgraph-rejects-<run>.csv`` in the current directory), and ``rows_rejected`` counts them.
    Rows are read and normalised in a child process where the platform can fork (``reader_process``),
    so that work and the writing run on two cores; the result is the same either way. ``plans``
    are those ``plan_ingest`` made for these files, when the caller checked them already.
    The ``IngestRun`` ends ``finished``, or ``failed`` with the reason when anything raises.
    """
    group = IngestGroup(files, mapping, plans if plans is not None else plan_ingest(files, mapping), case, rejects_path)
    [summary] = ingest_groups(store, [group], user=user, progress=progress, chunk_rows=chunk_rows,
                              reader_process=reader_process)
    return summary


@dataclass
class IngestGroup:
    """Files ingested together through one mapping as one run: their checked ``plans`` (``plan_ingest``),
    the case every row belongs to (None: the mapping's), and the rejects file (None: the default)."""

    files: list[Path]
    mapping: Mapping
    plans: list[_Plan]
    case: str | None = None
    rejects_path: Path | None = None


@dataclass
class _GroupRun:
    group: IngestGroup
    run_id: str
    rejects: Rejects


def ingest_groups(store: Store, groups: list[IngestGroup], *, user: str = "unknown",
                  progress: Callable[[int], None] | None = None, chunk_rows: int = CHUNK_ROWS,
                  reader_process: bool = True) -> list[IngestSummary]:
    """Ingest each group into ``store`` as one run, in order; return their summaries (see ``ingest_files``).

    One reader reads every group in turn, so the next group is read and normalised while the last
    chunks of the one before are written (each group alone would leave the writing idle while its first
    chunk is read, and the reading idle while its last is written). A group's ``IngestRun`` ends
    ``finished`` once all of its rows are written, or ``failed`` with the reason when anything raises;
    the groups after it are then not started. Every rejects file is checked before anything is written.
    """
    runs = []
    for group in groups:
        run_id = ingest_run_id()
        rejects = Rejects(check_output(group.rejects_path or Path(f"linkgraph-rejects-{run_id}.csv")))
        runs.append(_GroupRun(group, run_id, rejects))
    store.init_schema()
    route_ways.repair(store)  # routes a killed ingest left stale, or a store written before ways were kept
    produce = functools.partial(_prepared_groups, runs, chunk_rows)
    with collector_paused():  # ingest makes no reference cycles (checked with gc.DEBUG_SAVEALL on every source format)
        source = ReaderProcess(produce) if reader_process and fork_safe() else None  # forked before our threads
        writer = ChunkWriter(store)
        lookup = StoreLookup(store, writer)
        try:
            items = source.items(lookup) if source else produce(lookup)
            summaries = [_ingest_group(store, run, items, writer, lookup, user, progress) for run in runs]
            writer.close()
        finally:
            writer.abandon()
            if source:
                source.stop()
    return summaries


def _ingest_group(store: Store, run: _GroupRun, items: Iterator[_Prepared | None], writer: ChunkWriter,
                  lookup: StoreLookup, user: str, progress: Callable[[int], None] | None) -> IngestSummary:
    """Record ``run`` and write its chunks from ``items`` up to the group's end (None); return its summary."""
    started = time.monotonic()
    files = [str(f) for f in run.group.files]
    mapping = run.group.mapping
    summary = IngestSummary(run.run_id, files, mapping.source)
    mark_interrupted(store)
    run_props = {"user": user, "source": mapping.source, "mapping": str(mapping.path), "files": files}
    with recorded_run(store, "IngestRun", run.run_id, run_props) as final:
        try:
            for prepared in items:
                if prepared is None:
                    break
                lookup.handed_to_writer(prepared.link_table)
                writer.put(prepared.chunk, summary)
                summary.rows_read += prepared.rows
                summary.rows_rejected = prepared.rejected
                summary.rows_blank, summary.rows_filtered, summary.values_quarantined = prepared.counts
                summary.per_file[prepared.file] = summary.per_file.get(prepared.file, 0) + prepared.rows
                if progress:
                    progress(prepared.rows)
            writer.drain()
        except BaseException:
            writer.abandon()  # what is queued is written before the run is recorded failed
            raise
        rejected = summary.rows_rejected or summary.values_quarantined
        summary.rejects_path = str(run.rejects.path) if rejected else None
        summary.seconds = time.monotonic() - started
        final.update({"rows_read": summary.rows_read, "rows_rejected": summary.rows_rejected,
                      "rows_blank": summary.rows_blank, "values_quarantined": summary.values_quarantined,
                      "rejects_file": summary.rejects_path or ""})
    return summary


@dataclass
class _Prepared:
    """A chunk ready to write, with the file its rows came from, their count, and the rejects so far."""

    chunk: Chunk
    file: str
    rows: int
    rejected: int
    link_table: bool
    counts: tuple[int, int, int] = (0, 0, 0)  # blank rows, filtered rows, quarantined values so far


def _prepared_groups(runs: list[_GroupRun], chunk_rows: int, lookup: _Lookup) -> Iterator[_Prepared | None]:
    """Prepare the chunks of every group in turn (the reading half), with None after each group's last.

    The first chunk closes at ``FIRST_CHUNK_ITEMS``: nothing can be written before it is read.
    """
    item_limits = itertools.chain([FIRST_CHUNK_ITEMS], itertools.repeat(CHUNK_ITEMS))
    for run in runs:
        group = run.group
        yield from _prepared_chunks(group.plans, group.mapping, group.case, run.run_id, run.rejects, chunk_rows,
                                    item_limits, lookup)
        yield None


def _prepared_chunks(plans: list[_Plan], mapping: Mapping, case: str | None, run_id: str, rejects: Rejects,
                     chunk_rows: int, item_limits: Iterator[int], lookup: _Lookup) -> Iterator[_Prepared]:
    """Read every plan in chunks of ``chunk_rows`` rows (or each of ``item_limits`` in turn: see
    ``_transformed``) and yield each chunk prepared (the reading half)."""
    try:
        for plan in plans:
            transformer = RowTransformer(mapping, plan.table, case)
            for read, good in _transformed(plan, transformer, rejects, chunk_rows, item_limits):
                chunk = _prepare_chunk(plan, mapping, good, rejects, run_id, lookup)
                yield _Prepared(chunk, str(plan.file), read, rejects.count, plan.table.is_link_table,
                                (rejects.blank, rejects.filtered, rejects.values))
            transformer.close()
            if hasattr(plan.reader, "close"):
                plan.reader.close()
        for plan in plans:
            if plan.lookups is not None:
                plan.lookups.close()
    finally:
        rejects.close()


def _transformed(plan: _Plan, transformer: RowTransformer, rejects: Rejects, chunk_rows: int,
                 item_limits: Iterator[int]) -> Iterator[tuple[int, list[tuple[SourceRow, RowOutput]]]]:
    """Transform the rows of ``plan``, bad ones to the rejects file; yield (rows read, good rows with what
    they assert) for every ``chunk_rows`` rows, or sooner once they assert as many entities and
    relationships as the next of ``item_limits`` (one nested record can assert hundreds: chunks stay
    alike in work to write)."""
    good: list[tuple[SourceRow, RowOutput]] = []
    read = items = 0
    limit = next(item_limits)
    for row in plan.reader.rows():
        read += 1
        if row.blank:
            rejects.blank += 1
        elif row.problem:
            rejects.add(row.file or plan.file, row, row.field or "(row)", row.problem)
        else:
            outcome = transformer.transform(row.record)
            if outcome is None:
                rejects.filtered += 1
            elif isinstance(outcome, Rejection):
                rejects.add(plan.file, row, outcome.field, outcome.reason)
            else:
                for field_name, reason, action in outcome.notes:
                    rejects.add(plan.file, row, field_name, reason, action)
                good.append((row, outcome))
                items += len(outcome.nodes) + len(outcome.rels)
        if read >= chunk_rows or items >= limit:
            yield read, good
            good, read, items = [], 0, 0
            limit = next(item_limits)
    if read:
        yield read, good


def _prepare_chunk(plan: _Plan, mapping: Mapping, good: list[tuple[SourceRow, RowOutput]], rejects: Rejects,
                   run_id: str, lookup: _Lookup) -> Chunk:
    """Check the references of the good rows and gather them, each with its ``Record``, into a chunk."""
    chunk = Chunk()
    good = _check_references(plan, mapping, good, rejects, lookup, chunk.ref_ids)
    file = str(plan.file)
    for row, output in good:
        digest = hashlib.sha1(row.raw.encode() if row.raw is not None else
                              json.dumps(row.record, sort_keys=True, default=str).encode()).hexdigest()
        record_key = _record_key(mapping.source, plan.file, row.locator, digest)
        chunk.records.append({"key": record_key, "source": mapping.source, "file": file, "line": row.locator,
                              "record_id": output.record_id or row.locator, "case_id": output.case_id or "",
                              "run": run_id, "cases": [output.case_id] if output.case_id else []})
        chunk.add(output, record_key)
    return chunk


def _check_references(plan: _Plan, mapping: Mapping, good: list[tuple[SourceRow, RowOutput]], rejects: Rejects,
                      lookup: _Lookup,
                      handles: dict[tuple[str, str], NodeId]) -> list[tuple[SourceRow, RowOutput]]:
    """Reject rows that refer to an id their source never defined (in this run or earlier); put the
    handles of the entities the kept rows name into ``handles``."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for _, output in good:
        for label, key, _ in output.refs:
            wanted[label].add(key)
    if not wanted:
        return good
    known = lookup(wanted)
    kept = []
    for row, output in good:
        missing = [(label, key, field_name) for label, key, field_name in output.refs if key not in known[label]]
        if missing:
            label, key, field_name = missing[0]
            rejects.add(plan.file, row, field_name,
                        f"{label} {key.split(':', 1)[1]!r} is not defined by source {mapping.source}")
            continue
        kept.append((row, output))
        for label, key, _ in output.refs:
            handles[(label, key)] = known[label][key]
    return kept
