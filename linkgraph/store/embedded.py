"""The embedded backend: FalkorDB (through falkordblite) on a private unix socket, persisted in a directory."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import redis

from linkgraph.errors import KeyConflict, NotAStore, ReadOnlyViolation, StoreError, StoreUnavailable
from linkgraph.model import load_model
from linkgraph.store import compaction, server
from linkgraph.store.base import SAME_AS_BOUND, SAME_AS_LABELS, QueryResult, Store, batches, check_labels
from linkgraph.store.cypher_params import params_header
from linkgraph.store.route_ways import WAY

MARKER = "linkgraph-store.json"
FORMAT = 1
GRAPH = "linkgraph"


_SCALARS = frozenset((str, int, float, bool, type(None)))


def _plain(value: Any) -> Any:
    """Turn FalkorDB result objects into plain Python values (nodes and edges become dicts).

    Called for every value of every result (two million on a whole-store read): scalars and lists
    return before anything else is looked at, and the graph types are imported on the first graph value.
    """
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    from falkordb import Edge, Node, Path as GraphPath

    if isinstance(value, Node):
        return {"_id": value.id, "_labels": list(value.labels or []), **value.properties}
    if isinstance(value, Edge):
        return {"_id": value.id, "_type": value.relation, **value.properties}
    if isinstance(value, GraphPath):
        return {"nodes": [_plain(n) for n in value.nodes()], "relationships": [_plain(e) for e in value.edges()]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _query_error(message: str) -> StoreError:
    """The error for a refused query: ``KeyConflict`` when FalkorDB's uniqueness constraint refused it."""
    lowered = message.lower()
    if "unique constraint" in lowered or "already exists" in lowered:
        return KeyConflict(f"query failed: {message}")
    return StoreError(f"query failed: {message}")


def prepare_directory(directory: Path, create: bool) -> None:
    """Check that ``directory`` is a linkgraph store, creating it (0700) when ``create`` and it is absent or empty.

    Raise ``NotAStore`` for a file, an unreadable directory, a directory of something else, a directory
    (or its marker or ``server.json``) owned by another user or writable by others, or a missing store
    when ``create`` is False.
    """
    marker = directory / MARKER
    if directory.exists() and not directory.is_dir():
        raise NotAStore(f"{directory} is a file, not a linkgraph store directory")
    if directory.is_dir():
        _check_owner(directory, writable_ok=not marker.exists())  # a new store's folder is made 0700 below
        closed = not directory.stat().st_mode & 0o011  # then no one else reaches the files, whatever their modes
        for path in (marker, directory / "server.json"):
            _check_owner(path, writable_ok=closed)
        try:
            entries = [p.name for p in directory.iterdir()]
        except PermissionError:
            raise NotAStore(f"{directory}: permission denied; a store must be readable by its user") from None
        if MARKER in entries:
            try:
                info = json.loads(marker.read_text())
            except (OSError, ValueError) as error:
                raise NotAStore(f"{marker} is damaged or unreadable: {error}") from None
            if info.get("format") != FORMAT or info.get("backend") != "falkordb":
                raise NotAStore(f"{directory} holds a store of another format ({info}); this linkgraph reads format {FORMAT}")
            return
        if entries:
            raise NotAStore(f"{directory} is not a linkgraph store (no {MARKER}) and is not empty; "
                            "name an empty or new directory")
    if not create:
        raise NotAStore(f"no linkgraph store at {directory}: run `linkgraph --store {directory} init` first")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({"format": FORMAT, "backend": "falkordb", "created": time.time()}))


def _check_owner(path: Path, writable_ok: bool = False) -> None:
    """Refuse ``path`` (when it exists) unless this user owns it and, unless ``writable_ok``, nobody else
    may write to it: another user could otherwise plant the data, or a server.json pointing at a socket
    of their choosing."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise NotAStore(f"{path}: cannot be checked: {error.strerror}") from None
    if info.st_uid != os.geteuid():
        raise NotAStore(f"{path} belongs to another user (uid {info.st_uid}); a store must belong to the user "
                        "running linkgraph")
    if info.st_mode & 0o022 and not writable_ok:
        raise NotAStore(f"{path} can be written by other users (mode {info.st_mode & 0o777:o}); "
                        f"run `chmod go-w {path}` if you trust what it holds")


def _compact(cell: list[Any]) -> Any:
    """The plain value of a scalar cell of a ``--compact`` reply (``[type, value]``): FalkorDB sends a
    boolean as the text 'true' or 'false' and a double as its text, an array as cells. (falkordb-py's own
    parser needs a graph and a result; ``_pipelined`` replies are raw.)"""
    kind, value = cell
    boolean, double, array = _compact_types()
    if kind == boolean:
        return value == "true"
    if kind == double:
        return float(value)
    if kind == array:
        return [_compact(item) for item in value]
    return value


@functools.cache
def _compact_types() -> tuple[int, int, int]:
    """falkordb-py's codes of the boolean, double and array scalars (imported with the client, not at start)."""
    from falkordb.query_result import ResultSetScalarTypes as scalar

    return scalar.VALUE_BOOLEAN.value, scalar.VALUE_DOUBLE.value, scalar.VALUE_ARRAY.value


class EmbeddedStore(Store):
    """A store in a directory, served by a FalkorDB server that every process using the directory shares.

    Parameters
    ----------
    directory : Path
        The store directory (created 0700 when ``create`` is true and it does not exist).
    create : bool
        Whether a missing store may be created.

    Examples
    --------
    >>> with EmbeddedStore(Path("/tmp/example-store"), create=True) as store:  # doctest: +SKIP
    ...     store.init_schema()
    """

    backend = "falkordb"

    def __init__(self, directory: Path, create: bool = True) -> None:
        from falkordb import FalkorDB

        self.directory = Path(directory).absolute()
        self.location = str(self.directory)
        prepare_directory(self.directory, create)
        with server.server_lock(self.directory):
            info = server.start_or_join(self.directory)
            self._db = FalkorDB(unix_socket_path=info["socket"], socket_timeout=None)
            self._graph = self._db.select_graph(GRAPH)
            self._db.connection.ping()  # connect now, so a concurrent stop sees this client
        self._closed = False

    def close(self) -> None:
        """Disconnect. The server stays up for the idle time (its watchdog stops it); with an idle time
        of 0 the last client to leave shuts it down. Either way its append-only file is on disk."""
        if self._closed:
            return
        self._closed = True
        if server.idle_seconds(self.directory) > 0:
            self._db.connection.connection_pool.disconnect()
            return
        with server.server_lock(self.directory):
            self._db.connection.connection_pool.disconnect()
            server.stop_if_unused(self.directory, own_connections=0)

    def compact(self, timeout: float = 3600.0) -> None:
        """Rewrite the append-only file as one compact snapshot and wait until it is done.

        Call after large writes (ingest, resolve): the next cold start then loads the snapshot instead
        of replaying every statement. Raises ``StoreError`` when the rewrite fails or outlasts ``timeout``.
        """
        try:
            compaction.rewrite(self._db.connection, timeout)
        except redis.ConnectionError as error:
            raise StoreUnavailable(f"the embedded server of {self.directory} went away: {error}") from None

    # -- queries ---------------------------------------------------------------------------------
    def _run(self, cypher: str, params: Mapping[str, Any] | None, read_only: bool) -> QueryResult:
        try:
            if read_only:
                result = self._graph.ro_query(cypher, params=dict(params or {}))
            else:
                result = self._graph.query(cypher, params=dict(params or {}))
        except redis.ResponseError as error:
            message = str(error)
            if read_only and "empty key" in message:  # nothing written yet: the graph does not exist
                return QueryResult([], [])
            if read_only and ("read-only" in message or "RO_QUERY" in message):
                raise ReadOnlyViolation("refused: this command only reads, and the query writes to the graph") from None
            raise _query_error(message) from None
        except (redis.ConnectionError, FileNotFoundError) as error:
            raise StoreUnavailable(f"the embedded server of {self.directory} went away: {error}") from None
        columns = [column[1] if isinstance(column, (list, tuple)) else column for column in (result.header or [])]
        return QueryResult(columns, [[_plain(v) for v in row] for row in (result.result_set or [])])

    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one write statement (FalkorDB runs writes one at a time, each atomically)."""
        return self._run(cypher, params, read_only=False)

    def write_batches(self, cypher: str, row_batches: Iterable[Sequence[Any]],
                      params: Mapping[str, Any] | None = None) -> None:
        """Run ``cypher`` once per batch (with ``params``), each batch in its own atomic statement, in order."""
        for _ in self._pipelined(cypher, row_batches, "GRAPH.QUERY", params):
            pass

    def query_batches(self, cypher: str, row_batches: Iterable[Sequence[Any]],
                      params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run the write ``cypher`` once per batch and return all result rows (plain values), in order."""
        return [[_compact(cell) for cell in row] for reply in self._pipelined(cypher, row_batches, "GRAPH.QUERY", params)
                for row in reply[1]]

    def node_ids(self, label: str, keys: Iterable[str]) -> dict[str, Any]:
        """Return ``{key: node id}`` for those of ``keys`` that exist as ``label`` nodes (read-only command)."""
        check_labels(label)
        wanted = list(dict.fromkeys(keys))
        cypher = f"UNWIND $rows AS k MATCH (n:{label} {{key: k}}) RETURN n.key, id(n)"
        try:
            return {key[1]: node_id[1] for reply in self._pipelined(cypher, batches(wanted), "GRAPH.RO_QUERY")
                    for key, node_id in reply[1]}
        except StoreError as error:
            if "empty key" in str(error):  # nothing written yet: the graph does not exist
                return {}
            raise

    def _pipelined(self, cypher: str, row_batches: Iterable[Sequence[Any]], command: str,
                   params: Mapping[str, Any] | None = None) -> Iterator[list[Any]]:
        """Run ``cypher`` per batch and yield each raw compact reply, turning the next batch into query text
        while the server runs this one.

        falkordb-py sends parameters as Cypher literals built in Python; for 10k-row batches that costs
        about a fifth of the server's time, so a producer thread overlaps it (measured: 24k -> 31k
        nodes/s). Batches still run one after another, in order. Most calls of an ingest send one batch
        (a chunk's rows of one label or type), with nothing to overlap: that one is encoded here, without
        starting a thread.
        """
        row_batches = list(row_batches)
        if len(row_batches) <= 1:
            for batch in row_batches:
                yield self._execute(params_header({**(params or {}), "rows": list(batch)}) + cypher, command)
            return
        texts: queue.Queue[str | None | BaseException] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def produce() -> None:
            try:
                for batch in row_batches:
                    if stop.is_set():
                        return
                    texts.put(params_header({**(params or {}), "rows": list(batch)}) + cypher)
                texts.put(None)
            except BaseException as error:  # handed to the consumer, re-raised there
                texts.put(error)

        producer = threading.Thread(target=produce, name="linkgraph-batch-encoder", daemon=True)
        producer.start()
        try:
            while (text := texts.get()) is not None:
                if isinstance(text, BaseException):
                    raise text
                yield self._execute(text, command)
        finally:
            stop.set()
            while producer.is_alive():  # unblock a producer waiting on a full queue
                with contextlib.suppress(queue.Empty):
                    texts.get(timeout=0.05)

    def _execute(self, text: str, command: str = "GRAPH.QUERY") -> list[Any]:
        try:
            return self._db.connection.execute_command(command, GRAPH, text, "--compact")
        except redis.ResponseError as error:
            raise _query_error(str(error)) from None
        except (redis.ConnectionError, FileNotFoundError) as error:
            raise StoreUnavailable(f"the embedded server of {self.directory} went away: {error}") from None

    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a query through FalkorDB's read-only command, which refuses any write."""
        return self._run(cypher, params, read_only=True)

    def fulltext(self, label: str, terms: Sequence[tuple[str, int, bool]], limit: int,
                 scope: Mapping[str, Any]) -> QueryResult:
        """Query the RediSearch full-text index of ``label`` (``%%term%%`` allows two edits, ``term*`` a prefix)."""
        check_labels(label)
        query = "|".join(f"{word}*" if prefix else "%" * min(edits, 3) + word + "%" * min(edits, 3)
                         for word, edits, prefix in terms if self.TERM.match(word))
        if not query:
            return QueryResult([], [])
        return self.read("CALL db.idx.fulltext.queryNodes($label, $query) YIELD node, score WHERE " +
                         self.FULLTEXT_WHERE + " RETURN " + self.FULLTEXT_RETURN + " ORDER BY score DESC LIMIT $limit",
                         {**scope, "label": label, "query": query, "limit": limit})

    def init_schema(self) -> None:
        """Create a range index on ``key`` for every label and on ``SAME_AS_BOUND`` for the labels that carry
        it, and full-text indexes for searchable properties.

        No relationship property index, on purpose: with one (tried on ``SAME_AS.status`` so that the
        review list need not walk every person), FalkorDB answers an undirected pattern such as
        ``(:Organisation {key: $k})-[s:SAME_AS]-()`` as if it were directed and silently drops the links
        pointing the other way (FalkorDB issue 2100, open in 4.20); a test of withdrawals caught it.
        """
        model = load_model()
        existing = {(row[0], prop) for row in self._index_rows() for prop in row[1]}
        for label in model.labels:
            if (label, "key") not in existing:
                self._create_index(f"CREATE INDEX FOR (n:{label}) ON (n.key)")
        for label in SAME_AS_LABELS:
            if (label, SAME_AS_BOUND) not in existing:
                self._create_index(f"CREATE INDEX FOR (n:{label}) ON (n.{SAME_AS_BOUND})")
        if ("Route", WAY) not in existing:  # the routes on one way: see store.route_ways
            self._create_index(f"CREATE INDEX FOR (n:Route) ON (n.{WAY})")
        constraints = {(row[1], tuple(row[2])) for row in self.read(
            "CALL db.constraints() YIELD type, label, properties RETURN type, label, properties").rows}
        for label in model.labels:
            if (label, ("key",)) not in constraints:  # one node per key, even when two processes create at once
                self._db.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", GRAPH, "UNIQUE", "NODE", label, "PROPERTIES", "1", "key")
        fulltext = {row[0]: set(row[1]) for row in self._index_rows(kind="FULLTEXT")}
        for entity in model.entities.values():
            wanted = [p for p in entity.searchable if p not in fulltext.get(entity.label, set())]
            if wanted:
                self._create_index(
                    "CALL db.idx.fulltext.createNodeIndex($label, " + ", ".join(f"$p{i}" for i in range(len(wanted))) + ")",
                    {"label": entity.label, **{f"p{i}": p for i, p in enumerate(wanted)}},
                )

    def _create_index(self, cypher: str, params: Mapping[str, Any] | None = None) -> None:
        """Create an index, taking "already indexed" as done: right after the first ``init_schema`` of a store
        (its uniqueness constraints still being built), ``db.indexes()`` once left a full-text index out and
        the next call created it again (seen once in a full test run)."""
        try:
            self.write(cypher, params)
        except StoreError as error:
            if "already indexed" not in str(error):
                raise

    def _index_rows(self, kind: str = "RANGE") -> list[tuple[str, list[str]]]:
        rows = self.read("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types").rows
        found = []
        for label, properties, types in rows:
            names = [p for p in properties if kind in (types.get(p, []) if isinstance(types, dict) else [])]
            found.append((label, names))
        return found
