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

A header line ``// data NAME: FILE.csv COLUMN`` fills the parameter ``$NAME`` with the values of
``COLUMN`` in the project's data file ``linkgraph/analysis/data/FILE.csv`` (values separated by ``|``
are split), so lists such as the EU member states are kept once, as data with their source.

Besides the shipped queries, a user's own folder (``--queries DIR`` or ``$LINKGRAPH_QUERIES``) is listed
and run with the same header format; where a user query has a shipped query's name, the shipped one wins.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from linkgraph.errors import InvalidQuery, QueryNotFound, UsageError

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_PARAM = re.compile(r"^//\s*param\s+(\w+)\s*:\s*(\w+)(\?)?\s*(?:-\s*(.*))?$")
_DATA = re.compile(r"^//\s*data\s+(\w+)\s*:\s*([\w.-]+\.csv)\s+(\w+)\s*$")
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
    data: tuple[tuple[str, str, str], ...] = ()  # (parameter, data file, column) from "// data" lines
    origin: str = "shipped"  # "shipped", or the user's folder the query was read from

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
        nul = sorted(name for name, value in values.items() if isinstance(value, str) and "\x00" in value)
        if nul:
            raise UsageError(f"parameter {nul[0]} contains a NUL character, which no stored value holds")
        bound = {name: None for name, p in declared.items() if p.optional}
        bound.update({name: declared[name].convert(value) for name, value in values.items()})
        return {**bound, **{name: data_values(file, column) for name, file, column in self.data}}


def data_values(file: str, column: str) -> list[str]:
    """The values of ``column`` in the data file ``linkgraph/analysis/data/FILE`` (comment lines start with
    ``#``; a cell holding several values separates them with ``|``); raise ``InvalidQuery``."""
    source = resources.files("linkgraph.analysis").joinpath("data", file)
    if not source.is_file():
        raise InvalidQuery(f"data file {file} does not exist in linkgraph/analysis/data")
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    if rows and column not in rows[0]:
        raise InvalidQuery(f"data file {file} has no column {column}")
    return [value.strip() for row in rows for value in (row[column] or "").split("|") if value.strip()]


def _parse(name: str, text: str) -> NamedQuery:
    description, example, params, filtered, data = "", "", [], False, []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("//"):
            break
        if match := _PARAM.match(line):
            if match.group(2) not in _TYPES:
                raise InvalidQuery(f"query {name}: parameter {match.group(1)} has unknown type {match.group(2)}; "
                                   f"use one of {', '.join(_TYPES)}")
            params.append(Parameter(match.group(1), match.group(2), match.group(4) or "", bool(match.group(3))))
        elif match := _DATA.match(line):
            data.append((match.group(1), match.group(2), match.group(3)))
        elif line.startswith("// description:"):
            description = line.split(":", 1)[1].strip()
        elif line.startswith("// example:"):
            example = line.split(":", 1)[1].strip()
        elif line.startswith("// access:"):
            filtered = line.split(":", 1)[1].strip() == "filtered"
    if any(p.name == d[0] for p in params for d in data):
        raise InvalidQuery(f"query {name}: a parameter is declared both as param and as data")
    return NamedQuery(name, text, description, tuple(params), example, filtered=filtered, data=tuple(data))


def user_folder(explicit: Path | None = None) -> Path | None:
    """The user's own query folder: ``explicit`` (``--queries``), else ``$LINKGRAPH_QUERIES``, else None.
    Raise ``UsageError`` when it names no folder."""
    folder = explicit or (Path(os.environ["LINKGRAPH_QUERIES"]) if os.environ.get("LINKGRAPH_QUERIES") else None)
    if folder is not None and not folder.is_dir():
        raise UsageError(f"query folder {folder} does not exist (--queries or LINKGRAPH_QUERIES)")
    return folder


def _names(folder: Traversable) -> list[str]:
    return sorted(e.name.removesuffix(".cypher") for e in folder.iterdir()
                  if e.name.endswith(".cypher") and e.name.count(".") == 1 and _NAME.match(e.name[:-7]))


def list_queries(folder: Path | None = None) -> list[NamedQuery]:
    """Return every named query shipped in ``queries/`` and, with ``folder`` (or ``$LINKGRAPH_QUERIES``),
    the user's own, sorted by name; ``origin`` says where each comes from."""
    shipped = _names(resources.files("linkgraph.queries"))
    own = user_folder(folder)
    extra = [n for n in _names(own) if n not in shipped] if own is not None else []
    return sorted((load_query(name, own) for name in shipped + extra), key=lambda q: q.name)


def load_query(name: str, folder: Path | None = None) -> NamedQuery:
    """Return the named query ``name`` with its overrides, shipped or from the user's ``folder`` (or
    ``$LINKGRAPH_QUERIES``); raise ``QueryNotFound`` listing the known names."""
    shipped = resources.files("linkgraph.queries")
    own = user_folder(folder)
    place: Traversable | None = None
    if _NAME.match(name):
        if shipped.joinpath(f"{name}.cypher").is_file():
            place = shipped
        elif own is not None and (own / f"{name}.cypher").is_file():
            place = own
    if place is None:
        known = sorted(set(_names(shipped)) | set(_names(own) if own is not None else []))
        raise QueryNotFound(f"no named query {name!r}; known queries: {', '.join(known)}")
    query = _parse(name, place.joinpath(f"{name}.cypher").read_text(encoding="utf-8"))
    overrides = {}
    for backend in BACKENDS:
        override = place.joinpath(f"{name}.{backend}.cypher")
        if override.is_file():
            overrides[backend] = override.read_text(encoding="utf-8")
    origin = "shipped" if place is shipped else str(own)
    return NamedQuery(query.name, query.text, query.description, query.parameters, query.example, overrides,
                      query.filtered, query.data, origin)
