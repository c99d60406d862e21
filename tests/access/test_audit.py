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
from conftest import StoreTarget


def cli(target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", target.uri, *args],
                          capture_output=True, text=True, timeout=120, env=target.run_env)


def fill(target: StoreTarget, commands: int = 4) -> Path:
    """Run ``commands`` reading commands and return the audit file."""
    cli(target, "init")
    for _ in range(commands - 1):
        cli(target, "status")
    return target.audit_path


def test_every_command_appends_one_chained_record_and_the_log_verifies(target: StoreTarget) -> None:
    path = fill(target, 4)
    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["seq"] for r in records] == [1, 2, 3, 4]
    assert [r["command"] for r in records] == ["init", "status", "status", "status"]
    assert all(b["prev"] == a["hash"] for a, b in zip(records, records[1:]))
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    done = cli(target, "audit", "verify")
    assert done.returncode == 0 and "4 records, intact" in done.stdout  # verify checks the log before its own record


def test_an_edited_record_is_named(target: StoreTarget) -> None:
    path = fill(target)
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"status"', '"stotus"')
    path.write_text("\n".join(lines) + "\n")
    done = cli(target, "audit", "verify")
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: {path}:2: record 2 was edited (its hash does not match)"


def test_a_removed_record_is_named(target: StoreTarget) -> None:
    path = fill(target)
    lines = path.read_text().splitlines()
    del lines[1]
    path.write_text("\n".join(lines) + "\n")
    done = cli(target, "audit", "verify")
    assert done.returncode == 1 and f"{path}:2: record 2 does not follow record 1" in done.stderr


def test_swapped_records_are_named(target: StoreTarget) -> None:
    path = fill(target)
    lines = path.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    path.write_text("\n".join(lines) + "\n")
    done = cli(target, "audit", "verify")
    assert done.returncode == 1 and f"{path}:2: record 2 does not follow record 1" in done.stderr


def test_records_removed_from_the_end_are_caught_against_the_stores_head(target: StoreTarget) -> None:
    path = fill(target)
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-2]) + "\n")
    with target.open() as store:
        with pytest.raises(AuditBroken, match="records were removed from the end"):
            AuditLog(store).verify()


def test_a_failed_command_is_audited_as_failed(target: StoreTarget) -> None:
    cli(target, "init")
    cli(target, "query", "provenance")  # missing parameter: a usage error after the store opened
    last = json.loads(target.audit_path.read_text().splitlines()[-1])
    assert (last["command"], last["result"], last["error"]) == ("query", "failed", "UsageError")


def test_a_library_caller_is_audited_through_the_view(target: StoreTarget) -> None:
    with target.open() as store:
        with View(store, Principal("script", "script"), "library-call") as view:
            view.visible_cases()
        [record] = AuditLog(store).records()
    assert (record["principal"], record["command"], record["result"]) == ("script", "library-call", "ok")
