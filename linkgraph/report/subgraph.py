"""The subgraph a report draws, read through the view: a case's network, or an entity's neighbourhood.

Every query filters with the view's scope (``$visible``, ``$everything``, ``$open_labels``), so what
a principal may not see never leaves the database: nodes in hidden cases are not returned, their case
references are cut from the ``cases`` lists, and provenance records of hidden cases are dropped. What
the principal sees that also appears beyond her cases becomes a hit marker (``view.hits``): kind,
owner country and handling code, nothing else. Expansion does not run through reference nodes
(places that thousands of records mention), which would join every case to every other.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.model import ResultGraph
from linkgraph.errors import UsageError
from linkgraph.model import load_model
from linkgraph.store import route_ways
from linkgraph.store.base import SAME_AS_BOUND

if TYPE_CHECKING:
    from linkgraph.access.view import View

#: The filter for a node ``m`` the principal may see.
VISIBLE = ("($everything OR any(c IN coalesce({n}.cases, []) WHERE c IN $visible) "
           "OR any(l IN labels({n}) WHERE l IN $open_labels))")
#: Properties that are the engine's bookkeeping, not facts a case file gave: left out of reports and exports.
BOOKKEEPING = {"records", "cases", "key", "history", SAME_AS_BOUND, "resolved_fingerprint", *route_ways.KEPT}


def entity_labels() -> list[str]:
    """The entity labels a report draws (the model's entities, without the engine's alerts)."""
    return [label for label in load_model().entities if label != "Alert"]


def node_id(label: str, key: str) -> str:
    """The node id of the result shapes: ``Label:key``."""
    return f"{label}:{key}"


def check_cases(view: View, cases: list[str]) -> list[str]:
    """The requested ``cases``; raise ``UsageError`` for one that does not exist or may not be seen
    (the same sentence for both, so a hidden case looks like a missing one)."""
    visible = set(view.visible_cases())
    for case in cases:
        if case not in visible:
            raise UsageError(f"no case {case!r} in the store {view.location} that you may see")
    return list(dict.fromkeys(cases))


def case_graph(view: View, cases: list[str], hops: int = 1) -> ResultGraph:
    """The network of ``cases``: every entity the cases mention, then ``hops`` steps out to what the
    principal may see in other cases; hit markers where it reaches beyond. Raise ``UsageError`` for
    an unknown or hidden case."""
    cases = check_cases(view, cases)
    seed: dict[str, tuple[str, str]] = {}
    for label in entity_labels():
        rows = view.read(f"MATCH (n:{label}) WHERE (any(c IN coalesce(n.cases, []) WHERE c IN $cases) "
                         f"OR ({'true' if label == 'Case' else 'false'} AND n.key IN $cases)) AND {VISIBLE.format(n='n')} RETURN n.key",
                         {"cases": cases}).rows
        seed.update({node_id(label, key): (label, key) for (key,) in rows})
    view.note(cases=cases, params={"cases": cases, "hops": hops})
    return _expand_and_read(view, seed, hops)


def entity_graph(view: View, keys: list[str], hops: int = 1) -> ResultGraph:
    """The neighbourhood of the entities ``keys`` (any label), ``hops`` steps out, through the view.
    Raise ``UsageError`` when none of them exists for the principal."""
    seed: dict[str, tuple[str, str]] = {}
    for label in entity_labels():
        rows = view.read(f"MATCH (n:{label}) WHERE n.key IN $keys AND {VISIBLE.format(n='n')} RETURN n.key",
                         {"keys": keys}).rows
        seed.update({node_id(label, key): (label, key) for (key,) in rows})
    if not seed:
        raise UsageError(f"no entity with key {', '.join(map(repr, keys))} in the store {view.location} "
                         "that you may see")
    view.note(params={"entities": keys, "hops": hops})
    return _expand_and_read(view, seed, hops)


def _by_label(nodes: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for label, key in nodes.values():
        grouped.setdefault(label, []).append(key)
    return grouped


def _expand_and_read(view: View, seed: dict[str, tuple[str, str]], hops: int) -> ResultGraph:
    model = load_model()
    labels = entity_labels()
    nodes = dict(seed)
    frontier = {k: v for k, v in seed.items() if not model.entities[v[0]].reference}
    for _ in range(max(hops, 0)):
        found: dict[str, tuple[str, str]] = {}
        for label, keys in _by_label(frontier).items():
            rows = view.read(f"MATCH (a:{label})-[]-(m) WHERE a.key IN $keys AND labels(m)[0] IN $labels "
                             f"AND {VISIBLE.format(n='m')} RETURN DISTINCT labels(m)[0], m.key",
                             {"keys": keys, "labels": labels}).rows
            found.update({node_id(lab, key): (lab, key) for lab, key in rows if node_id(lab, key) not in nodes})
        nodes.update(found)
        frontier = {k: v for k, v in found.items() if not model.entities[v[0]].reference}
    return read_graph(view, nodes)


def read_graph(view: View, nodes: dict[str, tuple[str, str]]) -> ResultGraph:
    """Read ``nodes`` (id -> (label, key)) with their properties, the relationships among them, the
    provenance of both (visible records only) and the hit markers, into a ``ResultGraph``."""
    model = load_model()
    graph = ResultGraph()
    raw_rels: list[tuple[str, str, str, dict[str, Any]]] = []
    for label, keys in sorted(_by_label(nodes).items()):
        rows = view.read(f"MATCH (n:{label}) WHERE n.key IN $keys AND {VISIBLE.format(n='n')} "
                         "RETURN n.key, properties(n), [c IN coalesce(n.cases, []) WHERE $everything OR c IN $visible]",
                         {"keys": keys}).rows
        caption = model.entities[label].caption
        for key, props, cases in rows:
            facts = {k: v for k, v in (props or {}).items() if k not in BOOKKEEPING}
            graph.nodes.append({"id": node_id(label, key), "label": label, "key": key,
                                "caption": str(facts.get(caption) or key), "cases": sorted(cases or []),
                                "props": facts, "records": list((props or {}).get("records") or [])})
        rels = view.read(f"MATCH (a:{label})-[e]->(b) WHERE a.key IN $keys AND {VISIBLE.format(n='b')} "
                         "RETURN a.key, type(e), labels(b)[0], b.key, properties(e)", {"keys": keys}).rows
        raw_rels += [(node_id(label, a), kind, node_id(blabel, b), props or {}) for a, kind, blabel, b, props in rels]
    present = {n["id"] for n in graph.nodes}
    records = _records(view, [r for n in graph.nodes for r in n["records"]]
                       + [r for *_, props in raw_rels for r in props.get("records") or []])
    for node in graph.nodes:
        node["records"] = sorted({records[r] for r in node["records"] if r in records})
    for source, kind, target, props in raw_rels:
        if source not in present or target not in present:
            continue
        own = [records[r] for r in props.get("records") or [] if r in records]
        if props.get("records") and not own:
            continue  # asserted only by records of cases the principal may not see
        facts = {k: v for k, v in props.items() if k not in BOOKKEEPING}
        graph.relationships.append({"source": source, "target": target, "type": kind, "props": facts,
                                    "records": sorted(set(own))})
    for label, keys in sorted(_by_label({n["id"]: (n["label"], n["key"]) for n in graph.nodes}).items()):
        for hit in view.hits(label, sorted(keys)):
            graph.hits.append({"node": node_id(label, hit.key), "kind": hit.kind, "country": hit.country,
                               "handling": hit.handling, "sentence": hit.sentence()})
    view.note(rows=len(graph.nodes), cases=sorted({c for n in graph.nodes for c in n["cases"]}))
    return graph


def _records(view: View, keys: list[str]) -> dict[str, str]:
    """Provenance sentences ("source file:line (record id), case X") for the visible records of ``keys``."""
    if not keys:
        return {}
    rows = view.read("UNWIND $keys AS k MATCH (r:Record {key: k}) WHERE $everything OR r.case_id IN $visible "
                     "RETURN r.key, r.source, r.file, r.line, r.record_id, r.case_id", {"keys": sorted(set(keys))}).rows
    out = {}
    for key, source, file, line, record_id, case in rows:
        where = f"{Path(str(file)).name}:{line}" if file else "?"
        out[key] = f"{source} {where}" + (f" (record {record_id})" if record_id else "") + (f", case {case}" if case else "")
    return out


def graph_from_file(view: View, path: Path, hops: int = 1) -> tuple[ResultGraph, list[dict[str, Any]]]:
    """The graph for ``--links FILE.json``: a list of ``CrossCaseLink.to_json()`` dicts, or a
    ``ResultGraph.to_json()``. Nothing in the file is trusted: its entity keys are read again through
    the view, and links touching a case the principal may not see are left out. Returns the graph and
    the kept link dicts. Raise ``UsageError`` for a file that is not one of those shapes."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UsageError(f"{path}: not a readable JSON file ({error})") from None
    visible = set(view.visible_cases())
    if isinstance(document, dict) and isinstance(document.get("nodes"), list):
        keys = [str(n.get("key")) for n in document["nodes"] if isinstance(n, dict) and n.get("key")]
        return entity_graph(view, keys, hops=0), []
    if not isinstance(document, list) or not all(isinstance(d, dict) and "cases" in d for d in document):
        raise UsageError(f"{path}: expected a list of cross-case links (linkgraph links --format json) "
                         "or a result graph with 'nodes'")
    kept = [d for d in document
            if all(isinstance(s, dict) and s.get("case") in visible for s in d.get("cases") or [])]
    keys = sorted({str(d.get("shared")) for d in kept if d.get("shared")}
                  | {str(e) for d in kept for s in d["cases"] for e in s.get("entities") or []})
    if not keys:
        raise UsageError(f"{path}: no cross-case link in the file that you may see")
    return entity_graph(view, keys, hops=hops), kept
