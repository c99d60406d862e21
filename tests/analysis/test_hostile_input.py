"""Hostile strings reach the database only as parameters: every named query and every analysis command
leaves the store unchanged and answers as for any other unknown value."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BACKENDS, StoreTarget, shared_store
from linkgraph.errors import UsageError
from linkgraph.named_queries import list_queries
from linkgraph.store.base import Store
from tests.analysis.test_links import TINY

HOSTILE = ["'", '"', "`", "}) DETACH DELETE n //", "' OR 1=1 //", "x" * 20_000, "a\x00b", "\u202eevil\u202c",
           "\u200fمحمد\u200e", "$visible", "C1') MATCH (n) DETACH DELETE n //"]
#: What the commands get (a NUL cannot travel in a command-line argument).
HOSTILE_ARGV = ["'", "`", "}) DETACH DELETE n //", "x" * 20_000, "\u202eevil\u202c", "C1') MATCH (n) DETACH DELETE n //"]


def _write_tiny(store: Store, target: StoreTarget) -> None:
    store.write(TINY)


@pytest.fixture(scope="module", params=BACKENDS)
def tiny_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with shared_store(request, tmp_path_factory, "hostile-tiny", _write_tiny) as shared:
        yield shared


@pytest.fixture
def tiny(tiny_store: object) -> StoreTarget:
    return tiny_store.ready()  # type: ignore[attr-defined]


def fingerprint(target: StoreTarget) -> list[str]:
    """Every node and relationship with its properties, sorted (audit events aside: reading is audited)."""
    with target.open(create=False) as store:
        nodes = store.read("MATCH (n) WHERE NOT n:AuditEvent RETURN labels(n)[0], properties(n)").rows
        rels = store.read("MATCH (a)-[r]->(b) RETURN a.key, type(r), properties(r), b.key").rows
    return sorted(repr([row[0], sorted(row[1].items())]) for row in nodes) + sorted(
        repr([row[0], row[1], sorted(row[2].items()), row[3]]) for row in rels)


def _value(kind: str, hostile: str) -> str:
    return {"int": "2", "bool": "true", "float": "0.5"}.get(kind, hostile)


@pytest.mark.parametrize("query", [q.name for q in list_queries()])
def test_every_named_query_takes_hostile_strings_as_plain_values(tiny: StoreTarget, query: str) -> None:
    before = fingerprint(tiny)
    named = next(q for q in list_queries() if q.name == query)
    with tiny.view() as view:
        for hostile in HOSTILE:
            params = {p.name: _value(p.type, hostile) for p in named.parameters}
            try:
                rows = view.query(query, params).records()
            except UsageError:
                continue
            if any(p.type == "str" for p in named.parameters):  # no entity, case or label has such a name
                assert rows == [], (query, hostile, rows)
    assert fingerprint(tiny) == before


COMMANDS = [
    ["links", "--case", "{}"], ["links", "--since", "{}"], ["search", "{}"], ["search", "{}", "--type", "Person"],
    ["path", "{}", "es:P1"], ["network", "es:P1", "{}"], ["rank", "--case", "{}"], ["communities", "--case", "{}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_analysis_command_takes_hostile_strings_as_plain_values(tiny: StoreTarget, command: list[str]) -> None:
    before = fingerprint(tiny)
    cli = str(Path(sys.executable).parent / "linkgraph")
    for hostile in HOSTILE_ARGV:
        args = [a.replace("{}", hostile) for a in command]
        done = subprocess.run([cli, "--store", tiny.uri, *args, "--format", "json"], capture_output=True,
                              text=True, timeout=300, env=tiny.run_env)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 2), (args[:3], done.stderr)
        if done.returncode == 0 and command[0] in ("links", "rank", "communities") and command[1] != "--since":
            assert json.loads(done.stdout) in ([], {"nodes": [], "relationships": [], "hits": []}), args[:3]
    assert fingerprint(tiny) == before
