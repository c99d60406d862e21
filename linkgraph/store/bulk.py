"""Cypher for ingest's bulk writes by node handle, and the compact row shape they send; the writes by
key of ``Store.upsert_nodes`` and ``upsert_relationships``; and the labels that mark a person waiting
for resolution (``UNRESOLVED``), which both kinds of write set.

Ingest writes hundreds of thousands of nodes and relationships per run, so the shape of each row
matters. Measured on FalkorDB 4.22 (10,000-row batches, indexes and constraints in place):

- creating from positional rows, ``CREATE (n:Person {key: r[0], name: r[1], ...})``, costs the server
  about a fifth less than setting a map (``SET n = r``), and the text to encode and parse is half as
  long, as map keys are no longer repeated in every row;
- a property with the same value in every row of a batch (a record's source, file and run) is sent
  once, as a parameter of its own;
- relationships are written between node handles: a seek by handle costs the server a third of a
  lookup by ``key`` in the index.

Property names come from the model and the mappings, never from data, and are quoted; every value is
a query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_SHAREABLE = (str, int)


def cypher_name(name: str) -> str:
    """``name`` (a property name) as a quoted Cypher identifier; raise ``ValueError`` when it cannot be one."""
    if not name or "`" in name:
        raise ValueError(f"{name!r} cannot be a property name")
    return f"`{name}`"


@dataclass
class Table:
    """Rows of property maps as a table: the columns in order, each row's values for the columns that
    vary (None where a row lacks one: not stored), and the properties every row has with one value."""

    names: list[str]
    rows: list[list[Any]]
    shared: dict[str, Any]

    def properties(self, offset: int = 0) -> str:
        """The Cypher map of one row, in column order: ``{name: r[offset + i], shared: $s0, ...}``."""
        entries, varying = [], offset
        for name in self.names:
            if name in self.shared:
                entries.append(f"{cypher_name(name)}: $s{list(self.shared).index(name)}")
            else:
                entries.append(f"{cypher_name(name)}: r[{varying}]")
                varying += 1
        return "{" + ", ".join(entries) + "}"

    def parameters(self) -> dict[str, Any]:
        """The shared values as the parameters ``properties`` names."""
        return {f"s{i}": value for i, value in enumerate(self.shared.values())}


def column_order(maps: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of ``maps``, each placed after the key that precedes it in the map it first appears in.

    The server stores a node's properties in the order of the statement's map, skipping nulls; in this
    order every row's properties come out in the row's own order, whichever rows share its batch (for
    rows whose orders agree, as rows made by one mapping do). So a graph does not depend on how its
    rows were batched (a killed ingest, re-run, writes other batches than one clean run).
    """
    order: list[str] = []
    seen: set[str] = set()
    for row in maps:
        if seen.issuperset(row):
            continue
        previous = -1
        for name in row:
            if name in seen:
                previous = order.index(name)
                continue
            previous += 1
            order.insert(previous, name)
            seen.add(name)
    return order


def tabulate(maps: Sequence[Mapping[str, Any]]) -> Table:
    """Turn property maps into a ``Table`` (order: ``column_order``; shared: strings and ints only)."""
    names = column_order(maps)
    shared: dict[str, Any] = {}
    first = maps[0]
    for name in names:
        value = first.get(name)
        kind = type(value)
        if kind in _SHAREABLE and all(type(v := m.get(name)) is kind and v == value for m in maps):
            shared[name] = value
    varying = [name for name in names if name not in shared]
    return Table(names, [list(map(m.get, varying)) for m in maps], shared)


def node_create_statement(label: str, table: Table, id_function: str, mark: str | None = None) -> str:
    """Cypher that creates each row of ``table`` (sent as ``$rows``) as a ``label`` node (also labelled
    ``mark`` when given); returns key and handle."""
    labels = f"{label}:{mark}" if mark else label
    return f"UNWIND $rows AS r CREATE (n:{labels} {table.properties()}) RETURN n.key, {id_function}(n)"


def relationship_create_statement(rel_type: str, table: Table, id_function: str, mark_source: str | None = None) -> str:
    """Cypher that creates ``$rows`` of ``[source handle, target handle, values of table...]`` as relationships
    (and labels each source node ``mark_source`` when given)."""
    return (
        f"UNWIND $rows AS r MATCH (a) WHERE {id_function}(a) = r[0] MATCH (b) WHERE {id_function}(b) = r[1] "
        f"CREATE (a)-[e:{rel_type} {table.properties(offset=2)}]->(b)" + (f" SET a:{mark_source}" if mark_source else "")
    )


def node_merge_statement(id_function: str, lists: Sequence[str], mark: str | None = None) -> str:
    """Cypher that updates existing nodes from ``$rows`` of ``{id, props, <list>...}``: properties set,
    each list property named in ``lists`` (``records``, ``cases``) extended by the elements it lacks,
    and the label ``mark`` added when given."""
    extend = "".join(f", n.{cypher_name(name)} = coalesce(n.{cypher_name(name)}, []) + "
                     f"[x IN r.{cypher_name(name)} WHERE NOT x IN coalesce(n.{cypher_name(name)}, [])]"
                     for name in lists)
    label = f", n:{mark}" if mark else ""
    return f"UNWIND $rows AS r MATCH (n) WHERE {id_function}(n) = r.id SET n += r.props{extend}{label}"


def relationship_merge_statement(rel_type: str, id_function: str, mark_source: str | None = None) -> str:
    """Cypher that upserts ``$rows`` of ``{a, b, key, props, records}`` (``a``, ``b``: node handles), and
    labels each source node ``mark_source`` when given."""
    return (
        f"UNWIND $rows AS r MATCH (a) WHERE {id_function}(a) = r.a MATCH (b) WHERE {id_function}(b) = r.b "
        f"MERGE (a)-[e:{rel_type} {{key: r.key}}]->(b) "
        "ON CREATE SET e += r.props, e.records = r.records "
        "ON MATCH SET e += r.props, "
        "e.records = coalesce(e.records, []) + [x IN r.records WHERE NOT x IN coalesce(e.records, [])]"
        + (f" SET a:{mark_source}" if mark_source else "")
    )


def add_cases_statement(id_function: str) -> str:
    """Cypher that adds the cases of ``$rows`` of ``[handle, cases]`` to existing nodes, without repeats."""
    return (
        f"UNWIND $rows AS r MATCH (n) WHERE {id_function}(n) = r[0] "
        "SET n.cases = coalesce(n.cases, []) + [c IN r[1] WHERE NOT c IN coalesce(n.cases, [])]"
    )


# -- writes by key (upsert_nodes, upsert_relationships: bookkeeping and small writes) ------------------
#: Resolution reads only the persons ingest touched since its last run (``resolve.person_reader``):
#: ingest labels every ``Person`` it writes ``UNRESOLVED``, and every ``Person`` it gives a document or
#: phone (``PERSON_FACTS``, what resolution compares besides the person's own properties); a
#: resolution run moves the label to ``RESOLVING`` as it starts reading, and removes that once done.
#: They mark a ``Person`` as a second label; no node has them alone, so they hold no key and no index.
UNRESOLVED = "Unresolved"
RESOLVING = "Resolving"
MARKERS = (UNRESOLVED, RESOLVING)
PERSON_FACTS = {"HOLDS": "Document", "USES": "Phone"}


def keyed_node_statement(label: str) -> str:
    """Cypher that upserts ``$rows`` of ``{key, props, records, cases}`` as nodes of ``label``.

    The label comes from the model (checked identifiers), never from data.
    """
    return (
        "UNWIND $rows AS r "
        f"MERGE (n:{label} {{key: r.key}}) "
        "ON CREATE SET n += r.props, n.records = r.records, n.cases = r.cases "
        "ON MATCH SET n += r.props, "
        "n.records = coalesce(n.records, []) + [x IN r.records WHERE NOT x IN coalesce(n.records, [])], "
        "n.cases = coalesce(n.cases, []) + [x IN r.cases WHERE NOT x IN coalesce(n.cases, [])]"
        + _waits_for_resolution(label, "n")
    )


def keyed_node_create_statement(label: str) -> str:
    """Cypher that creates ``$rows`` as new nodes of ``label`` (caller knows none exists yet)."""
    return (
        "UNWIND $rows AS r "
        f"CREATE (n:{label} {{key: r.key}}) SET n += r.props, n.records = r.records, n.cases = r.cases"
        + _waits_for_resolution(label, "n")
    )


def waiting_mark(label: str, rel_type: str | None = None, target_label: str | None = None) -> str | None:
    """``UNRESOLVED`` when a write of a ``label`` node (or of a ``rel_type`` relationship from it to a
    ``target_label`` node) changes what resolution reads of a person: the person itself, or one of
    ``PERSON_FACTS``; else None. The one rule for ingest's writes by handle and the writes by key."""
    if label != "Person" or (rel_type is not None and PERSON_FACTS.get(rel_type) != target_label):
        return None
    return UNRESOLVED


def _waits_for_resolution(label: str, node: str, rel_type: str | None = None, target_label: str | None = None) -> str:
    """`` SET <node>:Unresolved`` when ``waiting_mark`` says the write marks the person, else nothing."""
    mark = waiting_mark(label, rel_type, target_label)
    return f" SET {node}:{mark}" if mark else ""


def keyed_relationship_statement(rel_type: str, source_label: str, target_label: str) -> str:
    """Cypher that upserts ``$rows`` of ``{src, dst, key, props, records}`` as ``rel_type`` relationships.

    ``key`` tells apart two relationships of one type between the same nodes (role, date, sequence).
    """
    return (
        "UNWIND $rows AS r "
        f"MATCH (a:{source_label} {{key: r.src}}) "
        f"MATCH (b:{target_label} {{key: r.dst}}) "
        f"MERGE (a)-[e:{rel_type} {{key: r.key}}]->(b) "
        "ON CREATE SET e += r.props, e.records = r.records "
        "ON MATCH SET e += r.props, "
        "e.records = coalesce(e.records, []) + [x IN r.records WHERE NOT x IN coalesce(e.records, [])]"
        + _waits_for_resolution(source_label, "a", rel_type, target_label)
    )


def keyed_relationship_create_statement(rel_type: str, source_label: str, target_label: str) -> str:
    """Cypher that creates ``$rows`` as new relationships (caller knows both endpoints are new nodes)."""
    return (
        "UNWIND $rows AS r "
        f"MATCH (a:{source_label} {{key: r.src}}) "
        f"MATCH (b:{target_label} {{key: r.dst}}) "
        f"CREATE (a)-[e:{rel_type} {{key: r.key}}]->(b) SET e += r.props, e.records = r.records"
        + _waits_for_resolution(source_label, "a", rel_type, target_label)
    )
