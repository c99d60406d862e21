"""Named Cypher queries: one file each in ``queries/``, with a header naming purpose and parameters.

Header format (comment lines at the top of the file)::

    // description: Entities mentioned by one case, with their labels.
    // param case_id: str - the case reference, e.g. ES-2024-117
    // example: linkgraph query case_entities -p case_id=ES-2024-117
    // access: filtered

A query marked ``access: filtered`` takes the view's ``$visible`` (case references the user may see)
and ``$everything`` parameters and returns only what they allow; the view refuses any other query to
a user who does not see every case.

Where the dialects differ, ``NAME.falkordb.cypher`` or ``NAME.neo4j.cypher`` beside the common file
overrides it for that backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from linkgraph.errors import InvalidQuery, QueryNotFound, UsageError

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM = re.compile(r"^//\s*param\s+(\w+)\s*:\s*(\w+)(\?)?\s*(?:-\s*(.*))?$")
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list}
BACKENDS = ("falkordb", "neo4j")


@dataclass(frozen=True)
class Parameter:
    """One declared query parameter: its name, type name and the header's explanation."""

    name: str
    type: str
    help: str = ""
    optional: bool = False  # declared ``str?``: may be left out, and is then null in the query

    def convert(self, raw: Any) -> Any:
        """Convert a command-line string to the declared type; raise ``UsageError`` when it does not fit."""
        if not isinstance(raw, str):
            return raw
        try:
            if self.type == "bool":
                if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(raw)
                return raw.lower() in ("true", "1", "yes")
            if self.type == "list":
                return [item.strip() for item in raw.split(",") if item.strip()]
            return _TYPES[self.type](raw)
        except ValueError:
            raise UsageError(f"parameter {self.name} must be {self.type}, not {raw!r}") from None


@dataclass(frozen=True)
class NamedQuery:
    """A named query: common text, per-backend overrides and the header."""

    name: str
    text: str
    description: str
    parameters: tuple[Parameter, ...] = ()
    example: str = ""
    overrides: dict[str, str] = field(default_factory=dict)
    filtered: bool = False

    def text_for(self, backend: str) -> str:
        """Return the Cypher for ``backend``: its override when one exists, else the common text."""
        return self.overrides.get(backend, self.text)

    def bind(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check ``values`` against the declared parameters and convert them; raise ``UsageError``."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise UsageError(f"query {self.name} has no parameter {', '.join(unknown)}; it takes: "
                             f"{', '.join(declared) or 'none'}")
        missing = sorted(name for name in set(declared) - set(values) if not declared[name].optional)
        if missing:
            raise UsageError(f"query {self.name} needs -p {missing[0]}=VALUE ({declared[missing[0]].help})")
        bound = {name: None for name, p in declared.items() if p.optional}
        bound.update({name: declared[name].convert(value) for name, value in values.items()})
        return bound


def _parse(name: str, text: str) -> NamedQuery:
    description, example, params, filtered = "", "", [], False
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("//"):
            break
        if match := _PARAM.match(line):
            if match.group(2) not in _TYPES:
                raise InvalidQuery(f"query {name}: parameter {match.group(1)} has unknown type {match.group(2)}; "
                                   f"use one of {', '.join(_TYPES)}")
            params.append(Parameter(match.group(1), match.group(2), match.group(4) or "", bool(match.group(3))))
        elif line.startswith("// description:"):
            description = line.split(":", 1)[1].strip()
        elif line.startswith("// example:"):
            example = line.split(":", 1)[1].strip()
        elif line.startswith("// access:"):
            filtered = line.split(":", 1)[1].strip() == "filtered"
    return NamedQuery(name, text, description, tuple(params), example, filtered=filtered)


def list_queries() -> list[NamedQuery]:
    """Return every named query shipped in ``queries/``, sorted by name."""
    names = sorted(
        entry.name.removesuffix(".cypher")
        for entry in resources.files("linkgraph.queries").iterdir()
        if entry.name.endswith(".cypher") and entry.name.count(".") == 1
    )
    return [load_query(name) for name in names]


def load_query(name: str) -> NamedQuery:
    """Return the named query ``name`` with its overrides; raise ``QueryNotFound`` listing the known names."""
    folder = resources.files("linkgraph.queries")
    path = folder.joinpath(f"{name}.cypher")
    if not _NAME.match(name) or not path.is_file():
        known = ", ".join(
            sorted(e.name.removesuffix(".cypher") for e in folder.iterdir()
                   if e.name.endswith(".cypher") and e.name.count(".") == 1)
        )
        raise QueryNotFound(f"no named query {name!r}; known queries: {known}")
    query = _parse(name, path.read_text(encoding="utf-8"))
    overrides = {}
    for backend in BACKENDS:
        override = folder.joinpath(f"{name}.{backend}.cypher")
        if override.is_file():
            overrides[backend] = override.read_text(encoding="utf-8")
    return NamedQuery(query.name, query.text, query.description, query.parameters, query.example, overrides,
                      query.filtered)
