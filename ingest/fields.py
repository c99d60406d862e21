"""Fields of a source mapping: where a value comes from, how it is cleaned, and what a bad value costs.

A field is parsed once, when the mapping is loaded (``parse_field``); ``linkgraph.ingest.transform``
compiles it into one closure per mapping. This module also holds the two small languages a field can
use: templates (``"{case_ref}/{:ID}"``: any column name between braces, ``{{`` and ``}}`` for a literal
brace) and value maps (``map: {indagato: suspect}``, looked up case- and accent-insensitively).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from typing import Any

from linkgraph.ingest.normalise import NORMALISERS, Invalid
from linkgraph.ingest.normalise.codes import fold
from linkgraph.model import PROPERTY_TYPES, PropertyType
from linkgraph.yamlines import LineDict

FIELD_KINDS = ("column", "const", "value", "template", "item", "position")
FIELD_KEYS = FIELD_KINDS + ("normalise", "options", "required", "split", "pick", "map", "default", "on_error")
ON_ERROR = ("reject_row", "drop_field", "keep_raw")
#: What a bad value in a property that does not identify anything costs when the mapping does not say:
#: the row is stored and the text as written is kept in ``<property>_raw`` (nothing an analyst could
#: use is lost), and the rejects file still gets a line naming the value and the action taken.
DEFAULT_ON_ERROR = "keep_raw"


#: neo4j-admin import header types (``name:TYPE``, ``name:TYPE[]`` for arrays): the normaliser and
#: options a column of that type is read with when its field names none. Types with no normaliser here
#: (``string``, ``datetime``, ``point``...) are kept as written; ``ID``, ``START_ID``, ``END_ID``,
#: ``TYPE`` and ``LABEL`` are ids and names, kept as written too; ``IGNORE`` columns may not be read.
HEADER_TYPES: dict[str, tuple[str | None, dict[str, Any]]] = {
    **{t: ("number", {"kind": "int"}) for t in ("int", "long", "short", "byte")},
    **{t: ("number", {"kind": "float"}) for t in ("float", "double")},
    "boolean": ("boolean", {}),
    "date": ("date", {"order": "ymd"}),  # neo4j-admin dates are ISO 8601: 2024-02-01
    **{t: (None, {}) for t in ("string", "char", "datetime", "localdatetime", "time", "localtime", "duration",
                               "point", "id", "start_id", "end_id", "type", "label", "ignore")},
}
_HEADER = re.compile(r"^(?P<name>[^:]*):(?P<type>[A-Za-z_]+)(?P<array>\[\])?(?:\((?P<group>[^()]*)\))?$")


def header_type(column: str) -> tuple[str, bool] | None:
    """The neo4j-admin type of a column header (``'age:int'`` -> ``('int', False)``, ``'aliases:string[]'``
    -> ``('string', True)``, ``':ID(Person)'`` -> ``('id', False)``), or None for a plain header."""
    match = _HEADER.match(column)
    if match is None or match["type"].lower() not in HEADER_TYPES:
        return None
    return match["type"].lower(), bool(match["array"])


def _typed(spec: FieldSpec, add: Any) -> FieldSpec:
    """``spec`` with the normaliser its column's neo4j-admin type picks, when the field gives none."""
    if spec.kind != "column" or not isinstance(spec.ref, str):
        return spec
    found = header_type(spec.ref)
    if found is None:
        return spec
    kind, array = found
    if kind == "ignore":
        add(spec.line, f"column {spec.ref!r} is marked :IGNORE by its header (neo4j-admin leaves it out); "
                       "rename the header to read it")
        return spec
    if spec.normaliser is not None:
        return replace(spec, array=array)
    normaliser, options = HEADER_TYPES[kind]
    return replace(spec, normaliser=normaliser, options={**options, **spec.options}, array=array)


class TemplateError(ValueError):
    """A template that cannot be read: an unclosed or stray brace."""


def parse_template(text: str) -> list[tuple[str, str | None]]:
    """Split a template into ``(literal, column)`` pieces; ``column`` is None for a trailing literal.

    Everything between ``{`` and ``}`` is a column name, whatever characters it holds (``{:ID}``,
    ``{Date of birth}``, ``{name.given}``); ``{{`` and ``}}`` stand for literal braces.
    Raises ``TemplateError`` for an unclosed ``{`` or a lone ``}``.
    """
    pieces: list[tuple[str, str | None]] = []
    literal: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "{}" and text[i + 1:i + 2] == ch:
            literal.append(ch)
            i += 2
            continue
        if ch == "}":
            raise TemplateError(f"a lone '}}' at character {i + 1} (write '}}}}' for a brace)")
        if ch == "{":
            end = text.find("}", i + 1)
            if end < 0 or "{" in text[i + 1:end]:
                raise TemplateError(f"the '{{' at character {i + 1} is not closed (write '{{{{' for a brace)")
            name = text[i + 1:end]
            if not name.strip():
                raise TemplateError(f"an empty column name at character {i + 1}")
            pieces.append(("".join(literal), name))
            literal = []
            i = end + 1
            continue
        literal.append(ch)
        i += 1
    if literal or not pieces:
        pieces.append(("".join(literal), None))
    return pieces


def template_columns(text: str) -> list[str]:
    """The column names a template reads (none when it cannot be read)."""
    try:
        return [name for _, name in parse_template(text) if name is not None]
    except TemplateError:
        return []


@dataclass(frozen=True)
class FieldSpec:
    """Where a value comes from (one of column, const, value, template, item, position) and how it is cleaned.

    ``pick`` takes one element of a list value (``first``, ``last`` or a 1-based position; negative
    counts from the end), of the value split on ``split`` when given. ``value_map`` (folded source
    word -> value) is applied before the normaliser, ``map_default`` for words it does not hold.
    ``on_error`` is what a value the normaliser or map refuses costs (see ``ON_ERROR``); None until
    the mapping fills in the default for the field's place.
    """

    kind: str
    ref: Any
    line: int
    normaliser: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # option name -> literal or FieldSpec
    required: bool = False
    split: str | None = None
    pick: str | int | None = None
    value_map: dict[str, Any] | None = None
    map_default: Any = None
    on_error: str | None = None
    array: bool = False  # a neo4j-admin array column (``aliases:string[]``): a list, split on array_delimiter

    def columns(self) -> list[str]:
        """Columns this field (and its options) read."""
        found = []
        if self.kind == "column":
            found.append(self.ref)
        elif self.kind == "template":
            found.extend(template_columns(self.ref))
        for option in self.options.values():
            if isinstance(option, FieldSpec):
                found.extend(option.columns())
        return found

    @property
    def label(self) -> str:
        """How the rejects file names this field: its column, or a description of the constant."""
        if self.kind == "column":
            return str(self.ref)
        if self.kind == "template":
            return ",".join(template_columns(self.ref)) or "template"
        if self.kind == "item":
            return "(list item)"
        return f"{self.kind}:{self.ref}"


def suggest(word: str, choices: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, else the list of choices."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else f" (expected one of: {', '.join(map(str, choices))})"


def _pick(raw: LineDict, add: Any) -> str | int | None:
    pick = raw.get("pick")
    if pick is None:
        return None
    if pick in ("first", "last") or (isinstance(pick, int) and not isinstance(pick, bool) and pick != 0):
        return pick
    add(raw.line_of("pick"), f"pick is first, last or a position (1 is the first, -1 the last), not {pick!r}")
    return None


def _value_map(raw: LineDict, add: Any) -> dict[str, Any] | None:
    spec = raw.get("map")
    if spec is None:
        if "default" in raw:
            add(raw.line_of("default"), "default: is the value for words a map: does not hold; give map: too")
        return None
    if not isinstance(spec, dict) or not spec:
        add(raw.line_of("map"), "map is a map of source words to values, e.g. {indagato: suspect, vittima: victim}")
        return None
    folded: dict[str, Any] = {}
    for word, value in spec.items():
        key = fold(str(word))
        if key in folded and folded[key] != value:
            add(spec.line_of(str(word)) if isinstance(spec, LineDict) else raw.line_of("map"),
                f"map: {word!r} is the same word as another entry (case and accents are ignored) with another value")
        folded[key] = value
    return folded


def parse_field(raw: Any, line: int, add: Any, constants: dict[str, Any]) -> FieldSpec | None:
    """Parse one field of a mapping; report problems with ``add(line, message)``; None when unusable."""
    if isinstance(raw, str):
        return _typed(FieldSpec("column", raw, line), add)
    if not isinstance(raw, LineDict):
        add(line, f"a field must be a column name or a map with one of {FIELD_KINDS}, not {raw!r}")
        return None
    for key in raw:
        if key not in FIELD_KEYS:
            add(raw.line_of(key), f"unknown field key {key!r}{suggest(str(key), FIELD_KEYS)}")
    kinds = [k for k in FIELD_KINDS if k in raw]
    if len(kinds) != 1:
        add(raw.line, f"a field needs exactly one of {', '.join(FIELD_KINDS)}; found {kinds or 'none'}")
        return None
    kind = kinds[0]
    if kind == "const" and raw[kind] not in constants and raw[kind] != "case_id":
        add(raw.line_of(kind), f"unknown constant {raw[kind]!r}{suggest(str(raw[kind]), list(constants) or ['case_id'])}")
    if kind == "template":
        try:
            parse_template(str(raw[kind]))
        except TemplateError as error:
            add(raw.line_of(kind), f"template {raw[kind]!r}: {error}")
    on_error = raw.get("on_error")
    if on_error is not None and on_error not in ON_ERROR:
        add(raw.line_of("on_error"), f"on_error must be one of {', '.join(ON_ERROR)}{suggest(str(on_error), ON_ERROR)}")
        on_error = None
    normaliser = raw.get("normalise")
    options: dict[str, Any] = {}
    if normaliser is not None:
        if normaliser not in NORMALISERS:
            add(raw.line_of("normalise"), f"unknown normaliser {normaliser!r}{suggest(str(normaliser), NORMALISERS)}")
        else:
            allowed = NORMALISERS[normaliser].options
            for name, value in (raw.get("options") or {}).items():
                if name not in allowed:
                    add(raw["options"].line_of(name), f"normaliser {normaliser!r} has no option {name!r}"
                        + (suggest(name, allowed) if allowed else " (it takes none)"))
                    continue
                options[name] = (parse_field(value, raw["options"].line_of(name), add, constants)
                                 if isinstance(value, LineDict) else value)
    elif "options" in raw:
        add(raw.line_of("options"), "options are given without a normaliser")
    split = raw.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        add(raw.line_of("split"), "split is the text between the parts, e.g. '|'")
        split = None
    pick = _pick(raw, add)
    if split is not None and pick is None:
        add(raw.line_of("split"), "split: in a field needs pick: (first, last or a position); "
                                  "to make one entity per part, use foreach: {column: ..., split: ...}")
    return _typed(FieldSpec(kind, raw[kind], raw.line, normaliser, options, bool(raw.get("required", False)),
                            split, pick, _value_map(raw, add), raw.get("default"), on_error), add)


def property_problem(owner: str, name: str, spec: FieldSpec, declared: dict[str, PropertyType],
                     constants: dict[str, Any]) -> str | None:
    """What is wrong with a mapping writing property ``name`` of ``owner`` (a label or relationship
    type) from ``spec``, by the model's typed properties ``declared``; None when nothing is.

    A name the model does not declare is an untyped extra, unless it is an alias of a declared one or
    nearly the same (a slip: ``dob`` for ``birth_date``, ``nationalty``). A typed property must go
    through its normaliser; a literal (``value:``, ``const:``) must be one the normaliser reads.
    """
    prop = declared.get(name)
    if prop is None:
        for other in declared.values():
            if name in other.aliases:
                return f"{owner} has no property {name!r}: the model calls it {other.name!r}"
        close = difflib.get_close_matches(name, list(declared), n=1, cutoff=0.8)
        if close:
            return (f"{owner} has no property {name!r} (did you mean {close[0]!r}? an extra property "
                    "this close to a declared one is taken for a slip; declare it in a model extension)")
        return None
    allowed = PROPERTY_TYPES[prop.type]
    if not allowed or spec.normaliser in allowed:
        return None
    if spec.kind in ("value", "const") and spec.normaliser is None:
        checked = NORMALISERS[allowed[0]].func(spec.ref if spec.kind == "value" else constants.get(spec.ref))
        return f"{owner}.{name} is a {prop.type}: {checked.reason}" if isinstance(checked, Invalid) else None
    return (f"{owner}.{name} is a {prop.type}: give it normalise: {' or '.join(allowed)}"
            + (f", not {spec.normaliser}" if spec.normaliser else ""))
