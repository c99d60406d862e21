"""Getters: the compiled closures that fetch a field's raw value from a record, once per mapping.

A getter takes the record's scopes (the record, then the nested items a ``foreach`` walked into) and
the instance's position, and returns the raw value: a column or JSON path, a constant, a template, the
``foreach`` item or position, with ``pick`` and a value map applied. Normalising is the transformer's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from linkgraph.ingest.fields import FieldSpec, parse_template
from linkgraph.ingest.normalise import Invalid
from linkgraph.ingest.normalise.codes import fold, text_of

_MISSING = object()
_CACHE_LIMIT = 200_000
Getter = Callable[[tuple[Any, ...], tuple[tuple[str, int], ...]], Any]


def lookup(scopes: tuple[Any, ...], path: str) -> Any:
    """The value at ``path`` (a column, a dotted JSON path, ``$.`` from the root), innermost scope first."""
    if path.startswith("$."):
        chain, path = scopes[:1], path[2:]
    else:
        chain = tuple(reversed(scopes))
    for scope in chain:
        if not isinstance(scope, dict):
            continue
        if path in scope:  # flat records: a column name may itself contain dots
            return scope[path]
        value: Any = scope
        for part in path.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                value = _MISSING
                break
        if value is not _MISSING:
            return value
    return None


def getter(spec: FieldSpec, constants: dict[str, Any], lenient: bool = False) -> Getter:
    """The raw value of ``spec`` (before map and normaliser), with its ``pick`` applied. ``lenient``
    (properties) lets a template leave out its empty columns."""
    get = _source(spec, constants, lenient)
    if spec.pick is None:
        return get
    index = 0 if spec.pick == "first" else -1 if spec.pick == "last" else int(spec.pick)
    index = index - 1 if index > 0 else index
    split = spec.split

    def pick(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Any:
        value = get(scopes, position)
        if split is not None and value is not None and not isinstance(value, list):
            value = [part.strip() for part in (text_of(value) or "").split(split)]
        if not isinstance(value, list):
            return value
        items = [item for item in value if item not in (None, "")] if split is None else value
        try:
            return items[index]
        except IndexError:
            return None
    return pick


def _source(spec: FieldSpec, constants: dict[str, Any], lenient: bool) -> Getter:
    kind, ref = spec.kind, spec.ref
    if kind == "column":
        if ref.startswith("$.") or "." in ref:
            return lambda scopes, position: lookup(scopes, ref)

        def column(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Any:
            last = scopes[-1]
            if type(last) is dict and ref in last:  # the common case: a flat record
                return last[ref]
            return lookup(scopes, ref)
        return column
    if kind == "const":
        constant = constants.get(ref)
        return lambda scopes, position: constant
    if kind == "value":
        return lambda scopes, position: ref
    if kind == "item":
        return lambda scopes, position: scopes[-1]
    if kind == "position":
        return lambda scopes, position: position[-1][1] + 1 if position else None
    return _template(parse_template(str(ref)), lenient)


def _template(pieces: list[tuple[str, str | None]], lenient: bool) -> Getter:
    """A template's getter. Strict (keys, ids): empty when any column is empty, so a key is never made
    of part of its parts. Lenient (properties): an empty column is left out with the separator before
    it, so an empty street number still leaves the street."""
    prefix, suffix = pieces[0][0], pieces[-1][0] if pieces[-1][1] is None else ""
    columns = [(literal, name) for literal, name in pieces if name is not None]
    if not columns:
        return lambda scopes, position: prefix or None

    def template(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Any:
        out: list[str] = []
        for literal, name in columns:
            text = text_of(lookup(scopes, name))
            if text is None:
                if not lenient:
                    return None
                continue
            if out:
                out.append(literal)
            out.append(text)
        if not out:
            return None
        return prefix + "".join(out) + suffix
    return template


def mapped(get: Getter, spec: FieldSpec) -> Getter:
    """Wrap ``get`` with the field's value map: the mapped value, the default, or ``Invalid`` naming the word."""
    table, default = spec.value_map or {}, spec.map_default
    known = ", ".join(sorted({str(v) for v in table.values()}))
    seen: dict[str, Any] = {}

    def mapped(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Any:
        raw = get(scopes, position)
        text = text_of(raw)
        if text is None:
            return None
        found = seen.get(text, _MISSING)
        if found is _MISSING:
            found = table.get(fold(text), _MISSING)
            if found is _MISSING:
                found = default if default is not None else Invalid(
                    f"{text!r} is not in the value map of this field (it maps to: {known})")
            if len(seen) < _CACHE_LIMIT:
                seen[text] = found
        return found
    return mapped
