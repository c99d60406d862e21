"""What the hostile-input checks cost the readers: each reader against the bare parse of the same file.

Usage: .venv/bin/python bench/bench_reader_checks.py [--cases 600] [--repeat 15]

Generates a scenario, then times (best of ``--repeat``) the full reader (encoding check, binary check,
workbook size check, per-row value checks) against the plainest read of the same rows: ``csv.reader``,
``json.loads`` per line, calamine's ``iter_rows``. The difference is the upper bound of what the checks
add; reading is a small part of an ingest (normalising and writing dominate, see bench_ingest.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from linkgraph.ingest.limits import _check_workbook
from linkgraph.ingest.readers import open_reader
from linkgraph.scenarios import generate


def best(repeat: int, work: Callable[[], int]) -> tuple[float, int]:
    """The fastest of ``repeat`` runs of ``work`` (seconds) and the rows it counted."""
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = work()
        times.append(time.perf_counter() - started)
    return min(times), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        generate(data, cases=args.cases, seed=3)
        csv_file, ndjson_file, xlsx_file = data / "es/cases_es.csv", data / "ndjson/cases_it.ndjson", data / "xlsx/cases_fr.xlsx"

        def bare_csv() -> int:
            with csv_file.open(encoding="cp1252", newline="") as handle:
                return sum(1 for _ in csv.reader(handle, delimiter=";")) - 1

        def bare_ndjson() -> int:
            with ndjson_file.open(encoding="utf-8") as handle:
                return sum(1 for line in handle if json.loads(line))

        def bare_xlsx() -> int:
            from python_calamine import CalamineWorkbook

            return sum(1 for _ in CalamineWorkbook.from_path(str(xlsx_file)).get_sheet_by_name("persons").iter_rows()) - 1

        cases = [(csv_file, {"format": "csv", "delimiter": ";"}, bare_csv),
                 (ndjson_file, {"format": "ndjson"}, bare_ndjson),
                 (xlsx_file, {"format": "xlsx", "sheet": "persons"}, bare_xlsx)]
        for path, options, bare in cases:  # noqa: B023 - each closure runs inside its own iteration
            def full() -> int:
                _check_workbook.cache_clear()  # a workbook is checked once per process: time that check every run
                return sum(1 for _ in open_reader(path, dict(options)).rows())

            checked, rows = best(args.repeat, full)
            plain, plain_rows = best(args.repeat, bare)
            print(f"{path.name:18} {rows:6,} rows ({path.stat().st_size / 1e6:.1f} MB): reader with checks "
                  f"{checked * 1000:7.1f} ms, bare parse {plain * 1000:7.1f} ms ({plain_rows:,} rows), "
                  f"checks and the rest of the reader +{(checked - plain) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
