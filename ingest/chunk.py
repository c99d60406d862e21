"""A chunk of good rows, deduplicated, and how it is written: each node and relationship sent once.

The rows of a chunk assert entities and relationships many times over (a case's offence in every row
of the case, a phone shared by several people); the chunk keeps each once, with every record that
asserted it and every case that mentions it. Writing asks the store which keys it already holds,
creates the others (several times cheaper than merging), merges the known ones, and then writes
relationships by node handle: one with an end created just now cannot exist yet and is created, the
others are merged.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from linkgraph.ingest.transform import RowOutput
from linkgraph.errors import KeyConflict
from linkgraph.model import load_model
from linkgraph.store.base import NodeId, Store
from linkgraph.store import route_ways
from linkgraph.store.bulk import waiting_mark

PROVENANCE_LISTS = ("records", "cases")
_CREATE_ATTEMPTS = 3

NodeRef = tuple[str, str]  # (label, key)


class Chunk:
    """One chunk of good rows: its ``Record`` rows, its nodes and relationships each once, the case
    references of link-table rows, and the handles of the stored entities those rows name."""

    def __init__(self) -> None:
        # labels without provenance lists: the model's ``reference`` (a model extension may add some)
        self.reference = frozenset(e.label for e in load_model().entities.values() if e.reference)
        self.nodes: dict[NodeRef, dict[str, Any]] = {}
        self.rels: dict[tuple[str, str, str, str, str, str], dict[str, Any]] = {}
        self.records: list[dict[str, Any]] = []
        self.case_refs: dict[NodeRef, list[str]] = {}
        self.ref_ids: dict[NodeRef, NodeId] = {}

    def add(self, output: RowOutput, record_key: str) -> None:
        """Add what one good row asserts, with ``record_key`` (its ``Record``) as provenance."""
        case = output.case_id
        if output.refs and case:  # a link-table row puts the entities it names into its case
            for label, key, _ in output.refs:
                known = self.case_refs.setdefault((label, key), [])
                if case not in known:
                    known.append(case)
        nodes, reference = self.nodes, self.reference
        for node in output.nodes:
            ident = (node.label, node.key)
            entry = nodes.get(ident)
            if entry is None:
                if node.label in reference:  # no provenance lists: see the model's ``reference``
                    nodes[ident] = {"key": node.key, "props": node.props}
                else:
                    nodes[ident] = {"key": node.key, "props": node.props, "records": [record_key],
                                    "cases": [case] if case else []}
                continue
            entry["props"].update(node.props)
            if "records" in entry:
                if entry["records"][-1] != record_key:
                    entry["records"].append(record_key)
                if case and case not in entry["cases"]:
                    entry["cases"].append(case)
        rels = self.rels
        for rel in output.rels:
            ident = (rel.type, rel.src_label, rel.src, rel.dst_label, rel.dst, rel.key)
            entry = rels.get(ident)
            if entry is None:
                rels[ident] = {"props": rel.props, "records": [record_key]}
                continue
            entry["props"].update(rel.props)
            if entry["records"][-1] != record_key:
                entry["records"].append(record_key)

    def write(self, store: Store) -> tuple[int, int]:
        """Write the records, nodes and relationships of the chunk; return (entities, relationships)."""
        handles: dict[NodeRef, NodeId] = dict(self.ref_ids)
        created: set[NodeRef] = set()
        write_label(store, "Record", self.records, ("cases",), handles, created)
        by_label: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for (label, _), entry in self.nodes.items():
            by_label[label].append(entry)
        for label, entries in by_label.items():
            lists = () if label in self.reference else PROVENANCE_LISTS
            write_label(store, label, [_flat(entry, lists) for entry in entries], lists, handles, created)
        routes = self._routes(handles)  # their stored ways change with their relationships: see store.route_ways
        token = route_ways.new_token()
        route_ways.mark_stale(store, routes, token)
        self._write_relationships(store, handles, created)
        store.add_cases_by_id([[handles[ident], cases] for ident, cases in self.case_refs.items() if ident in handles])
        route_ways.refresh(store, routes, token)
        return len(self.nodes), len(self.rels)

    def _routes(self, handles: dict[NodeRef, NodeId]) -> list[NodeId]:
        """The handles of the chunk's routes and of the routes at an end of its ``FROM``, ``VIA`` and
        ``TRAVELLED`` relationships."""
        ends = [ident for ident in self.nodes if ident[0] == "Route"]
        for rel_type, src_label, src, dst_label, dst, _ in self.rels:
            if rel_type in route_ways.ROUTE_RELATIONSHIPS:
                ends += [end for end in ((src_label, src), (dst_label, dst)) if end[0] == "Route"]
        return list(dict.fromkeys(handles[end] for end in ends if end in handles))

    def _write_relationships(self, store: Store, handles: dict[NodeRef, NodeId], created: set[NodeRef]) -> None:
        fresh: dict[tuple[str, str | None], list[list[Any]]] = defaultdict(list)
        known: dict[tuple[str, str | None], list[dict[str, Any]]] = defaultdict(list)
        for (rel_type, src_label, src, dst_label, dst, key), entry in self.rels.items():
            a, b = handles.get((src_label, src)), handles.get((dst_label, dst))
            if a is None or b is None:  # an end that is not stored: skipped, as a MATCH on it would be
                continue
            mark = waiting_mark(src_label, rel_type, dst_label)  # a person given a document or phone
            if (src_label, src) in created or (dst_label, dst) in created:
                fresh[(rel_type, mark)].append([a, b, {"key": key, **entry["props"], "records": entry["records"]}])
            else:
                known[(rel_type, mark)].append({"a": a, "b": b, "key": key, **entry})
        for (rel_type, mark), rows in fresh.items():
            store.create_relationships(rel_type, rows, mark)
        for (rel_type, mark), merged in known.items():
            store.merge_relationships(rel_type, merged, mark)


def _flat(entry: dict[str, Any], lists: tuple[str, ...]) -> dict[str, Any]:
    """A node as the flat property map it is created with: key, properties, then its provenance lists."""
    flat = {"key": entry["key"], **entry["props"]}
    for name in lists:
        flat[name] = entry[name]
    return flat


def write_label(store: Store, label: str, rows: list[dict[str, Any]], lists: tuple[str, ...],
                handles: dict[NodeRef, NodeId], created: set[NodeRef]) -> None:
    """Create the ``rows`` (flat property maps) of ``label`` the store lacks and merge the others, adding
    to each list property in ``lists`` what it lacks; put every node's handle into ``handles`` and the
    created ones into ``created``.

    When another process creates one of the keys between the check and the create, the unique
    constraint refuses that batch (which then writes nothing) and the check is made again.
    """
    mark = waiting_mark(label)  # a person waits for resolution: see store.bulk.UNRESOLVED
    for attempt in range(_CREATE_ATTEMPTS):
        existing = store.node_ids(label, [row["key"] for row in rows])
        try:
            new_ids = store.create_nodes(label, [row for row in rows if row["key"] not in existing], mark)
        except KeyConflict:
            if attempt + 1 == _CREATE_ATTEMPTS:
                raise
            continue
        for key, node_id in new_ids.items():
            handles[(label, key)] = node_id
            created.add((label, key))
        merged = []
        set_once = set(load_model().entities[label].set_once) if label in load_model().entities else set()
        for row in rows:
            node_id = existing.get(row["key"])
            if node_id is not None:
                handles[(label, row["key"])] = node_id
                props = {name: value for name, value in row.items()
                         if name != "key" and name not in lists and name not in set_once}
                merged.append({"id": node_id, "props": props, **{name: row[name] for name in lists}})
        store.merge_nodes(merged, lists, mark)
        return
