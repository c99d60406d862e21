"""FollowTheMoney entities (JSON lines) for Aleph and the tools of that ecosystem, built with ``followthemoney``.

Mapping of the linkgraph model onto FtM schemata: Person -> Person, Organisation -> Organization,
Document -> Passport (or Identification) with ``holder``, Account -> BankAccount and Vehicle ->
Vehicle with an Ownership for who uses them, Location -> Address, Offence -> Event (``involved``),
Case -> Project when the model has it (else Event); a phone or e-mail address becomes the ``phone`` /
``email`` property of the person who uses it (FtM keeps them as values, and two entities sharing one
are linked by it). Every other relationship (SAME_AS, CONTACTED, TRAVELLED, PART_OF ...) is an
UnknownLink with its type and role. Each entity's provenance (source file, line, record, case) goes
into its ``notes`` (``summary`` where the schema has no notes). An entity lacking what its FtM
schema requires (a document no visible person holds: a Passport needs its holder) is left out, with
the links to it; entity ids are ``make_id("linkgraph", node id)``, stable across exports.
"""

from __future__ import annotations

import json
from typing import Any

from linkgraph.analysis.model import ResultGraph
from linkgraph.errors import LinkgraphError

#: linkgraph label -> (FtM schema candidates, {linkgraph property: FtM property}).
SCHEMATA: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "Person": (("Person",), {"name": "name", "birth_date": "birthDate", "nationality": "nationality", "gender": "gender"}),
    "Organisation": (("Organization",), {"name": "name"}),
    "Document": (("Passport", "Identification"), {"number": "number", "country": "country", "doc_type": "type"}),
    "Account": (("BankAccount",), {"number": "accountNumber"}),
    "Vehicle": (("Vehicle",), {"plate": "registrationNumber"}),
    "Location": (("Address",), {"place": "full", "country": "country"}),
    "Offence": (("Event",), {"offence_type": "name", "date": "date"}),
    "Case": (("Project", "Event"), {"reference": "name"}),
    "Route": (("Event",), {"description": "name"}),
}
VALUES = {"Phone": "phone", "Email": "email"}


class FtmError(LinkgraphError):
    """An entity FollowTheMoney refuses (a bug in the mapping, not in the data)."""


def _schema(model: Any, names: tuple[str, ...]) -> str:
    for name in names:
        if model.get(name) is not None:
            return name
    return "Thing"


def ftm_lines(graph: ResultGraph) -> list[str]:
    """The graph as FtM entity JSON lines, each validated by the followthemoney model."""
    from followthemoney import model
    from followthemoney.util import make_entity_id

    nodes = {n["id"]: n for n in graph.nodes}
    proxies: dict[str, Any] = {}

    def make(schema: str, *parts: str) -> Any:
        proxy = model.make_entity(schema)
        proxy.id = make_entity_id("linkgraph", *parts)
        return proxy

    for node in graph.nodes:
        if node["label"] in VALUES:
            continue
        candidates, props = SCHEMATA.get(node["label"], (("Thing",), {}))
        proxy = make(_schema(model, candidates), node["id"])
        for ours, theirs in props.items():
            value = node["props"].get(ours)
            if value not in (None, "") and proxy.schema.get(theirs) is not None:
                proxy.add(theirs, str(value), quiet=True)
        if proxy.schema.get("name") is not None and not proxy.get("name"):
            proxy.add("name", str(node["caption"]), quiet=True)
        proxy.add("notes" if proxy.schema.get("notes") is not None else "summary",
                  [f"linkgraph {node['label']} {node['key']}; cases {', '.join(node['cases'])}"]
                  + [f"source: {r}" for r in node.get("records", [])], quiet=True)
        proxies[node["id"]] = proxy
    for rel in graph.relationships:
        a, b = nodes[rel["source"]], nodes[rel["target"]]
        props = rel["props"]
        subject, obj = proxies.get(a["id"]), proxies.get(b["id"])
        if b["label"] in VALUES and subject is not None and subject.schema.get(VALUES[b["label"]]) is not None:
            subject.add(VALUES[b["label"]], str(b["props"].get("number") or b["props"].get("address") or b["key"]), quiet=True)
            continue
        if subject is None or obj is None:
            continue
        if rel["type"] == "HOLDS" and obj.schema.get("holder") is not None:
            obj.add("holder", subject.id)
            continue
        if rel["type"] == "INVOLVED_IN" and obj.schema.get("involved") is not None:
            obj.add("involved", subject.id)
        if rel["type"] == "USES" and obj.schema.is_a("Asset"):
            link = make("Ownership", rel["source"], rel["type"], rel["target"])
            link.add("owner", subject.id)
            link.add("asset", obj.id)
        else:
            role = rel["type"] + (f" ({props['role']})" if props.get("role") else "")
            if rel["type"] == "SAME_AS":
                role += f" {props.get('status', '')} p={float(props.get('probability') or 0):.2f}"
            link = make("UnknownLink", rel["source"], rel["type"], rel["target"], str(props.get("role") or props.get("date") or ""))
            link.add("subject", subject.id)
            link.add("object", obj.id)
            link.add("role", role)
            if props.get("date"):
                link.add("date", str(props["date"]), quiet=True)
        link.add("summary", [f"source: {r}" for r in rel.get("records", [])], quiet=True)
        proxies[f"rel:{len(proxies)}"] = link
    # FtM requires some properties (a Passport its holder, a link both ends): an entity without them
    # has no FtM form and is left out, and so is every link that pointed to it.
    valid = {key: proxy for key, proxy in proxies.items() if all(proxy.get(p) for p in proxy.schema.required)}
    while True:
        ids = {proxy.id for proxy in valid.values()}
        dangling = [key for key, proxy in valid.items()
                    if any(prop.type.name == "entity" and not set(values) <= ids
                           for prop, values in ((proxy.schema.get(n), proxy.get(n)) for n in proxy.properties))]
        if not dangling:
            break
        for key in dangling:
            del valid[key]
    lines = []
    for proxy in valid.values():
        data = proxy.to_dict()
        checked = model.get_proxy(data, cleaned=False)
        checked.schema.validate(data)  # raises followthemoney's InvalidData for a value of the wrong type
        if checked.schema.name != proxy.schema.name:
            raise FtmError(f"followthemoney did not accept entity {proxy.id} as {proxy.schema.name}")
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return lines
