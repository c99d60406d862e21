"""End-to-end ingest benchmark: linkgraph's pipeline against the plainest write of the same graph.

Usage: .venv/bin/python bench/bench_ingest.py [--persons 720000] [--cases 60000] [--data DIR] [--runs 1]
       [--backend embedded|neo4j|both] [--batch 10000] [--in-transactions]

1. Generates a scenario (all three shapes: cp1252 CSV, nested NDJSON, relational XLSX); about 1.4
   source rows per person record, so the default gives about 1,000,000 rows.
2. Pipeline: the whole ``linkgraph ingest --manifest`` command, run as a subprocess into a fresh store
   (start, read, normalise, deduplicate, provenance, write, finish), as an analyst or a cron job runs
   it. Prints rows/s and the peak RSS of the command's processes (its own and its forked reader's) and
   of the server. Not ``ingest_manifest`` called in this process: the generator imports numpy, whose
   OpenBLAS starts a thread, and ingest forks its reader only in a single-threaded process
   (``ingest.reader_process.fork_safe``), so in here it read in-process and measured a pipeline
   no command runs (0.76 of the baseline instead of 1.16 at 120,000 persons).
3. Baseline, same machine, right after: the same rows are transformed first (untimed), then the same
   entities and relationships are written to another fresh store with the plainest statements
   (``UNWIND $rows AS r MERGE (n:Label {key: r.key}) SET n += r.props`` per label, ``MATCH, MATCH,
   MERGE`` per relationship type), row by row as the rows assert them, without provenance. Only the
   writing is timed. The ratio pipeline rows/s / baseline rows/s is the figure of merit (target >= 1.0).

``--backend neo4j`` (or ``both``, side by side) runs the same on Neo4j (``bench/backends.py``: an
existing server from ``LINKGRAPH_TEST_NEO4J_URI`` or a throwaway test server). ``--batch`` sets the
rows per UNWIND statement (store and baseline); ``--in-transactions`` adds, on Neo4j, a baseline that
sends each label's or type's rows in one auto-commit ``CALL { } IN TRANSACTIONS OF <batch> ROWS``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import Backends, backend_choices  # noqa: E402
from linkgraph.scenarios import generate
from linkgraph.ingest.manifest import read_manifest
from linkgraph.ingest.mapping import load_mapping, with_overrides
from linkgraph.ingest.pipeline import plan_ingest
from linkgraph.ingest.transform import Rejection, RowTransformer
from linkgraph.store import base

BATCH = 10_000
#: ``python -m linkgraph`` with the store's rows per statement set first (``--batch``), for this command only
_COMMAND = ("import sys; from linkgraph.store import base; base.batches.__defaults__ = (int(sys.argv.pop(1)),); "
            "from linkgraph.cli import main; sys.argv[0] = 'linkgraph'; main()")
NODE_MERGE = "MERGE (n:{label} {{key: r.key}}) SET n += r.props"
REL_MERGE = ("MATCH (a:{a} {{key: r.src}}) MATCH (b:{b} {{key: r.dst}}) "
             "MERGE (a)-[e:{rel_type} {{key: r.key}}]->(b) SET e += r.props")


def run_pipeline(manifest: Path, backends: Backends, backend: str) -> tuple[int, float, str, float]:
    """Return (rows read, seconds, server peak, command peak RSS in MB) for one ``linkgraph ingest
    --manifest`` command into a fresh store, timed from its start to its exit."""
    with backends.fresh(backend, "pipeline") as store:
        env = dict(os.environ)
        if backend == "neo4j":
            assert backends.neo4j is not None
            env.update(LINKGRAPH_NEO4J_USER=backends.neo4j.user, LINKGRAPH_NEO4J_PASSWORD=backends.neo4j.password,
                       LINKGRAPH_NEO4J_DATABASE=backends.neo4j.database or "")
        command = [sys.executable, "-c", _COMMAND, str(BATCH), "--store", store.location, "ingest",
                   "--manifest", str(manifest), "--rejects", str(backends.work / "rejects")]
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode not in (0, 3):  # 3: bad rows went to the rejects files, as the scenario plants
            raise SystemExit(f"linkgraph ingest exited {done.returncode}:\n{done.stderr}")
        peak = backends.peak_mib(backend, store)
    command_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows = sum(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) rows read", done.stdout))
    return rows, seconds, peak, command_peak


class PlainWriter:
    """The baseline's writes: one UNWIND statement per batch, or on Neo4j one auto-commit
    ``CALL { } IN TRANSACTIONS`` per label or type (``session`` given)."""

    def __init__(self, store: base.Store, session: object = None) -> None:
        self.store, self.session = store, session

    def _send(self, body: str, rows: list) -> None:
        if self.session is not None:
            self.session.run(f"UNWIND $rows AS r CALL {{ WITH r {body} }} IN TRANSACTIONS OF {BATCH} ROWS",  # type: ignore[attr-defined]
                             {"rows": rows}).consume()
            return
        for i in range(0, len(rows), BATCH):
            self.store.write(f"UNWIND $rows AS r {body}", {"rows": rows[i:i + BATCH]})

    def __call__(self, nodes: dict, rels: dict) -> None:
        for label, rows in nodes.items():
            self._send(NODE_MERGE.format(label=label), rows)
        for (rel_type, a, b), rows in rels.items():
            self._send(REL_MERGE.format(a=a, b=b, rel_type=rel_type), rows)


def run_baseline(manifest: Path, backends: Backends, backend: str, in_transactions: bool = False) -> tuple[int, float, int]:
    """Return (rows, seconds spent writing, merges sent) for the plain write of the same graph."""
    rows_done, write_seconds, merges = 0, 0.0, 0
    entries = read_manifest(manifest)
    with backends.fresh(backend, "baseline") as store:
        session = None
        if in_transactions:
            assert backends.neo4j is not None
            driver = backends.neo4j.driver()
            session = driver.session(database=backends.neo4j.database)
        _plain_write = PlainWriter(store, session)
        for entry in entries:
            mapping = load_mapping(entry["mapping"])
            constants = {"country": entry["country"]} if "country" in mapping.constants else None
            mapping = with_overrides(mapping, entry.get("source"), constants)
            for plan in plan_ingest([manifest.parent / entry["file"]], mapping):
                transformer = RowTransformer(mapping, plan.table)
                nodes, rels, count = defaultdict(list), defaultdict(list), 0
                for row in plan.reader.rows():
                    rows_done += 1
                    out = None if row.problem or row.blank else transformer.transform(row.record)
                    if out is None or isinstance(out, Rejection):
                        continue
                    for n in out.nodes:
                        nodes[n.label].append({"key": n.key, "props": n.props})
                    for r in out.rels:
                        rels[(r.type, r.src_label, r.dst_label)].append({"src": r.src, "dst": r.dst, "key": r.key, "props": r.props})
                    count += len(out.nodes) + len(out.rels)
                    if count >= 50_000:
                        start = time.perf_counter()
                        _plain_write(nodes, rels)
                        write_seconds += time.perf_counter() - start
                        merges += count
                        nodes, rels, count = defaultdict(list), defaultdict(list), 0
                start = time.perf_counter()
                _plain_write(nodes, rels)
                write_seconds += time.perf_counter() - start
                merges += count
        if session is not None:
            session.close()
            driver.close()
    return rows_done, write_seconds, merges


def main() -> None:
    global BATCH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=720_000)
    parser.add_argument("--cases", type=int, default=None, help="default: persons / 12")
    parser.add_argument("--data", type=Path, default=None, help="reuse a generated directory")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="embedded")
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per UNWIND statement")
    parser.add_argument("--in-transactions", action="store_true",
                        help="Neo4j: also time the baseline as CALL { } IN TRANSACTIONS OF <batch> ROWS")
    args = parser.parse_args()
    BATCH = args.batch
    work = Path(tempfile.mkdtemp(prefix="lg-bench-ingest-"))
    names = backend_choices(args.backend)
    try:
        data = args.data or work / "data"
        if args.data is None:
            start = time.perf_counter()
            generate(data, cases=args.cases or max(1, args.persons // 12), persons=args.persons, seed=11)
            print(f"generated {args.persons:,} person records in {time.perf_counter() - start:.0f} s")
        manifest = data / "manifest.json"
        print(f"batch: {args.batch:,} rows per statement")
        with Backends(names, work) as backends:
            for backend in names:
                pipeline, baseline, chunked = [], [], []
                for _ in range(args.runs):
                    rows, seconds, peak, command_peak = run_pipeline(manifest, backends, backend)
                    pipeline.append(rows / seconds)
                    base_rows, base_seconds, merges = run_baseline(manifest, backends, backend)
                    baseline.append(base_rows / base_seconds)
                    if args.in_transactions and backend == "neo4j":
                        in_rows, in_seconds, _ = run_baseline(manifest, backends, backend, in_transactions=True)
                        chunked.append(in_rows / in_seconds)
                ratio = statistics.median(p / b for p, b in zip(pipeline, baseline))
                print(f"== {backend}: rows: {rows:,} (files: {len(json.loads(manifest.read_text()))}), runs: {args.runs}")
                print(f"  pipeline (linkgraph ingest --manifest, the whole command): {statistics.median(pipeline):,.0f} rows/s"
                      f" ({seconds:.1f} s)")
                print(f"  baseline (plain UNWIND ... MERGE of the same graph, writing only): "
                      f"{statistics.median(baseline):,.0f} rows/s ({merges / base_seconds:,.0f} merges/s)")
                if chunked:
                    print(f"  baseline as CALL {{ }} IN TRANSACTIONS OF {args.batch:,} ROWS: {statistics.median(chunked):,.0f} rows/s")
                print(f"  ratio pipeline / baseline: {ratio:.2f}   target >= 1.0;  store server peak RSS {peak}")
        client_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS: the ingest command {command_peak:,.0f} MB (the larger of its process and its forked reader),"
              f" benchmark process {client_peak:,.0f} MB (generation and baseline); target < 2,000 MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
