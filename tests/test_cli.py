"""The command line as a user runs it: a real subprocess, its output and its exit code."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from conftest import EMBEDDED_ONLY, StoreTarget

FIXTURES = Path(__file__).parent / "ingest" / "fixtures"


def run(python: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "linkgraph", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def on(target: StoreTarget, python: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``linkgraph --store <target> ARGS`` with the target's credentials in the environment."""
    return run(python, "--store", target.uri, *args, env=target.env)


def test_init_then_status_json_reports_the_empty_store(python: str, target: StoreTarget) -> None:
    assert on(target, python, "init").returncode == 0
    done = on(target, python, "status", "--json")
    report = json.loads(done.stdout)
    assert done.returncode == 0
    assert (report["backend"], report["location"]) == ({"embedded": "falkordb"}.get(target.backend, target.backend), target.uri)
    assert report["nodes"]["Person"] == 0 and report["cases"] == 0
    assert report["access"] == "single-user" and report["policy"] is None


def test_ingest_with_rejected_rows_exits_3_and_status_counts_what_was_stored(python: str, target: StoreTarget, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    done = on(target, python, "ingest", str(FIXTURES / "persons.csv"),
               "--mapping", str(FIXTURES / "persons.yaml"), "--rejects", str(rejects))
    assert done.returncode == 3
    assert "5 rows read" in done.stdout and "2 rejected, 1 bad value kept raw or dropped" in done.stdout
    assert str(rejects) in done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(on(target, python, "status", "--json", "--cases").stdout)
    assert report["nodes"]["Person"] == 3  # the row with an impossible birth date is stored, its date kept raw
    assert (report["cases"], report["case_list"]) == (1, ["ES-2024-117"])


def test_cypher_refuses_a_write_with_a_clear_message(python: str, target: StoreTarget) -> None:
    on(target, python, "init")
    done = on(target, python, "cypher", "CREATE (n:Person {key: 'x'})")
    assert done.returncode == 1
    assert "only reads" in done.stderr and "Traceback" not in done.stderr
    count = on(target, python, "cypher", "MATCH (n:Person) RETURN count(n) AS n", "--format", "json")
    assert json.loads(count.stdout) == [{"n": 0}]


@EMBEDDED_ONLY  # on Neo4j: covered by test_contract (parameters) and test_named_query_lists_and_runs
def test_cypher_takes_values_as_parameters(python: str, target: StoreTarget, tmp_path: Path) -> None:
    on(target, python, "ingest", str(FIXTURES / "persons.csv"), "--mapping",
        str(FIXTURES / "persons.yaml"), "--rejects", str(tmp_path / "r.csv"))
    done = on(target, python, "cypher", "MATCH (p:Person {key: $k}) RETURN p.name AS name",
               "-p", "k=es-test:P2", "--format", "csv")
    assert done.stdout.splitlines() == ["name", "OKAFOR Blessing"]


def test_named_query_lists_and_runs(python: str, target: StoreTarget, tmp_path: Path) -> None:
    listing = run(python, "query", "--list")
    assert "provenance -p key=<str>" in listing.stdout
    on(target, python, "ingest", str(FIXTURES / "persons.csv"), "--mapping",
        str(FIXTURES / "persons.yaml"), "--rejects", str(tmp_path / "r.csv"))
    done = on(target, python, "query", "provenance", "-p", "key=+34612345678", "--format", "json")
    rows = json.loads(done.stdout)
    assert [(r["source"], r["line"], r["case_id"]) for r in rows] == [("es-test", "2", "ES-2024-117")]


def test_unknown_store_scheme_is_a_usage_error(python: str) -> None:
    done = run(python, "--store", "redis://localhost:6379", "status")
    assert done.returncode == 2
    assert "unknown store scheme 'redis'" in done.stderr


def test_unreachable_neo4j_names_the_uri_but_never_the_password(python: str) -> None:
    done = run(python, "--store", "bolt://127.0.0.1:1", "status",
               env={"LINKGRAPH_NEO4J_USER": "analyst", "LINKGRAPH_NEO4J_PASSWORD": "s3cret-pw"})
    assert done.returncode == 1
    assert "bolt://127.0.0.1:1" in done.stderr
    assert "s3cret-pw" not in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_a_directory_that_is_not_a_store_is_refused(python: str, tmp_path: Path) -> None:
    (tmp_path / "thesis.txt").write_text("x")
    done = run(python, "--store", str(tmp_path), "status")
    assert done.returncode == 1
    assert "is not a linkgraph store" in done.stderr


def test_status_on_a_missing_store_says_to_init(python: str, tmp_path: Path) -> None:
    done = run(python, "--store", str(tmp_path / "nothing"), "status")
    assert done.returncode == 1
    assert "linkgraph --store" in done.stderr and "init" in done.stderr


@EMBEDDED_ONLY  # on Neo4j: covered by test_service's scenario ingest on Neo4j
def test_ingest_a_generated_manifest_rejects_exactly_the_planted_bad_rows(python: str, target: StoreTarget, tmp_path: Path) -> None:
    import csv

    assert run(python, "generate", "--cases", "30", "--seed", "3", "-o", str(tmp_path / "scenario")).returncode == 0
    done = on(target, python, "ingest", "--manifest", str(tmp_path / "scenario" / "manifest.json"),
               "--rejects", str(tmp_path))
    assert done.returncode == 3, done.stderr
    planted = {(r["file"], r["line_or_record"]) for r in csv.DictReader(open(tmp_path / "scenario" / "truth" / "bad_rows.csv"))}
    rejected = set()
    for path in tmp_path.glob("rejects-*.csv"):
        for row in csv.DictReader(open(path, encoding="utf-8")):
            rejected.add((str(Path(row["file"]).relative_to(tmp_path / "scenario")), row["line"]))
    # every planted bad row is rejected; rows naming a person whose own row was rejected are rejected too
    assert planted <= rejected
    extra = rejected - planted
    assert all(line.split(":")[0] in ("documents", "phones", "case_persons") for _, line in extra)


def test_mapping_check_runs_sample_rows_through_every_template_map_and_normaliser(python: str, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("""source: t
reader: {format: csv}
entities:
  person:
    type: Person
    id: {template: "X-{:ID}"}
    properties:
      birth_date: {column: dob, normalise: date}
      status: {column: s, map: {aperto: open}}
""")
    sample = tmp_path / "s.csv"
    sample.write_text(":ID,dob,s\n1,1990,aperto\n2,31/02/1990,sospeso\n,,\n")
    done = run(python, "mapping", "check", str(mapping), str(sample))
    assert done.returncode == 3, done.stderr
    assert "3 rows tried, 2 entities" in done.stdout and "0 rows would be rejected" in done.stdout
    assert "2 bad values kept raw or dropped, 1 blank rows" in done.stdout
    assert "line 3: dob: no such day: there is no 31st of February in 1990" in done.stdout
    assert "line 3: s: 'sospeso' is not in the value map" in done.stdout
    mapping.write_text(mapping.read_text().replace('"X-{:ID}"', '"X-{:ID"'))
    done = run(python, "mapping", "check", str(mapping), str(sample))
    assert done.returncode == 2 and "is not closed" in done.stderr and "Traceback" not in done.stderr
