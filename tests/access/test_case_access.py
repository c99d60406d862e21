"""Who may see a case is set when it is first ingested and changed only by an administrator's command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import StoreTarget

FIXTURES = Path(__file__).parent / "fixtures"


def cli(target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", target.uri, *args],
                          capture_output=True, text=True, timeout=120, env=target.run_env)


def handling(target: StoreTarget) -> list:
    done = cli(target, "cypher", "MATCH (c:Case) RETURN c.key AS k, c.handling_code AS h, c.operation AS o",
               "--format", "json")
    return json.loads(done.stdout)


def test_reingesting_a_case_with_another_handling_code_changes_nothing(target: StoreTarget, tmp_path: Path) -> None:
    cli(target, "ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml"))
    relaxed = tmp_path / "operation_a.csv"
    relaxed.write_text((FIXTURES / "operation_a.csv").read_text().replace(",H2,", ",H0,").replace("OP-MARE", "OP-X"))
    done = cli(target, "ingest", str(relaxed), "--mapping", str(FIXTURES / "cases.yaml"))
    assert done.returncode == 0, done.stderr
    assert handling(target) == [{"k": "ES-2024-117", "h": "H2", "o": "OP-MARE"}]


def test_an_administrator_changes_the_handling_code_and_the_audit_log_says_so(target: StoreTarget) -> None:
    cli(target, "ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml"))
    done = cli(target, "case", "set-access", "ES-2024-117", "--handling", "H3")
    assert done.stdout.strip() == "case ES-2024-117: handling_code H3"
    assert handling(target) == [{"k": "ES-2024-117", "h": "H3", "o": "OP-MARE"}]
    last = json.loads(target.audit_path.read_text().splitlines()[-2])
    assert (last["command"], last["cases"], last["params"]["handling_code"]) == ("case set-access", ["ES-2024-117"], "H3")


def test_setting_access_on_an_unknown_case_fails_in_one_line(target: StoreTarget) -> None:
    cli(target, "init")
    done = cli(target, "case", "set-access", "XX-1", "--handling", "H1")
    assert done.returncode == 1 and done.stderr.strip() == "Error: no case 'XX-1'"
