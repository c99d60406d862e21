"""The Neo4j backend: the official ``neo4j`` driver over Bolt, for a server or a cluster.

Writes go through ``execute_write`` and reads through ``execute_read`` (managed transactions, so the
driver retries transient errors and a cluster routes reads to readers). Read-only queries run in a
READ-mode session, which the server refuses to write in.

Dialect and driver decisions (each checked by the suite running on a real server, tests/conftest.py):

- Causal consistency: every session of one ``Neo4jStore`` (one command) shares one bookmark manager,
  so on a cluster a read sees the writes this command made just before it.
- Server notifications (deprecations, unknown labels on an empty database) are switched off at the
  driver (``notifications_min_severity="OFF"``): the driver would otherwise log them to stderr in the
  middle of a command's output. Deprecated syntax is kept out by the tests instead.
- Driver errors become one line: ``ServiceUnavailable`` and ``SessionExpired`` are ``StoreUnavailable``,
  any other ``DriverError`` (``ConfigurationError``, ...) is ``StoreError``; never a traceback.
- Node handles are ``elementId(n)`` (``id()`` is deprecated in Neo4j 5); ``WHERE elementId(n) = $x``
  is planned as an id seek (``NodeByElementIdSeek``), not a scan.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

# The driver imports pandas and pyarrow when it finds them, only to offer ``Result.to_df`` and to send
# their values as parameters; that import took 0.9 of the 2.1 s of a whole `linkgraph links` on Neo4j.
# No parameter here is a pandas or Arrow value (the embedded store refuses them, and every write is
# tested on both backends), so unless the process has loaded them already, the driver is imported
# with both hidden: an import of a ``None`` entry of ``sys.modules`` raises ImportError, which the
# driver takes as "not installed". numpy stays visible: a numpy number may be a parameter.
_HIDDEN = [name for name in ("pandas", "pyarrow") if name not in sys.modules]
sys.modules.update(dict.fromkeys(_HIDDEN))
try:
    import neo4j
    from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, ConstraintError, DriverError, Neo4jError,
                                  ServiceUnavailable, SessionExpired)
finally:
    for _name in _HIDDEN:
        if sys.modules.get(_name, ...) is None:
            del sys.modules[_name]

from linkgraph.errors import KeyConflict, ReadOnlyViolation, StoreError, StoreUnavailable
from linkgraph.model import load_model
from linkgraph.store.base import SAME_AS_BOUND, SAME_AS_LABELS, QueryResult, Store, check_labels
from linkgraph.store.route_ways import WAY


def _plain(value: Any) -> Any:
    if isinstance(value, neo4j.graph.Node):
        return {"_id": value.element_id, "_labels": sorted(value.labels), **dict(value)}
    if isinstance(value, neo4j.graph.Relationship):
        return {"_id": value.element_id, "_type": value.type, **dict(value)}
    if isinstance(value, neo4j.graph.Path):
        return {"nodes": [_plain(n) for n in value.nodes], "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class Neo4jStore(Store):
    """A store on a Neo4j server or cluster.

    Parameters
    ----------
    uri : str
        ``neo4j://``, ``neo4j+s://``, ``bolt://`` or ``bolt+s://`` URI (no credentials in it).
    user, password : str
        From ``LINKGRAPH_NEO4J_USER`` / ``LINKGRAPH_NEO4J_PASSWORD``; never shown in messages.
    database : str or None
        From ``LINKGRAPH_NEO4J_DATABASE``; the server's default database when None.
    """

    backend = "neo4j"
    id_function = "elementId"

    def __init__(self, uri: str, user: str, password: str, database: str | None = None) -> None:
        self.location = uri
        self.database = database
        self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=10,
                                                      notifications_min_severity="OFF")
            self._driver.verify_connectivity()
        except AuthError:
            raise StoreUnavailable(f"Neo4j at {uri} refused the credentials of user {user!r} "
                                   "(LINKGRAPH_NEO4J_USER / LINKGRAPH_NEO4J_PASSWORD)") from None
        except ConfigurationError as error:
            raise StoreError(f"cannot use Neo4j at {uri}: {type(error).__name__}: {error}") from None
        except (DriverError, OSError, ValueError, Neo4jError) as error:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {type(error).__name__}") from None

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self._driver.close()

    def _session(self, mode: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=mode,
                                    bookmark_manager=self._bookmarks)

    def _driver_error(self, error: DriverError) -> StoreError:
        """One line for a driver-side failure (lost server, lost session, bad configuration)."""
        if isinstance(error, (ServiceUnavailable, SessionExpired)):
            return StoreUnavailable(f"Neo4j at {self.location} became unreachable ({type(error).__name__})")
        return StoreError(f"Neo4j driver error at {self.location}: {type(error).__name__}: {error}")

    @staticmethod
    def _collect(tx: neo4j.ManagedTransaction, cypher: str, params: Mapping[str, Any]) -> QueryResult:
        result = tx.run(cypher, dict(params))
        rows = [[_plain(v) for v in record.values()] for record in result]
        return QueryResult(list(result.keys()), rows)

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one write statement in a managed write transaction (retried on transient errors)."""
        try:
            with self._session(neo4j.WRITE_ACCESS) as session:
                return session.execute_write(self._collect, cypher, params or {})
        except DriverError as error:
            raise self._driver_error(error) from None
        except ConstraintError as error:
            raise KeyConflict(f"query failed: {error.message}") from None
        except Neo4jError as error:
            raise StoreError(f"query failed: {error.message}") from None

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a query in a READ-mode managed transaction; a write is refused by the server."""
        try:
            with self._session(neo4j.READ_ACCESS) as session:
                return session.execute_read(self._collect, cypher, params or {})
        except ClientError as error:
            if "AccessMode" in (error.code or "") or "read access mode" in (error.message or "").lower():
                raise ReadOnlyViolation("refused: this command only reads, and the query writes to the graph") from None
            raise StoreError(f"query failed: {error.message}") from None
        except DriverError as error:
            raise self._driver_error(error) from None
        except Neo4jError as error:
            raise StoreError(f"query failed: {error.message}") from None

    def fulltext(self, label: str, terms: Sequence[tuple[str, int, bool]], limit: int,
                 scope: Mapping[str, Any]) -> QueryResult:
        """Query the Lucene full-text index ``lg_search`` (``term~2`` allows two edits, ``term*`` a prefix) for ``label``."""
        check_labels(label)
        query = " OR ".join(f"{word}*" if prefix else f"{word}~{min(edits, 2)}" if edits else word
                            for word, edits, prefix in terms if self.TERM.match(word))
        if not query:
            return QueryResult([], [])
        return self.read("CALL db.index.fulltext.queryNodes('lg_search', $query) YIELD node, score WHERE $label IN labels(node) "
                         "AND " + self.FULLTEXT_WHERE + " RETURN " + self.FULLTEXT_RETURN + " ORDER BY score DESC LIMIT $limit",
                         {**scope, "label": label, "query": query, "limit": limit})

    def init_schema(self) -> None:
        """Create a uniqueness constraint on ``key`` per label, a range index on ``SAME_AS_BOUND`` for the
        labels that carry it and one full-text index, all IF NOT EXISTS."""
        model = load_model()
        for label in model.labels:
            self.write(f"CREATE CONSTRAINT lg_{label.lower()}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE")
        for label in SAME_AS_LABELS:
            self.write(f"CREATE INDEX lg_{label.lower()}_{SAME_AS_BOUND} IF NOT EXISTS FOR (n:{label}) ON (n.{SAME_AS_BOUND})")
        self.write(f"CREATE INDEX lg_route_{WAY} IF NOT EXISTS FOR (n:Route) ON (n.{WAY})")  # see store.route_ways
        labels = [e.label for e in model.entities.values() if e.searchable]
        properties = sorted({p for e in model.entities.values() for p in e.searchable})
        self.write(
            f"CREATE FULLTEXT INDEX lg_search IF NOT EXISTS FOR (n:{'|'.join(labels)}) "
            f"ON EACH [{', '.join('n.' + p for p in properties)}]"
        )
