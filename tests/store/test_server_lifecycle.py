"""The embedded server as a warm service: it outlives its clients for the idle time, then stops itself.

Real processes throughout: clients are python children, servers and watchdogs are real, kills are SIGKILL.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import (ServerBusy, idle_seconds, kill_server, pid_alive, read_server_file,
                                    running_server, server_status, stop_server)

CLIENT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from linkgraph.store.embedded import EmbeddedStore
    from linkgraph.store.server import running_server
    directory, key, hold = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    with EmbeddedStore(directory) as store:
        if key:
            store.upsert_nodes("Person", [{"key": key, "props": {}, "records": [], "cases": []}])
        n = store.read("MATCH (p:Person) RETURN count(p)").scalar()
        print(running_server(directory)["pid"], n, flush=True)
        time.sleep(hold)
    """
)

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from linkgraph.store.embedded import EmbeddedStore
    store = EmbeddedStore(Path(sys.argv[1]))
    for b in range(100000):
        store.upsert_nodes("Person", [{"key": f"k:{b}:{i}", "props": {"batch": b}, "records": [], "cases": []}
                                      for i in range(200)])
        print(f"ACK {b}", flush=True)
    """
)


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    """Poll ``condition`` every 0.1 s until it holds or ``timeout`` seconds pass; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def idle(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], dict[str, str]]:
    """Set the idle time for this process and return an environment with it for child processes."""

    def set_idle(seconds: float) -> dict[str, str]:
        monkeypatch.setenv("LINKGRAPH_IDLE", str(seconds))
        return {**os.environ, "LINKGRAPH_IDLE": str(seconds)}

    return set_idle


@pytest.fixture
def servers() -> Iterator[list[int]]:
    """Pids of servers and watchdogs a test started, killed afterwards whatever happened."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def client(python: str, directory: Path, env: dict[str, str], key: str = "", hold: float = 0.0) -> tuple[int, int]:
    """Run a client process to its end; return (server pid it used, persons it counted)."""
    out = subprocess.run([python, "-c", CLIENT, str(directory), key, str(hold)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    pid, count = out.stdout.split()
    return int(pid), int(count)


def watched(directory: Path, servers: list[int]) -> dict:
    """The running server's ``server.json``, its pid and its watchdog's registered for clean-up."""
    info = read_server_file(directory)
    assert info is not None
    servers.extend(p for p in (info["pid"], info.get("watchdog")) if p)
    return info


def test_idle_time_comes_from_the_environment_then_the_store_config(store_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    EmbeddedStore(store_dir).close()
    config = json.loads((store_dir / "linkgraph-store.json").read_text())
    (store_dir / "linkgraph-store.json").write_text(json.dumps({**config, "server_idle_seconds": 42}))
    monkeypatch.delenv("LINKGRAPH_IDLE")
    assert idle_seconds(store_dir) == 42
    monkeypatch.setenv("LINKGRAPH_IDLE", "7")
    assert idle_seconds(store_dir) == 7


def test_the_server_outlives_its_client_then_stops_itself_when_idle(store_dir: Path, python: str, idle, servers) -> None:
    env = idle(2)
    pid, _ = client(python, store_dir, env, key="p1")
    info = watched(store_dir, servers)
    assert pid_alive(pid) and info["pid"] == pid, "the server stopped with its last client"
    assert server_status(store_dir).clients == 0
    assert wait_for(lambda: not pid_alive(pid), 15), "the idle server did not stop itself"
    assert wait_for(lambda: not pid_alive(info["watchdog"]), 5), "the watchdog outlived its server"
    assert not (store_dir / "server.json").exists()
    assert client(python, store_dir, {**env, "LINKGRAPH_IDLE": "0"})[1] == 1  # the write is on disk


def test_a_second_process_reuses_the_warm_server(store_dir: Path, python: str, idle, servers) -> None:
    env = idle(60)
    first, _ = client(python, store_dir, env, key="p1")
    info = watched(store_dir, servers)
    second, persons = client(python, store_dir, env)
    assert second == first and persons == 1
    assert read_server_file(store_dir) == info  # not restarted, nothing reloaded
    status = server_status(store_dir)
    assert status.running and status.clients == 0 and status.watchdog_pid == info["watchdog"]
    assert 0 < status.idle_left_seconds <= 60


def test_stop_server_refuses_clearly_while_a_client_stays_connected(store_dir: Path, idle, servers) -> None:
    idle(60)
    with EmbeddedStore(store_dir):
        info = watched(store_dir, servers)
        with pytest.raises(ServerBusy, match="1 connected client"):
            stop_server(store_dir, wait=0.5)
        assert running_server(store_dir)["pid"] == info["pid"]


def test_stop_server_waits_for_a_client_to_finish(store_dir: Path, python: str, idle, servers) -> None:
    env = idle(60)
    EmbeddedStore(store_dir).close()
    info = watched(store_dir, servers)
    holder = subprocess.Popen([python, "-c", CLIENT, str(store_dir), "p1", "2"], env=env, stdout=subprocess.PIPE,
                              text=True)
    assert int(holder.stdout.readline().split()[0]) == info["pid"]  # connected and holding
    assert stop_server(store_dir, wait=30) is True
    assert holder.wait(timeout=30) == 0, "the client was cut off"
    holder.stdout.close()
    assert not pid_alive(info["pid"]) and running_server(store_dir) is None
    assert stop_server(store_dir) is False


def test_sigkill_of_client_then_server_keeps_acknowledged_writes(store_dir: Path, python: str, idle, servers) -> None:
    env = idle(60)
    writer = subprocess.Popen([python, "-c", WRITER, str(store_dir)], env=env, stdout=subprocess.PIPE, text=True)
    acked = [int(line.split()[1]) for _, line in zip(range(10), writer.stdout)]
    info = watched(store_dir, servers)
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    assert running_server(store_dir)["pid"] == info["pid"], "the server went with its killed client"
    os.kill(info["pid"], signal.SIGKILL)
    assert wait_for(lambda: not pid_alive(info["watchdog"]), 10), "the watchdog outlived its killed server"
    with EmbeddedStore(store_dir) as store:
        restarted = watched(store_dir, servers)
        rows = dict(store.read("MATCH (p:Person) RETURN p.batch, count(p)").rows)
    assert restarted["pid"] != info["pid"] and pid_alive(restarted["watchdog"])
    assert all(rows.get(b) == 200 for b in acked), "an acknowledged batch is missing"
    assert all(n == 200 for n in rows.values()), "a batch was half-written"


@pytest.mark.parametrize("how", ["moved", "deleted"])
def test_the_watchdog_stops_the_server_when_the_store_directory_goes(store_dir: Path, python: str, idle, servers,
                                                                    how: str) -> None:
    env = idle(60)
    client(python, store_dir, env, key="p1")
    info = watched(store_dir, servers)
    if how == "moved":
        store_dir.rename(store_dir.with_name("moved"))
    else:
        shutil.rmtree(store_dir)
    assert wait_for(lambda: not pid_alive(info["pid"]), 10), f"the server outlived its {how} directory"
    assert wait_for(lambda: not pid_alive(info["watchdog"]), 5)
    if how == "moved":
        assert client(python, store_dir.with_name("moved"), {**env, "LINKGRAPH_IDLE": "0"})[1] == 1
        kill_server(store_dir.with_name("moved"))


def test_a_long_store_path_socket_directory_is_removed_when_the_server_stops(tmp_path: Path, python: str, idle,
                                                                           servers) -> None:
    env = idle(1)
    directory = tmp_path / ("long-" * 20) / "store"
    before = set(Path(tempfile.gettempdir()).glob("linkgraph-*"))
    try:
        client(python, directory, env, key="p1")
        info = watched(directory, servers)
        socket_dir = Path(info["socket"]).parent
        assert info["socket_dir_temporary"] and socket_dir.is_dir() and not socket_dir.is_relative_to(directory)
        assert wait_for(lambda: not pid_alive(info["pid"]), 15)
        assert wait_for(lambda: not socket_dir.exists(), 5), "the temporary socket directory was left behind"
        client(python, directory, {**env, "LINKGRAPH_IDLE": "0"})  # stopped by its last client this time
        assert set(Path(tempfile.gettempdir()).glob("linkgraph-*")) <= before
    finally:
        kill_server(directory)


BULK = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from linkgraph.store.embedded import EmbeddedStore
    with EmbeddedStore(Path(sys.argv[1])) as store:
        for b in range(10):
            store.upsert_nodes("Person", [{"key": f"b{b}:{i}", "props": {"note": "x" * 100}, "records": [], "cases": []}
                                          for i in range(2000)], new=True)
    """
)


def log_bytes(directory: Path) -> int:
    """Bytes of statements in the append-only files after their snapshot (the ``incr`` files)."""
    return sum(p.stat().st_size for p in (directory / "data" / "appendonly").glob("*.incr.aof"))


def test_compact_leaves_one_snapshot_that_a_cold_start_loads(store_dir: Path, python: str) -> None:
    subprocess.run([python, "-c", BULK, str(store_dir)], check=True, timeout=120)
    assert log_bytes(store_dir) > 1_000_000
    with EmbeddedStore(store_dir) as store:
        store.compact()
    assert log_bytes(store_dir) < 10_000
    with EmbeddedStore(store_dir) as store:
        assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 20_000


def test_the_watchdog_compacts_a_grown_log_before_an_idle_stop(store_dir: Path, python: str, idle, servers) -> None:
    env = idle(2)
    subprocess.run([python, "-c", BULK, str(store_dir)], env=env, check=True, timeout=120)
    info = watched(store_dir, servers)
    assert log_bytes(store_dir) > 1_000_000
    assert wait_for(lambda: not pid_alive(info["pid"]), 30)
    assert log_bytes(store_dir) < 10_000
    assert client(python, store_dir, {**env, "LINKGRAPH_IDLE": "0"})[1] == 20_000
