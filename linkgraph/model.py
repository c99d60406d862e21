"""The data model, read once from ``linkgraph/schema/model.yaml`` (and a service's extension file) and checked.

Code asks the model for labels, identities, typed properties and relationship endpoints instead of
repeating them. Label and relationship names are the only identifiers ever formatted into Cypher, so
they are checked here against a strict pattern: nothing from a source file can reach a query string.

A service extends the model without editing the package: a YAML file of the same shape, named by
``LINKGRAPH_MODEL_EXT`` (the CLI's ``--model-ext`` sets it, and a store directory's ``model-ext.yaml``
is used when the variable is unset), may add labels, relationship types and properties to existing
labels, never change what the shipped model says. It is checked like the shipped model.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from linkgraph.errors import InvalidModel

_IDENTIFIER = re.compile(r"^[A-Z][A-Za-z]*$|^[A-Z][A-Z_]*$")
_PROPERTY = re.compile(r"^[a-z][a-z0-9_]*$")
IDENTITIES = ("strong", "local", "case")
#: Property types, and the normalisers a mapping may fill each with (None: any, or none).
PROPERTY_TYPES: dict[str, tuple[str, ...] | None] = {
    "text": None, "number": ("number",), "datetime": None,
    "name": ("name", "name_parts"), "date": ("date",), "country": ("country",), "sex": ("sex",),
    "role": ("role",), "place": ("place",), "code": ("handling_code",),
}
PROPERTY_KEYS = ("type", "searchable", "resolution", "aliases", "description")
ENV_MODEL_EXT = "LINKGRAPH_MODEL_EXT"


@dataclass(frozen=True)
class PropertyType:
    """One typed property of a label or relationship type.

    ``searchable``: in the full-text index; ``resolution``: person resolution compares it (True: by its
    type; a text property names the comparison column it feeds, e.g. ``"region"``);
    ``aliases``: names sources use for it (``dob``), so a mapping that writes one is told the model's name.
    """

    name: str
    type: str
    searchable: bool = False
    resolution: bool | str = False
    aliases: tuple[str, ...] = ()


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
    properties: dict[str, PropertyType] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationshipType:
    """One relationship type with its allowed endpoint labels and the property that tells two apart."""

    name: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    distinct_by: str | None = None
    properties: dict[str, PropertyType] = field(default_factory=dict)


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


def _properties(spec: Any, where: str) -> dict[str, PropertyType]:
    """Parse a ``properties:`` map of the schema: name -> {type, searchable, resolution, aliases}."""
    found: dict[str, PropertyType] = {}
    if not isinstance(spec, dict):
        raise InvalidModel(f"schema: {where}: properties must be a map of name -> {{type: ...}}")
    for name, prop in spec.items():
        prop = prop if isinstance(prop, dict) else {"type": prop}
        if not isinstance(name, str) or not _PROPERTY.match(name):
            raise InvalidModel(f"schema: {where}: {name!r} is not a property name (lower case, digits, _)")
        unknown = sorted(set(prop) - set(PROPERTY_KEYS))
        if unknown:
            raise InvalidModel(f"schema: {where}.{name}: unknown key {unknown[0]!r} (expected {', '.join(PROPERTY_KEYS)})")
        if prop.get("type", "text") not in PROPERTY_TYPES:
            raise InvalidModel(f"schema: {where}.{name}: type must be one of {', '.join(PROPERTY_TYPES)}, not {prop.get('type')!r}")
        resolution = prop.get("resolution", False)
        if not isinstance(resolution, bool) and not (isinstance(resolution, str) and _PROPERTY.match(resolution)):
            raise InvalidModel(f"schema: {where}.{name}: resolution must be true, false or the name of the "
                               f"resolution column it feeds, not {resolution!r}")
        found[name] = PropertyType(name, prop.get("type", "text"), bool(prop.get("searchable", False)),
                                   resolution, tuple(prop.get("aliases") or ()))
    return found


def parse_model(document: dict) -> Model:
    """Build and check a ``Model`` from the parsed YAML schema; raise ``InvalidModel`` on any defect."""
    if not isinstance(document, dict):
        raise InvalidModel("schema: a model file is a map with entities and relationships")
    entities: dict[str, EntityType] = {}
    for label, spec in (document.get("entities") or {}).items():
        _check_identifier(label, "entities")
        if not isinstance(spec, dict):
            raise InvalidModel(f"schema: entity {label}: must be a map with identity and caption")
        identity = spec.get("identity")
        if identity not in IDENTITIES:
            raise InvalidModel(f"schema: entity {label}: identity must be one of {IDENTITIES}, not {identity!r}")
        properties = _properties(spec.get("properties") or {}, f"entity {label}")
        searchable = tuple(spec.get("searchable", ())) + tuple(
            p for p, t in properties.items() if t.searchable and p not in spec.get("searchable", ()))
        entities[label] = EntityType(
            label=label,
            identity=identity,
            caption=spec.get("caption", "key"),
            searchable=searchable,
            protect=tuple(spec.get("protect", ())),
            reference=bool(spec.get("reference", False)),
            set_once=tuple(spec.get("set_once", ())),
            properties=properties,
        )
    relationships: dict[str, RelationshipType] = {}
    for name, spec in (document.get("relationships") or {}).items():
        _check_identifier(name, "relationships")
        if not isinstance(spec, dict):
            raise InvalidModel(f"schema: relationship {name}: must be a map with from and to")
        ends = [tuple(spec.get(end, ())) for end in ("from", "to")]
        for end in ends:
            for label in end:
                if label not in entities:
                    raise InvalidModel(f"schema: relationship {name}: unknown label {label!r}")
        relationships[name] = RelationshipType(name, ends[0], ends[1], spec.get("distinct_by"),
                                               _properties(spec.get("properties") or {}, f"relationship {name}"))
    internal = tuple(_check_identifier(label, "internal") for label in (document.get("internal") or {}))
    return Model(entities, relationships, internal)


def extend_document(base: dict, extension: Any, where: str) -> dict:
    """Return ``base`` with the labels, relationship types and properties of ``extension`` added.

    Raises ``InvalidModel`` when the extension redefines a shipped label or relationship type (other
    than adding properties to it), or is not a model file.
    """
    if not isinstance(extension, dict):
        raise InvalidModel(f"{where}: a model extension is a map with entities and/or relationships")
    unknown = sorted(set(extension) - {"entities", "relationships"})
    if unknown:
        raise InvalidModel(f"{where}: unknown key {unknown[0]!r} (a model extension has entities and relationships)")
    merged = {**base, "entities": dict(base.get("entities") or {}), "relationships": dict(base.get("relationships") or {})}
    for section in ("entities", "relationships"):
        for name, spec in (extension.get(section) or {}).items():
            if name not in merged[section]:
                merged[section][name] = spec
                continue
            if not isinstance(spec, dict) or set(spec) - {"properties"}:
                raise InvalidModel(f"{where}: {section} {name} is in the shipped model; an extension may only add "
                                   "properties: to it")
            shipped = dict(merged[section][name])
            props = dict(shipped.get("properties") or {})
            clash = sorted(set(props) & set(spec.get("properties") or {}))
            if clash:
                raise InvalidModel(f"{where}: {name}.{clash[0]} is in the shipped model already")
            props.update(spec.get("properties") or {})
            shipped["properties"] = props
            merged[section][name] = shipped
    return merged


def model_ext_path() -> Path | None:
    """The model extension file in use: ``$LINKGRAPH_MODEL_EXT``, or None."""
    named = os.environ.get(ENV_MODEL_EXT)
    return Path(named) if named else None


def load_model() -> Model:
    """Return the project's model with the service's extension (``$LINKGRAPH_MODEL_EXT``), parsed once per file."""
    return _load_model(str(model_ext_path() or ""))


@cache
def _load_model(extension: str) -> Model:
    text = resources.files("linkgraph").joinpath("schema/model.yaml").read_text(encoding="utf-8")
    document = yaml.safe_load(text)
    if extension:
        try:
            extra = yaml.safe_load(Path(extension).read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidModel(f"cannot read model extension {extension}: {error.strerror}") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise InvalidModel(f"{extension}{f':{mark.line + 1}' if mark else ''}: not valid YAML") from None
        document = extend_document(document, extra, extension)
        try:
            return parse_model(document)
        except InvalidModel as error:
            raise InvalidModel(f"model extension {extension}: {error}") from None
    return parse_model(document)
