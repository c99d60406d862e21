"""Need-to-know across two operations: user A learns nothing that only operation B holds, for every
command and every named query, and is told where B holds a match (hit/no-hit)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from linkgraph.access.view import login_name
from linkgraph.cli import cli
from linkgraph.named_queries import list_queries
from linkgraph.resolve.service import pair_id
from linkgraph.store.base import Store
from conftest import BACKENDS, SharedStore, StoreTarget, shared_store
from two_operations import B_ONLY, FIXTURES, SHARED_PASSPORT, SHARED_PHONE, ingest_operations, same_as

SLTD_SAMPLE = Path(__file__).parent.parent.parent / "mappings" / "samples" / "sltd-sample.csv"

POLICY = """\
users:
  {admin}: {{all: true, admin: true}}
  ana: {{countries: [ESP], operations: [OP-MARE], handling_max: H2, export: true}}
  bo: {{countries: [NGA], handling_max: H2}}
"""


def build_two_operations(store: Store, target: StoreTarget) -> None:
    """Operation A (ESP) and B (NGA) sharing a passport, a phone and one resolved person."""
    from linkgraph.access.view import Principal, View
    from linkgraph.detect.run import detect

    ingest_operations(store, target.home)
    same_as(store, "ops:A3", "ops:B3", "accepted", 0.99, "date of birth: same full date, +10.6")
    same_as(store, "ops:B1", "ops:B2", "candidate", 0.95, "Zebulon evidence")
    detect(View(store, Principal("night-job", "night-job"), "detect"))  # alerts across both operations
    target.write_policy(POLICY.format(admin=json.dumps(login_name())))


@pytest.fixture(scope="module", params=BACKENDS)
def two_operations_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedStore]:
    """The two-operation store of each backend, built once per module (again on Neo4j if emptied)."""
    with shared_store(request, tmp_path_factory, "ops", build_two_operations) as shared:
        yield shared


@pytest.fixture
def two_operations(two_operations_store: SharedStore) -> StoreTarget:
    return two_operations_store.ready()


def _cli() -> str:
    return str(Path(sys.executable).parent / "linkgraph")


def run(target: StoreTarget, *args: str, user: str | None = "ana", policy: Path | None = None) -> subprocess.CompletedProcess:
    """``linkgraph`` as the test's login, acting ``--as user`` (the login administers the policy)."""
    options = (["--as", user] if user else []) + (["--policy", str(policy)] if policy else [])
    return subprocess.run([_cli(), "--store", target.uri, *options, *args], capture_output=True, text=True,
                          timeout=300, env=target.run_env)


def _leaves(group: click.Group, prefix: tuple[str, ...] = ()) -> list[str]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            if getattr(command, "invoke_without_command", False):
                found.append(" ".join((*prefix, name)))
            found += _leaves(command, (*prefix, name))
        else:
            found.append(" ".join((*prefix, name)))
    return found


#: How each command is tried as user A, or why it does not read the store. A command missing here
#: fails the test: a new command must say how it goes through the door.
COMMANDS: dict[str, list[str] | str] = {
    "alerts ack": ["alerts", "ack", "0123456789ab"],
    "alerts list": ["alerts", "list", "--format", "json"],
    "alerts show": ["alerts", "show", "0123456789ab"],
    "audit": ["audit"],
    "audit verify": ["audit", "verify"],
    "case set-access": ["case", "set-access", "NG-2025-031", "--handling", "H0"],
    "cypher": ["cypher", "MATCH (p:Person) RETURN p.name"],
    "demo": "builds its own store in a new folder; reads no existing store",
    "detect": ["detect"],
    # {out} is a fresh folder per test; every file the command writes there is read too.
    "export": ["export", "--format", "json", "--redact", "none", "-o", "{out}/export.json"],
    "generate": "writes generated files; reads no store",
    "ingest": ["ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml")],
    "init": ["init"],
    "communities": ["communities", "--format", "json"],
    "links": ["links", "--format", "json"],
    "network": ["network", "ops:A1", "ops:A2", "ops:A3", "--format", "json"],
    "path": ["path", "ops:A1", SHARED_PHONE, "--all"],
    "rank": ["rank", "--measure", "betweenness"],
    "search": ["search", "Chidi Eze"],
    "mapping check": "reads a mapping and a sample file; no store",
    "policy check": "reads a policy file; no store",
    "query": ["query", "--list"],
    "report": ["report", "--case", "ES-2024-117", "--redact", "none", "--hops", "2", "-o", "{out}/report.html"],
    "resolve": ["resolve"],
    "review list": ["review", "list", "--status", "all", "--limit", "100"],
    "review accept": ["review", "accept", pair_id("ops:B1", "ops:B2")],
    "review reject": ["review", "reject", pair_id("ops:A3", "ops:B3")],
    "server status": "controls the embedded server process; shows no case data",
    "server stop": "controls the embedded server process; shows no case data",
    "status": ["status", "--json", "--cases"],
    "watchlist list": ["watchlist", "list", "--format", "json"],
    "watchlist load": ["watchlist", "load", str(SLTD_SAMPLE), "--kind", "documents", "--mapping", "sltd-csv"],
}
QUERY_PARAMS: dict[str, list[str]] = {
    "case_entities": ["-p", "case_id=ES-2024-117"],
    "co_residence": ["-p", "min_residents=1"],
    "co_travellers": ["-p", "key=ops:A1", "-p", "window=400"],
    "contact_pairs": [],
    "counts_by_label": [],
    "cross_case_entities": ["-p", "label=Document", "-p", "min_cases=1"],
    "document_sharing": [],
    "entity_profile": ["-p", f"key={SHARED_PASSPORT}"],
    "international_cases": [],
    "neighbourhood": ["-p", "key=ops:A1", "-p", "hops=3", "-p", "same_as=true"],
    "person_timeline": ["-p", "key=ops:A3"],
    "phone_hubs": ["-p", "min_cases=1"],
    "role_switch": [],
    "route_corridors": [],
    "shared_between_cases": ["-p", "case_a=ES-2024-117", "-p", "case_b=NG-2025-031"],
    "victims_by_suspect": ["-p", "key=ops:A1"],
    "provenance": ["-p", f"key={SHARED_PASSPORT}"],
    "relationship_provenance": ["-p", f"key={SHARED_PASSPORT}"],
}


def assert_nothing_of_b(done: subprocess.CompletedProcess) -> None:
    text = done.stdout + done.stderr
    leaked = [secret for secret in B_ONLY if secret in text]
    assert leaked == [], f"leaked {leaked} in:\n{text}"
    assert "Traceback" not in text


def test_every_command_says_how_it_goes_through_the_door() -> None:
    assert sorted(_leaves(cli)) == sorted(COMMANDS)
    assert sorted(q.name for q in list_queries()) == sorted(QUERY_PARAMS)


@pytest.mark.parametrize("command", sorted(c for c, how in COMMANDS.items() if isinstance(how, list)))
def test_user_a_learns_nothing_only_operation_b_holds(two_operations: StoreTarget, command: str, tmp_path: Path) -> None:
    args = [arg.replace("{out}", str(tmp_path)) for arg in COMMANDS[command]]
    done = run(two_operations, *args)
    assert_nothing_of_b(done)
    if any("{out}" in arg for arg in COMMANDS[command]):
        assert done.returncode == 0, done.stderr
        assert_no_file_holds_b(tmp_path)


def assert_no_file_holds_b(folder: Path) -> None:
    """Nothing only operation B holds is in any file written under ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing was written to {folder}"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [secret for secret in B_ONLY if secret in text]
        assert leaked == [], f"leaked {leaked} in {path}"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv", "anb", "ftm", "neo4j-admin"])
def test_no_export_format_gives_user_a_what_only_operation_b_holds(two_operations: StoreTarget, fmt: str, tmp_path: Path) -> None:
    done = run(two_operations, "export", "--format", fmt, "--redact", "none", "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert_nothing_of_b(done)
    assert_no_file_holds_b(tmp_path)


def test_a_report_of_user_a_marks_what_operation_b_shares_and_names_none_of_it(two_operations: StoreTarget,
                                                                               tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    done = run(two_operations, "report", "--entity", SHARED_PASSPORT, "--hops", "3", "-o", str(out))
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert [s for s in B_ONLY if s in text] == []
    assert "restricted match: document passport|NGA|NG1234567 also appears in a case owned by NGA" in text


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
# Every format on the embedded store; on Neo4j one: the store runs the same query whatever the output format.
@pytest.mark.parametrize(("two_operations_store", "fmt"),
                         [("embedded", "table"), ("embedded", "json"), ("embedded", "csv"), ("neo4j", "table")],
                         indirect=["two_operations_store"])
def test_no_named_query_shows_user_a_what_only_operation_b_holds(two_operations: StoreTarget, name: str, fmt: str) -> None:
    done = run(two_operations, "query", name, *QUERY_PARAMS[name], "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert_nothing_of_b(done)


def test_the_admin_sees_operation_b_through_the_same_queries(two_operations: StoreTarget) -> None:
    done = run(two_operations, "query", "provenance", "-p", f"key={SHARED_PASSPORT}", "--format", "json", user=None)
    cases = sorted({row["case_id"] for row in json.loads(done.stdout)})
    assert cases == ["ES-2024-117", "NG-2025-031"]


def test_a_shared_passport_shows_user_a_a_hit_marker_with_owner_and_handling_only(two_operations: StoreTarget) -> None:
    done = run(two_operations, "query", "provenance", "-p", f"key={SHARED_PASSPORT}", "--format", "json")
    rows = json.loads(done.stdout)
    assert {row["case_id"] for row in rows} == {"ES-2024-117"}
    assert done.stderr.strip().splitlines() == [
        f"restricted match: document {SHARED_PASSPORT} also appears in a case owned by NGA (handling H2); ask the owner"]


def test_a_case_of_user_a_shows_markers_for_the_shared_passport_phone_and_resolved_person(two_operations: StoreTarget) -> None:
    done = run(two_operations, "query", "case_entities", "-p", "case_id=ES-2024-117")
    markers = [line for line in done.stdout.splitlines() if line.startswith("restricted match")]
    assert markers == [
        f"restricted match: document {SHARED_PASSPORT} also appears in a case owned by NGA (handling H2); ask the owner",
        "restricted match: person ops:A3 also appears in a case owned by NGA (handling H2); ask the owner",
        f"restricted match: phone {SHARED_PHONE} also appears in a case owned by NGA (handling H2); ask the owner",
    ]


def test_review_list_shows_user_a_a_person_marker_but_no_link_into_operation_b(two_operations: StoreTarget) -> None:
    done = run(two_operations, "review", "list", "--status", "all")
    assert done.stdout.splitlines() == [
        "restricted match: person ops:A3 also appears in a case owned by NGA (handling H2); ask the owner",
        "nothing to review"]


def test_review_list_shows_user_b_the_marker_of_a_person_on_the_other_end_of_the_link(two_operations: StoreTarget) -> None:
    # the link runs from ops:A3 (operation A) to ops:B3: bo sees its end node, not its start
    done = run(two_operations, "review", "list", "--status", "all", user="bo")
    markers = [line for line in done.stdout.splitlines() if line.startswith("restricted match")]
    assert done.returncode == 0, done.stderr
    assert markers == ["restricted match: person ops:B3 also appears in a case owned by ESP (handling H2); ask the owner"]
    assert "ops:A3" not in done.stdout


def test_a_case_user_a_may_not_see_looks_like_a_case_that_does_not_exist(two_operations: StoreTarget) -> None:
    hidden = run(two_operations, "query", "case_entities", "-p", "case_id=NG-2025-031", "--format", "json")
    missing = run(two_operations, "query", "case_entities", "-p", "case_id=XX-0000-000", "--format", "json")
    assert (hidden.returncode, hidden.stdout, hidden.stderr) == (missing.returncode, missing.stdout, missing.stderr)


def test_status_counts_only_what_user_a_may_see(two_operations: StoreTarget) -> None:
    report = json.loads(run(two_operations, "status", "--json", "--cases").stdout)
    assert (report["cases"], report["case_list"], report["countries"]) == (1, ["ES-2024-117"], {"ESP": 1})
    assert report["nodes"]["Person"] == 3 and report["nodes"]["Document"] == 1 and report["nodes"]["Phone"] == 1
    assert report["access"] == "policy" and report["principal"] == "ana"


def test_user_b_sees_operation_b_and_a_marker_towards_a(two_operations: StoreTarget) -> None:
    done = run(two_operations, "query", "provenance", "-p", f"key={SHARED_PASSPORT}", "--format", "json", user="bo")
    assert {row["case_id"] for row in json.loads(done.stdout)} == {"NG-2025-031"}
    assert "owned by ESP (handling H2)" in done.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["cypher", "MATCH (n) RETURN count(n)"], "raw Cypher is not allowed for ana"),
    (["resolve"], "ana may not run this"),
    (["detect"], "ana may not run this"),
    (["ingest", str(FIXTURES / "operation_a.csv"), "--mapping", str(FIXTURES / "cases.yaml")], "ana may not ingest"),
    (["watchlist", "load", str(SLTD_SAMPLE), "--kind", "documents", "--mapping", "sltd-csv"], "ana may not ingest"),
    (["audit"], "only an administrator"),
    (["init"], "only an administrator"),
    (["case", "set-access", "ES-2024-117", "--handling", "H0"], "only an administrator"),
    (["review", "reject", pair_id("ops:A3", "ops:B3")], "no SAME_AS link with id"),
])
def test_what_user_a_may_not_do_is_refused_in_one_line(two_operations: StoreTarget, args: list[str], message: str) -> None:
    done = run(two_operations, *args)
    assert done.returncode != 0
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_as_is_refused_to_a_login_that_is_not_an_administrator(two_operations: StoreTarget, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"users:\n  {json.dumps(login_name())}: {{countries: [ESP]}}\n  bo: {{countries: [NGA]}}\n")
    done = run(two_operations, "status", user="bo", policy=policy)
    assert done.returncode == 1
    assert done.stderr.strip() == (f"Error: --as bo: only a login the policy marks admin may act as another user "
                                   f"(you are {login_name()}; policy {policy})")


def test_a_login_missing_from_the_policy_is_refused_and_setting_user_does_not_help(
        two_operations: StoreTarget, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("users:\n  mallory: {all: true, admin: true}\n")
    env = {**two_operations.run_env, "USER": "mallory", "LOGNAME": "mallory"}
    done = subprocess.run([_cli(), "--store", two_operations.uri, "--policy", str(policy), "status"],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1 and f"user {login_name()} is not in the policy" in done.stderr


def test_every_command_of_user_a_is_in_the_audit_log_with_what_it_showed(two_operations: StoreTarget) -> None:
    run(two_operations, "query", "provenance", "-p", f"key={SHARED_PASSPORT}")
    records = json.loads(run(two_operations, "audit", "--format", "json", "--user", "ana", user=None).stdout)
    last = [r for r in records if r["command"] == "query"][-1]
    assert (last["principal"], last["login"], last["hits"], last["rows"]) == ("ana", login_name(), 1, 1)
    assert last["params"] == {"query": "provenance", "key": SHARED_PASSPORT}
    assert run(two_operations, "audit", "verify", user=None).returncode == 0
