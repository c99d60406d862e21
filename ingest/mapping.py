"""Source mappings: declarative YAML files that turn a source's rows into entities and relationships.

A mapping is read and checked once, before any row: every problem (unknown field, unknown entity type,
unknown normaliser or option, a relationship between undefined entities, a missing column in the
sample) is reported together, each with the mapping file, its line and a suggestion. The format is
documented in ``docs/mapping.md``; ``mappings/`` holds the shipped ones.
"""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from linkgraph.ingest.join import JoinSpec
from linkgraph.ingest.mapping_joins import check_joins, parse_joins
from linkgraph.ingest.mapping_specs import EntitySpec, Foreach, Mapping, RelationshipSpec, RowFilter, TableSpec
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
    joins = parse_joins(raw["join"], raw.line_of("join"), problems) if "join" in raw else ()
    return TableSpec(name, raw.get("file"), raw.get("sheet") or merged_reader.get("sheet"), merged_reader,
                     record_id, case, entities, relationships, where, joins)


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
        check_joins(tables, {str(n): raw["tables"].line_of(n) for n in raw["tables"] or {}}, problems)
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
