"""A copied or moved store never writes into the original: a server serves the directory it was started for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from linkgraph.store.server import kill_server, read_server_file

FIXTURES = Path(__file__).parent.parent / "access" / "fixtures"


def cli(store: Path, *args: str, idle: str = "60") -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", str(store), *args],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "LINKGRAPH_IDLE": idle})


def persons(store: Path) -> list[str]:
    done = cli(store, "cypher", "MATCH (p:Person) RETURN p.key AS k ORDER BY k", "--format", "json")
    return [row["k"] for row in json.loads(done.stdout)]


def test_a_copy_of_a_store_whose_server_runs_gets_its_own_server(tmp_path: Path) -> None:
    original, copy = tmp_path / "original", tmp_path / "copy"
    try:
        cli(original, "ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml"))
        running = read_server_file(original)
        assert running is not None, "the original's server stays up for its idle time"
        shutil.copytree(original, copy, symlinks=True, ignore=shutil.ignore_patterns("*.sock"))
        done = cli(copy, "ingest", str(FIXTURES / "operation_b.csv"), "--mapping", str(FIXTURES / "cases.yaml"))
        assert done.returncode == 0, done.stderr
        assert len(persons(copy)) == 6
        assert len(persons(original)) == 3, "the copy wrote into the original"
        copied = read_server_file(copy)
        assert copied is not None and copied["pid"] != running["pid"]
    finally:
        kill_server(original)
        kill_server(copy)


def test_a_moved_store_is_served_by_one_server_only(tmp_path: Path) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    try:
        cli(before, "ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml"))
        old = read_server_file(before)
        assert old is not None
        before.rename(after)
        assert persons(after) and len(persons(after)) == 3
        new = read_server_file(after)
        assert new is not None and new["pid"] != old["pid"]
        assert not Path(f"/proc/{old['pid']}").exists() or b"redis" not in Path(f"/proc/{old['pid']}/cmdline").read_bytes()
    finally:
        kill_server(after)
