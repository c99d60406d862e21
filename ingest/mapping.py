"""Source mappings: declarative YAML files that turn a source's rows into entities and relationships.

A mapping is read and checked once, before any row: every problem (unknown field, unknown entity type,
unknown normaliser or option, a relationship between undefined entities, a missing column in the
sample) is reported together, each with the mapping file, its line and a suggestion. The format is
documented in ``docs/mapping.md``; ``mappings/`` holds the shipped ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from linkgraph.ingest.join import DUPLICATES, HOWS, JOIN_KEYS, JoinSpec
from linkgraph.ingest.fields import DEFAULT_ON_ERROR, ON_ERROR, FieldSpec, parse_field, property_problem, suggest
from linkgraph.yamlines import LineDict, LineList, load_with_lines
from linkgraph.errors import InvalidMapping
from linkgraph.model import load_model

FORMATS = ("csv", "tsv", "json", "ndjson", "xlsx", "matrix")
DATE_ORDERS = ("dmy", "mdy", "ymd")
NAME_ORDERS = ("given_first", "surname_first", "auto")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # stored as is on both backends
READER_KEYS = ("format", "encoding", "delimiter", "sheet", "date_order", "name_order", "phone_region",
               "skip_lines", "comment", "array_delimiter")
TABLE_KEYS = ("file", "sheet", "reader", "record_id", "case", "entities", "relationships", "description",
              "on_error", "where", "join")
TOP_KEYS = ("source", "description", "reader", "constants", "tables") + TABLE_KEYS
ENTITY_KEYS = ("type", "id", "key", "ref", "foreach", "optional", "properties")
RELATIONSHIP_KEYS = ("type", "from", "to", "key", "properties")
WHERE_KEYS = ("column", "equals", "in", "not_equals")


@dataclass(frozen=True)
class Foreach:
    """Repeat an entity per element: of a JSON array at ``path`` (``a[].b[]``), or of a split column."""

    path: str
    split: str | None
    line: int


@dataclass(frozen=True)
class EntitySpec:
    """One entity a row yields. ``mode`` says how its key is made: ``id`` (source:id), ``key`` (normalised), ``ref``."""

    name: str
    label: str
    mode: str
    ident: FieldSpec
    line: int
    foreach: Foreach | None = None
    optional: bool = False
    properties: dict[str, FieldSpec] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationshipSpec:
    """One relationship a row yields between two of its entities."""

    type: str
    source: str
    target: str
    line: int
    properties: dict[str, FieldSpec] = field(default_factory=dict)
    key: FieldSpec | None = None  # the source's id of this relationship (a call id): two ids, two relationships


@dataclass(frozen=True)
class RowFilter:
    """Which rows of a file a table takes: those whose ``column`` is (or, with ``negate``, is not) one of ``values``."""

    column: FieldSpec
    values: frozenset[str]
    negate: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One table of a source: a file pattern (or sheet), its reader options and what its rows yield."""

    name: str
    file: str | None
    sheet: str | None
    reader: dict[str, Any]
    record_id: FieldSpec | None
    case: FieldSpec | None
    entities: dict[str, EntitySpec]
    relationships: list[RelationshipSpec]
    where: RowFilter | None = None
    joins: tuple[JoinSpec, ...] = ()

    @property
    def is_lookup(self) -> bool:
        """True for a table read only to be joined by others (it has no entities of its own)."""
        return not self.entities

    @property
    def is_link_table(self) -> bool:
        """True when the table refers to entities defined elsewhere (processed after the others)."""
        return any(e.mode == "ref" for e in self.entities.values())

    def columns(self) -> dict[str, int]:
        """Every column the table reads, with the mapping line that reads it."""
        found: dict[str, int] = {}
        for entity in self.entities.values():
            if entity.foreach and entity.foreach.split is not None:
                found.setdefault(entity.foreach.path, entity.foreach.line)
        for spec in self._field_specs():
            for column in spec.columns():
                if not column.startswith("$.") and not any(j.split_column(column) for j in self.joins):
                    found.setdefault(column, spec.line)
        for join in self.joins:
            for mine, _ in join.on:
                found.setdefault(mine, join.line)
        return found

    def _field_specs(self) -> list[FieldSpec]:
        """Every field this table reads: record id, case, row filter, entity keys and properties,
        relationship properties and keys."""
        specs: list[FieldSpec] = [s for s in (self.record_id, self.case, self.where and self.where.column) if s]
        for entity in self.entities.values():
            specs.append(entity.ident)
            specs.extend(entity.properties.values())
        for relationship in self.relationships:
            specs.extend(relationship.properties.values())
            if relationship.key is not None:
                specs.append(relationship.key)
        return specs

    def joined_columns(self, join: JoinSpec) -> dict[str, int]:
        """The columns of ``join``'s lookup table this table reads (its key columns among them), with lines."""
        found = {theirs: join.line for _, theirs in join.on}
        own = dict(self.columns())
        for spec in self._field_specs():
            for column in spec.columns():
                theirs = join.split_column(column)
                if theirs is not None and column not in own:
                    found.setdefault(theirs, spec.line)
        return found


@dataclass(frozen=True)
class Mapping:
    """A whole source mapping: source name, constants and one or more tables."""

    source: str
    path: Path
    constants: dict[str, Any]
    tables: list[TableSpec]


class Problems:
    """Collects every problem of a mapping, so all of them are reported at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def unknown_keys(self, spec: LineDict, allowed: tuple[str, ...], what: str) -> None:
        for key in spec:
            if key not in allowed:
                self.add(spec.line_of(key), f"unknown {what} key {key!r}{_suggest(str(key), allowed)}")

    def raise_if_any(self) -> None:
        if self.items:
            lines = [f"{self.path}:{line}: {message}" for line, message in sorted(self.items)]
            raise InvalidMapping(f"{len(lines)} problem{'s' if len(lines) > 1 else ''} in mapping {self.path}:\n"
                                 + "\n".join(lines))


def _suggest(word: str, choices: Any) -> str:
    return suggest(word, choices)


def _field(raw: Any, line: int, problems: Problems, constants: dict[str, Any]) -> FieldSpec | None:
    return parse_field(raw, line, problems.add, constants)


def _properties(raw: LineDict, problems: Problems, constants: dict[str, Any], on_error: str,
                owner: str, declared: dict[str, Any], identifying: str | None = None) -> dict[str, FieldSpec]:
    """Parse the ``properties:`` map of an entity or relationship into fields, each with its ``on_error``.

    A required property, and the ``identifying`` one (the property that tells two relationships apart),
    reject the row on a bad value unless the field says otherwise; the others follow ``on_error``.
    """
    properties = {}
    for prop, value in (raw.get("properties") or {}).items():
        if not _PROPERTY_NAME.match(str(prop)):
            problems.add(raw["properties"].line_of(prop), f"property name {str(prop)!r} must be a plain name: ASCII "
                         "letters, digits and _, not starting with a digit (e.g. birth_place)")
            continue
        spec = _field(value, raw["properties"].line_of(prop), problems, constants)
        problem = spec and property_problem(owner, str(prop), spec, declared, constants)
        if problem:
            problems.add(raw["properties"].line_of(prop), problem)
        if spec:
            default = "reject_row" if spec.required or prop == identifying else on_error
            properties[str(prop)] = replace(spec, on_error=spec.on_error or default)
    return properties


def _identity(spec: FieldSpec, what: str, optional: bool, problems: Problems) -> FieldSpec:
    """An identifying field rejects its row on a bad value; an optional or foreach entity may instead be dropped."""
    if spec.on_error in (None, "reject_row"):
        return replace(spec, on_error="reject_row")
    if spec.on_error == "drop_field" and optional:
        return spec
    problems.add(spec.line, f"{what}: a bad value in a field that identifies an entity rejects the row"
                 + ("" if optional else "; on_error: drop_field is only for an optional: true or foreach entity")
                 + f", so on_error: {spec.on_error} cannot be used here")
    return replace(spec, on_error="reject_row")


def _entity(name: str, raw: Any, line: int, problems: Problems, constants: dict[str, Any],
            on_error: str) -> EntitySpec | None:
    model = load_model()
    if not isinstance(raw, LineDict):
        problems.add(line, f"entity {name!r} must be a map with type and id, key or ref")
        return None
    problems.unknown_keys(raw, ENTITY_KEYS, "entity")
    label = raw.get("type")
    if label not in model.entities:
        problems.add(raw.line_of("type"), f"entity {name!r}: unknown type {label!r}{_suggest(str(label), model.entities)}")
        return None
    modes = [m for m in ("id", "key", "ref") if m in raw]
    if len(modes) != 1:
        problems.add(raw.line, f"entity {name!r} needs exactly one of id (source's own id), key (normalised) or ref")
        return None
    mode = modes[0]
    identity = model.entity(label).identity
    if mode in ("id", "ref") and identity == "strong":
        problems.add(raw.line_of(mode), f"entity {name!r}: a {label} is identified by a normalised key; use key:, not {mode}:")
    if mode == "key" and identity == "local":
        problems.add(raw.line_of(mode), f"entity {name!r}: a {label} is identified by the source's own id; use id:, not key:")
    ident = _field(raw[mode], raw.line_of(mode), problems, constants)
    foreach = None
    if "foreach" in raw:
        spec = raw["foreach"]
        if isinstance(spec, str):
            foreach = Foreach(spec, None, raw.line_of("foreach"))
        elif isinstance(spec, LineDict) and "column" in spec:
            foreach = Foreach(spec["column"], str(spec.get("split", "|")), spec.line)
        else:
            problems.add(raw.line_of("foreach"), "foreach is a JSON array path (suspects[]) or {column: X, split: '|'}")
    if mode == "ref" and raw.get("properties"):
        problems.add(raw.line_of("properties"), f"entity {name!r}: a ref: names an entity another table defines "
                     "and writes nothing to it, so its properties would be lost; set them in the table that defines it")
    properties = _properties(raw, problems, constants, on_error, label, model.entity(label).properties)
    if ident is None:
        return None
    optional = bool(raw.get("optional", False))
    ident = _identity(ident, f"entity {name!r} {mode}", optional or foreach is not None, problems)
    return EntitySpec(name, label, mode, ident, raw.line, foreach, optional, properties)


def _relationship(raw: Any, line: int, entities: dict[str, EntitySpec], problems: Problems,
                  constants: dict[str, Any], on_error: str) -> RelationshipSpec | None:
    model = load_model()
    if not isinstance(raw, LineDict):
        problems.add(line, "a relationship must be a map with type, from and to")
        return None
    problems.unknown_keys(raw, RELATIONSHIP_KEYS, "relationship")
    rel_type = raw.get("type")
    if rel_type not in model.relationships:
        problems.add(raw.line_of("type"), f"unknown relationship type {rel_type!r}{_suggest(str(rel_type), model.relationships)}")
        return None
    rel = model.relationship(rel_type)
    ends = []
    for end, allowed in (("from", rel.sources), ("to", rel.targets)):
        name = raw.get(end)
        if name not in entities:
            problems.add(raw.line_of(end), f"{rel_type} {end}: no entity named {name!r} in this table{_suggest(str(name), entities)}")
            return None
        if entities[name].label not in allowed:
            problems.add(raw.line_of(end), f"{rel_type} cannot go {end} a {entities[name].label} (allowed: {', '.join(allowed)})")
        ends.append(name)
    key = None
    if "key" in raw:
        key = _field(raw["key"], raw.line_of("key"), problems, constants)
        key = key and _identity(key, f"{rel_type} key", False, problems)
    return RelationshipSpec(rel_type, ends[0], ends[1], raw.line,
                            _properties(raw, problems, constants, on_error, rel_type, rel.properties, rel.distinct_by), key)


def _where(raw: Any, line: int, problems: Problems, constants: dict[str, Any]) -> RowFilter | None:
    """Parse ``where: {column: kind, equals: edge}`` (or ``in: [...]``, ``not_equals: ...``)."""
    if not isinstance(raw, LineDict) or "column" not in raw:
        problems.add(line, "where is a map such as {column: kind, equals: edge} (or in: [a, b], not_equals: x)")
        return None
    problems.unknown_keys(raw, WHERE_KEYS, "where")
    tests = [k for k in ("equals", "in", "not_equals") if k in raw]
    if len(tests) != 1:
        problems.add(raw.line, "where needs exactly one of equals, in, not_equals")
        return None
    column = _field(raw["column"], raw.line_of("column"), problems, constants)
    values = raw[tests[0]] if tests[0] == "in" else [raw[tests[0]]]
    if not isinstance(values, list) or not values:
        problems.add(raw.line_of(tests[0]), "in: is a list of values, e.g. [edge, link]")
        return None
    return column and RowFilter(column, frozenset(str(v) for v in values), tests[0] == "not_equals")


def _on_error(raw: LineDict, problems: Problems, default: str) -> str:
    value = raw.get("on_error", default)
    if value not in ON_ERROR:
        problems.add(raw.line_of("on_error"), f"on_error must be one of {', '.join(ON_ERROR)}{_suggest(str(value), ON_ERROR)}")
        return default
    return value


def _table(name: str, raw: LineDict, reader: dict[str, Any], problems: Problems,
           constants: dict[str, Any], on_error: str, lookup_ok: bool = False) -> TableSpec:
    merged_reader = {**reader, **(raw.get("reader") or {})}
    if isinstance(raw.get("reader"), LineDict):
        problems.unknown_keys(raw["reader"], READER_KEYS, "reader")
    entities: dict[str, EntitySpec] = {}
    raw_entities = raw.get("entities")
    if "entities" not in raw and "relationships" not in raw and lookup_ok:
        raw_entities = LineDict()  # a lookup table: read only to be joined (checked by load_mapping)
        raw_entities.key_lines = {}
    elif not isinstance(raw_entities, LineDict) or not raw_entities:
        problems.add(raw.line_of("entities"), f"table {name!r} needs an entities: map")
        raw_entities = LineDict()
        raw_entities.key_lines = {}
    on_error = _on_error(raw, problems, on_error)
    for entity_name, spec in raw_entities.items():
        entity = _entity(str(entity_name), spec, raw_entities.line_of(entity_name), problems, constants, on_error)
        if entity:
            entities[str(entity_name)] = entity
    relationships = []
    raw_rels = raw.get("relationships") or LineList()
    for index, spec in enumerate(raw_rels):
        rel = _relationship(spec, raw_rels.item_lines[index], entities, problems, constants, on_error)
        if rel:
            relationships.append(rel)
    record_id = _field(raw["record_id"], raw.line_of("record_id"), problems, constants) if "record_id" in raw else None
    case = _field(raw["case"], raw.line_of("case"), problems, constants) if "case" in raw else None
    record_id = record_id and _identity(record_id, "record_id", False, problems)
    case = case and _identity(case, "case", False, problems)
    where = _where(raw["where"], raw.line_of("where"), problems, constants) if "where" in raw else None
    joins = _joins(raw["join"], raw.line_of("join"), problems) if "join" in raw else ()
    return TableSpec(name, raw.get("file"), raw.get("sheet") or merged_reader.get("sheet"), merged_reader,
                     record_id, case, entities, relationships, where, joins)


def _joins(raw: Any, line: int, problems: Problems) -> tuple[JoinSpec, ...]:
    """Parse ``join:``: one map or a list of maps ``{table, on, as, how, duplicates}``."""
    items = [raw] if isinstance(raw, LineDict) else raw if isinstance(raw, LineList) else None
    lines = [line] if isinstance(raw, LineDict) else getattr(raw, "item_lines", [])
    if not items:
        problems.add(line, "join is a map (or a list of maps) such as {table: subscribers, on: {subscriber_id: id}}")
        return ()
    joins = []
    for spec, item_line in zip(items, lines):
        if isinstance(spec, LineDict) and True in spec and "on" not in spec:
            # YAML 1.1 reads a bare on: as the boolean true (the "Norway problem"); it means the key here
            spec["on"] = spec.pop(True)
            spec.key_lines["on"] = spec.key_lines.get("True", spec.line)
        if not isinstance(spec, LineDict) or "table" not in spec or "on" not in spec:
            problems.add(item_line, "a join needs table: (the lookup table) and on: ({this_column: lookup_column})")
            continue
        problems.unknown_keys(spec, JOIN_KEYS, "join")
        on = spec["on"]
        if isinstance(on, str):
            pairs = ((on, on),)
        elif isinstance(on, LineDict) and on and all(isinstance(v, (str, int)) for v in on.values()):
            pairs = tuple((str(k), str(v)) for k, v in on.items())
        else:
            problems.add(spec.line_of("on"), "on: is a column both files share (on: person_id) or a map of this "
                         "table's columns to the lookup table's ({subscriber_id: id})")
            continue
        alias = spec.get("as", spec["table"])
        if not isinstance(alias, str) or not alias or "." in alias:
            problems.add(spec.line_of("as"), f"as: is the prefix joined columns are read under (sub.phone), "
                         f"a name without dots, not {alias!r}")
            continue
        how, duplicates = spec.get("how", "inner"), spec.get("duplicates", "reject")
        if how not in HOWS:
            problems.add(spec.line_of("how"), f"how is inner (a row with no match is rejected) or left "
                         f"(kept without the joined columns), not {how!r}")
        if duplicates not in DUPLICATES:
            problems.add(spec.line_of("duplicates"), f"duplicates is one of {', '.join(DUPLICATES)}, not {duplicates!r}")
        joins.append(JoinSpec(str(spec["table"]), pairs, alias, str(how), str(duplicates), spec.line))
    aliases = [j.alias for j in joins]
    for join in joins:
        if aliases.count(join.alias) > 1:
            problems.add(join.line, f"two joins read their columns as {join.alias}.*: give each its own as:")
    return tuple(dict.fromkeys(joins))


def _check_joins(tables: list[TableSpec], lines: dict[str, int], problems: Problems) -> None:
    """Every join names a lookup table of the mapping (not itself, not one that joins in turn), and every
    table without entities is joined by some table."""
    by_name = {t.name: t for t in tables}
    joined = set()
    for table in tables:
        for join in table.joins:
            other = by_name.get(join.table)
            if other is None:
                problems.add(join.line, f"table {table.name!r} joins an unknown table {join.table!r}"
                             f"{_suggest(join.table, [t.name for t in tables if t.name != table.name])}")
            elif other is table:
                problems.add(join.line, f"table {table.name!r} cannot join itself")
            elif other.joins:
                problems.add(join.line, f"table {table.name!r} joins {join.table!r}, which joins another table in "
                             "turn; join both lookup tables from this table instead")
            else:
                joined.add(join.table)
    for table in tables:
        if table.is_lookup and table.name not in joined:
            problems.add(lines.get(table.name, 1), f"table {table.name!r} has no entities: and no table joins it")
        elif table.is_lookup and table.joins:
            problems.add(lines.get(table.name, 1), f"table {table.name!r} has no entities: a join needs them")


def _check_reader(reader: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(reader, LineDict):
        problems.add(1, "the mapping needs a reader: map with at least format")
        return {}
    problems.unknown_keys(reader, READER_KEYS, "reader")
    if reader.get("format") not in FORMATS:
        problems.add(reader.line_of("format"), f"reader format must be one of {', '.join(FORMATS)}"
                     + (_suggest(str(reader.get('format')), FORMATS) if reader.get("format") else ""))
    if reader.get("date_order", "dmy") not in DATE_ORDERS:
        problems.add(reader.line_of("date_order"), f"date_order must be one of {', '.join(DATE_ORDERS)}")
    skip = reader.get("skip_lines", 0)
    if not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
        problems.add(reader.line_of("skip_lines"), f"skip_lines is a number of lines (0 or more), not {skip!r}")
    if "comment" in reader and (not isinstance(reader["comment"], str) or not reader["comment"]):
        problems.add(reader.line_of("comment"), "comment is the text comment lines start with, e.g. '#'")
    if (reader.get("skip_lines") or reader.get("comment")) and reader.get("format") not in ("csv", "tsv", "matrix"):
        problems.add(reader.line_of("skip_lines" if "skip_lines" in reader else "comment"),
                     "skip_lines and comment are for csv and tsv files")
    if "array_delimiter" in reader and (not isinstance(reader["array_delimiter"], str) or not reader["array_delimiter"]
                                        or reader["array_delimiter"] == reader.get("delimiter")):
        problems.add(reader.line_of("array_delimiter"), "array_delimiter is the text between the elements of an "
                     "array column (aliases:string[]), e.g. ';', and not the delimiter of the fields")
    if reader.get("name_order", "given_first") not in NAME_ORDERS:
        problems.add(reader.line_of("name_order"), f"name_order must be one of {', '.join(NAME_ORDERS)}")
    return dict(reader)


def resolve_mapping_path(name_or_path: str) -> Path:
    """Return the file for a mapping given by path, or by the name of a mapping shipped in ``mappings/``."""
    path = Path(name_or_path)
    if path.exists():
        return path
    shipped = resources.files("linkgraph.mappings").joinpath(f"{name_or_path}.yaml")
    if shipped.is_file():
        return Path(str(shipped))
    known = sorted(e.name.removesuffix(".yaml") for e in resources.files("linkgraph.mappings").iterdir() if e.name.endswith(".yaml"))
    raise InvalidMapping(f"no mapping file {name_or_path!r} and no shipped mapping of that name; shipped: {', '.join(known)}")


def load_mapping(name_or_path: str) -> Mapping:
    """Read and check a mapping; raise ``InvalidMapping`` listing every problem with its line."""
    path = resolve_mapping_path(name_or_path)
    raw = load_with_lines(path)
    problems = Problems(path)
    if not isinstance(raw, LineDict):
        problems.add(1, "a mapping is a YAML map with source, reader and entities (or tables)")
        problems.raise_if_any()
    problems.unknown_keys(raw, TOP_KEYS, "top-level")
    source = raw.get("source")
    if not isinstance(source, str) or not _SOURCE_NAME.match(source):
        problems.add(raw.line_of("source"), "source must be a short lower-case name such as es-cnp (letters, digits, - _ .)")
    constants = dict(raw.get("constants") or {})
    reader = _check_reader(raw.get("reader"), problems)
    on_error = _on_error(raw, problems, DEFAULT_ON_ERROR)
    tables = []
    if "tables" in raw:
        for name, spec in (raw["tables"] or {}).items():
            if not isinstance(spec, LineDict):
                problems.add(raw["tables"].line_of(name), f"table {name!r} must be a map")
                continue
            problems.unknown_keys(spec, TABLE_KEYS, "table")
            if "file" not in spec and "sheet" not in spec:
                problems.add(spec.line, f"table {name!r} needs file: (a name pattern) or sheet:")
            tables.append(_table(str(name), spec, reader, problems, constants, on_error, lookup_ok=True))
        _check_joins(tables, {str(n): raw["tables"].line_of(n) for n in raw["tables"] or {}}, problems)
    else:
        if "join" in raw:
            problems.add(raw.line_of("join"), "join: names another table: give tables:, one of them the lookup table")
        tables.append(_table("rows", raw, reader, problems, constants, on_error))
    problems.raise_if_any()
    return Mapping(source, path, constants, tables)


def check_columns(mapping: Mapping, table: TableSpec, available: list[str], file: Path,
                  join: JoinSpec | None = None) -> None:
    """Raise ``InvalidMapping`` when ``table`` reads columns ``file`` does not have, each with line and
    suggestion; with ``join``, the columns ``table`` reads through that join from the lookup ``file``."""
    problems = Problems(mapping.path)
    problems.items.extend(column_problems(table, available, file, join))
    problems.raise_if_any()


def column_problems(table: TableSpec, available: list[str], file: Path,
                    join: JoinSpec | None = None) -> list[tuple[int, str]]:
    """The (line, message) of every column ``table`` reads (through ``join``: from the lookup ``file``)
    that ``file`` does not have."""
    problems = Problems(Path())
    present = set(available)
    wanted = table.joined_columns(join) if join else table.columns()
    for column, line in wanted.items():
        if column not in present:
            if join and column in {theirs for _, theirs in join.on}:
                problems.add(line, f"join {join.alias}: the key column {column!r} (on:) is not in {file.name} "
                             f"(table {join.table}){_suggest(column, available)}")
                continue
            shown = f"{join.alias}.{column}" if join else column
            problems.add(line, f"column {shown!r} is not in {file.name}"
                         + (f" (table {join.table}, joined as {join.alias})" if join else "")
                         + _suggest(column, available))
    return problems.items


def with_overrides(mapping: Mapping, source: str | None = None, constants: dict[str, str] | None = None) -> Mapping:
    """Return ``mapping`` with another source name and/or constants, for one mapping shared by several systems.

    Raises ``InvalidMapping`` for a malformed source name or a constant the mapping does not declare.
    """
    if source is not None and not _SOURCE_NAME.match(source):
        raise InvalidMapping(f"--source {source!r}: a source is a short lower-case name such as fr-records")
    unknown = sorted(set(constants or {}) - set(mapping.constants) - {"case_id"})
    if unknown:
        raise InvalidMapping(f"--set {unknown[0]}: mapping {mapping.path.name} has no constant {unknown[0]!r}"
                             f"{_suggest(unknown[0], list(mapping.constants) + ['case_id'])}")
    return Mapping(source or mapping.source, mapping.path, {**mapping.constants, **(constants or {})}, mapping.tables)
