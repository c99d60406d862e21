"""Paths, connecting networks, brokers and communities: networkx on a subgraph pulled through the view.

Only entities the principal may see are pulled (and open reference places such as Location), so a path
or a network that would run through a hidden case stops at its boundary; the entities at the boundary
get restricted-match markers. SAME_AS links count as edges when accepted, or candidates at or above
the threshold (persons "through resolved identities").
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.model import ResultGraph
from linkgraph.errors import UsageError
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.store.base import same_as_in_force

if TYPE_CHECKING:
    import networkx as nx

    from linkgraph.access.view import View

_VISIBLE = ("($everything OR any(k IN coalesce({v}.cases, []) WHERE k IN $visible) "
            "OR any(l IN labels({v}) WHERE l IN $open_labels))")
_CAPTION = "coalesce({v}.name, {v}.number, {v}.place, {v}.offence_type, {v}.address, {v}.plate, {v}.description, {v}.key)"
_EDGE = f"(type(r) <> 'SAME_AS' OR {same_as_in_force('r')})"
_NODE_RETURN = "{handle}({v}), labels({v})[0], {v}.key, " + _CAPTION + ", [k IN coalesce({v}.cases, []) WHERE $everything OR k IN $visible]"


def _node_return(view: View, v: str) -> str:
    """What is read of a node ``v``: its store id (the backend's id function), label, key, caption, cases."""
    return _NODE_RETURN.format(handle=view.id_function, v=v)
#: Bookkeeping labels that are never part of an analysis graph.
_SKIP = ("Record", "IngestRun", "ResolutionRun", "AuditEvent", "Alert")
#: Approximate measures sample this many nodes when the graph is larger.
SAMPLE = 500


def _add_node(graph: nx.Graph, row: list[Any]) -> None:
    node_id, label, key, caption, cases = row
    if label not in _SKIP:
        graph.add_node(node_id, label=label, key=key, caption=caption, cases=cases)


def expand(view: View, keys: list[str], hops: int, threshold: float = DEFAULT_THRESHOLD) -> nx.Graph:
    """The visible graph within ``hops`` of the entities ``keys`` (an undirected networkx graph whose
    node ids are store ids; attributes label, key, caption, cases)."""
    import networkx as nx

    graph = nx.Graph()
    frontier = _start(view, graph, keys)
    for _ in range(hops):
        if not frontier:
            break
        frontier = _hop(view, graph, frontier, threshold)
    return graph


def _start(view: View, graph: nx.Graph, keys: list[str]) -> list[Any]:
    """Add the visible entities ``keys`` to ``graph``; return their node ids."""
    from linkgraph.model import load_model

    rows = []
    for label in load_model().entities:  # by label: a key match without one scans every node
        rows += view.read(f"UNWIND $keys AS key MATCH (n:{label} {{key: key}}) WHERE " + _VISIBLE.format(v="n") +
                          " RETURN " + _node_return(view, "n"), {"keys": keys}).rows
    for row in rows:
        _add_node(graph, row)
    return [row[0] for row in rows if row[0] in graph]


def _hop(view: View, graph: nx.Graph, frontier: list[Any], threshold: float) -> list[Any]:
    """Add the visible neighbours of ``frontier`` and their edges to ``graph``; return the new nodes."""
    handle = view.id_function
    rows = view.read(  # one id seek per frontier node (an IN list on an unlabelled node scans them all)
        f"UNWIND $ids AS i MATCH (n) WHERE {handle}(n) = i WITH n MATCH (n)-[r]-(m) WHERE " + _EDGE + " AND " +
        _VISIBLE.format(v="m") + f" RETURN {handle}(n), type(r), " + _node_return(view, "m"),
        {"ids": frontier, "threshold": threshold}).rows
    new = []
    for source, rel, *node in rows:
        if node[1] in _SKIP:
            continue
        if node[0] not in graph:
            _add_node(graph, node)
            new.append(node[0])
        graph.add_edge(source, node[0], type=rel)
    return new


def _between(view: View, source: str, target: str, max_hops: int, threshold: float) -> nx.Graph:
    """The visible graph that holds every shortest path of at most ``max_hops`` between two entities,
    with the reference places no path may pass through left out (they may end one).

    A breadth-first search from both ends, one whole layer at a time from the end with the smaller
    frontier, until the two meet (networkx searches a graph it holds; here the graph is pulled from the
    store as the search goes, so the search is written here). Reference places (Location: a city on
    thousands of journeys) end a path but are never passed through: a path through Tripoli links
    nobody, and expanding it would pull in every journey of the store.
    """
    import networkx as nx

    from linkgraph.model import load_model

    reference = {entity.label for entity in load_model().entities.values() if entity.reference}
    graph = nx.Graph()
    sides = [{"frontier": _start(view, graph, [key]), "depth": 0} for key in (source, target)]
    ends = {n for side in sides for n in side["frontier"]}
    for side in sides:
        side["seen"] = set(side["frontier"])

    def passable(node: Any) -> bool:
        return node in ends or graph.nodes[node]["label"] not in reference

    while sides[0]["depth"] + sides[1]["depth"] < max_hops and not {
            n for n in sides[0]["seen"] & sides[1]["seen"] if passable(n)}:
        open_sides = [s for s in sides if s["frontier"]]
        if not open_sides:
            break
        side = min(open_sides, key=lambda s: len(s["frontier"]))
        through = [n for n in side["frontier"] if passable(n)]
        side["frontier"] = [n for n in _hop(view, graph, through, threshold) if n not in side["seen"]] if through else []
        side["seen"] |= set(side["frontier"])
        side["depth"] += 1
    return graph.subgraph([n for n in graph if passable(n)]).copy()


def whole(view: View, cases: list[str] | None = None, threshold: float = DEFAULT_THRESHOLD,
          skip_labels: tuple[str, ...] = ()) -> nx.Graph:
    """The visible graph (of ``cases`` only, when given), without the ``skip_labels`` nodes."""
    import networkx as nx

    graph = nx.Graph()
    scope = "" if not cases else " AND any(k IN coalesce({v}.cases, []) WHERE k IN $cases)"
    for row in view.read("MATCH (n) WHERE NOT n:Record AND " + _VISIBLE.format(v="n") + scope.format(v="n") +
                         " RETURN " + _node_return(view, "n"), {"cases": cases or []}).rows:
        if row[1] not in skip_labels:
            _add_node(graph, row)
    rows = view.read("MATCH (n)-[r]->(m) WHERE " + _EDGE + " AND " + _VISIBLE.format(v="n") + " AND " +
                     _VISIBLE.format(v="m") + f" RETURN {view.id_function}(n), {view.id_function}(m), type(r)", {"threshold": threshold}).rows
    graph.add_edges_from((a, b, {"type": t}) for a, b, t in rows if a in graph and b in graph)
    return graph


def result(view: View, graph: nx.Graph, nodes: list[Any] | None = None, **extra: dict[Any, Any]) -> ResultGraph:
    """The ``ResultGraph`` of ``nodes`` (default: all) of ``graph``, with the edges among them and the
    restricted-match markers for them; ``extra`` maps an attribute name to values per node."""
    chosen = list(graph.nodes) if nodes is None else nodes
    keep = set(chosen)
    out = ResultGraph()
    for node in chosen:
        data = graph.nodes[node]
        props = {name: values[node] for name, values in extra.items() if node in values}
        out.nodes.append({"id": f"{data['label']}:{data['key']}", "label": data["label"], "key": data["key"],
                          "caption": data["caption"], "cases": data["cases"], "props": props})
    for a, b, data in graph.edges(data=True):
        if a in keep and b in keep:
            out.relationships.append({"source": f"{graph.nodes[a]['label']}:{graph.nodes[a]['key']}",
                                      "target": f"{graph.nodes[b]['label']}:{graph.nodes[b]['key']}",
                                      "type": data.get("type"), "props": {}})
    by_label: dict[str, list[str]] = {}
    for node in chosen:
        by_label.setdefault(graph.nodes[node]["label"], []).append(graph.nodes[node]["key"])
    for label, keys in sorted(by_label.items()):
        if label not in ("Case", "Location"):
            out.hits += [{"key": h.key, "kind": h.kind, "country": h.country, "handling": h.handling,
                          "sentence": h.sentence()} for h in view.hits(label, sorted(set(keys)))]
    return out


def _node(graph: nx.Graph, key: str) -> Any:
    found = [n for n, d in graph.nodes(data=True) if d["key"] == key]
    if not found:
        raise UsageError(f"no entity {key!r} that you may see (try linkgraph search)")
    return found[0]


def paths(view: View, source: str, target: str, *, max_hops: int = 6, all_paths: bool = False,
          threshold: float = DEFAULT_THRESHOLD) -> tuple[ResultGraph, list[list[str]]]:
    """Shortest path(s) of at most ``max_hops`` between the entities ``source`` and ``target`` (keys):
    the subgraph of the paths and each path as a list of ``Label:key`` ids (empty when none)."""
    import networkx as nx

    graph = _between(view, source, target, max_hops, threshold)
    a, b = _node(graph, source), _node(graph, target)
    try:
        found = list(nx.all_shortest_paths(graph, a, b)) if all_paths else [nx.shortest_path(graph, a, b)]
    except nx.NetworkXNoPath:
        found = []
    found = [p for p in found if len(p) - 1 <= max_hops]
    nodes = list(dict.fromkeys(n for p in found for n in p)) or [a, b]
    ids = [[f"{graph.nodes[n]['label']}:{graph.nodes[n]['key']}" for n in p] for p in found]
    sub = graph.edge_subgraph([(p[i], p[i + 1]) for p in found for i in range(len(p) - 1)]).copy() if found else graph
    return result(view, sub if found else graph, nodes), ids


def network(view: View, keys: list[str], *, max_hops: int = 4, threshold: float = DEFAULT_THRESHOLD) -> ResultGraph:
    """The connecting network among ``keys`` (i2's Find Connecting Network): the union of the shortest
    paths of at most ``max_hops`` between every pair of them."""
    import networkx as nx

    if len(keys) < 2:
        raise UsageError("network needs at least two entity keys")
    graph = expand(view, keys, (max_hops + 1) // 2, threshold)
    ends = [_node(graph, key) for key in keys]
    edges = []
    for a, b in combinations(ends, 2):
        try:
            for path in nx.all_shortest_paths(graph, a, b):
                if len(path) - 1 <= max_hops:
                    edges += list(zip(path, path[1:]))
        except nx.NetworkXNoPath:
            continue
    sub = graph.edge_subgraph(edges).copy() if edges else graph.subgraph(ends).copy()
    return result(view, sub, list(dict.fromkeys([*ends, *sub.nodes])))


MEASURES = ("degree", "betweenness", "eigenvector", "pagerank")


def rank(view: View, measure: str, *, cases: list[str] | None = None, top: int = 20,
         threshold: float = DEFAULT_THRESHOLD) -> tuple[ResultGraph, bool]:
    """The ``top`` entities by ``measure`` (degree, betweenness, eigenvector, pagerank) in the visible graph
    (of ``cases``), Case and Location hubs left out; returns the result and whether figures are
    approximate (betweenness sampled on ``SAMPLE`` nodes when the graph is larger). Eigenvector centrality
    is computed on the largest connected component (it is not defined across components)."""
    import networkx as nx

    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    graph = whole(view, cases, threshold, skip_labels=("Case", "Location"))
    approximate = False
    if graph.number_of_nodes() == 0:
        scores: dict[Any, float] = {}
    elif measure == "degree":
        scores = dict(graph.degree())
    elif measure == "betweenness":
        approximate = graph.number_of_nodes() > SAMPLE
        scores = nx.betweenness_centrality(graph, k=SAMPLE if approximate else None, seed=1)
    elif measure == "eigenvector":
        # defined per connected component only: scored on the largest one, the rest count 0
        largest = graph.subgraph(max(nx.connected_components(graph), key=len))
        scores = dict.fromkeys(graph.nodes, 0.0)
        if largest.number_of_edges():
            scores.update(nx.eigenvector_centrality_numpy(largest))
    else:
        scores = nx.pagerank(graph)
    best = sorted(scores, key=lambda n: (-scores[n], graph.nodes[n]["key"]))[:top]
    return result(view, graph, best, score={n: round(float(scores[n]), 6) for n in best}), approximate


def communities(view: View, *, cases: list[str] | None = None, threshold: float = DEFAULT_THRESHOLD,
                min_size: int = 3) -> ResultGraph:
    """Louvain communities (networkx, seeded) of the visible graph of ``cases`` without Case and Location
    hubs; each node's ``props.community`` is its community number (largest first); communities smaller
    than ``min_size`` are left out."""
    import networkx as nx

    graph = whole(view, cases, threshold, skip_labels=("Case", "Location"))
    found = sorted((c for c in nx.community.louvain_communities(graph, seed=1) if len(c) >= min_size),
                   key=lambda c: (-len(c), min(graph.nodes[n]["key"] for n in c)))
    number = {n: i + 1 for i, c in enumerate(found) for n in c}
    nodes = [n for c in found for n in sorted(c, key=lambda n: graph.nodes[n]["key"])]
    return result(view, graph, nodes, community=number)
