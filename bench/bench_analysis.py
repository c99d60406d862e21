"""Time the analysis on a generated store: named queries in the process and as whole CLI commands, path,
links, cross_case_entities, search; and the recall and precision of ``links`` on the planted truth.

Usage: .venv/bin/python bench/bench_analysis.py [--cases 300] [--rows N] [--repeat 20] [--store DIR]

``--rows`` sets the number of person records (about 12 per case by default; 1000000 for the issue's scale:
generating, ingesting and resolving that takes long). A store directory given with ``--store`` that already
holds the scenario (from an earlier run) is reused. Access control is on: the queries run through the view
as the single user, and the CLI commands run with the server warm (one command first).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path
from typing import Callable

from linkgraph.access.view import open_view
from linkgraph.analysis.graph import paths
from linkgraph.analysis.links import cross_case_links
from linkgraph.analysis.search import search
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.resolve.service import resolve
from linkgraph.scenarios import generate
from linkgraph.store.embedded import EmbeddedStore

TRUTH_KIND = {"same_person": "person", "same_document": "document", "same_phone": "phone", "shared_transit": "route"}


def build(root: Path, cases: int, rows: int | None) -> None:
    """Generate, ingest and resolve the scenario under ``root`` (data/ and store/), unless it is there."""
    if (root / "store").exists():
        return
    start = time.perf_counter()
    generate(root / "data", cases=cases, persons=rows, seed=3)
    with EmbeddedStore(root / "store") as store:
        store.init_schema()
        ingest_manifest(store, root / "data" / "manifest.json", rejects_dir=root, user="bench")
        resolve(store, user="bench")
    print(f"built the store in {time.perf_counter() - start:.0f} s")


def median_ms(work: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``work`` in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--store", type=Path, default=None, help="Folder for data/ and store/ (kept)")
    args = parser.parse_args()
    root = args.store or Path(tempfile.mkdtemp(prefix="lg-bench-analysis-"))
    build(root, args.cases, args.rows)
    store_dir = str(root / "store")
    rng = random.Random(1)
    with open_view(store_dir, command="bench") as view:
        persons = [r[0] for r in view.read("MATCH (p:Person) RETURN p.key").rows]
        names = [r[0] for r in view.read("MATCH (p:Person) RETURN p.name LIMIT 2000").rows if r[0]]
        print(f"store: {len(persons):,} persons")
        picks = [rng.choice(persons) for _ in range(args.repeat)]
        it = iter(picks * 3)
        print(f"neighbourhood (2 hops), in process: {median_ms(lambda: view.query('neighbourhood', {'key': next(it), 'hops': '2', 'same_as': 'true'}), args.repeat):.1f} ms median")
        print(f"entity_profile, in process: {median_ms(lambda: view.query('entity_profile', {'key': next(it)}), args.repeat):.1f} ms median")
        pairs = iter([(rng.choice(persons), rng.choice(persons)) for _ in range(args.repeat)])
        print(f"path (max 6 hops), in process: {median_ms(lambda: paths(view, *next(pairs), max_hops=6), min(args.repeat, 10)):.0f} ms median")
        words = iter([rng.choice(names) for _ in range(args.repeat)])
        print(f"search, in process: {median_ms(lambda: search(view, next(words)), args.repeat):.1f} ms median")
        print(f"cross_case_entities (Person, 2+), in process: {median_ms(lambda: view.query('cross_case_entities', {'label': 'Person', 'min_cases': '2'}), 3):.0f} ms median")
        start = time.perf_counter()
        links = cross_case_links(view)
        print(f"links (all kinds, whole store), in process: {time.perf_counter() - start:.1f} s, {len(links):,} links")
    with open(root / "data" / "truth" / "case_links.csv", encoding="utf-8", newline="") as fh:
        truth = list(csv.DictReader(fh))
    reported = {(link.kind, a, b) for link in links for a, b in combinations(link.case_ids, 2)}
    planted = {(TRUTH_KIND[r["kind"]], *sorted((r["case_a"], r["case_b"]))) for r in truth}
    planted_pairs = {tuple(sorted((r["case_a"], r["case_b"]))) for r in truth}
    print(f"links recall {len(planted & reported) / max(1, len(planted)):.1%} of {len(planted):,} planted links; "
          f"precision {sum((a, b) in planted_pairs for _, a, b in reported) / max(1, len(reported)):.1%} "
          f"of {len(reported):,} reported case pairs")
    cli = str(Path(sys.executable).parent / "linkgraph")
    subprocess.run([cli, "--store", store_dir, "status"], capture_output=True, check=True)  # warm the server
    keys = iter(picks * 2)
    print("entity_profile, whole CLI command: "
          f"{median_ms(lambda: subprocess.run([cli, '--store', store_dir, 'query', 'entity_profile', '-p', f'key={next(keys)}'], capture_output=True, check=True), min(args.repeat, 10)):.0f} ms median")
    print("neighbourhood (2 hops), whole CLI command: "
          f"{median_ms(lambda: subprocess.run([cli, '--store', store_dir, 'query', 'neighbourhood', '-p', f'key={next(keys)}', '-p', 'hops=2', '-p', 'same_as=true'], capture_output=True, check=True), min(args.repeat, 10)):.0f} ms median")
    print(f"store kept at {root}")


if __name__ == "__main__":
    main()
