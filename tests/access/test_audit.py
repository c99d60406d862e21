"""The audit log: one hash-chained record per command; `audit verify` names the first bad record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from linkgraph.access.audit import AuditLog
from linkgraph.access.view import Principal, View
from linkgraph.errors import AuditBroken
from linkgraph.store.embedded import EmbeddedStore


def cli(store_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", str(store_dir), *args],
                          capture_output=True, text=True, timeout=120)


def fill(store_dir: Path, commands: int = 4) -> Path:
    """Run ``commands`` reading commands and return the audit file."""
    cli(store_dir, "init")
    for _ in range(commands - 1):
        cli(store_dir, "status")
    return store_dir / "audit.jsonl"


def test_every_command_appends_one_chained_record_and_the_log_verifies(store_dir: Path) -> None:
    path = fill(store_dir, 4)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["seq"] for r in records] == [1, 2, 3, 4]
    assert [r["command"] for r in records] == ["init", "status", "status", "status"]
    assert all(b["prev"] == a["hash"] for a, b in zip(records, records[1:]))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    done = cli(store_dir, "audit", "verify")
    assert done.returncode == 0 and "4 records, intact" in done.stdout  # verify checks the log before its own record


def test_an_edited_record_is_named(store_dir: Path) -> None:
    path = fill(store_dir)
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"status"', '"stotus"')
    path.write_text("\n".join(lines) + "\n")
    done = cli(store_dir, "audit", "verify")
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: {path}:2: record 2 was edited (its hash does not match)"


def test_a_removed_record_is_named(store_dir: Path) -> None:
    path = fill(store_dir)
    lines = path.read_text().splitlines()
    del lines[1]
    path.write_text("\n".join(lines) + "\n")
    done = cli(store_dir, "audit", "verify")
    assert done.returncode == 1 and f"{path}:2: record 2 does not follow record 1" in done.stderr


def test_swapped_records_are_named(store_dir: Path) -> None:
    path = fill(store_dir)
    lines = path.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text("\n".join(lines) + "\n")
    done = cli(store_dir, "audit", "verify")
    assert done.returncode == 1 and f"{path}:2: record 2 does not follow record 1" in done.stderr


def test_records_removed_from_the_end_are_caught_against_the_stores_head(store_dir: Path) -> None:
    path = fill(store_dir)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n")
    with EmbeddedStore(store_dir) as store:
        with pytest.raises(AuditBroken, match="records were removed from the end"):
            AuditLog(store).verify()


def test_a_failed_command_is_audited_as_failed(store_dir: Path) -> None:
    cli(store_dir, "init")
    cli(store_dir, "query", "provenance")  # missing parameter: a usage error after the store opened
    last = json.loads((store_dir / "audit.jsonl").read_text().splitlines()[-1])
    assert (last["command"], last["result"], last["error"]) == ("query", "failed", "UsageError")


def test_a_library_caller_is_audited_through_the_view(store_dir: Path) -> None:
    with EmbeddedStore(store_dir) as store:
        with View(store, Principal("script", "script"), "library-call") as view:
            view.visible_cases()
        [record] = AuditLog(store).records()
    assert (record["principal"], record["command"], record["result"]) == ("script", "library-call", "ok")
