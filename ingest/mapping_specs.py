"""The parsed shape of a source mapping: tables, the entities and relationships their rows yield, row
filters; made by ``mapping.load_mapping``, read by the ingest pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkgraph.ingest.fields import FieldSpec
from linkgraph.ingest.join import JoinSpec

__all__ = ["EntitySpec", "Foreach", "Mapping", "RelationshipSpec", "RowFilter", "TableSpec"]


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
