"""The watchdog of an embedded store's server: stops it after the idle time, or at once when its directory goes.

Run as ``python -m linkgraph.store.watchdog DIRECTORY IDLE_SECONDS SERVER_JSON`` by
``linkgraph.store.server`` right after it starts a server. The process detaches itself (it forks, the
parent prints the child's pid and exits), so the client that started the server can exit or be killed
without taking the watchdog along.

Every ``POLL`` seconds it asks the server for its clients over the socket (``CLIENT LIST``, leaving out
its own and other named control connections). When no client has been connected for the idle time, it
takes the store's ``server_lock``, checks again (no process can join meanwhile) and stops the server with
SIGTERM, which makes redis write out its append-only file and exit. It stops the server at once when the
store directory is deleted or moved (its inode or device differ from those recorded at start), and exits
when the server is gone. Before an idle stop it compacts an append-only file whose log has grown
(``linkgraph.store.compaction``). Its state is in its connection's name (``linkgraph-watchdog:idle-since:<epoch>``),
where ``server_status`` reads it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis

POLL = 1.0


def _detach() -> None:
    """Fork; the parent prints the child's pid and exits, the child leaves the caller's stdio behind."""
    child = os.fork()
    if child:
        sys.stdout.write(f"{child}\n")
        sys.stdout.flush()
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def _directory_moved(directory: Path, info: dict[str, Any]) -> bool:
    """True when ``directory`` no longer is the directory the server was started in."""
    try:
        stat = directory.stat()
    except OSError:
        return True
    return (stat.st_ino, stat.st_dev) != (info.get("st_ino"), info.get("st_dev"))


def _busy(client: redis.Redis) -> bool | None:
    """Whether a store client is connected; None when the server cannot say right now (gone or stalled)."""
    import redis

    from linkgraph.store import server

    try:
        return bool(server.other_clients(client))
    except redis.BusyLoadingError:
        return True
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return None


def _set_state(client: redis.Redis, idle_since: float | None) -> None:
    """Show the watchdog's state in its connection name, where ``server_status`` reads it."""
    import redis

    from linkgraph.store import server

    name = server.WATCHDOG_NAME if idle_since is None else f"{server.WATCHDOG_NAME}:idle-since:{idle_since:.3f}"
    try:
        client.client_setname(name)
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        pass


def _compact(client: redis.Redis) -> None:
    """Compact a grown append-only file before the idle stop, so that the next cold start loads a snapshot.

    Done outside the store's lock: a client arriving meanwhile is served and keeps the server up."""
    import redis

    from linkgraph.errors import StoreError
    from linkgraph.store import compaction

    try:
        compaction.compact_if_grown(client)
    except (StoreError, redis.RedisError, OSError):
        pass  # the server still has its full log: a slower next start, nothing lost


def watch(directory: Path, info: dict[str, Any], idle: float) -> str:
    """Watch the server of ``directory`` described by ``info`` (its ``server.json``) until it is gone or
    stopped; return why the watch ended."""
    from linkgraph.store import server

    server_pid = int(info["pid"])
    client = server.admin_client(info["socket"], timeout=30, name=server.WATCHDOG_NAME)
    idle_since: float | None = None
    while True:
        time.sleep(POLL)
        if not server.pid_alive(server_pid):
            server.remove_socket_dir(info)
            return "server gone"
        if _directory_moved(directory, info):
            server.terminate(None, info)
            return "store directory moved or deleted"
        busy = _busy(client)
        if busy is None:
            continue  # gone (seen next round) or stalled: never stop a server that may be working
        if busy:
            if idle_since is not None:
                idle_since = None
                _set_state(client, None)
            continue
        if idle_since is None:
            idle_since = time.time()
            _set_state(client, idle_since)
        if time.time() - idle_since < idle:
            continue
        _compact(client)
        try:
            with server.server_lock(directory):
                if not _directory_moved(directory, info) and _busy(client) is False:
                    client.close()
                    server.terminate(directory, info)
                    return "idle"
        except OSError:
            pass  # the directory went between the check and the lock: seen at the top of the next round
        idle_since = None
        _set_state(client, None)


def main(argv: list[str]) -> int:
    """Entry point: ``DIRECTORY IDLE_SECONDS SERVER_JSON``; detach, then watch.

    The server's description comes on the command line, not from ``server.json``, which may be gone
    (the directory deleted) by the time the watchdog has imported what it needs."""
    directory, idle, info = Path(argv[0]), float(argv[1]), json.loads(argv[2])
    _detach()
    try:
        watch(directory, info, idle)
    except Exception:  # nothing to report to: the server is left to the next client's start or stop
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
