"""Readable at thousands of nodes: a node cap that keeps the cross-case links, and a fixed layout.

Above the cap, the cross-case links, the cases, the restricted-match markers and their neighbourhoods
are kept; leaves hanging off one node are collapsed into counted groups ("12 Phone"); what still
does not fit is left out, and the report says so. Positions are computed here with networkx (seeded,
so the same data gives the same picture) and sent with physics off: the browser draws at once
instead of simulating for minutes.
"""

from __future__ import annotations

import math
from collections import Counter

import networkx as nx

from linkgraph.analysis.model import CrossCaseLink, ResultGraph

DEFAULT_CAP = 2500
SEED = 7
#: Above this many skeleton nodes the force layout takes fewer, plainer steps (see ``positions``).
LARGE_SKELETON = 1000


def link_node_ids(links: list[CrossCaseLink], graph: ResultGraph) -> set[str]:
    """Ids of the graph's nodes a cross-case link is about (the shared entity, the persons on each side)."""
    by_key = {n["key"]: n["id"] for n in graph.nodes}
    keys = {link.shared for link in links} | {e for link in links for side in link.cases for e in side.entities}
    return {by_key[k] for k in keys if k in by_key}


def cap_graph(graph: ResultGraph, links: list[CrossCaseLink], cap: int = DEFAULT_CAP) -> tuple[ResultGraph, list[str]]:
    """``graph`` cut to at most ``cap`` nodes (about: groups count as one), with sentences saying what
    was collapsed or left out. A graph within the cap is returned unchanged."""
    if len(graph.nodes) <= cap:
        return graph, []
    adjacency: dict[str, set[str]] = {n["id"]: set() for n in graph.nodes}
    for rel in graph.relationships:
        adjacency[rel["source"]].add(rel["target"])
        adjacency[rel["target"]].add(rel["source"])
    core = link_node_ids(links, graph) | {n["id"] for n in graph.nodes if n["label"] == "Case"} | {h["node"] for h in graph.hits}
    keep = set(core) | {m for c in core for m in adjacency.get(c, ())}
    nodes = {n["id"]: n for n in graph.nodes}
    groups: dict[tuple[str, str], list[str]] = {}
    for nid, near in adjacency.items():
        if nid not in keep and len(near) == 1:
            groups.setdefault((next(iter(near)), nodes[nid]["label"]), []).append(nid)
    collapsed: set[str] = set()
    new_nodes, new_rels = [], []
    for (anchor, label), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        collapsed.update(members)
        gid = f"group:{anchor}:{label}"
        new_nodes.append({"id": gid, "label": "Group", "key": gid, "caption": f"{len(members)} {label}",
                          "cases": nodes[anchor]["cases"], "props": {"entities": len(members), "type": label},
                          "records": []})
        new_rels.append({"source": anchor, "target": gid, "type": "GROUP", "props": {}, "records": []})
    rest = [n for n in graph.nodes if n["id"] not in collapsed]
    notes = [f"{len(collapsed):,} leaf entities collapsed into {len(new_nodes):,} counted groups"] if collapsed else []
    room = cap - len(new_nodes)
    if len(rest) > room:
        ranked = sorted(rest, key=lambda n: (n["id"] not in keep, -len(adjacency[n["id"]]), n["id"]))
        left_out = ranked[max(room, len(keep & {n["id"] for n in rest})):]
        dropped = {n["id"] for n in left_out}
        rest = [n for n in rest if n["id"] not in dropped]
        by_type = Counter(n["label"] for n in left_out)
        notes.append(f"{len(left_out):,} entities further from the cross-case links left out ("
                     + ", ".join(f"{label} {n:,}" for label, n in sorted(by_type.items())) + ")")
    kept = {n["id"] for n in rest}
    new_nodes = [g for g in new_nodes if g["id"].split(":", 1)[1].rsplit(":", 1)[0] in kept]
    present = kept | {n["id"] for n in new_nodes}
    rels = [r for r in graph.relationships + new_rels if r["source"] in present and r["target"] in present]
    hits = [h for h in graph.hits if h["node"] in present]
    return ResultGraph(rest + new_nodes, rels, hits), notes


def positions(graph: ResultGraph) -> dict[str, tuple[float, float]]:
    """Fixed (x, y) screen positions for every node and hit marker.

    Only the skeleton is laid out by force (the 2-core, where cross-case structure lives, plus one root
    per tree-shaped component), seeded so the same data gives the same picture; the trees hanging
    off it (persons of one case, the phones and documents only they hold, markers) are placed around
    their anchor in fans. A force layout of every node costs seconds per thousand nodes; this stays
    a few seconds for thousands, and reads better: each hub with its own entities around it.
    """
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in graph.nodes)
    g.add_edges_from((r["source"], r["target"]) for r in graph.relationships if r["source"] != r["target"])
    for i, hit in enumerate(graph.hits):
        g.add_edge(hit["node"], f"hit:{i}")
    if g.number_of_nodes() == 0:
        return {}
    skeleton = set(nx.k_core(g, 2)) if g.number_of_edges() else set()
    for component in nx.connected_components(g):
        if not component & skeleton:
            skeleton.add(max(sorted(component), key=g.degree))
    core = g.subgraph(skeleton)
    scale = max(300.0, 40.0 * math.sqrt(g.number_of_nodes()))
    if len(skeleton) == 1:
        placed = {next(iter(skeleton)): (0.0, 0.0)}
    elif len(skeleton) <= 60:
        placed = nx.kamada_kawai_layout(core, scale=scale)
    else:
        # A skeleton of thousands (one night's summary of 382 alerts on a store of a million rows had
        # 2,097) costs 10 s in 50 steps of the default method: 20 plain force steps, seeded, take 3.7 s.
        large = len(skeleton) > LARGE_SKELETON
        placed = nx.spring_layout(core, seed=SEED, iterations=20 if large else 50, scale=scale,
                                  k=3.0 / math.sqrt(len(skeleton)), method="force" if large else "auto")
    where = {node: (float(x), float(y)) for node, (x, y) in placed.items()}
    frontier = [(node, None) for node in sorted(skeleton)]
    while frontier:
        following = []
        for node, parent in frontier:
            children = sorted(m for m in g.neighbors(node) if m not in where)
            if not children:
                continue
            x, y = where[node]
            radius = 30.0 + 9.0 * math.sqrt(len(children))
            if parent is None:
                start, spread = 0.0, 2 * math.pi
            else:
                px, py = where[parent]
                start, spread = math.atan2(y - py, x - px) - math.pi / 3, 2 * math.pi / 3
            for i, child in enumerate(children):
                angle = start + spread * (i + 0.5) / len(children)
                where[child] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
                following.append((child, node))
        frontier = following
    return {node: (round(x, 1), round(y, 1)) for node, (x, y) in where.items()}
