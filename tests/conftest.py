"""Shared fixtures: real stores only. The embedded store always; Neo4j when LINKGRAPH_TEST_NEO4J_URI is set."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkgraph.store import Store
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server

# Servers stop when their last client closes, as before the idle time existed; the lifecycle tests
# (tests/store/test_server_lifecycle.py) set their own idle time.
os.environ["LINKGRAPH_IDLE"] = "0"

NEO4J_URI = os.environ.get("LINKGRAPH_TEST_NEO4J_URI")
NEO4J_SKIP = "Neo4j contract tests need LINKGRAPH_TEST_NEO4J_URI (+ LINKGRAPH_TEST_NEO4J_USER/PASSWORD); no Neo4j server on this machine"
BACKENDS = ["embedded", pytest.param("neo4j", marks=pytest.mark.skipif(not NEO4J_URI, reason=NEO4J_SKIP))]


def open_neo4j() -> Store:
    """Open the test Neo4j database and empty it (tests own that database)."""
    from linkgraph.store.neo4j import Neo4jStore

    store = Neo4jStore(NEO4J_URI or "", os.environ.get("LINKGRAPH_TEST_NEO4J_USER", "neo4j"),
                       os.environ.get("LINKGRAPH_TEST_NEO4J_PASSWORD", ""),
                       os.environ.get("LINKGRAPH_TEST_NEO4J_DATABASE") or None)
    store.write("MATCH (n) DETACH DELETE n")
    return store


@pytest.fixture
def store_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh embedded store directory whose server is stopped after the test, whatever happened."""
    directory = tmp_path / "store"
    yield directory
    kill_server(directory)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, store_dir: Path) -> Iterator[Store]:
    """A fresh, schema-initialised store of each backend."""
    opened: Store = EmbeddedStore(store_dir) if request.param == "embedded" else open_neo4j()
    opened.init_schema()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def python() -> str:
    """The interpreter running the tests, for real subprocesses."""
    return sys.executable
