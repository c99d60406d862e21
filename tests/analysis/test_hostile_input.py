"""Hostile strings reach the database only as parameters: every named query and every analysis command
leaves the store unchanged and answers as for any other unknown value."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkgraph.access.view import open_view
from linkgraph.errors import UsageError
from linkgraph.named_queries import list_queries
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server
from tests.analysis.test_links import TINY

HOSTILE = ["'", '"', "`", "}) DETACH DELETE n //", "' OR 1=1 //", "x" * 20_000, "a\x00b", "\u202eevil\u202c",
           "\u200fمحمد\u200e", "$visible", "C1') MATCH (n) DETACH DELETE n //"]
#: What the commands get (a NUL cannot travel in a command-line argument).
HOSTILE_ARGV = ["'", "`", "}) DETACH DELETE n //", "x" * 20_000, "\u202eevil\u202c", "C1') MATCH (n) DETACH DELETE n //"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    store_dir = tmp_path_factory.mktemp("hostile") / "store"
    with EmbeddedStore(store_dir) as store:
        store.init_schema()
        store.write(TINY)
    yield store_dir
    kill_server(store_dir)


def fingerprint(store_dir: Path) -> list[list[object]]:
    """Every node and relationship with its properties (audit events aside: reading is audited)."""
    with EmbeddedStore(store_dir, create=False) as store:
        nodes = store.read("MATCH (n) WHERE NOT n:AuditEvent RETURN labels(n)[0], properties(n) ORDER BY id(n)").rows
        rels = store.read("MATCH (a)-[r]->(b) RETURN id(a), type(r), properties(r), id(b) ORDER BY id(r)").rows
    return nodes + rels


def _value(kind: str, hostile: str) -> str:
    return {"int": "2", "bool": "true", "float": "0.5"}.get(kind, hostile)


@pytest.mark.parametrize("query", [q.name for q in list_queries()])
def test_every_named_query_takes_hostile_strings_as_plain_values(tiny: Path, query: str) -> None:
    before = fingerprint(tiny)
    named = next(q for q in list_queries() if q.name == query)
    with open_view(str(tiny), command="test") as view:
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
def test_every_analysis_command_takes_hostile_strings_as_plain_values(tiny: Path, command: list[str]) -> None:
    before = fingerprint(tiny)
    cli = str(Path(sys.executable).parent / "linkgraph")
    for hostile in HOSTILE_ARGV:
        args = [a.replace("{}", hostile) for a in command]
        done = subprocess.run([cli, "--store", str(tiny), *args, "--format", "json"], capture_output=True,
                              text=True, timeout=300)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode in (0, 2), (args[:3], done.stderr)
        if done.returncode == 0 and command[0] in ("links", "rank", "communities") and command[1] != "--since":
            assert json.loads(done.stdout) in ([], {"nodes": [], "relationships": [], "hits": []}), args[:3]
    assert fingerprint(tiny) == before
