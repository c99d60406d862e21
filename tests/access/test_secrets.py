"""The Neo4j password is never printed, logged or written in audit records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import NEO4J_ONLY, StoreTarget

FIXTURES = Path(__file__).parent / "fixtures"


@NEO4J_ONLY
def test_the_password_appears_in_no_output_log_or_audit_record(target: StoreTarget, tmp_path: Path) -> None:
    password = target.env["LINKGRAPH_NEO4J_PASSWORD"]
    secret_file = tmp_path / "secret"
    secret_file.write_text(password + "\n")
    env = {**target.run_env, "LINKGRAPH_AUDIT": str(tmp_path / "audit.jsonl")}
    del env["LINKGRAPH_NEO4J_PASSWORD"]
    env["LINKGRAPH_NEO4J_PASSWORD_FILE"] = str(secret_file)
    cli = str(Path(sys.executable).parent / "linkgraph")
    outputs = []
    for args in (["ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml")],
                 ["status", "--json"], ["query", "provenance", "-p", "key=passport|NGA|NG1234567"],
                 ["cypher", "MATCH (n) RETURN count(n)"], ["audit", "verify"],
                 ["cypher", "CREATE (n:Person {key: 'x'})"]):
        done = subprocess.run([cli, "--store", target.uri, *args], capture_output=True, text=True, timeout=300, env=env)
        outputs.append(done.stdout + done.stderr)
    assert "ES-2024-117" in outputs[2], "the commands ran against the server"
    written = [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p != secret_file]
    state = Path(env.get("XDG_STATE_HOME", tmp_path))
    written += [p.read_text(errors="replace") for p in state.rglob("*") if p.is_file()]
    assert not [text for text in outputs + written if password in text]
    bad = subprocess.run([cli, "--store", target.uri.replace("://", f"://neo4j:{password}@"), "status"],
                         capture_output=True, text=True, timeout=120, env=env)
    assert bad.returncode != 0 and password not in bad.stdout + bad.stderr
