"""The throwaway Neo4j Community server (tests/neo4j-server/): it runs, it guards itself, it goes away.

Needs java and mvn on PATH (and Maven Central, or a filled ~/.m2, for the first build).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

HELPER_PATH = Path(__file__).resolve().parents[1] / "neo4j_server.py"


def _load_helper():  # noqa: ANN202 - a module
    spec = importlib.util.spec_from_file_location("linkgraph_tests_neo4j_server", HELPER_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


helper = _load_helper()
MISSING_TOOLS = helper.find_tools()
needs_tools = pytest.mark.skipif(MISSING_TOOLS is not None, reason=MISSING_TOOLS or "")


@pytest.fixture(scope="module")
def artifact() -> Path:
    if MISSING_TOOLS is not None:
        pytest.skip(MISSING_TOOLS)
    return helper.build_launcher(helper.PROJECT_DIR)


@pytest.fixture(scope="module")
def server(artifact: Path) -> Iterator[object]:
    with helper.Neo4jTestServer(artifact) as running:
        yield running


@pytest.fixture(scope="module")
def driver(server: object) -> Iterator[object]:
    neo4j = pytest.importorskip("neo4j")
    with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as opened:
        opened.verify_connectivity()
        yield opened


def test_find_tools_names_what_is_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = helper.find_tools()
    assert reason is not None and "java" in reason and "mvn" in reason


@needs_tools
def test_a_rebuild_with_nothing_changed_is_a_no_op(artifact: Path) -> None:
    began = time.monotonic()
    assert helper.build_launcher(helper.PROJECT_DIR) == artifact
    assert time.monotonic() - began < 1.0


@needs_tools
def test_writes_and_reads_a_node(server: object, driver: object) -> None:
    with driver.session(database=server.database) as session:
        session.run("MATCH (n:Probe) DETACH DELETE n").consume()
        session.run("CREATE (:Probe {name: $name, n: 42})", name="ada").consume()
        record = session.run("MATCH (p:Probe {name: 'ada'}) RETURN p.n AS n").single()
    assert record is not None and record["n"] == 42


@needs_tools
def test_a_read_session_refuses_a_write_server_side(server: object, driver: object) -> None:
    neo4j = pytest.importorskip("neo4j")
    with driver.session(database=server.database, default_access_mode=neo4j.READ_ACCESS) as session:
        with pytest.raises(neo4j.exceptions.ClientError) as refused:
            session.run("CREATE (:Probe {name: 'nope'})").consume()
    assert "AccessMode" in (refused.value.code or ""), refused.value.code
    with driver.session(database=server.database) as session:
        assert session.run("MATCH (p:Probe {name: 'nope'}) RETURN count(p) AS c").single()["c"] == 0


@needs_tools
def test_authentication_is_on(server: object) -> None:
    neo4j = pytest.importorskip("neo4j")
    for password in ("wrong-password", "neo4j"):  # neo4j/neo4j is the default an initial password replaces
        with neo4j.GraphDatabase.driver(server.uri, auth=(server.user, password)) as wrong:
            with pytest.raises(neo4j.exceptions.AuthError):
                wrong.verify_connectivity()
    assert server.password not in " ".join(Path(f"/proc/{server.pid}/cmdline").read_text().split("\0"))


def _listening_addresses(pid: int) -> list[tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]]:
    """(address, port) of every TCP socket in LISTEN state that the process holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A = LISTEN
                continue
            host, port = fields[1].split(":")
            # /proc/net/tcp* print each 32-bit word of the address in host (little-endian) order
            raw = b"".join(bytes.fromhex(host[i:i + 8])[::-1] for i in range(0, len(host), 8))
            address = ipaddress.ip_address(raw)
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
                address = address.ipv4_mapped
            found.append((address, int(port, 16)))
    return found


@needs_tools
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_listens_on_loopback_only(server: object) -> None:
    listening = _listening_addresses(server.pid)
    bolt_port = int(server.uri.rsplit(":", 1)[1])
    assert bolt_port in {port for _, port in listening}, listening
    assert all(str(address) == "127.0.0.1" for address, _ in listening), listening


def _gone(pid: int) -> bool:
    """True once the process is no more (or only a zombie waiting for init to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@needs_tools
def test_the_jvm_goes_when_its_python_parent_is_sigkilled(artifact: Path, tmp_path: Path) -> None:
    jvm_tmp = tmp_path / "jvm-tmp"
    child_code = textwrap.dedent(f"""
        import importlib.util, sys, time
        spec = importlib.util.spec_from_file_location("neo4j_server", {str(HELPER_PATH)!r})
        helper = importlib.util.module_from_spec(spec)
        sys.modules["neo4j_server"] = helper
        spec.loader.exec_module(helper)
        server = helper.Neo4jTestServer({str(artifact)!r}, tmpdir={str(jvm_tmp)!r})
        server.start()
        print(server.pid, server.uri, flush=True)
        time.sleep(600)
    """)
    child = subprocess.Popen([sys.executable, "-c", child_code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(child.stdout.readline()), daemon=True).start()
    jvm_pid = None
    try:
        line = lines.get(timeout=240)
        assert line, "the child python exited before its server was READY"
        jvm_pid = int(line.split()[0])
        assert not _gone(jvm_pid)
        homes = list(jvm_tmp.glob("neo4j-test-server-*"))
        assert [home for home in homes if home.is_dir()], "the JVM's data directory should be in its tmpdir"

        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        # Its shutdown hook stops Neo4j and deletes the data: seconds when the machine is idle, over 10 s
        # once with the whole suite running on two workers. What matters is that it goes at all.
        deadline = time.monotonic() + 60
        while not _gone(jvm_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(jvm_pid), "the JVM outlived its SIGKILLed parent by 60 s"
        assert not [home for home in jvm_tmp.glob("neo4j-test-server-*") if home.is_dir()], \
            "the JVM's shutdown hook should delete its data directory"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if jvm_pid is not None and not _gone(jvm_pid):
            os.kill(jvm_pid, signal.SIGKILL)
