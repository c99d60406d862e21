"""Shared fixtures: real stores only, on both backends.

Every test that touches a store asks for ``target`` (or ``store``, opened from it) and so runs
twice: on the embedded FalkorDB store and on Neo4j. The Neo4j side uses the server named by
``LINKGRAPH_TEST_NEO4J_URI`` (+ ``_USER``/``_PASSWORD``/``_DATABASE``) when set; otherwise it
builds and starts one throwaway Neo4j Community server for the whole session
(``tests/neo4j_server.py``), lazily, when the first Neo4j test runs. It skips, with the reason,
only when there is neither a server nor Java 17+ and Maven. Tests own that database: it is
emptied before each test.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from linkgraph.store import Store
from linkgraph.store.server import kill_server

# Servers stop when their last client closes, as before the idle time existed; the lifecycle tests
# (tests/store/test_server_lifecycle.py) set their own idle time.
os.environ["LINKGRAPH_IDLE"] = "0"

sys.path.insert(0, str(Path(__file__).parent))  # tests/neo4j_server.py, stdlib only
sys.path.insert(0, str(Path(__file__).parent / "hostile"))  # tests/hostile/hostile_support.py

from neo4j_server import Neo4jTestServer, build_launcher, find_tools  # noqa: E402

BACKENDS = ["embedded", "neo4j"]

#: For the slowest modules' tests whose store work another Neo4j test already covers (the suite must
#: stay near 10 minutes on 2 shared cores): run on the embedded store only. Not a skip: the Neo4j case
#: is simply not generated. Listed in the README.
EMBEDDED_ONLY = pytest.mark.parametrize("target", ["embedded"], indirect=True)
#: For tests of what only Neo4j has.
NEO4J_ONLY = pytest.mark.parametrize("target", ["neo4j"], indirect=True)


@pytest.fixture(scope="session")
def neo4j_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """``LINKGRAPH_NEO4J_*`` variables (as the CLI reads them) of the session's Neo4j database.

    An existing server when ``LINKGRAPH_TEST_NEO4J_URI`` is set, else one started here (built on
    first use; Maven keeps its downloads in ~/.m2); skips only without a server and without tools.
    """
    uri = os.environ.get("LINKGRAPH_TEST_NEO4J_URI")
    if uri:
        return {"uri": uri, "LINKGRAPH_NEO4J_USER": os.environ.get("LINKGRAPH_TEST_NEO4J_USER", "neo4j"),
                "LINKGRAPH_NEO4J_PASSWORD": os.environ.get("LINKGRAPH_TEST_NEO4J_PASSWORD", ""),
                "LINKGRAPH_NEO4J_DATABASE": os.environ.get("LINKGRAPH_TEST_NEO4J_DATABASE", "")}
    reason = find_tools()
    if reason is not None:
        pytest.skip(f"no Neo4j: LINKGRAPH_TEST_NEO4J_URI is not set and {reason}")
    # Data in memory where there is a tmpfs: Neo4j fsyncs every commit, and the tests commit often.
    shm = Path("/dev/shm")
    tmpdir = Path(tempfile.mkdtemp(prefix="linkgraph-neo4j-", dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else None
    server = Neo4jTestServer(build_launcher(), tmpdir=tmpdir)
    request.addfinalizer(lambda: (server.stop(), tmpdir and shutil.rmtree(tmpdir, ignore_errors=True)))
    server.start()
    return {"uri": server.uri, "LINKGRAPH_NEO4J_USER": server.user,
            "LINKGRAPH_NEO4J_PASSWORD": server.password, "LINKGRAPH_NEO4J_DATABASE": server.database}


def empty_neo4j(env: dict[str, str]) -> None:
    """Delete every node, and every index or constraint that ``init_schema`` does not make."""
    from linkgraph.store.neo4j import Neo4jStore

    with Neo4jStore(env["uri"], env["LINKGRAPH_NEO4J_USER"], env["LINKGRAPH_NEO4J_PASSWORD"],
                    env["LINKGRAPH_NEO4J_DATABASE"] or None) as store:
        store.write("MATCH (n) DETACH DELETE n")
        for kind, listing in (("CONSTRAINT", "SHOW CONSTRAINTS YIELD name"),
                              ("INDEX", "SHOW INDEXES YIELD name, type, owningConstraint "
                                        "WHERE owningConstraint IS NULL AND type <> 'LOOKUP'")):
            for [name] in store.read(f"{listing} WHERE NOT name STARTS WITH 'lg_' RETURN name"
                                     if kind == "CONSTRAINT" else f"{listing} AND NOT name STARTS WITH 'lg_' RETURN name").rows:
                store.write(f"DROP {kind} `{name}` IF EXISTS")


@dataclass
class StoreTarget:
    """One backend's store for a test: its ``--store`` URI and the environment a subprocess needs."""

    backend: str
    uri: str
    env: dict[str, str] = field(default_factory=dict)

    def open(self, create: bool = True) -> Store:
        """Open the store as the CLI would (``open_store``), with this target's credentials."""
        from linkgraph.store import open_store

        saved = {name: os.environ.get(name) for name in self.env}
        os.environ.update(self.env)
        try:
            return open_store(self.uri, create=create)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    @property
    def run_env(self) -> dict[str, str]:
        """``os.environ`` plus this target's variables, for ``subprocess``."""
        return {**os.environ, **self.env}


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh embedded store directory whose server is stopped after the test, whatever happened."""
    directory = tmp_path / "store"
    yield directory
    kill_server(directory)


@pytest.fixture(params=BACKENDS)
def target(request: pytest.FixtureRequest, store_dir: Path, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> StoreTarget:
    """An empty store of each backend, not opened: ``.uri`` for ``--store``, ``.env`` for subprocesses.

    ``XDG_STATE_HOME`` points into the test's temporary directory, so per-store state kept outside
    the store (the Neo4j store's resolution model) starts empty too.
    """
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    monkeypatch.setenv("XDG_STATE_HOME", state["XDG_STATE_HOME"])
    if request.param == "embedded":
        return StoreTarget("embedded", str(store_dir), state)
    env = request.getfixturevalue("neo4j_env")
    empty_neo4j(env)
    return StoreTarget("neo4j", env["uri"], {**state, **{k: v for k, v in env.items() if k != "uri"}})


@pytest.fixture
def store(target: StoreTarget) -> Iterator[Store]:
    """A fresh, schema-initialised store of each backend."""
    opened = target.open()
    opened.init_schema()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def python() -> str:
    """The interpreter running the tests, for real subprocesses."""
    return sys.executable
