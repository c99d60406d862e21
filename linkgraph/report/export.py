"""Exports of a subgraph for other tools: GraphML, GEXF, node-link JSON, CSV, i2 ANB, FollowTheMoney, neo4j-admin.

Every export starts from a ``ResultGraph`` read through the view (``subgraph.case_graph``), redacted
like a report, and is written with ``files.open_private`` (0600, never through a symlink). Formats
that are a folder (csv, neo4j-admin) also get a ``SHA256SUMS`` file; the SHA-256 noted in the audit
log is that of the single file, or of ``SHA256SUMS`` for a folder.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from linkgraph.analysis.model import ResultGraph
from linkgraph.files import ensure_folder, sha256_of, write_private
from linkgraph.output import csv_safe

FORMATS = ("graphml", "gexf", "json", "csv", "anb", "ftm", "neo4j-admin")
#: The ANB import table: one row per link (i2 Analyst's Notebook "Import Data", tabular link format).
ANB_COLUMNS = ["Entity1 Type", "Entity1 ID", "Entity1 Label", "Link Type", "Entity2 Type", "Entity2 ID",
               "Entity2 Label", "Date", "Source"]


def safe_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run (``linkgraph.output.csv_safe`` on the flattened value)."""
    return csv_safe(_flat(value))


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def node_attributes(node: dict[str, Any]) -> dict[str, str]:
    """A node's attributes as flat strings (lists as JSON): entity_type, entity_key, label (caption),
    cases, sources, facts (``p_<property>``). (GEXF reserves ``type`` and networkx's GEXF writer ``key``.)"""
    attrs = {"entity_type": node["label"], "entity_key": node["key"], "label": str(node["caption"]),
             "cases": _flat(node["cases"]), "sources": _flat(node.get("records", []))}
    attrs.update({f"p_{k}": _flat(v) for k, v in sorted(node["props"].items())})
    return attrs


def edge_attributes(rel: dict[str, Any]) -> dict[str, str]:
    """A relationship's attributes as flat strings: rel_type, label, sources, and its properties."""
    attrs = {"rel_type": rel["type"], "label": rel["type"], "sources": _flat(rel.get("records", []))}
    attrs.update({f"p_{k}": _flat(v) for k, v in sorted(rel["props"].items())})
    return attrs


def to_networkx(graph: ResultGraph) -> Any:
    """The graph as a networkx ``MultiDiGraph`` with flat string attributes (what GraphML and GEXF hold)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for node in graph.nodes:
        g.add_node(node["id"], **node_attributes(node))
    for i, rel in enumerate(graph.relationships):
        g.add_edge(rel["source"], rel["target"], key=f"e{i}", **edge_attributes(rel))
    return g


def _csv(columns: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[safe_cell(v) for v in row] for row in rows])
    return buffer.getvalue()


def _sums(folder: Path, names: list[str]) -> str:
    sums = folder / "SHA256SUMS"
    write_private(sums, "".join(f"{sha256_of(folder / n)}  {n}\n" for n in sorted(names)))
    return sha256_of(sums)


def write_export(graph: ResultGraph, fmt: str, out: Path) -> str:
    """Write ``graph`` as ``fmt`` to ``out`` (a file, or a folder for csv and neo4j-admin); return the
    SHA-256 to audit."""
    if fmt in ("graphml", "gexf"):
        import networkx as nx

        g = to_networkx(graph)
        with _binary(out) as handle:
            (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(g, handle)
        return sha256_of(out)
    if fmt == "json":
        write_private(out, json.dumps(node_link(graph), ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        return sha256_of(out)
    if fmt == "anb":
        write_private(out, _csv(ANB_COLUMNS, anb_rows(graph)))
        return sha256_of(out)
    if fmt == "ftm":
        from linkgraph.report.ftm import ftm_lines

        write_private(out, "".join(line + "\n" for line in ftm_lines(graph)))
        return sha256_of(out)
    ensure_folder(out)
    if fmt == "csv":
        node_cols = sorted({k for n in graph.nodes for k in node_attributes(n)} - {"id"})
        edge_cols = sorted({k for r in graph.relationships for k in edge_attributes(r)})
        write_private(out / "nodes.csv", _csv(["id"] + node_cols, [[n["id"]] + [node_attributes(n).get(c, "") for c in node_cols]
                                                                   for n in graph.nodes]))
        write_private(out / "edges.csv", _csv(["source", "target"] + edge_cols,
                                              [[r["source"], r["target"]] + [edge_attributes(r).get(c, "") for c in edge_cols]
                                               for r in graph.relationships]))
        return _sums(out, ["nodes.csv", "edges.csv"])
    from linkgraph.report.neo4j_admin import write_neo4j_admin

    return _sums(out, write_neo4j_admin(graph, out))


class _binary:
    """A 0600 binary file opened without following symlinks (GraphML and GEXF writers want bytes)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Any:
        import os

        from linkgraph.files import check_output

        check_output(self.path)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)
        self.handle = os.fdopen(fd, "wb")
        return self.handle

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def node_link(graph: ResultGraph) -> dict[str, Any]:
    """The node-link JSON networkx reads (``networkx.node_link_graph(data, edges="links")``), with the
    restricted-match markers in the graph attributes."""
    return {"directed": True, "multigraph": True, "graph": {"hits": [h["sentence"] for h in graph.hits]},
            "nodes": [{"id": n["id"], **node_attributes(n)} for n in graph.nodes],
            "links": [{"source": r["source"], "target": r["target"], "key": f"e{i}", **edge_attributes(r)}
                      for i, r in enumerate(graph.relationships)]}


def anb_rows(graph: ResultGraph) -> list[list[str]]:
    """One ANB row per relationship: both entities (type, id, label), link type, date, source."""
    nodes = {n["id"]: n for n in graph.nodes}
    rows = []
    for rel in graph.relationships:
        a, b = nodes[rel["source"]], nodes[rel["target"]]
        props = rel["props"]
        link = rel["type"] + (f" ({props['role']})" if props.get("role") else "")
        if rel["type"] == "SAME_AS":
            link += f" {props.get('status', '')} p={float(props.get('probability') or 0):.2f}"
        rows.append([a["label"], a["key"], a["caption"], link, b["label"], b["key"], b["caption"],
                     str(props.get("date") or ""), "; ".join(rel.get("records") or [])])
    return rows
