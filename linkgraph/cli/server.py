"""``linkgraph server status|stop``: the embedded store's server, seen and stopped from the command line.

These commands control the server process and read no case data, so they do not open the view.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


def _store_directory(obj: Any) -> Path:
    """The embedded store directory named by ``obj.store_uri``; ``UsageError`` for a Neo4j URI."""
    from linkgraph.errors import UsageError
    from linkgraph.store import describe_store

    backend, location = describe_store(obj.store_uri)
    if backend != "falkordb":
        raise UsageError(f"`linkgraph server` controls the embedded store's server; {obj.store_uri} is a {backend} server")
    return Path(location)


def _size(n: float) -> str:
    """``n`` bytes in B, KiB, MiB or GiB."""
    unit = "B"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            break
        n /= 1024
    return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"


@click.group(name="server")
def server() -> None:
    """The embedded store's server: it stays up between commands and stops itself when idle."""


@server.command()
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON for scripts.")
@click.pass_obj
def status(obj: Any, as_json: bool) -> None:
    """Show whether the server runs, its pid, uptime, memory, clients, idle time left and data size."""
    from linkgraph.store.server import server_status

    report = server_status(_store_directory(obj))
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, sort_keys=True))
        return
    click.echo(f"store: {report.directory}")
    click.echo(f"data on disk: {_size(report.data_bytes)}; idle time: {report.idle_seconds:g} s")
    if not report.running:
        click.echo("server: not running (the next command starts it)")
        return
    click.echo(f"server: running, pid {report.pid}, up {report.uptime_seconds:,.0f} s, "
               f"memory {_size((report.rss_mib or 0) * 1024 * 1024)}")
    left = "" if report.idle_left_seconds is None else f"; stops in {report.idle_left_seconds:,.0f} s unless a client connects"
    click.echo(f"clients: {report.clients}{left}")

@server.command()
@click.option("--wait", default=30.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds to wait for connected clients (an ingest, a resolve) to finish.")
@click.pass_obj
def stop(obj: Any, wait: float) -> None:
    """Stop the server with everything on disk, once no command is connected to it."""
    from linkgraph.store.server import stop_server

    directory = _store_directory(obj)
    stopped = stop_server(directory, wait=wait)
    click.echo(f"server of {directory} stopped" if stopped else f"no server running for {directory}")
