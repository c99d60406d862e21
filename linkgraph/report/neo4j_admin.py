"""Node and relationship CSV files for ``neo4j-admin database import full``.

One ``nodes_<Label>.csv`` per entity type and one ``relationships_<TYPE>.csv`` per relationship type,
each with its own header: ``id:ID`` (the ``Label:key`` node id), ``:LABEL``, typed properties
(``name``, ``line:long``, ``probability:double``, ``cases:string[]`` with ``;`` between elements, the
importer's default array delimiter), and ``:START_ID``, ``:END_ID``, ``:TYPE`` for relationships.
These files feed a database, not a spreadsheet, so values are written exactly (no formula guard).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from linkgraph.analysis.model import ResultGraph
from linkgraph.files import write_private


def _type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "double"
    if present and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in present):
        return "string[]"
    return "string"


def _value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        return ";".join(str(x).replace(";", ",") for x in value)
    if kind == "boolean":
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _table(rows: list[dict[str, Any]], fixed: list[str]) -> str:
    names = sorted({k for r in rows for k in r} - set(fixed))
    kinds = {n: _type([r.get(n) for r in rows]) for n in names}
    header = fixed + [n if kinds[n] == "string" else f"{n}:{kinds[n]}" for n in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([str(row[f]) for f in fixed] + [_value(row.get(n), kinds[n]) for n in names])
    return buffer.getvalue()


def write_neo4j_admin(graph: ResultGraph, folder: Path) -> list[str]:
    """Write the import files into ``folder``; return their names."""
    by_label: dict[str, list[dict[str, Any]]] = {}
    for node in graph.nodes:
        row = {"id:ID": node["id"], ":LABEL": node["label"], "key": node["key"], "cases": list(node["cases"]),
               "sources": list(node.get("records", [])), **{k: v for k, v in node["props"].items() if k not in ("key",)}}
        by_label.setdefault(node["label"], []).append(row)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for rel in graph.relationships:
        row = {":START_ID": rel["source"], ":END_ID": rel["target"], ":TYPE": rel["type"],
               "sources": list(rel.get("records", [])), **rel["props"]}
        by_type.setdefault(rel["type"], []).append(row)
    names = []
    for label, rows in sorted(by_label.items()):
        names.append(f"nodes_{label}.csv")
        write_private(folder / names[-1], _table(rows, ["id:ID", ":LABEL"]))
    for kind, rows in sorted(by_type.items()):
        names.append(f"relationships_{kind}.csv")
        write_private(folder / names[-1], _table(rows, [":START_ID", ":END_ID", ":TYPE"]))
    return names


def import_command(folder: Path, names: list[str], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command line for the files in ``folder``."""
    nodes = " ".join(f"--nodes={folder / n}" for n in names if n.startswith("nodes_"))
    rels = " ".join(f"--relationships={folder / n}" for n in names if n.startswith("relationships_"))
    return f"neo4j-admin database import full {nodes} {rels} --array-delimiter=';' {database}"
