"""``linkgraph server status|stop`` through the click group the CLI registers."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from click.testing import CliRunner

from linkgraph.cli.server import server
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import running_server


def invoke(store_dir: Path, *args: str):
    """Run ``server ARGS`` with ``ctx.obj.store_uri`` naming ``store_dir``."""
    return CliRunner().invoke(server, list(args), obj=SimpleNamespace(store_uri=str(store_dir)))


def test_status_json_says_a_stopped_server_is_not_running(store_dir: Path) -> None:
    EmbeddedStore(store_dir).close()
    result = invoke(store_dir, "status", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["running"] is False and report["data_bytes"] >= 0 and report["idle_seconds"] == 0


def test_status_then_stop_of_a_warm_server(store_dir: Path, monkeypatch) -> None:
    monkeypatch.setenv("LINKGRAPH_IDLE", "60")
    EmbeddedStore(store_dir).close()
    pid = running_server(store_dir)["pid"]
    status = invoke(store_dir, "status")
    assert status.exit_code == 0 and f"pid {pid}" in status.output and "clients: 0" in status.output
    stopped = invoke(store_dir, "stop", "--wait", "5")
    assert stopped.exit_code == 0 and "stopped" in stopped.output
    assert running_server(store_dir) is None
    assert "no server running" in invoke(store_dir, "stop").output
