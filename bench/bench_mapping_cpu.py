"""The mapping half of an ingest (read, map, normalise: no store), in CPU seconds, for comparing versions.

Usage: .venv/bin/python bench/bench_mapping_cpu.py --data DIR [--repeat 5]
       PYTHONPATH=/path/to/another/version/site .venv/bin/python bench/bench_mapping_cpu.py --data DIR

Reads every file of a generated scenario's ``manifest.json`` through its mapping (``plan_ingest`` and
``RowTransformer``, as ``ingest`` does in its reader process) and prints the rows, the median CPU time
of ``--repeat`` runs (``time.process_time``: this process's CPU, so a loaded machine slows it far
less than it slows wall time) and rows per CPU second. Run it alternately with the old and the new
code on the same data; the ratio of the medians says whether the mapping code got slower. Writing is
left out: it is the store's, the same in both versions unless ``ingest/chunk.py`` or the store changed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import linkgraph
from linkgraph.ingest.manifest import read_manifest
from linkgraph.ingest.mapping import load_mapping, with_overrides
from linkgraph.ingest.pipeline import plan_ingest
from linkgraph.ingest.transform import Rejection, RowTransformer


def one_run(manifest: Path) -> tuple[int, int, float]:
    """(rows read, rows that asserted something, CPU seconds) for one pass over the manifest."""
    rows = good = 0
    started = time.process_time()
    for entry in read_manifest(manifest):
        mapping = load_mapping(entry["mapping"])
        constants = {"country": entry["country"]} if "country" in mapping.constants else None
        mapping = with_overrides(mapping, entry.get("source"), constants)
        for plan in plan_ingest([manifest.parent / entry["file"]], mapping):
            transformer = RowTransformer(mapping, plan.table)
            for row in plan.reader.rows():
                rows += 1
                out = None if row.problem or row.blank else transformer.transform(row.record)
                if out is not None and not isinstance(out, Rejection):
                    good += 1
            transformer.close()
            if hasattr(plan.reader, "close"):
                plan.reader.close()
    return rows, good, time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a generated scenario directory (manifest.json)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = []
    for _ in range(args.repeat):
        rows, good, seconds = one_run(args.data / "manifest.json")
        times.append(seconds)
    median = statistics.median(times)
    print(f"code {Path(linkgraph.__file__).parent}: {rows:,} rows ({good:,} good), CPU median {median:.2f} s of "
          f"{args.repeat} (min {min(times):.2f}, max {max(times):.2f}): {rows / median:,.0f} rows per CPU second")


if __name__ == "__main__":
    main()
