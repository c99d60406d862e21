"""Time batched upserts into a fresh embedded store: nodes/s, relationships/s, peak RSS.

Usage: .venv/bin/python bench/bench_store.py [--nodes 1000000] [--rels 1000000] [--runs 1]

Nodes are Person upserts (MERGE on key, provenance lists merged); relationships are CONTACTED upserts
between random existing persons (MATCH, MATCH, MERGE on the distinguishing key). Each run uses a new
store; with several runs the median is printed.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import server_peak_rss_mib


def run_once(nodes: int, rels: int, batch: int) -> tuple[float, float, float]:
    """Return (nodes/s, relationships/s, server peak RSS MB) for one fresh store."""
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="lg-bench-") as tmp:
        directory = Path(tmp) / "store"
        with EmbeddedStore(directory) as store:
            store.init_schema()
            rows = [
                {"key": f"bench:{i}", "props": {"name": f"Person {i}", "name_key": f"person {i}"},
                 "records": [f"r{i}"], "cases": [f"CASE-{i % 1000}"]}
                for i in range(nodes)
            ]
            start = time.perf_counter()
            for offset in range(0, nodes, batch):
                store.upsert_nodes("Person", rows[offset : offset + batch])
            node_rate = nodes / (time.perf_counter() - start)
            del rows
            edges = [
                {"src": f"bench:{rng.randrange(nodes)}", "dst": f"bench:{rng.randrange(nodes)}",
                 "key": str(i), "props": {"date": "2025-01-01"}, "records": [f"e{i}"]}
                for i in range(rels)
            ]
            start = time.perf_counter()
            for offset in range(0, rels, batch):
                store.upsert_relationships("CONTACTED", "Person", "Person", edges[offset : offset + batch])
            rel_rate = rels / (time.perf_counter() - start)
            server_rss = server_peak_rss_mib(directory)
    return node_rate, rel_rate, server_rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    results = [run_once(args.nodes, args.rels, args.batch) for _ in range(args.runs)]
    client_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"nodes: {args.nodes:,}  relationships: {args.rels:,}  batch: {args.batch:,}  runs: {args.runs}")
    print(f"nodes/s (median):         {statistics.median(r[0] for r in results):,.0f}   target >= 30,000")
    print(f"relationships/s (median): {statistics.median(r[1] for r in results):,.0f}   target >= 30,000")
    print(f"peak RSS: client {client_rss:,.0f} MB, server {max(r[2] for r in results):,.0f} MB")


if __name__ == "__main__":
    main()
