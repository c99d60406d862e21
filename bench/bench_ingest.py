"""End-to-end ingest benchmark: linkgraph's pipeline against the plainest write of the same graph.

Usage: .venv/bin/python bench/bench_ingest.py [--persons 720000] [--cases 60000] [--data DIR] [--runs 1]

1. Generates a scenario (all three shapes: cp1252 CSV, nested NDJSON, relational XLSX); about 1.4
   source rows per person record, so the default gives about 1,000,000 rows.
2. Pipeline: ``ingest_manifest`` into a fresh embedded store (read, normalise, deduplicate, provenance,
   write). Prints rows/s and peak RSS of this process, of the forked reader process and of the server.
3. Baseline, same machine, right after: the same rows are transformed first (untimed), then the same
   entities and relationships are written to another fresh store with the plainest statements
   (``UNWIND $rows AS r MERGE (n:Label {key: r.key}) SET n += r.props`` per label, ``MATCH, MATCH,
   MERGE`` per relationship type), row by row as the rows assert them, without provenance. Only the
   writing is timed. The ratio pipeline rows/s / baseline rows/s is the figure of merit (target >= 1.0).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from linkgraph.scenarios import generate
from linkgraph.ingest.manifest import ingest_manifest, read_manifest
from linkgraph.ingest.mapping import load_mapping, with_overrides
from linkgraph.ingest.pipeline import plan_ingest
from linkgraph.ingest.transform import Rejection, RowTransformer
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server, server_peak_rss_mib

BATCH = 10_000


def run_pipeline(manifest: Path, store_dir: Path) -> tuple[int, float, float]:
    """Return (rows read, seconds, server peak MB) for one ingest of the manifest into a fresh store."""
    kill_server(store_dir)
    shutil.rmtree(store_dir, ignore_errors=True)
    with EmbeddedStore(store_dir) as store:
        store.init_schema()
        start = time.perf_counter()
        summaries = ingest_manifest(store, manifest, rejects_dir=store_dir.parent)
        seconds = time.perf_counter() - start
        peak = server_peak_rss_mib(store_dir)
    kill_server(store_dir)
    return sum(s.rows_read for s in summaries), seconds, peak


def _plain_write(store: EmbeddedStore, nodes: dict, rels: dict) -> None:
    for label, rows in nodes.items():
        for i in range(0, len(rows), BATCH):
            store.write(f"UNWIND $rows AS r MERGE (n:{label} {{key: r.key}}) SET n += r.props", {"rows": rows[i:i + BATCH]})
    for (rel_type, a, b), rows in rels.items():
        for i in range(0, len(rows), BATCH):
            store.write(f"UNWIND $rows AS r MATCH (a:{a} {{key: r.src}}) MATCH (b:{b} {{key: r.dst}}) "
                        f"MERGE (a)-[e:{rel_type} {{key: r.key}}]->(b) SET e += r.props", {"rows": rows[i:i + BATCH]})


def run_baseline(manifest: Path, store_dir: Path) -> tuple[int, float, int]:
    """Return (rows, seconds spent writing, merges sent) for the plain write of the same graph."""
    kill_server(store_dir)
    shutil.rmtree(store_dir, ignore_errors=True)
    rows_done, write_seconds, merges = 0, 0.0, 0
    entries = read_manifest(manifest)
    with EmbeddedStore(store_dir) as store:
        store.init_schema()
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
                        _plain_write(store, nodes, rels)
                        write_seconds += time.perf_counter() - start
                        merges += count
                        nodes, rels, count = defaultdict(list), defaultdict(list), 0
                start = time.perf_counter()
                _plain_write(store, nodes, rels)
                write_seconds += time.perf_counter() - start
                merges += count
    kill_server(store_dir)
    return rows_done, write_seconds, merges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=720_000)
    parser.add_argument("--cases", type=int, default=None, help="default: persons / 12")
    parser.add_argument("--data", type=Path, default=None, help="reuse a generated directory")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lg-bench-ingest-"))
    try:
        data = args.data or work / "data"
        if args.data is None:
            start = time.perf_counter()
            generate(data, cases=args.cases or max(1, args.persons // 12), persons=args.persons, seed=11)
            print(f"generated {args.persons:,} person records in {time.perf_counter() - start:.0f} s")
        manifest = data / "manifest.json"
        pipeline, baseline = [], []
        for _ in range(args.runs):
            rows, seconds, peak = run_pipeline(manifest, work / "pipeline-store")
            pipeline.append(rows / seconds)
            base_rows, base_seconds, merges = run_baseline(manifest, work / "baseline-store")
            baseline.append(base_rows / base_seconds)
        client_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        reader_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the forked reader processes
        ratio = statistics.median(p / b for p, b in zip(pipeline, baseline))
        print(f"rows: {rows:,} (files: {len(json.loads(manifest.read_text()))}), runs: {args.runs}")
        print(f"pipeline (read, normalise, provenance, write): {statistics.median(pipeline):,.0f} rows/s")
        print(f"baseline (plain UNWIND ... MERGE of the same graph, writing only): {statistics.median(baseline):,.0f} rows/s"
              f" ({merges / base_seconds:,.0f} merges/s)")
        print(f"ratio pipeline / baseline: {ratio:.2f}   target >= 1.0")
        print(f"peak RSS: benchmark process {client_peak:,.0f} MB (pipeline and baseline), reader process"
              f" {reader_peak:,.0f} MB, server {peak:,.0f} MB; target < 2,000 MB")
    finally:
        kill_server(work / "pipeline-store")
        kill_server(work / "baseline-store")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
