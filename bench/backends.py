"""Fresh stores of either backend for the benchmarks (``--backend embedded|neo4j|both``).

Neo4j: the server named by ``LINKGRAPH_TEST_NEO4J_URI`` (+ ``_USER``/``_PASSWORD``/``_DATABASE``,
as for the tests), else a throwaway Neo4j Community server started through ``tests/neo4j_server.py``
(built on first use; needs Java 17+ and Maven). Its heap is 1 GiB and it runs with the full JIT,
unlike the tests' small quick-starting one; its page cache is the launcher's 64 MiB. A "fresh"
Neo4j store is the database emptied (and its schema kept).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("embedded", "neo4j")
BENCH_JVM_OPTS = ("-Xms256m", "-Xmx1g", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError")


def backend_choices(value: str) -> list[str]:
    """``both`` -> both backends, else the one named."""
    return list(BACKENDS) if value == "both" else [value]


@dataclass
class Neo4jServer:
    """Where the benchmark's Neo4j is, and what started it."""

    uri: str
    user: str
    password: str
    database: str | None
    started: str  # "existing" or "test server, READY in N s"

    def driver(self) -> Any:
        """A driver of its own (for what ``Store`` does not do: auto-commit ``CALL { } IN TRANSACTIONS``)."""
        import neo4j

        return neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password), notifications_min_severity="OFF")


@contextmanager
def neo4j_server() -> Iterator[Neo4jServer]:
    """The existing server of ``LINKGRAPH_TEST_NEO4J_URI``, or a test server for the duration."""
    uri = os.environ.get("LINKGRAPH_TEST_NEO4J_URI")
    if uri:
        yield Neo4jServer(uri, os.environ.get("LINKGRAPH_TEST_NEO4J_USER", "neo4j"),
                          os.environ.get("LINKGRAPH_TEST_NEO4J_PASSWORD", ""),
                          os.environ.get("LINKGRAPH_TEST_NEO4J_DATABASE") or None, "existing")
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from neo4j_server import Neo4jTestServer, build_launcher, find_tools

    reason = find_tools()
    if reason is not None:
        raise SystemExit(f"--backend neo4j: set LINKGRAPH_TEST_NEO4J_URI, or {reason}")
    with Neo4jTestServer(build_launcher(), jvm_opts=BENCH_JVM_OPTS, class_data_sharing=False) as server:
        yield Neo4jServer(server.uri, server.user, server.password, server.database,
                          f"test server, READY in {server.startup_seconds:.0f} s")


class Backends:
    """Opens fresh stores; a context manager that stops what it started."""

    def __init__(self, names: list[str], work: Path) -> None:
        self.names = names
        self.work = work
        self._stack = ExitStack()
        self.neo4j: Neo4jServer | None = None

    def __enter__(self) -> Backends:
        if "neo4j" in self.names:
            self.neo4j = self._stack.enter_context(neo4j_server())
            print(f"neo4j: {self.neo4j.uri} ({self.neo4j.started})")
        return self

    def __exit__(self, *exc: object) -> None:
        from linkgraph.store.server import kill_server

        for name in self.work.glob("store-*"):
            kill_server(name)
        self._stack.close()

    def fresh(self, backend: str, name: str = "store") -> Any:
        """A fresh, schema-initialised store of ``backend`` (embedded: ``work/store-NAME``)."""
        if backend == "embedded":
            from linkgraph.store.embedded import EmbeddedStore
            from linkgraph.store.server import kill_server

            directory = self.work / f"store-{name}"
            kill_server(directory)
            shutil.rmtree(directory, ignore_errors=True)
            store = EmbeddedStore(directory)
        else:
            from linkgraph.store.neo4j import Neo4jStore

            assert self.neo4j is not None
            self.empty_neo4j()
            store = Neo4jStore(self.neo4j.uri, self.neo4j.user, self.neo4j.password, self.neo4j.database)
        store.init_schema()
        return store

    def empty_neo4j(self) -> None:
        """Delete every node in batches (auto-commit ``CALL { } IN TRANSACTIONS``)."""
        assert self.neo4j is not None
        with self.neo4j.driver() as driver, driver.session(database=self.neo4j.database) as session:
            session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    def peak_mib(self, backend: str, store: Any) -> str:
        """The store server's peak RSS (embedded), or a note that it is not measured (Neo4j)."""
        if backend == "embedded":
            from linkgraph.store.server import server_peak_rss_mib

            return f"{server_peak_rss_mib(Path(store.location)):,.0f} MiB"
        return "n/a (JVM)"
