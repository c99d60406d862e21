"""Apply one table of a mapping to one source record: the entities and relationships it asserts, or why not.

A record is a flat dict (CSV, XLSX) or a nested one (JSON). Entities with ``foreach`` repeat per element
of a nested array or of a split column; each instance has a *position* (the array indexes that led to
it), and a relationship joins the instances of its two ends whose positions agree on every array they
share: a suspect's documents go to that suspect only, while the offences of a case (another array) go
to every suspect of it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from linkgraph.ingest.fields import FieldSpec
from linkgraph.ingest.getters import Getter, getter, lookup, mapped
from linkgraph.ingest.limits import MAX_FOREACH_ITEMS, MAX_ROW_PAIRS
from linkgraph.ingest.mapping import EntitySpec, Mapping, TableSpec
from linkgraph.ingest.normalise import NORMALISERS, Invalid, Value
from linkgraph.ingest.normalise.codes import text_of
from linkgraph.ingest.pairing import Instance, by_shared_arrays
from linkgraph.ingest.row_output import NodeOut, Rejection, RelOut, RowOutput
from linkgraph.model import load_model

_CACHE_LIMIT = 200_000
_NO_KEY = frozenset({"number", "boolean"})  # normalisers whose value is its own key (no ``<property>_key``)

#: Which parts of a normalised value become properties (``birth_date_year``...). Every stored property
#: costs write time on every node, so only what resolution, search or display use is kept; a normaliser
#: not listed keeps all its parts.
STORED_PARTS: dict[str, tuple[str, ...]] = {
    "name": ("given_key", "surname_key"),
    "name_parts": ("given_key", "surname_key"),
    "date": ("year", "month", "day"),
    "country": (),
    "phone": (),
    "sex": (),
    "handling_code": (),
    "text": (),
}


class _PropertyPlan:
    """One field of an entity's or relationship's properties, compiled: its closure and property names."""

    __slots__ = ("name", "spec", "evaluate", "key_name", "keep", "raw", "raw_name", "_part_names")

    def __init__(self, name: str, spec: FieldSpec, evaluate: Callable[..., Value | Invalid | None],
                 key_name: str | None, keep: tuple[str, ...] | None, raw: Getter) -> None:
        self.name, self.spec, self.evaluate, self.key_name, self.keep = name, spec, evaluate, key_name, keep
        self.raw, self.raw_name = raw, f"{name}_raw"
        self._part_names: dict[str, str] = {}

    def part_name(self, part: str) -> str:
        """The property that holds ``part`` of this field's value (``birth_date_year``)."""
        found = self._part_names.get(part)
        if found is None:
            found = self._part_names[part] = f"{self.name}_{part}"
        return found


class RowTransformer:
    """Turns records of one table into ``RowOutput``s, with the mapping's defaults bound once."""

    def __init__(self, mapping: Mapping, table: TableSpec, case_override: str | None = None) -> None:
        self.mapping = mapping
        self.table = table
        self.constants = dict(mapping.constants)
        if case_override:
            self.constants["case_id"] = case_override
        reader = table.reader
        region = reader.get("phone_region") or self.constants.get("country")
        self.defaults: dict[str, dict[str, Any]] = {
            "date": {"order": reader.get("date_order", "dmy")},
            "name": {"order": reader.get("name_order", "given_first")},
            "phone": {"region": region},
        }
        model = load_model()
        self.captions = {label: entity.caption for label, entity in model.entities.items()}
        self.distinct = {name: rel.distinct_by for name, rel in model.relationships.items()}
        self.order = self._entity_order()
        # Normalisers are pure, and countries, places, dates, roles repeat across rows: remember results.
        self._cache: dict[tuple[Any, ...], Value | Invalid] = {}
        self._compiled: dict[int, Callable[..., Value | Invalid | None]] = {}  # by id of the spec, strict
        self._compiled_lenient: dict[int, Callable[..., Value | Invalid | None]] = {}
        self._plans: dict[int, list[_PropertyPlan]] = {}

    def close(self) -> None:
        """Drop the compiled fields and the normaliser cache (the compiled closures refer back to this
        transformer: without this, only the cyclic garbage collector could free them)."""
        self._compiled.clear()
        self._compiled_lenient.clear()
        self._plans.clear()
        self._cache.clear()

    def _entity_order(self) -> list[EntitySpec]:
        return sorted(self.table.entities.values(), key=lambda e: e.foreach.path.count("[]") if e.foreach else 0)

    # -- values ----------------------------------------------------------------------------------
    def value(self, spec: FieldSpec, scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Value | Invalid | None:
        """Evaluate a field: None when empty, else the normaliser's ``Value`` or ``Invalid``."""
        return self._evaluator(spec)(scopes, position)

    def _evaluator(self, spec: FieldSpec, lenient: bool = False) -> Callable[[tuple[Any, ...], tuple[tuple[str, int], ...]], Value | Invalid | None]:
        """The compiled closure of ``spec``; ``lenient`` (properties) lets a template skip its empty parts."""
        compiled = self._compiled_lenient if lenient else self._compiled
        evaluate = compiled.get(id(spec))
        if evaluate is None:
            evaluate = compiled[id(spec)] = self._compile(spec, lenient)
        return evaluate

    def _plan(self, specs: dict[str, FieldSpec]) -> list[_PropertyPlan]:
        """The properties of an entity or relationship, compiled once: each field's closure and the names
        of the properties its value fills."""
        plan = self._plans.get(id(specs))
        if plan is None:
            plan = self._plans[id(specs)] = [
                _PropertyPlan(name, spec, self._evaluator(spec, True),
                              f"{name}_key" if spec.normaliser and spec.normaliser not in _NO_KEY and not spec.array
                              else None,
                              STORED_PARTS.get(spec.normaliser) if spec.normaliser else (), self._getter(spec, True))
                for name, spec in specs.items()]
        return plan

    def _getter(self, spec: FieldSpec, lenient: bool = False) -> Getter:
        """The raw value of a field (before map and normaliser)."""
        return getter(spec, self.constants, lenient)

    def _compile(self, spec: FieldSpec, lenient: bool = False) -> Callable[[tuple[Any, ...], tuple[tuple[str, int], ...]], Value | Invalid | None]:
        """Turn a field into one closure, so the per-row work is a lookup and a cached normaliser call."""
        if spec.array:
            return self._compile_array(spec, lenient)
        get = self._getter(spec, lenient)
        if spec.value_map is not None:
            get = mapped(get, spec)
        if spec.normaliser is None:
            def plain(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Value | Invalid | None:
                raw = get(scopes, position)
                kind = type(raw)
                if raw is None or (kind is float and raw != raw):
                    return None
                if kind is Invalid:
                    return raw
                if kind in (bool, int, float):
                    return Value(key=str(raw), display=raw)  # type: ignore[arg-type]
                if kind in (list, dict):
                    return Invalid(f"expected a single value, found {kind.__name__}")
                text = text_of(raw)
                return None if text is None else Value(key=text, display=text)
            return plain
        normaliser = NORMALISERS[spec.normaliser]
        static = {k: v for k, v in self.defaults.get(spec.normaliser, {}).items() if k in normaliser.options}
        dynamic: list[tuple[str, FieldSpec]] = []
        for name, option in spec.options.items():
            if isinstance(option, FieldSpec):
                dynamic.append((name, option))
            else:
                static[name] = option
        func, cache = normaliser.func, self._cache
        parts = [(name, option) for name, option in dynamic if name in normaliser.parts]
        token = object()  # keys this field's cache entries: (token, raw value, dynamic options...)

        def normalised(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Value | Invalid | None:
            raw = get(scopes, position)
            kind = type(raw)
            if raw is None or (kind is str and (not raw or raw.isspace())) or (kind is float and raw != raw):
                # empty: unless a part of the value (a surname beside an empty given name) is there
                if not parts or all(self.value(option, scopes, position) is None for _, option in parts):
                    return None
                raw = None
            elif kind is Invalid:
                return raw
            options = static
            if dynamic:
                options = dict(static)
                for option_name, option in dynamic:
                    result = self.value(option, scopes, position)
                    options[option_name] = None if result is None or isinstance(result, Invalid) else result.display
            try:
                cache_key = (token, raw, *options.values()) if dynamic else (token, raw)
                return cache[cache_key]
            except KeyError:
                pass
            except TypeError:  # an unhashable raw value (a list where a scalar belongs): no caching
                return func(raw, **options)
            result = func(raw, **options)
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            cache[cache_key] = result
            return result
        return normalised

    def _compile_array(self, spec: FieldSpec, lenient: bool) -> Callable[[tuple[Any, ...], tuple[tuple[str, int], ...]], Value | Invalid | None]:
        """A neo4j-admin array column (``aliases:string[]``): its text split on the reader's
        ``array_delimiter`` (``;``, neo4j-admin's default), each element through the field's map and
        normaliser, stored as a list. With ``pick``, the one element picked, stored as a single value."""
        delimiter = self.table.reader.get("array_delimiter") or ";"
        if spec.pick is not None:
            return self._compile(replace(spec, array=False, split=spec.split or delimiter), lenient)
        get = self._getter(replace(spec, array=False, normaliser=None, options={}, value_map=None), lenient)
        element = self._compile(replace(spec, array=False, kind="item", ref=True), lenient)

        def array(scopes: tuple[Any, ...], position: tuple[tuple[str, int], ...]) -> Value | Invalid | None:
            raw = get(scopes, position)
            if isinstance(raw, list):
                parts = raw
            else:
                text = text_of(raw)
                if text is None:
                    return None
                parts = [part.strip() for part in text.split(delimiter)]
            keys, shown = [], []
            for part in parts:
                if part is None or part == "":
                    continue
                result = element(scopes + (part,), position)
                if result is None:
                    continue
                if type(result) is Invalid:
                    return Invalid(f"element {part!r} of the list: {result.reason}")
                keys.append(str(result.key))
                shown.append(result.display)
            return Value(key=delimiter.join(keys), display=shown) if shown else None  # type: ignore[arg-type]
        return array

    # -- instances -------------------------------------------------------------------------------
    def _instances(self, entity: EntitySpec, record: dict[str, Any]) -> list[Instance] | Invalid:
        foreach = entity.foreach
        if foreach is None:
            return [Instance((), (record,))]
        if foreach.split is not None:
            text = text_of(lookup((record,), foreach.path))
            items = [item.strip() for item in (text or "").split(foreach.split) if item.strip()]
            if len(items) > MAX_FOREACH_ITEMS:
                return Invalid(f"{foreach.path}: more than {MAX_FOREACH_ITEMS:,} elements in one row (the limit)")
            return [Instance(((foreach.path, i),), (record, item)) for i, item in enumerate(items)]
        instances = [Instance((), (record,))]
        walked = ""
        for segment in foreach.path.split("."):
            iterate = segment.endswith("[]")
            name = segment[:-2] if iterate else segment
            walked = f"{walked}.{name}" if walked else name
            nxt = []
            for instance in instances:
                value = instance.scopes[-1].get(name) if isinstance(instance.scopes[-1], dict) else None
                if value is None:
                    continue
                if iterate:
                    if not isinstance(value, list):
                        return Invalid(f"{foreach.path}: expected a list at {name!r}, found {type(value).__name__}")
                    nxt.extend(Instance(instance.position + ((walked, i),), instance.scopes + (item,))
                               for i, item in enumerate(value))
                else:
                    nxt.append(Instance(instance.position, instance.scopes + (value,)))
            instances = nxt
            if len(instances) > MAX_FOREACH_ITEMS:
                return Invalid(f"{foreach.path}: more than {MAX_FOREACH_ITEMS:,} elements in one row (the limit)")
        return instances

    def _properties(self, specs: dict[str, FieldSpec], instance: Instance, problems: list[tuple[str, str]],
                    out: RowOutput) -> dict[str, Any]:
        props: dict[str, Any] = {}
        scopes, position = instance.scopes, instance.position
        for field in self._plan(specs):
            result = field.evaluate(scopes, position)
            if result is None:
                if field.spec.required:
                    problems.append((field.spec.label, f"missing required value for {field.name}"))
                continue
            if type(result) is Invalid:
                action = field.spec.on_error or "reject_row"
                if action == "reject_row":
                    problems.append((field.spec.label, result.reason))
                    continue
                if action == "keep_raw":
                    raw = field.raw(scopes, position)
                    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False, default=str)
                    props[field.raw_name] = text
                    action = f"keep_raw: stored as {field.raw_name}"
                else:
                    action = f"drop_field: {field.name} not stored"
                out.notes.append((field.spec.label, result.reason, action))
                continue
            props[field.name] = result.display
            if field.key_name is None:
                continue
            if result.key != result.display:
                props[field.key_name] = result.key
            keep = field.keep
            for part, part_value in result.parts.items():
                if part_value is not None and (keep is None or part in keep):
                    props[field.part_name(part)] = part_value
        return props

    def transform(self, record: dict[str, Any]) -> RowOutput | Rejection | None:
        """Return what ``record`` asserts, the ``Rejection`` naming its bad fields, or None when the
        table's ``where`` leaves the record to another table."""
        problems: list[tuple[str, str]] = []
        out = RowOutput()
        root = (record,)
        where = self.table.where
        if where is not None:
            found = self.value(where.column, root, ())
            text = None if found is None or type(found) is Invalid else str(found.key)
            if (text in where.values) == where.negate:
                return None
        if self.table.case is not None:
            case = self.value(self.table.case, root, ())
            if isinstance(case, Invalid):
                problems.append((self.table.case.label, case.reason))
            elif case is not None:
                out.case_id = str(case.key)
        if out.case_id is None and self.constants.get("case_id"):
            out.case_id = str(self.constants["case_id"])
        if self.table.record_id is not None:
            rid = self.value(self.table.record_id, root, ())
            if isinstance(rid, Value):
                out.record_id = str(rid.key)
        instances: dict[str, list[Instance]] = {}
        for entity in self.order:
            found = self._instances(entity, record)
            if isinstance(found, Invalid):
                problems.append((entity.foreach.path if entity.foreach else entity.name, found.reason))
                continue
            kept = []
            for instance in found:
                if self._entity(entity, instance, out, problems):
                    kept.append(instance)
            instances[entity.name] = kept
        if problems:
            return Rejection("; ".join(dict.fromkeys(f for f, _ in problems)), "; ".join(r for _, r in problems))
        for rel in self.table.relationships:
            self._relationships(rel, instances, out, problems)
        if problems:
            return Rejection("; ".join(dict.fromkeys(f for f, _ in problems)), "; ".join(r for _, r in problems))
        return out

    def _entity(self, entity: EntitySpec, instance: Instance, out: RowOutput, problems: list[tuple[str, str]]) -> bool:
        ident = self._evaluator(entity.ident)(instance.scopes, instance.position)
        if ident is None:
            if not entity.optional:
                problems.append((entity.ident.label, f"missing required value for {entity.name} ({entity.label})"))
            return False
        if type(ident) is Invalid:
            if entity.ident.on_error == "drop_field":
                out.notes.append((entity.ident.label, ident.reason,
                                  f"drop_field: no {entity.label} {entity.name} and none of its relationships"))
            else:
                problems.append((entity.ident.label, ident.reason))
            return False
        props = self._properties(entity.properties, instance, problems, out)
        if entity.mode == "key":
            instance.key = ident.key
            caption = self.captions[entity.label]
            props.setdefault(caption, ident.display)
            keep = STORED_PARTS.get(entity.ident.normaliser or "text")
            for part, part_value in ident.parts.items():
                if part_value is not None and (keep is None or part in keep):
                    props.setdefault(part, part_value)
        else:
            instance.key = f"{self.mapping.source}:{ident.key}"
            if entity.mode == "ref":
                out.refs.append((entity.label, instance.key, entity.ident.label))
                return True
            props.setdefault("source", self.mapping.source)
            props.setdefault("source_id", str(ident.key))
        out.nodes.append(NodeOut(entity.label, instance.key, props))
        return True

    def _relationships(self, rel: Any, instances: dict[str, list[Instance]], out: RowOutput,
                       problems: list[tuple[str, str]]) -> None:
        sources = instances.get(rel.source)
        targets = instances.get(rel.target)
        if not sources or not targets:  # an optional end left empty by this row: nothing to pair
            return
        source_label, target_label = self.table.entities[rel.source].label, self.table.entities[rel.target].label
        if len(sources) * len(targets) > MAX_ROW_PAIRS:
            problems.append((rel.type, f"{len(sources):,} x {len(targets):,} {rel.type} pairings to check in one row "
                                       f"(the limit is {MAX_ROW_PAIRS:,})"))
            return
        distinct = self.distinct.get(rel.type)
        distinct_key = f"{distinct}_key"
        matching = by_shared_arrays(sources, targets)
        for a in sources:
            for b in matching(a):
                deeper = a if len(a.position) >= len(b.position) else b
                props = self._properties(rel.properties, deeper, problems, out) if rel.properties else {}
                key = str(props.get(distinct_key, props.get(distinct, ""))) if distinct else ""
                if rel.key is not None:
                    own = self._evaluator(rel.key)(deeper.scopes, deeper.position)
                    if own is None or type(own) is Invalid:
                        problems.append((rel.key.label, own.reason if own else f"missing the {rel.type} key"))
                        continue
                    key = f"{own.key}|{key}" if key else str(own.key)
                    props.setdefault("source_id", str(own.key))
                out.rels.append(RelOut(rel.type, source_label, a.key, target_label, b.key, key, props))

