"""Quality and cost of person resolution through the store, against the generator's ground truth.

1. Generates a scenario (``--cases``, ``--persons``, ``--seed``), ingests its manifest into a fresh
   embedded store and runs ``resolve`` from scratch (training included) at the default threshold.
2. Scores the proposed ``SAME_AS`` pairs against ``truth/identities.csv``: every two records of one
   identity are a true pair; records rejected at ingest (no ``Person`` node) are left out of the
   truth. Prints pairwise precision and recall, split within-source / cross-source, and the
   planted look-alike pairs (two different persons made to look alike) that were wrongly proposed.
   Then the same for the identities drawn from those links (every two records of one drawn identity:
   what ``links`` and the analyst see, since persons link through identities; a true pair that no
   link joins directly is found through a third record).
3. Incremental run: a second, small scenario (other seed, ``--new`` records, every source renamed
   ``<source>-new``) is ingested and ``resolve`` runs again: only pairs touching the new persons
   are scored. Checks that no earlier identity id changed without being recorded.

Targets: precision >= 0.95 and recall >= 0.90 at the default threshold; with ``--persons 100000``
the from-scratch resolve in at most 120 s and the incremental run in at most 15 s.

Run: ``python bench/bench_resolve_generated.py [--cases 2000] [--persons N] [--new 1000] [--seed 11]``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.scenarios import generate  # noqa: E402
from linkgraph.ingest.manifest import ingest_manifest, read_manifest  # noqa: E402
from linkgraph.ingest.mapping import load_mapping, with_overrides  # noqa: E402
from linkgraph.ingest.pipeline import ingest_files  # noqa: E402
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD  # noqa: E402
from linkgraph.resolve.service import resolve  # noqa: E402
from linkgraph.store.embedded import EmbeddedStore  # noqa: E402
from linkgraph.store.server import kill_server, server_peak_rss_mib  # noqa: E402

Pair = tuple[str, str]


def own_peak_mib() -> float:
    """Peak resident memory of this process, in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def truth_identities(data_dir: Path, present: set[str], suffix: str = "") -> dict[str, str]:
    """Map each person ref (``source:record_id``) that has a node to its true identity id."""
    identity_of: dict[str, str] = {}
    with open(data_dir / "truth/identities.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ref = f"{row['source']}{suffix}:{row['record_id']}"
            if ref in present:
                identity_of[ref] = row["identity_id"] + suffix
    return identity_of


def true_pairs(identity_of: dict[str, str]) -> set[Pair]:
    """Every pair of refs (smaller first) that share an identity."""
    members: dict[str, list[str]] = defaultdict(list)
    for ref, identity in identity_of.items():
        members[identity].append(ref)
    return {pair for refs in members.values() for pair in itertools.combinations(sorted(refs), 2)}


def lookalike_pairs(data_dir: Path, suffix: str = "") -> set[tuple[str, str]]:
    """Identity pairs the generator made to look alike (different persons), both orders."""
    with open(data_dir / "truth/lookalikes.csv", encoding="utf-8", newline="") as fh:
        rows = [(r["identity_a"] + suffix, r["identity_b"] + suffix) for r in csv.DictReader(fh)]
    return set(rows) | {(b, a) for a, b in rows}


def proposed_pairs(store: EmbeddedStore, threshold: float) -> set[Pair]:
    """SAME_AS pairs proposed at or above ``threshold`` (candidates and accepted), smaller key first."""
    rows = store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.status <> 'rejected' "
                      "AND s.probability >= $t RETURN a.key, b.key", {"t": threshold}).rows
    return {(min(a, b), max(a, b)) for a, b in rows}


def _source(ref: str) -> str:
    return ref.split(":", 1)[0]


def report_quality(proposed: set[Pair], truth: set[Pair], identity_of: dict[str, str],
                   lookalikes: set[tuple[str, str]]) -> tuple[float, float]:
    """Print precision / recall overall, within-source and cross-source, and wrong look-alike pairs."""
    def line(label: str, keep: object) -> tuple[float, float]:
        p = {pair for pair in proposed if keep(pair)}  # type: ignore[operator]
        t = {pair for pair in truth if keep(pair)}  # type: ignore[operator]
        hits = len(p & t)
        precision = hits / len(p) if p else 1.0
        recall = hits / len(t) if t else 1.0
        print(f"  {label:<13} proposed {len(p):>7,}  true {len(t):>7,}  correct {hits:>7,}  "
              f"precision {precision:.4f}  recall {recall:.4f}")
        return precision, recall

    overall = line("all pairs", lambda pair: True)
    line("within-source", lambda pair: _source(pair[0]) == _source(pair[1]))
    line("cross-source", lambda pair: _source(pair[0]) != _source(pair[1]))
    wrong_lookalikes = sum(1 for a, b in proposed
                           if (identity_of.get(a), identity_of.get(b)) in lookalikes)
    print(f"  look-alike pairs wrongly proposed: {wrong_lookalikes:,} "
          f"(of {len(lookalikes) // 2:,} planted look-alike identity pairs)")
    unknown = sum(1 for a, b in proposed if a not in identity_of or b not in identity_of)
    if unknown:
        print(f"  pairs with a record missing from the truth: {unknown:,}")
    return overall


def ingest_renamed(store: EmbeddedStore, data_dir: Path, suffix: str, rejects: Path) -> int:
    """Ingest every file of ``data_dir``'s manifest with each source renamed ``<source><suffix>``."""
    rows = 0
    groups: dict[str, list[Path]] = defaultdict(list)
    for entry in read_manifest(data_dir / "manifest.json"):
        groups[entry["mapping"]].append(data_dir / entry["file"])
    for mapping_name, files in groups.items():
        mapping = load_mapping(mapping_name)
        mapping = with_overrides(mapping, mapping.source + suffix)
        summary = ingest_files(store, files, mapping, rejects_path=rejects / f"rejects-{mapping.source}.csv")
        rows += summary.rows_read
    return rows


def main() -> None:
    """Generate, ingest, resolve, score against the truth, then time an incremental run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="cases (default: persons / 12, or 2,000)")
    parser.add_argument("--persons", type=int, default=None, help="person records (default 12 per case)")
    parser.add_argument("--new", type=int, default=1000, help="person records of the incremental run")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--work", type=Path, default=None, help="working directory (default: a temp dir)")
    args = parser.parse_args()
    cases = args.cases or (max(1, args.persons // 12) if args.persons else 2000)

    with tempfile.TemporaryDirectory(prefix="bench-resolve-", dir=args.work) as tmp:
        work = Path(tmp)
        data, extra, store_dir = work / "data", work / "extra", work / "store"
        started = time.perf_counter()
        generated = generate(data, cases, args.persons, seed=args.seed)
        print(f"generated {generated.persons:,} person records in {generated.cases:,} cases "
              f"({generated.identities:,} identities) in {time.perf_counter() - started:.1f} s")
        try:
            with EmbeddedStore(store_dir) as store:
                store.init_schema()
                started = time.perf_counter()
                ingested = ingest_manifest(store, data / "manifest.json", rejects_dir=work)
                ingest_seconds = time.perf_counter() - started
                rows = sum(s.rows_read for s in ingested)
                rejected = sum(s.rows_rejected for s in ingested)
                print(f"ingest: {rows:,} rows ({rejected:,} rejected) in {ingest_seconds:.1f} s")

                started = time.perf_counter()
                first = resolve(store, threshold=args.threshold, user="bench")
                full_seconds = time.perf_counter() - started
                print(f"resolve from scratch: {first.persons:,} persons, {first.pairs:,} pairs, "
                      f"{first.identities:,} identities in {full_seconds:.1f} s "
                      f"({', '.join(f'{k} {v:.1f} s' for k, v in first.timings.items())})")

                present = {row[0] for row in store.read("MATCH (p:Person) RETURN p.key").rows}
                identity_of = truth_identities(data, present)
                truth = true_pairs(identity_of)
                print(f"quality at threshold {args.threshold} ({len(identity_of):,} records with a node, "
                      f"{len(truth):,} true pairs):")
                precision, recall = report_quality(proposed_pairs(store, args.threshold), truth, identity_of,
                                                   lookalike_pairs(data))
                before = dict(store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL "
                                         "RETURN p.key, p.identity").rows)
                print("  the same, every two records of one drawn identity (what links and the analyst see):")
                drawn = report_quality(true_pairs(before), truth, identity_of, lookalike_pairs(data))
                new_cases = max(1, args.new // 12)
                generate(extra, new_cases, args.new, seed=args.seed + 1000)
                started = time.perf_counter()
                new_rows = ingest_renamed(store, extra, "-new", work)
                new_ingest = time.perf_counter() - started
                started = time.perf_counter()
                second = resolve(store, threshold=args.threshold, user="bench")
                incremental_seconds = time.perf_counter() - started
                after = dict(store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL "
                                        "RETURN p.key, p.identity").rows)
                renamed = sum(1 for key, identity in before.items() if after.get(key, identity) != identity)
                print(f"incremental: ingested {new_rows:,} rows in {new_ingest:.1f} s; resolve of "
                      f"{second.new_persons:,} new persons against {second.persons - second.new_persons:,}: "
                      f"{second.pairs:,} pairs at or above the threshold in {incremental_seconds:.1f} s "
                      f"({', '.join(f'{k} {v:.1f} s' for k, v in second.timings.items())})")
                print(f"  earlier persons whose identity id changed: {renamed:,}; identity changes recorded: "
                      f"{len(second.identity_changes):,}")
                server_peak = server_peak_rss_mib(store_dir)
        finally:
            kill_server(store_dir)
        print(f"peak RSS: this process {own_peak_mib():,.0f} MiB, store server {server_peak:,.0f} MiB")
        targets = [("precision >= 0.95", precision >= 0.95), ("recall >= 0.90", recall >= 0.90),
                   ("identities: precision >= 0.95", drawn[0] >= 0.95), ("identities: recall >= 0.90", drawn[1] >= 0.90)]
        if first.persons >= 90_000:
            targets += [("from-scratch resolve <= 120 s", full_seconds <= 120),
                        ("incremental resolve <= 15 s", incremental_seconds <= 15)]
        print("targets: " + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in targets))


if __name__ == "__main__":
    main()
