"""The ``join:`` part of a mapping: parsing each join, and checking the joins of all tables together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linkgraph.ingest.fields import suggest
from linkgraph.ingest.join import DUPLICATES, HOWS, JOIN_KEYS, JoinSpec
from linkgraph.yamlines import LineDict, LineList

if TYPE_CHECKING:
    from linkgraph.ingest.mapping import Problems
    from linkgraph.ingest.mapping_specs import TableSpec

__all__ = ["check_joins", "parse_joins"]


def parse_joins(raw: Any, line: int, problems: Problems) -> tuple[JoinSpec, ...]:
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


def check_joins(tables: list[TableSpec], lines: dict[str, int], problems: Problems) -> None:
    """Every join names a lookup table of the mapping (not itself, not one that joins in turn), and every
    table without entities is joined by some table."""
    by_name = {t.name: t for t in tables}
    joined = set()
    for table in tables:
        for join in table.joins:
            other = by_name.get(join.table)
            if other is None:
                problems.add(join.line, f"table {table.name!r} joins an unknown table {join.table!r}"
                             f"{suggest(join.table, [t.name for t in tables if t.name != table.name])}")
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
