"""Embedded FalkorDB store: directory handling, shared server, durability after SIGKILL. Real processes.

Embedded-only by nature: a Neo4j store has no directory, permissions, unix socket or server that
linkgraph starts and stops; what both backends share is in test_contract.py and the suites above it.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
import redis

from linkgraph.errors import NotAStore, UsageError
from linkgraph.store import describe_store, open_store
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import running_server

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from linkgraph.store.embedded import EmbeddedStore
    directory, worker, batches = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    store = EmbeddedStore(directory)
    for b in range(batches):
        rows = [{"key": f"{worker}:{b}:{i}", "props": {"batch": b}, "records": [], "cases": []} for i in range(200)]
        store.upsert_nodes("Person", rows)
        print(f"ACK {b}", flush=True)
    store.close()
    """
)


def count(directory: Path, prefix: str) -> int:
    with EmbeddedStore(directory) as store:
        return store.read("MATCH (p:Person) WHERE p.key STARTS WITH $p RETURN count(p)", {"p": prefix}).scalar()


def test_store_directory_is_created_private_with_a_marker(store_dir: Path) -> None:
    with EmbeddedStore(store_dir):
        pass
    assert stat.S_IMODE(store_dir.stat().st_mode) == 0o700
    assert json.loads((store_dir / "linkgraph-store.json").read_text())["backend"] == "falkordb"


def test_server_listens_on_no_tcp_port(store_dir: Path) -> None:
    with EmbeddedStore(store_dir):
        info = running_server(store_dir)
        client = redis.Redis(unix_socket_path=info["socket"])
        assert client.config_get("port")["port"] == "0"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.close()


def test_last_client_to_close_stops_the_server(store_dir: Path) -> None:
    first = EmbeddedStore(store_dir)
    second = EmbeddedStore(store_dir)
    pid = running_server(store_dir)["pid"]
    first.close()
    assert running_server(store_dir)["pid"] == pid
    second.close()
    assert running_server(store_dir) is None


def test_a_non_empty_foreign_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    with pytest.raises(NotAStore, match="not a linkgraph store"):
        EmbeddedStore(tmp_path)
    assert not (tmp_path / "linkgraph-store.json").exists()


def test_a_file_given_as_store_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(NotAStore, match="is a file"):
        EmbeddedStore(target)


def test_a_missing_store_is_not_created_by_readers(tmp_path: Path) -> None:
    with pytest.raises(NotAStore, match="linkgraph .*init"):
        open_store(str(tmp_path / "absent"), create=False)
    assert not (tmp_path / "absent").exists()


def test_unknown_store_scheme_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        describe_store("redis://localhost/0")
    assert caught.value.exit_code == 2


def test_two_processes_write_to_one_store_at_the_same_time(store_dir: Path, python: str) -> None:
    EmbeddedStore(store_dir).close()
    writers = [subprocess.Popen([python, "-c", WRITER, str(store_dir), f"w{n}", "15"], stdout=subprocess.PIPE,
                                text=True) for n in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    assert all(out.count("ACK") == 15 for out in outputs)
    assert count(store_dir, "w0:") == 15 * 200
    assert count(store_dir, "w1:") == 15 * 200
    assert running_server(store_dir) is None


def test_a_second_process_joins_the_running_server(store_dir: Path, python: str) -> None:
    with EmbeddedStore(store_dir):
        pid = running_server(store_dir)["pid"]
        probe = "import sys; from pathlib import Path; from linkgraph.store.server import running_server; " \
                "from linkgraph.store.embedded import EmbeddedStore; s = EmbeddedStore(Path(sys.argv[1])); " \
                "print(running_server(Path(sys.argv[1]))['pid']); s.close()"
        out = subprocess.run([python, "-c", probe, str(store_dir)], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == str(pid)
        assert running_server(store_dir)["pid"] == pid  # still up: this process is still connected


def _kill_writer_midway(store_dir: Path, python: str, kill_server_too: bool) -> list[int]:
    writer = subprocess.Popen([python, "-c", WRITER, str(store_dir), "k", "100000"], stdout=subprocess.PIPE, text=True)
    acked = []
    for line in writer.stdout:
        acked.append(int(line.split()[1]))
        if len(acked) == 25:
            break
    server_pid = running_server(store_dir)["pid"]
    writer.send_signal(signal.SIGKILL)
    if kill_server_too:
        os.kill(server_pid, signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    time.sleep(0.2)
    return acked


@pytest.mark.parametrize("kill_server_too", [False, True], ids=["client-killed", "client-and-server-killed"])
def test_sigkill_keeps_every_acknowledged_write(store_dir: Path, python: str, kill_server_too: bool) -> None:
    EmbeddedStore(store_dir).close()
    acked = _kill_writer_midway(store_dir, python, kill_server_too)
    with EmbeddedStore(store_dir) as store:
        rows = store.read("MATCH (p:Person) RETURN p.batch, count(p) ORDER BY p.batch").rows
    per_batch = dict((b, n) for b, n in rows)
    assert all(per_batch.get(b) == 200 for b in acked), "an acknowledged batch is missing or partial"
    assert all(n == 200 for n in per_batch.values()), "a batch was half-written"


def test_an_index_created_again_counts_as_created_and_other_refusals_still_raise(store_dir: Path) -> None:
    """``init_schema`` takes FalkorDB's "already indexed" as done: the index listing it decides from once
    left a full-text index out right after a store's first ``init_schema``."""
    from linkgraph.errors import StoreError

    with EmbeddedStore(store_dir, create=True) as store:
        store.init_schema()
        store._create_index("CALL db.idx.fulltext.createNodeIndex($label, $p0)", {"label": "Phone", "p0": "number"})
        store._create_index("CREATE INDEX FOR (n:Route) ON (n.way)")
        store.write("CREATE (:Phone {key: '+34600000001', number: '+34600000001'})")
        assert store.fulltext("Phone", [("34600000001", 0, True)], 5, {"everything": True, "visible": []}).rows
        with pytest.raises(StoreError):
            store._create_index("CALL db.idx.fulltext.createNodeIndex($label, $p0)", {"label": "Phone", "p0": 7})
