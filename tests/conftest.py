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

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from linkgraph.access.view import View
from linkgraph.store import Store
from linkgraph.store.server import kill_server

# Servers stop when their last client closes, as before the idle time existed; the lifecycle tests
# (tests/store/test_server_lifecycle.py) set their own idle time.
os.environ["LINKGRAPH_IDLE"] = "0"

# pytest (--import-mode=importlib) loads this file as ``tests.conftest``; tests import it as ``conftest``.
# One module, not two copies: the shared stores' record of what the Neo4j database holds lives here.
sys.modules.setdefault("conftest", sys.modules[__name__])
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


#: Which shared store (``SharedStore.name``) the Neo4j database holds now; None once a test emptied it.
_NEO4J_HOLDS: list[str | None] = [None]


def empty_neo4j(env: dict[str, str]) -> None:
    """Delete every node, and every index or constraint that ``init_schema`` does not make."""
    from linkgraph.store.neo4j import Neo4jStore

    _NEO4J_HOLDS[0] = None
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

    #: A folder of the test's own (the policy file of a Neo4j target goes there).
    home: Path | None = None

    @contextlib.contextmanager
    def environ(self) -> Iterator[None]:
        """This target's variables in ``os.environ`` for the block (for library calls in the test)."""
        saved = {name: os.environ.get(name) for name in self.env}
        os.environ.update(self.env)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    @contextlib.contextmanager
    def view(self, command: str = "test", **options: object) -> Iterator[View]:
        """``open_view`` on this store (with its variables in ``os.environ`` while it is open)."""
        from linkgraph.access.view import open_view

        with self.environ(), open_view(self.uri, command=command, **options) as opened:  # type: ignore[arg-type]
            yield opened

    def open(self, create: bool = True) -> Store:
        """Open the store as the CLI would (``open_store``), with this target's credentials."""
        from linkgraph.store import open_store

        with self.environ():
            return open_store(self.uri, create=create)

    @property
    def run_env(self) -> dict[str, str]:
        """``os.environ`` plus this target's variables, for ``subprocess``."""
        return {**os.environ, **self.env}

    @property
    def policy_path(self) -> Path:
        """Where the store's policy goes: ``policy.yaml`` in an embedded store's directory; for Neo4j (no
        directory) a file of the test named by ``LINKGRAPH_POLICY`` once ``write_policy`` wrote it."""
        if self.backend == "embedded":
            return Path(self.uri) / "policy.yaml"
        assert self.home is not None
        return self.home / "policy.yaml"

    def write_policy(self, text: str) -> Path:
        """Give the store the policy ``text``, as an administrator would; return the file."""
        path = self.policy_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if self.backend != "embedded":
            self.env["LINKGRAPH_POLICY"] = str(path)
        return path

    @property
    def audit_path(self) -> Path:
        """The audit log the CLI writes for this store (``default_audit_path``, with this target's state)."""
        if self.backend == "embedded":
            return Path(self.uri) / "audit.jsonl"
        from linkgraph.access.audit import default_audit_path

        with self.environ(), self.open(create=False) as opened:
            return default_audit_path(opened)


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
    return make_target(request.param, request, store_dir, tmp_path, monkeypatch)


def make_target(backend: str, request: pytest.FixtureRequest, store_dir: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> StoreTarget:
    """``target``'s work, for a fixture that takes the backend from another fixture's parameter."""
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    monkeypatch.setenv("XDG_STATE_HOME", state["XDG_STATE_HOME"])
    if backend == "embedded":
        return StoreTarget("embedded", str(store_dir), state, tmp_path)
    env = request.getfixturevalue("neo4j_env")
    empty_neo4j(env)
    return StoreTarget("neo4j", env["uri"], {**state, **{k: v for k, v in env.items() if k != "uri"}}, tmp_path)


@dataclass
class Snapshot:
    """Every node (but the audit log's head) and relationship of a store, to copy into an empty Neo4j.

    Neo4j Community has one database and no file copy: a test that changes a shared store works on a
    copy written back from this (the embedded store's copy is its directory, ``shutil.copytree``).
    """

    nodes: dict[tuple[str, ...], list[tuple[int, dict]]]
    relationships: dict[str, list[tuple[int, int, dict]]]

    @classmethod
    def of(cls, store: Store) -> Snapshot:
        nodes: dict[tuple[str, ...], list[tuple[int, dict]]] = {}
        index: dict[str, int] = {}
        for element, labels, props in store.read("MATCH (n) WHERE NOT n:AuditEvent "
                                                 "RETURN elementId(n), labels(n), properties(n)").rows:
            index[element] = len(index)
            nodes.setdefault(tuple(sorted(labels)), []).append((index[element], props))
        relationships: dict[str, list[tuple[int, int, dict]]] = {}
        for a, kind, props, b in store.read("MATCH (a)-[r]->(b) WHERE NOT a:AuditEvent AND NOT b:AuditEvent "
                                            "RETURN elementId(a), type(r), properties(r), elementId(b)").rows:
            relationships.setdefault(kind, []).append((index[a], index[b], props))
        return cls(nodes, relationships)

    def restore(self, store: Store, batch: int = 2000) -> None:
        """Write the snapshot into ``store`` (empty, schema made). Labels and types are the store's own
        (checked to be plain names); every value is a parameter."""
        import re

        def plain(name: str) -> str:
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name), name
            return name

        ids: dict[int, str] = {}
        for labels, rows in self.nodes.items():
            for start in range(0, len(rows), batch):
                chunk = rows[start:start + batch]
                made = store.write(f"UNWIND $rows AS row CREATE (n:{':'.join(plain(x) for x in labels)}) "
                                   "SET n = row.p RETURN row.i, elementId(n)",
                                   {"rows": [{"i": i, "p": props} for i, props in chunk]}).rows
                ids.update({i: element for i, element in made})
        for kind, rels in self.relationships.items():
            for start in range(0, len(rels), batch):
                store.write(f"UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.a "
                            f"MATCH (b) WHERE elementId(b) = row.b CREATE (a)-[r:{plain(kind)}]->(b) SET r = row.p",
                            {"rows": [{"a": ids[a], "b": ids[b], "p": props} for a, b, props in rels[start:start + batch]]})


class SharedStore:
    """A store built once per backend and then only read, for a module's (or the session's) tests.

    Neo4j Community has one database, which ``target`` empties before each test: ``ready()`` copies the
    store back in (``Snapshot``, with an empty audit log) when another test emptied the database (or
    another shared store filled it) since. ``build(store, target)`` fills it through the library, once;
    a policy it needs is written with ``target.write_policy``.
    """

    def __init__(self, request: pytest.FixtureRequest, root: Path, name: str,
                 build: Callable[[Store, StoreTarget], None]) -> None:
        self.backend: str = request.param
        self.root, self.name, self._build = root, f"{name}-{id(self)}", build
        self._env = request.getfixturevalue("neo4j_env") if self.backend == "neo4j" else None
        self.snapshot: Snapshot | None = None
        self.target: StoreTarget | None = None
        state = {"XDG_STATE_HOME": str(root / "state")}
        if self.backend == "embedded":
            self.target = StoreTarget("embedded", str(root / "store"), state, root)
        else:
            assert self._env is not None
            self.target = StoreTarget("neo4j", self._env["uri"],
                                      {**state, **{k: v for k, v in self._env.items() if k != "uri"}}, root)

    def ready(self) -> StoreTarget:
        """The store's target, built (or copied back in) if it must be."""
        assert self.target is not None
        if self.snapshot is None:
            if self._env is not None:
                empty_neo4j(self._env)
            with self.target.environ(), self.target.open() as opened:
                opened.init_schema()
                self._build(opened, self.target)
                self.snapshot = Snapshot.of(opened) if self._env is not None else Snapshot({}, {})
        elif self._env is not None and _NEO4J_HOLDS[0] != self.name:
            empty_neo4j(self._env)
            for log in (self.root / "state").glob("linkgraph/audit-*.jsonl"):
                log.unlink()
            with self.target.environ(), self.target.open() as opened:
                opened.init_schema()
                self.snapshot.restore(opened)
        if self._env is not None:
            _NEO4J_HOLDS[0] = self.name
        return self.target

    def copy_into(self, target: StoreTarget) -> Store:
        """A copy of the built store in ``target`` (fresh, of the same backend), opened."""
        if self.snapshot is None:
            self.ready()
        assert self.target is not None and self.snapshot is not None and target.backend == self.backend
        if self.backend == "embedded":
            kill_server(Path(self.target.uri))
            shutil.copytree(self.target.uri, target.uri)
            return target.open()
        if _NEO4J_HOLDS[0] is not None:
            empty_neo4j(self._env)  # type: ignore[arg-type]
        opened = target.open()
        opened.init_schema()
        self.snapshot.restore(opened)
        return opened

    def close(self) -> None:
        if self.backend == "embedded" and self.target is not None:
            kill_server(Path(self.target.uri))


@contextlib.contextmanager
def shared_store(request: pytest.FixtureRequest, factory: pytest.TempPathFactory, name: str,
                 build: Callable[[Store, StoreTarget], None]) -> Iterator[SharedStore]:
    """A ``SharedStore`` for a fixture parametrised with ``params=BACKENDS``; stops its server at the end."""
    shared = SharedStore(request, factory.mktemp(f"{name}-{request.param}"), f"{name}-{request.param}", build)
    try:
        yield shared
    finally:
        shared.close()


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
