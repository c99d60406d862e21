"""The data model, read once from ``linkgraph/schema/model.yaml`` and checked.

Code asks the model for labels, identities and relationship endpoints instead of repeating them.
Label and relationship names are the only identifiers ever formatted into Cypher, so they are checked
here against a strict pattern: nothing from a source file can reach a query string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from linkgraph.errors import InvalidModel

_IDENTIFIER = re.compile(r"^[A-Z][A-Za-z]*$|^[A-Z][A-Z_]*$")
IDENTITIES = ("strong", "local", "case")


@dataclass(frozen=True)
class EntityType:
    """One node label: how its key is made, which property is its caption, what to search and protect."""

    label: str
    identity: str
    caption: str
    searchable: tuple[str, ...] = ()
    protect: tuple[str, ...] = ()
    reference: bool = False
    set_once: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationshipType:
    """One relationship type with its allowed endpoint labels and the property that tells two apart."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    distinct_by: str | None = None


@dataclass(frozen=True)
class Model:
    """The whole schema: entity types, relationship types and the engine's own bookkeeping labels."""

    entities: dict[str, EntityType]
    relationships: dict[str, RelationshipType]
    internal: tuple[str, ...] = field(default=())

    @property
    def labels(self) -> tuple[str, ...]:
        """Every node label the store holds, entity labels first, then bookkeeping labels."""
        return tuple(self.entities) + self.internal

    def entity(self, label: str) -> EntityType:
        """Return the entity type for ``label``; raise ``InvalidModel`` when it is not in the schema."""
        try:
            return self.entities[label]
        except KeyError:
            raise InvalidModel(f"unknown entity type {label!r}; known: {', '.join(self.entities)}") from None

    def relationship(self, name: str) -> RelationshipType:
        """Return the relationship type ``name``; raise ``InvalidModel`` when it is not in the schema."""
        try:
            return self.relationships[name]
        except KeyError:
            raise InvalidModel(
                f"unknown relationship type {name!r}; known: {', '.join(self.relationships)}"
            ) from None


def _check_identifier(name: object, where: str) -> str:
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise InvalidModel(f"schema: {where}: {name!r} is not a valid label or relationship name")
    return name


def parse_model(document: dict) -> Model:
    """Build and check a ``Model`` from the parsed YAML schema; raise ``InvalidModel`` on any defect."""
    entities: dict[str, EntityType] = {}
    for label, spec in (document.get("entities") or {}).items():
        _check_identifier(label, "entities")
        identity = spec.get("identity")
        if identity not in IDENTITIES:
            raise InvalidModel(f"schema: entity {label}: identity must be one of {IDENTITIES}, not {identity!r}")
        entities[label] = EntityType(
            label=label,
            identity=identity,
            caption=spec.get("caption", "key"),
            searchable=tuple(spec.get("searchable", ())),
            protect=tuple(spec.get("protect", ())),
            reference=bool(spec.get("reference", False)),
            set_once=tuple(spec.get("set_once", ())),
        )
    relationships: dict[str, RelationshipType] = {}
    for name, spec in (document.get("relationships") or {}).items():
        _check_identifier(name, "relationships")
        ends = [tuple(spec.get(end, ())) for end in ("from", "to")]
        for end in ends:
            for label in end:
                if label not in entities:
                    raise InvalidModel(f"schema: relationship {name}: unknown label {label!r}")
        relationships[name] = RelationshipType(name, ends[0], ends[1], spec.get("distinct_by"))
    internal = tuple(_check_identifier(label, "internal") for label in (document.get("internal") or {}))
    return Model(entities, relationships, internal)


@cache
def load_model() -> Model:
    """Return the project's model, parsed once per process."""
    text = resources.files("linkgraph").joinpath("schema/model.yaml").read_text(encoding="utf-8")
    return parse_model(yaml.safe_load(text))
