"""What a report says beside the network: cross-case links, summary, timeline, and victim redaction.

``links_in_graph`` finds the cross-case links of a report's own subgraph (shared entities, SAME_AS
persons of different cases, contacts across cases) in the shared ``CrossCaseLink`` shape, until the
analysis layer's ``cross_case_links`` is wired in. ``redact_victims`` replaces victims' names and
identifiers with pseudonyms in every string of the graph and links, so no part of the file holds them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from copy import deepcopy
from typing import Any

from linkgraph.analysis.model import CaseSide, CrossCaseLink, ResultGraph, link_id
from linkgraph.model import load_model

#: Shared-entity labels and the link kind they make.
SHARED_KINDS = {"Document": "document", "Phone": "phone", "Email": "email", "Account": "account",
                "Vehicle": "vehicle", "Location": "address"}
#: Identifier labels that belong to a victim when she holds or uses them.
IDENTIFIERS = ("Document", "Phone", "Email", "Account", "Vehicle")
REDACTIONS = ("victims", "none")


def links_in_graph(graph: ResultGraph) -> list[CrossCaseLink]:
    """The cross-case links visible in ``graph``: an entity of two or more cases (with the persons
    holding or using it on each side), a SAME_AS link between persons of different cases, and a
    contact between persons of different cases."""
    nodes = {n["id"]: n for n in graph.nodes}
    neighbours: dict[str, list[str]] = {}
    for rel in graph.relationships:
        neighbours.setdefault(rel["target"], []).append(rel["source"])
        neighbours.setdefault(rel["source"], []).append(rel["target"])
    country = {n["key"]: n["props"].get("country_key") or n["props"].get("country")
               for n in graph.nodes if n["label"] == "Case"}
    links: list[CrossCaseLink] = []
    for node in graph.nodes:
        kind = SHARED_KINDS.get(node["label"])
        if not kind or len(node["cases"]) < 2:
            continue
        sides = []
        for case in node["cases"]:
            holders = sorted(nodes[m]["key"] for m in neighbours.get(node["id"], [])
                             if nodes[m]["label"] in ("Person", "Organisation") and case in nodes[m]["cases"])
            records = tuple(r for r in node["records"] if r.endswith(f"case {case}"))
            sides.append(CaseSide(case, country.get(case), tuple(holders), records))
        evidence = (f"the same {node['label'].lower()} {node['caption']} appears in {len(sides)} cases",)
        links.append(CrossCaseLink(link_id(kind, node["key"]), kind, node["key"], node["caption"], tuple(sides),
                                   evidence))
    for rel in graph.relationships:
        if rel["type"] not in ("SAME_AS", "CONTACTED"):
            continue
        a, b = nodes[rel["source"]], nodes[rel["target"]]
        if set(a["cases"]) == set(b["cases"]) or not a["cases"] or not b["cases"]:
            continue
        props = rel["props"]
        sides = (CaseSide(a["cases"][0], country.get(a["cases"][0]), (a["key"],), tuple(a["records"])),
                 CaseSide(b["cases"][0], country.get(b["cases"][0]), (b["key"],), tuple(b["records"])))
        if rel["type"] == "SAME_AS":
            status = "confirmed" if props.get("status") == "accepted" else "candidate"
            kind = "organisation" if a["label"] == "Organisation" else "person"
            evidence = tuple(str(e) for e in props.get("evidence") or []) or (f"resolved as the same {kind}",)
            links.append(CrossCaseLink(link_id(kind, f"{a['key']}|{b['key']}"), kind, a["key"],
                                       f"{a['caption']} = {b['caption']}", sides, evidence, status,
                                       float(props.get("probability") or 0.0)))
        else:
            links.append(CrossCaseLink(link_id("contact", f"{a['key']}|{b['key']}|{props.get('date')}"), "contact",
                                       a["key"], f"{a['caption']} - {b['caption']}", sides,
                                       (f"contact on {props.get('date') or 'an unknown date'}",)))
    return sorted(links, key=lambda link: (link.kind, link.case_ids, link.id))


def summary(graph: ResultGraph, countries: dict[str, str] | None = None) -> dict[str, Any]:
    """Cases (with owner country, from the Case nodes or ``countries``), countries, and counts of nodes
    per type and relationships."""
    cases = {n["key"]: n["props"].get("country_key") or n["props"].get("country") or "?"
             for n in graph.nodes if n["label"] == "Case"}
    for node in graph.nodes:
        for case in node["cases"]:
            cases.setdefault(case, (countries or {}).get(case) or "?")
    return {"cases": dict(sorted(cases.items())), "countries": dict(sorted(Counter(cases.values()).items())),
            "nodes": dict(sorted(Counter(n["label"] for n in graph.nodes).items())),
            "relationships": dict(sorted(Counter(r["type"] for r in graph.relationships).items())),
            "hits": len(graph.hits)}


_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")


def timeline(graph: ResultGraph) -> list[dict[str, str]]:
    """Dated events of the graph, oldest first: dated relationships (travel, contact) and dated nodes
    (offences and the like); birth dates are facts about a person, not events."""
    nodes = {n["id"]: n for n in graph.nodes}
    events = []
    for rel in graph.relationships:
        date = str(rel["props"].get("date") or "")
        if _DATE.match(date):
            a, b = nodes[rel["source"]], nodes[rel["target"]]
            events.append({"date": date, "event": f"{a['caption']} {rel['type']} {b['caption']}",
                           "cases": ", ".join(sorted(set(a["cases"]) | set(b["cases"])))})
    for node in graph.nodes:
        for prop, value in node["props"].items():
            if (prop == "date" or prop.endswith("_date")) and prop != "birth_date" and _DATE.match(str(value)):
                events.append({"date": str(value), "event": f"{node['label']} {node['caption']} ({prop})",
                               "cases": ", ".join(node["cases"])})
    return sorted(events, key=lambda e: (e["date"], e["event"]))


def victims(graph: ResultGraph) -> list[str]:
    """Ids of the persons involved as victims (INVOLVED_IN role victim), and of the identifiers they
    hold or use."""
    persons = {r["source"] for r in graph.relationships
               if r["type"] == "INVOLVED_IN" and str(r["props"].get("role") or "").lower() == "victim"}
    labels = {n["id"]: n["label"] for n in graph.nodes}
    owned = {r["target"] for r in graph.relationships
             if r["source"] in persons and r["type"] in ("HOLDS", "USES") and labels.get(r["target"]) in IDENTIFIERS}
    return sorted(persons | owned)


def redact_victims(graph: ResultGraph, links: list[CrossCaseLink]) -> tuple[ResultGraph, list[CrossCaseLink]]:
    """Copies of ``graph`` and ``links`` with victims' names and identifiers replaced by pseudonyms
    ("Victim 1", "Victim 1 phone"), numbered in key order, the same everywhere in the report.

    Node ids, keys and relationship ends are mapped exactly; free text (evidence, sources, markers,
    other facts) has each secret value replaced where it stands as a whole token, so the key
    ``src:R4`` is replaced but ``src:R43`` is not touched."""
    graph = deepcopy(graph)
    model = load_model()
    nodes = {n["id"]: n for n in graph.nodes}
    secret_ids = victims(graph)
    persons = [i for i in secret_ids if nodes[i]["label"] == "Person"]
    pseudonym = {pid: f"Victim {i}" for i, pid in enumerate(sorted(persons, key=lambda p: nodes[p]["key"]), 1)}
    owned: Counter[str] = Counter()
    for rel in sorted(graph.relationships, key=lambda r: (r["source"], nodes[r["target"]]["key"])):
        if rel["source"] in pseudonym and rel["target"] in secret_ids and rel["target"] not in pseudonym:
            base = f"{pseudonym[rel['source']]} {nodes[rel['target']]['label'].lower()}"
            owned[base] += 1
            pseudonym[rel["target"]] = base if owned[base] == 1 else f"{base} {owned[base]}"
    secrets: dict[str, str] = {}
    ids: dict[str, str] = {}
    keys: dict[str, str] = {}
    for nid, name in pseudonym.items():
        node = nodes[nid]
        ids[nid], keys[node["key"]] = f"{node['label']}:{name}", name
        secrets[node["key"]] = name
        secrets[str(node["caption"])] = name
        entity = model.entities[node["label"]]
        identifying = set(entity.protect) | {entity.caption}
        for prop in list(node["props"]):
            if prop in identifying or node["label"] in IDENTIFIERS:  # an identifier keeps no facts at all
                value = node["props"].pop(prop)
                if prop in identifying and isinstance(value, str) and value.strip():
                    secrets.setdefault(value, name)
        node["props"]["pseudonym"] = name
        node["id"], node["key"], node["caption"] = ids[nid], name, name
        node["records"] = [re.sub(r"\(record [^)]*\)", "(record withheld)", r) for r in node["records"]]
    for rel in graph.relationships:
        if rel["source"] in ids or rel["target"] in ids:
            rel["records"] = [re.sub(r"\(record [^)]*\)", "(record withheld)", r) for r in rel["records"]]
        rel["source"], rel["target"] = ids.get(rel["source"], rel["source"]), ids.get(rel["target"], rel["target"])
    for hit in graph.hits:
        hit["node"] = ids.get(hit["node"], hit["node"])
    if not secrets:
        return graph, list(links)
    pattern = whole_tokens(secrets)

    def scrub(value: Any, exact: bool = False) -> Any:
        if isinstance(value, str):
            return keys.get(value, value) if exact else pattern.sub(lambda m: secrets[m.group(1)], value)
        if isinstance(value, (list, tuple)):
            return type(value)(scrub(v, exact) for v in value)
        if isinstance(value, dict):
            return {k: v if k in ("id", "key", "source", "target", "node") else scrub(v) for k, v in value.items()}
        return value

    redacted = ResultGraph(scrub(graph.nodes), scrub(graph.relationships), scrub(graph.hits))
    out_links = [CrossCaseLink(link.id, link.kind, keys.get(link.shared, link.shared), scrub(link.label),
                               tuple(CaseSide(s.case, s.country, scrub(s.entities, exact=True), scrub(s.records))
                                     for s in link.cases), scrub(link.evidence), link.status, link.score,
                               link.first_seen_run, scrub(link.shared_keys, exact=True)) for link in links]
    return redacted, out_links


def whole_tokens(values: Collection[str]) -> re.Pattern[str]:
    """A pattern matching any of ``values`` where it stands as a whole token (no word character just
    before or after it), the longest where several start at one place; group 1 is the value.

    Written here because the standard library has no multi-string matcher and a plain alternation of
    thousands of names tries each one at every position of every string (7 s for one night's summary
    of 382 alerts on a store of a million rows): the alternatives are grouped by common prefix (a
    trie), so each position costs the length of the longest value at most. Empty values match nothing."""
    trie: dict[str, Any] = {}
    for value in values:
        if value:
            node = trie
            for char in value:
                node = node.setdefault(char, {})
            node[""] = {}

    def branch(node: dict[str, Any]) -> str:
        text = ""
        while len(node) == 1 and "" not in node:  # a run of single letters: no group needed
            char, node = next(iter(node.items()))
            text += re.escape(char)
        rest = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        body = rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")" if rest else ""
        return text + (f"(?:{body})?" if "" in node and body else body)

    try:
        alternatives = branch(trie) if trie else "(?!)"
    except RecursionError:  # thousands of values each the prefix of the next: the plain alternation
        alternatives = "|".join(re.escape(v) for v in sorted(filter(None, values), key=len, reverse=True)) or "(?!)"
    return re.compile(r"(?<!\w)(" + alternatives + r")(?!\w)")
