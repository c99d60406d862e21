"""Nightly detection: quality on the generator's truth, and speed on a store of about 1,000,000 rows.

Usage:
  .venv/bin/python bench/bench_detect.py quality [--cases 300] [--seed 3] [--work DIR]
  .venv/bin/python bench/bench_detect.py speed --from /tmp/lg-bench/store1m [--work DIR]

``quality`` generates a scenario with a watchlist of planted truths (``linkgraph.scenarios``), ingests
it, loads the watchlists, runs ``detect`` once, and scores the alerts against the truth files the
generator wrote (``truth/case_links.csv`` and ``truth/watchlist_hits.csv``), never against the
system's own output: recall is the share of planted cross-case links (a pair of cases and a kind)
that some alert reports; precision the share of reported case pairs that were planted (any kind).

``speed`` copies the store given with ``--from`` (built by ``bench_server.py``; it is never written
to), then times whole ``linkgraph`` processes: a cold start (``status``), a full ``detect`` from
scratch, the ingest of one new case of 2,000 rows (some of its persons carry passports of persons
already in the store) and the ``detect`` after it; it prints each whole-process wall time, the time
``detect`` reports for its own work, and the peak resident memory of the client processes. The
server is stopped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKGRAPH = str(ROOT / ".venv" / "bin" / "linkgraph")
TRUTH_KIND = {"same_person": "person", "same_document": "document", "same_phone": "phone", "shared_transit": "route"}
NEW_CASE = "ES-2099-9{:04d}"  # the first such case the store lacks: a rerun on a kept --work store adds another


def _cpu(store: Path) -> float:
    """CPU seconds used so far by the linkgraph processes this script waited for, plus the store's server
    (the machine is shared: CPU time says what the work costs when wall time says how busy it was)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = used.ru_utime + used.ru_stime
    with contextlib.suppress(OSError, ValueError):
        pid = int((store / "falkordb.pid").read_text().strip())
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run(store: Path, *args: str, env: dict[str, str]) -> tuple[float, str]:
    """Run ``linkgraph --store STORE ARGS``; return (wall seconds, stdout) and print the CPU seconds it
    and the server used. Exits on failure."""
    start, cpu = time.perf_counter(), _cpu(store)
    out = subprocess.run([LINKGRAPH, "--store", str(store), *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode not in (0, 3):
        sys.exit(f"linkgraph {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()[-800:]}")
    print(f"  [linkgraph {args[0]}: {seconds:.1f} s wall, {_cpu(store) - cpu:.1f} s CPU (client and server); "
          f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]")
    return seconds, out.stdout


def _own_seconds(stdout: str) -> float:
    """The seconds ``detect`` reports for its own work at the end of its summary line."""
    found = re.findall(r"\(([\d.]+) s\)\s*$", stdout.strip())
    return float(found[-1]) if found else float("nan")


def steps(store: Path, stdout: str) -> str:
    """Where the detect whose summary line is ``stdout`` spent its time: the seconds its run and the
    resolution run it made recorded per step (``seconds_<step>``)."""
    from linkgraph.store.embedded import EmbeddedStore

    found = re.search(r"detect (detect-\S+):", stdout)
    if not found:
        return "(no run id in the summary)"
    with EmbeddedStore(store) as opened:
        run = opened.read("MATCH (d:DetectRun {key: $k}) RETURN properties(d)", {"k": found.group(1)}).scalar() or {}
        resolution = opened.read("MATCH (r:ResolutionRun) WHERE r.kind = 'resolve' AND r.started >= $at "
                                 "RETURN properties(r) ORDER BY r.started LIMIT 1", {"at": run.get("started", "")}).rows

    def of(props: dict) -> str:
        return ", ".join(f"{k.removeprefix('seconds_')} {v:.1f}" for k, v in props.items() if k.startswith("seconds_"))

    inner = f" (resolution: {of(resolution[0][0])})" if resolution else ""
    return f"steps, s: {of(run)}{inner}"


def new_case_file(store: Path, work: Path, rows: int = 2000, planted: int = 20) -> Path:
    """A Spanish-style CSV of one new case with ``rows`` person rows; ``planted`` of them carry the
    passport of a person already in ``store`` (so detect has links to find)."""
    from linkgraph.scenarios import generate
    from linkgraph.store.embedded import EmbeddedStore

    with EmbeddedStore(store) as opened:
        passports = [key for [key] in opened.read(
            "MATCH (d:Document) WHERE d.key STARTS WITH 'passport|' RETURN d.key LIMIT $n", {"n": planted}).rows]
        number = 1
        while opened.read("MATCH (c:Case {key: $key}) RETURN c.key", {"key": NEW_CASE.format(number)}).rows:
            number += 1
    case_id = NEW_CASE.format(number)
    scenario = work / f"new-case-source-{number}"  # each new case its own people (seed 77 for the first)
    generate(scenario, cases=max(200, rows // 3), seed=76 + number)
    with open(scenario / "es" / "cases_es.csv", encoding="cp1252", newline="") as handle:
        source = list(csv.DictReader(handle, delimiter=";"))
    while len(source) < rows:
        source += source
    path = work / "new_case.csv"
    with open(path, "w", encoding="cp1252", newline="", errors="replace") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(source[0]), delimiter=";")
        writer.writeheader()
        for number, row in enumerate(source[:rows]):
            row = {**row, "case_ref": case_id, "person_id": f"BENCH{case_id[-4:]}-{number:06d}"}
            if number < len(passports):
                _, country, passport = passports[number].split("|", 2)
                row.update({"passport_no": passport, "passport_country": country})
            writer.writerow(row)
    return path


def speed(source: Path, work: Path, nightly_only: bool = False) -> None:
    """Time a full detect and an incremental one on a copy of ``source`` (see the module docstring)."""
    store = work / "store"
    if not store.exists():
        start = time.perf_counter()
        shutil.copytree(source, store, symlinks=True, ignore=shutil.ignore_patterns("server.json", "*.sock", "*.pid"))
        print(f"copied {source} in {time.perf_counter() - start:.1f} s")
    env = {**os.environ, "LINKGRAPH_IDLE": "3600"}
    try:
        seconds, _ = run(store, "status", env=env)
        print(f"cold start (whole `linkgraph status`): {seconds:.1f} s")
        seconds, out = run(store, "detect", "--out", str(work / "alerts"), env=env)
        what = ("first detect on this copy (it reads every person unless this version kept a person frame there)"
                if nightly_only else "full detect from scratch")
        print(f"{what}: whole process {seconds:.1f} s, detect's own work {_own_seconds(out):.1f} s")
        print(f"  {out.strip()}")
        print(f"  {steps(store, out)}")
        case = new_case_file(store, work)
        ingest_s, _ = run(store, "ingest", str(case), "--mapping", "es-cnp-csv", "--rejects", str(work / "rejects-new-case.csv"), env=env)
        detect_s, out = run(store, "detect", "--out", str(work / "alerts"), env=env)
        print(f"new case of 2,000 rows: ingest {ingest_s:.1f} s + detect {detect_s:.1f} s = {ingest_s + detect_s:.1f} s "
              f"(whole processes); detect's own work {_own_seconds(out):.1f} s")
        print(f"  {out.strip()}")
        print(f"  {steps(store, out)}")
        again_s, out = run(store, "detect", env=env)
        print(f"detect with nothing new: {again_s:.1f} s; {out.strip()}")
    finally:
        subprocess.run([LINKGRAPH, "--store", str(store), "server", "stop"], env=env, capture_output=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of a client process: {peak:,.0f} MiB; load now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["quality", "speed"])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--from", dest="source", type=Path, default=Path("/tmp/lg-bench/store1m"))
    parser.add_argument("--work", type=Path, default=None, help="Working folder (kept)")
    parser.add_argument("--nightly-only", action="store_true",
                        help="speed: the --work store was detected already (by any version): one detect to "
                             "settle it, then time the new case and its detect")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="lg-bench-detect-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.what == "speed":
        speed(args.source, work, args.nightly_only)
    else:
        quality(work, args.cases, args.seed)
    print(f"work folder kept at {work}")


def quality(work: Path, cases: int, seed: int) -> None:
    """Recall and precision of one detect's alerts against the generator's truth files."""
    from linkgraph.access.view import open_view
    from linkgraph.detect.run import detect
    from linkgraph.detect.watchlists import load_watchlist
    from linkgraph.ingest.manifest import ingest_manifest
    from linkgraph.scenarios import generate
    from linkgraph.store.server import kill_server

    data, store = work / "data", work / "store"
    generated = generate(data, cases=cases, seed=seed, watchlists=True)
    print(f"generated {cases} cases, {generated.persons:,} person records, {generated.planted_links:,} planted links")
    try:
        with open_view(str(store), command="bench", create=True) as view:
            writer = view.writer("all")
            writer.init_schema()
            start = time.perf_counter()
            ingest_manifest(writer, data / "manifest.json", rejects_dir=work, user="bench")
            print(f"ingested in {time.perf_counter() - start:.1f} s")
            for kind, name, mapping in (("documents", "sltd", "sltd-csv"), ("persons", "notices", "notices-csv")):
                load_watchlist(view, data / "watchlists" / f"{name}.csv", kind=kind, mapping=mapping, name=name,
                               rejects_path=work / f"rejects-{name}.csv")
            start = time.perf_counter()
            summary = detect(view, out_dir=work / "alerts")
            print(f"detect from scratch: {time.perf_counter() - start:.1f} s, {len(summary.raised):,} alerts "
                  f"({summary.watchlist_hits} watchlist hits)")
            rows = view.read("MATCH (a:Alert) RETURN a.kind, a.linked_cases, a.watchlist, a.label").rows
    finally:
        kill_server(store)
    with open(data / "truth" / "case_links.csv", encoding="utf-8", newline="") as handle:
        truth = list(csv.DictReader(handle))
    planted = {(TRUTH_KIND[r["kind"]], *sorted((r["case_a"], r["case_b"]))) for r in truth}
    planted_pairs = {pair[1:] for pair in planted}
    reported = {(kind, a, b) for kind, cases_, _, _ in rows if kind != "watchlist"
                for a, b in combinations(sorted(cases_), 2)}
    _score("cross-case links, every kind", planted, reported, planted_pairs)
    _score("cross-case links, without shared transit points", {p for p in planted if p[0] != "route"},
           {r for r in reported if r[0] != "route"}, {p[1:] for p in planted if p[0] != "route"})
    for kind in sorted({p[0] for p in planted}):
        found = {p for p in planted if p[0] == kind}
        print(f"  {kind}: {len(found & reported) / max(1, len(found)):.1%} of {len(found):,} planted found")
    with open(data / "truth" / "watchlist_hits.csv", encoding="utf-8", newline="") as handle:
        listed = {(r["list"], r["reference"], r["case"]) for r in csv.DictReader(handle)}
    hits = {(name, reference, case) for kind, cases_, name, reference in rows if kind == "watchlist" for case in cases_}
    for name in ("sltd", "notices"):
        wanted = {h for h in listed if h[0] == name}
        got = {h for h in hits if h[0] == name}
        print(f"watchlist {name}: recall {len(wanted & got) / max(1, len(wanted)):.1%} of {len(wanted)} planted hits; "
              f"precision {len(wanted & got) / max(1, len(got)):.1%} of {len(got)} alerts")


def _score(what: str, planted: set[tuple[str, str, str]], reported: set[tuple[str, str, str]],
           planted_pairs: set[tuple[str, str]]) -> None:
    """Print recall (planted links, by kind and case pair, that an alert reports) and precision (reported
    case pairs that were planted, whatever the kind)."""
    recall = len(planted & reported) / max(1, len(planted))
    precision = sum((a, b) in planted_pairs for _, a, b in reported) / max(1, len(reported))
    print(f"{what}: recall {recall:.1%} of {len(planted):,} planted (target >= 95%); precision {precision:.1%} of "
          f"{len(reported):,} reported case pairs (target >= 90%)")

if __name__ == "__main__":
    main()
