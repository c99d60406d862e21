"""The store as a warm service: cold start, warm commands, server memory and data size.

Usage: .venv/bin/python bench/bench_server.py [--rows 100000] [--store DIR] [--runs 10] [--keep]

1. Builds a generated store (``linkgraph generate`` then ``linkgraph ingest --manifest``; about 1.4
   source rows per person record) of about ``--rows`` rows, or reuses ``--store DIR``.
2. Cold start: stops the server, then times the whole ``linkgraph status`` process (server start and
   load of the append-only files included), once before ``Store.compact()`` and once after it.
3. Warm: with the server up (idle time 900 s), the median wall time over ``--runs`` runs of whole
   processes: ``linkgraph status``, a 2-hop ``linkgraph cypher`` around one person, ``linkgraph query
   provenance`` of that person.
4. For scale: the same work in-process on the warm server, and the import of ``linkgraph.cli``.
5. The server's resident memory after load, its peak, ``GRAPH.MEMORY USAGE`` and the data size on disk.

Every command is a ``.venv/bin/linkgraph`` subprocess; the figures are wall times of whole processes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINKGRAPH = str(ROOT / ".venv" / "bin" / "linkgraph")
TWO_HOPS = "MATCH (p:Person {key: $key})-[*1..2]-(m) RETURN count(DISTINCT m)"


def run(store: Path, *args: str, env: dict[str, str]) -> tuple[float, str]:
    """Run ``linkgraph --store STORE ARGS`` to its end; return (wall seconds, stdout). Fails loudly."""
    start = time.perf_counter()
    out = subprocess.run([LINKGRAPH, "--store", str(store), *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if out.returncode not in (0, 3):
        sys.exit(f"linkgraph {' '.join(args)} failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    return seconds, out.stdout


def build(store: Path, rows: int, work: Path, env: dict[str, str]) -> None:
    """Generate about ``rows`` source rows and ingest them into a new ``store``."""
    persons = max(12, int(rows / 1.4))
    scenario = work / "scenario"
    seconds, _ = run(store, "generate", "--cases", str(max(1, persons // 12)), "--persons", str(persons),
                     "--seed", "11", "-o", str(scenario), env=env)
    print(f"generated {persons:,} person records in {seconds:.1f} s")
    run(store, "init", env=env)
    seconds, _ = run(store, "ingest", "--manifest", str(scenario / "manifest.json"), "--rejects", str(work), env=env)
    print(f"ingested in {seconds:.1f} s")


def median(store: Path, runs: int, env: dict[str, str], *args: str) -> float:
    """Median wall seconds of ``runs`` runs of ``linkgraph ARGS`` (after one untimed run)."""
    run(store, *args, env=env)
    return statistics.median(run(store, *args, env=env)[0] for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--store", type=Path, default=None, help="reuse (or build into) this store directory")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="leave the server running at the end")
    args = parser.parse_args()

    from linkgraph.store.embedded import EmbeddedStore
    from linkgraph.store.server import admin_client, kill_server, proc_memory_mib, running_server, server_status

    env = {**os.environ, "LINKGRAPH_IDLE": "900"}
    os.environ["LINKGRAPH_IDLE"] = "900"
    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    store = (args.store or work / "store").absolute()
    if not (store / "linkgraph-store.json").exists():
        build(store, args.rows, work, env)

    def cold(label: str) -> None:
        kill_server(store)
        seconds, _ = run(store, "status", env=env)
        print(f"cold start, {label}: whole `linkgraph status` {seconds:.2f} s "
              f"(data on disk {server_status(store).data_bytes / 2**20:,.1f} MiB)")

    cold("before compact")
    with EmbeddedStore(store) as opened:
        start = time.perf_counter()
        opened.compact()
        print(f"Store.compact(): {time.perf_counter() - start:.1f} s")
        person = opened.read("MATCH (p:Person) RETURN p.key LIMIT 1").scalar()
    cold("after compact")

    print(f"warm `linkgraph status` (median of {args.runs}): {median(store, args.runs, env, 'status'):.3f} s")
    two_hops = median(store, args.runs, env, "cypher", TWO_HOPS, "-p", f"key={person}")
    print(f"warm 2-hop `linkgraph cypher` around {person} (median of {args.runs}): {two_hops:.3f} s")
    provenance = median(store, args.runs, env, "query", "provenance", "-p", f"key={person}")
    print(f"warm `linkgraph query provenance` (median of {args.runs}): {provenance:.3f} s")
    start = time.perf_counter()
    with EmbeddedStore(store) as opened:
        warm_open = time.perf_counter() - start
        start = time.perf_counter()
        opened.counts()
        counts = time.perf_counter() - start
        start = time.perf_counter()
        opened.query("provenance", {"key": person})
        provenance = time.perf_counter() - start
    print(f"in-process, warm: open {warm_open * 1000:.0f} ms, counts() {counts * 1000:.0f} ms, "
          f"query provenance {provenance * 1000:.0f} ms")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import linkgraph.cli"], check=True)
    print(f"for scale: `python -c 'import linkgraph.cli'` {time.perf_counter() - start:.3f} s")

    info = running_server(store)
    client = admin_client(info["socket"], timeout=600)
    try:
        graph_memory = client.execute_command("GRAPH.MEMORY", "USAGE", "linkgraph")
    except Exception as error:  # an older FalkorDB has no GRAPH.MEMORY
        graph_memory = f"unavailable: {error}"
    finally:
        client.close()
    print(f"server RSS after load {proc_memory_mib(info['pid']):,.0f} MiB, peak {proc_memory_mib(info['pid'], 'VmHWM'):,.0f} MiB")
    print(f"GRAPH.MEMORY USAGE: {graph_memory}")
    print(f"data on disk: {server_status(store).data_bytes / 2**20:,.1f} MiB at {store}")
    if not args.keep:
        kill_server(store)


if __name__ == "__main__":
    main()
