"""The one store interface every layer above uses, and the Cypher both backends share.

A ``Store`` upserts nodes and relationships in batches keyed on each label's ``key``, runs named and
read-only queries, streams subgraphs out as networkx graphs and sets its schema up. Two real backends
implement it: ``EmbeddedStore`` (FalkorDB through falkordblite) and ``Neo4jStore`` (the neo4j driver).

Provenance: every node and relationship carries ``records``, the list of keys of the ``Record`` nodes
(one per source record) that asserted it, and nodes carry ``cases``, the case references that mention
them. Both lists only ever grow and never repeat an element, so writing the same batch twice leaves the
same graph.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

from linkgraph.errors import KeyConflict
from linkgraph.model import load_model
from linkgraph.named_queries import load_query
from linkgraph.store import bulk
from linkgraph.store.bulk import MARKERS


#: Rows per statement: large enough to amortise a round trip, small enough to keep one transaction short.
BATCH_SIZE = 10_000


@dataclass
class QueryResult:
    """Rows of plain Python values (nodes and relationships become dicts) with their column names."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """Return the rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def scalar(self) -> Any:
        """Return the first column of the first row, or None when there is no row."""
        return self.rows[0][0] if self.rows else None


#: Each node that starts ``SAME_AS`` links (a person, an organisation) carries the highest probability
#: any of them was written with, range-indexed, so that the review list seeks the nodes at or above its
#: minimum instead of walking every link: FalkorDB has no relationship index it answers right (see
#: ``EmbeddedStore.init_schema``). It is a bound, never lowered: each link is still filtered on its own.
SAME_AS_BOUND = "same_as_max"
#: The labels whose nodes carry ``SAME_AS_BOUND``.
SAME_AS_LABELS = ("Person", "Organisation")


def same_as_in_force(link: str) -> str:
    """The Cypher condition keeping the ``SAME_AS`` relationship ``link`` (a variable name) when it is in
    force at ``$threshold``: accepted, or a candidate at or above the threshold. Written once here, below
    every layer that reads links in force (resolution's identities and review, the view's restricted-match
    markers, the analyses' graphs), so that they cannot drift apart."""
    return f"({link}.status = 'accepted' OR ({link}.status = 'candidate' AND {link}.probability >= $threshold))"


#: Between the values of one row read as one string (``one_string``).
FIELD_SEPARATOR = "\x1f"


def one_string(expressions: Iterable[str]) -> str:
    """A Cypher expression joining ``expressions`` (a null as '') with ``FIELD_SEPARATOR``, to RETURN as
    one value per row: the client then parses one value instead of one per column, which on FalkorDB is
    most of the cost of reading a few hundred thousand rows. Split the value with ``FIELD_SEPARATOR``."""
    return f" + '{FIELD_SEPARATOR}' + ".join(f"coalesce({expression}, '')" for expression in expressions)


#: A backend's handle on a stored node (FalkorDB: an int, Neo4j: an element id string). Ingest writes
#: relationships between handles it has just read or created (see ``linkgraph.store.bulk``). Nothing in
#: linkgraph deletes nodes, so a handle stays valid.
NodeId = Any


def check_labels(*labels: str) -> None:
    """Raise ``ValueError`` unless every name is a label or relationship type of the model (so it may go into Cypher)."""
    model = load_model()
    for label in labels:
        if label not in model.labels and label not in model.relationships and label not in MARKERS:
            raise ValueError(f"{label!r} is not a label or relationship type of the model")


def batches(rows: Sequence[Mapping[str, Any]], size: int = BATCH_SIZE) -> Iterator[Sequence[Mapping[str, Any]]]:
    """Yield consecutive slices of ``rows`` of at most ``size`` items."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class Store(abc.ABC):
    """The store interface. Use as a context manager; every value reaches the database as a parameter."""

    backend: str = ""
    location: str = ""

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection (the embedded server stays up for its idle time, then stops itself)."""

    def compact(self) -> None:
        """Make the store's files compact after large writes (ingest, resolve), so the next start is fast.

        A no-op here: Neo4j manages its own files; the embedded store rewrites its append-only file.
        """

    @abc.abstractmethod
    def init_schema(self) -> None:
        """Create indexes, constraints and full-text indexes; safe to run any number of times."""

    # -- writing ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def write(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one write statement in its own transaction (retried on transient errors where the backend can)."""

    def write_batches(self, cypher: str, row_batches: Iterable[Sequence[Any]],
                      params: Mapping[str, Any] | None = None) -> None:
        """Run ``cypher`` once per batch with the batch as ``$rows`` (and ``params``), each batch in its own transaction."""
        for batch in row_batches:
            self.write(cypher, {**(params or {}), "rows": list(batch)})

    def upsert_nodes(self, label: str, rows: Sequence[Mapping[str, Any]], *, new: bool = False) -> int:
        """Upsert ``rows`` (``{key, props, records, cases}``) as ``label`` nodes in batches; return the row count.

        ``new=True`` promises that none of the keys exists yet, which lets the backend CREATE instead of
        MERGE (several times faster); the promise is the caller's to keep.
        """
        check_labels(label)
        if not rows:
            return 0
        if new:
            try:
                self.write_batches(bulk.keyed_node_create_statement(label), batches(rows))
                return len(rows)
            except KeyConflict:
                pass  # another process created some of these keys since the caller looked: merge instead
        self.write_batches(bulk.keyed_node_statement(label), batches(rows))
        return len(rows)

    def upsert_relationships(
        self, rel_type: str, source_label: str, target_label: str, rows: Sequence[Mapping[str, Any]],
        *, new: bool = False,
    ) -> int:
        """Upsert ``rows`` (``{src, dst, key, props, records}``) as relationships; return the row count.

        Rows whose endpoints do not exist are skipped by the MATCH; callers make endpoints first.
        ``new=True`` promises both endpoints of every row were created by the caller just now, so no
        such relationship can exist and it is CREATEd.
        """
        check_labels(rel_type, source_label, target_label)
        make = bulk.keyed_relationship_create_statement if new else bulk.keyed_relationship_statement
        statement = make(rel_type, source_label, target_label)
        self.write_batches(statement, batches(rows))
        return len(rows)

    # -- ingest writes by node handle ------------------------------------------------------------
    #: The Cypher function that gives a node's handle (``NodeId``).
    id_function: str = "id"

    def query_batches(self, cypher: str, row_batches: Iterable[Sequence[Any]],
                      params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Run the write ``cypher`` once per batch (as ``$rows``, with ``params``) and return all result rows, in order."""
        found: list[list[Any]] = []
        for batch in row_batches:
            found.extend(self.write(cypher, {**(params or {}), "rows": list(batch)}).rows)
        return found

    def node_ids(self, label: str, keys: Iterable[str]) -> dict[str, NodeId]:
        """Return ``{key: handle}`` for those of ``keys`` that exist as ``label`` nodes."""
        check_labels(label)
        wanted = list(dict.fromkeys(keys))
        found: dict[str, NodeId] = {}
        for start in range(0, len(wanted), BATCH_SIZE):
            result = self.read(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key, {self.id_function}(n)",
                               {"keys": wanted[start : start + BATCH_SIZE]})
            found.update((key, node_id) for key, node_id in result.rows)
        return found

    def create_nodes(self, label: str, rows: Sequence[Mapping[str, Any]], mark: str | None = None) -> dict[str, NodeId]:
        """Create ``rows`` (flat maps: ``key`` and every property) as new ``label`` nodes, also labelled
        ``mark`` when given (``UNRESOLVED``); return ``{key: handle}``.

        The caller promises no such key exists. When another process made one in the meantime, the
        unique constraint refuses the batch with ``KeyConflict`` and that batch writes nothing.
        """
        check_labels(label, *([mark] if mark else []))
        if not rows:
            return {}
        table = bulk.tabulate(rows)
        statement = bulk.node_create_statement(label, table, self.id_function, mark)
        return dict(self.query_batches(statement, batches(table.rows), table.parameters()))

    def merge_nodes(self, rows: Sequence[Mapping[str, Any]], lists: Sequence[str] = ("records", "cases"),
                    mark: str | None = None) -> None:
        """Update existing nodes from ``{id, props, <list>...}`` rows: set the properties, add to each list
        property named in ``lists`` the elements it lacks (reference nodes keep no lists: pass ``()``), and
        add the label ``mark`` when given."""
        if mark:
            check_labels(mark)
        if rows:
            self.write_batches(bulk.node_merge_statement(self.id_function, lists, mark), batches(rows))

    def create_relationships(self, rel_type: str, rows: Sequence[Sequence[Any]], mark_source: str | None = None) -> None:
        """Create ``[source handle, target handle, properties]`` rows as new ``rel_type`` relationships,
        labelling each source node ``mark_source`` when given.

        The caller promises none exists yet (one end at least was created just now).
        """
        check_labels(rel_type, *([mark_source] if mark_source else []))
        if not rows:
            return
        table = bulk.tabulate([props for _, _, props in rows])
        values = [[a, b, *row] for (a, b, _), row in zip(rows, table.rows)]
        statement = bulk.relationship_create_statement(rel_type, table, self.id_function, mark_source)
        self.write_batches(statement, batches(values), table.parameters())

    def merge_relationships(self, rel_type: str, rows: Sequence[Mapping[str, Any]], mark_source: str | None = None) -> None:
        """Upsert ``{a, b, key, props, records}`` rows (``a``, ``b``: node handles) as ``rel_type`` relationships,
        labelling each source node ``mark_source`` when given."""
        check_labels(rel_type, *([mark_source] if mark_source else []))
        if rows:
            self.write_batches(bulk.relationship_merge_statement(rel_type, self.id_function, mark_source), batches(rows))

    def add_cases_by_id(self, rows: Sequence[Sequence[Any]]) -> None:
        """Add case references to existing nodes from ``[handle, cases]`` rows, without repeats."""
        if rows:
            self.write_batches(bulk.add_cases_statement(self.id_function), batches(rows))

    # -- reading ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def read(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run a read-only query; raise ``ReadOnlyViolation`` when it tries to write."""

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run the named query ``queries/NAME.cypher`` (or this backend's override) read-only, unfiltered.

        This is the store's own primitive and sees every case; commands and library callers go through
        ``linkgraph.access.View.query``, which passes the principal's scope instead.
        """
        named = load_query(name)
        bound = named.bind(dict(params or {}))
        if named.filtered:
            open_labels = [e.label for e in load_model().entities.values() if e.reference]
            bound = {**bound, "visible": [], "everything": True, "open_labels": open_labels}
        return self.read(named.text_for(self.backend), bound)

    #: What a full-text hit returns: the node's store id, label, key, caption, name key, and the case
    #: references filtered by the caller's scope (``$visible``/``$everything``).
    FULLTEXT_RETURN = ("id(node), labels(node)[0], node.key, coalesce(node.name, node.number, node.place, node.address, "
                       "node.plate, node.reference, node.key), node.name_key, "
                       "[k IN coalesce(node.cases, []) WHERE $everything OR k IN $visible], score")
    TERM = re.compile(r"^[a-z0-9]+$")
    FULLTEXT_WHERE = ("($everything OR any(k IN coalesce(node.cases, []) WHERE k IN $visible) "
                      "OR any(l IN labels(node) WHERE l IN $open_labels))")

    @abc.abstractmethod
    def fulltext(self, label: str, terms: Sequence[tuple[str, int, bool]], limit: int,
                 scope: Mapping[str, Any]) -> QueryResult:
        """Query the full-text index of ``label`` for any of ``terms`` (word of letters and digits only, edits
        allowed 0-3, prefix or not), best first, at most ``limit`` nodes within ``scope`` (the view's
        ``visible``/``everything``/``open_labels``); columns as ``FULLTEXT_RETURN``. Each backend writes
        the terms in its own query syntax."""

    def counts(self) -> dict[str, dict[str, int]]:
        """Return ``{"nodes": {label: n}, "relationships": {type: n}}`` with zero for empty labels.

        One count per label and per relationship type, which both backends answer from their own
        bookkeeping (FalkorDB's label and relation matrices, Neo4j's count store) without a scan.
        """
        model = load_model()
        nodes = {label: int(self.read(f"MATCH (n:{label}) RETURN count(n)").scalar() or 0) for label in model.labels}
        rels = {name: int(self.read(f"MATCH ()-[r:{name}]->() RETURN count(r)").scalar() or 0)
                for name in model.relationships}
        return {"nodes": nodes, "relationships": rels}

    def existing_keys(self, label: str, keys: Iterable[str]) -> set[str]:
        """Return the subset of ``keys`` that already exist as ``label`` nodes."""
        check_labels(label)
        wanted = list(dict.fromkeys(keys))
        found: set[str] = set()
        for start in range(0, len(wanted), BATCH_SIZE):
            chunk = wanted[start : start + BATCH_SIZE]
            result = self.read(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key", {"keys": chunk})
            found.update(row[0] for row in result.rows)
        return found

    def _paged(self, cypher: str, params: Mapping[str, Any], page: int) -> Iterator[list[Any]]:
        """Yield the rows of an ordered read query, ``page`` rows per round trip."""
        skip = 0
        while True:
            rows = self.read(f"{cypher} SKIP $skip LIMIT $limit", {**params, "skip": skip, "limit": page}).rows
            yield from rows
            if len(rows) < page:
                return
            skip += page

    def subgraph(self, keys: Iterable[str] | None = None, hops: int = 1, page: int = 50_000) -> nx.MultiDiGraph:
        """Return a networkx MultiDiGraph of the nodes within ``hops`` of ``keys`` (all nodes when None).

        Node ids are ``"Label:key"`` (keys are unique per label, not across labels); node attributes
        are the node's properties plus ``label``; edge attributes are the relationship's plus ``type``.
        """
        import networkx as nx  # imported here: a third of a command's start-up, and only this method needs it

        graph = nx.MultiDiGraph()
        handle = self.id_function  # id() on FalkorDB, elementId() on Neo4j (id() is deprecated there)
        if keys is None:
            node_filter, params = "", {}
        else:
            frontier = list(dict.fromkeys(keys))
            seen: set[NodeId] = set()
            for label in load_model().labels:  # one index seek per label, not a scan of every node
                rows = self.read(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN {handle}(n)",
                                 {"keys": frontier}).rows
                seen.update(row[0] for row in rows)
            new = set(seen)
            for _ in range(hops):
                if not new:
                    break
                rows = self.read(
                    f"MATCH (n)--(m) WHERE {handle}(n) IN $ids RETURN DISTINCT {handle}(m)", {"ids": sorted(new)}
                ).rows
                new = {row[0] for row in rows} - seen
                seen |= new
            node_filter, params = f"WHERE {handle}(n) IN $ids", {"ids": sorted(seen)}
        nodes = f"MATCH (n) {node_filter} RETURN {handle}(n), labels(n)[0], properties(n) ORDER BY {handle}(n)"
        for node_id, label, props in self._paged(nodes, params, page):
            graph.add_node(node_id, label=label, **props)
        if keys is None:
            rel_filter, rel_params = "", {}
        else:
            rel_filter, rel_params = f"WHERE {handle}(a) IN $ids AND {handle}(b) IN $ids", params
        rels = (f"MATCH (a)-[r]->(b) {rel_filter} RETURN {handle}(a), {handle}(b), type(r), properties(r) "
                f"ORDER BY {handle}(r)")
        for a, b, rel_type, props in self._paged(rels, rel_params, page):
            graph.add_edge(a, b, key=f"{rel_type}:{props.pop('key', '')}", type=rel_type, **props)
        return nx.relabel_nodes(graph, {n: f"{d['label']}:{d.get('key')}" for n, d in graph.nodes(data=True)})
