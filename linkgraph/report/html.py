"""The case-meeting report: one self-contained HTML file that opens offline and runs nothing from the data.

Why not ``pyvis.Network.write_html``: pyvis 0.3.2 links Bootstrap from a CDN even in ``in_line``
mode, its ``local``/``remote`` modes load vis-network from the web, and its template concatenates
node titles into JavaScript. So the report uses what pyvis ships, not its template: the
vis-network 9.1.2 script and stylesheet from the pyvis wheel (``pyvis/lib/vis-9.1.2``; vis-network
is dual-licensed Apache-2.0 / MIT, its notice is kept in the file), inlined once, and nothing else.

Safety: every value from case data reaches the page either HTML-escaped in the server-rendered tables
or inside one ``<script type="application/json">`` block with ``<``, ``>``, ``&`` and U+2028/2029
escaped, parsed with ``JSON.parse`` and shown with ``textContent`` (tooltips are DOM elements, never
HTML strings). A Content-Security-Policy allows only the file's own scripts (by SHA-256 hash) and no
requests at all, so even a missed escape could neither run a script nor call out.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from typing import Any

from linkgraph.analysis.model import CrossCaseLink, ResultGraph

VIS_DIR = "lib/vis-9.1.2"
VIS_LICENCE = ("vis-network 9.1.2 (https://github.com/visjs/vis-network), dual-licensed under the Apache "
               "License 2.0 and the MIT License; shipped in the pyvis 0.3.2 wheel (BSD-3-Clause)")
#: (background colour, vis-network shape) per entity type; unknown types are grey dots.
STYLE = {
    "Case": ("#ffd166", "star"), "Person": ("#4e79a7", "dot"), "Document": ("#59a14f", "square"),
    "Phone": ("#f28e2b", "triangle"), "Email": ("#b07aa1", "triangleDown"), "Account": ("#edc948", "hexagon"),
    "Vehicle": ("#9c755f", "box"), "Location": ("#76b7b2", "ellipse"), "Offence": ("#e15759", "diamond"),
    "Route": ("#bab0ac", "ellipse"), "Organisation": ("#ff9da7", "hexagon"), "Group": ("#dddddd", "box"),
    "restricted match": ("#555555", "diamond"),
}
CASE_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4",
                "#b2df8a", "#fb9a99", "#cab2d6", "#6a3d9a"]
CROSS = "#d62728"


def vis_assets() -> tuple[str, str]:
    """The vis-network script shipped in the pyvis wheel, and the one rule of its stylesheet the
    report uses (the tooltip; the rest styles manipulation and navigation buttons it does not show)."""
    folder = resources.files("pyvis") / VIS_DIR
    css = (folder / "vis-network.css").read_text(encoding="utf-8")
    rules = re.findall(r"div\.vis-tooltip\{[^}]*\}", css)
    return (folder / "vis-network.min.js").read_text(encoding="utf-8"), "\n".join(rules)


def script_json(value: Any) -> str:
    """``value`` as JSON safe inside a ``<script>`` element: no ``<``, ``>``, ``&`` or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _short(text: str, size: int = 32) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _tooltip(node: dict[str, Any]) -> str:
    lines = [f"{node['label']}: {node['caption']}", f"key: {node['key']}"]
    lines += [f"{k}: {v}" for k, v in sorted(node["props"].items()) if v not in (None, "", [])]
    lines.append("cases: " + (", ".join(node["cases"]) or "none (reference)"))
    lines += ["source: " + r for r in node.get("records", [])[:8]]
    if len(node.get("records", [])) > 8:
        lines.append(f"… and {len(node['records']) - 8} more source records")
    return "\n".join(lines)


def network_data(graph: ResultGraph, links: list[CrossCaseLink], where: dict[str, tuple[float, float]]) -> dict[str, Any]:
    """vis-network nodes and edges with fixed positions, colours, shapes, labels and plain-text tooltips."""
    case_colour = {c: CASE_COLOURS[i % len(CASE_COLOURS)]
                   for i, c in enumerate(sorted({c for n in graph.nodes for c in n["cases"]}))}
    linked = {link.shared for link in links} | {e for link in links for s in link.cases for e in s.entities}
    nodes, edges, seen = [], [], set()
    for node in graph.nodes:
        if node["id"] in seen:  # one drawing per id (vis-network refuses a second one and draws nothing)
            continue
        seen.add(node["id"])
        colour, shape = STYLE.get(node["label"], ("#999999", "dot"))
        cross = len(node["cases"]) > 1 or node["key"] in linked
        border = CROSS if cross else case_colour.get(node["cases"][0], "#666666") if node["cases"] else "#666666"
        if node["label"] == "Case":
            colour = case_colour.get(node["key"], colour)
        x, y = where.get(node["id"], (0.0, 0.0))
        nodes.append({"id": node["id"], "label": _short(str(node["caption"])), "title": _tooltip(node), "x": x, "y": y,
                      "shape": shape, "borderWidth": 4 if cross else 2, "size": 22 if node["label"] == "Case" else 12,
                      "color": {"background": colour, "border": border}, "group": node["label"]})
    for rel in graph.relationships:
        props = rel["props"]
        label = rel["type"] + (f" ({props['role']})" if props.get("role") else "")
        edge: dict[str, Any] = {"from": rel["source"], "to": rel["target"], "label": label, "arrows": "to",
                                "title": "\n".join([label] + [f"{k}: {v}" for k, v in sorted(props.items())
                                                              if k != "evidence"] + ["source: " + r for r in rel["records"][:5]]),
                                "color": {"color": "#888888"}, "width": 1}
        if rel["type"] == "SAME_AS":
            accepted = props.get("status") == "accepted"
            edge.update(label=f"SAME_AS {props.get('status', '')} p={float(props.get('probability') or 0):.2f}",
                        dashes=not accepted, width=4 if accepted else 2,
                        color={"color": CROSS if accepted else "#ff7f0e"})
        elif rel["type"] == "GROUP":
            edge.update(label="", dashes=True, arrows="")
        if rel["source"] in linked and rel["target"] in linked:
            edge["width"] = max(edge["width"], 3)
            edge["color"] = {"color": CROSS}
        edges.append(edge)
    for i, hit in enumerate(graph.hits):
        x, y = where.get(f"hit:{i}", (0.0, 0.0))
        colour, shape = STYLE["restricted match"]
        nodes.append({"id": f"hit:{i}", "label": f"restricted match\n{hit['country']} {hit['handling']}",
                      "title": hit["sentence"], "x": x, "y": y, "shape": shape, "size": 10, "borderWidth": 2,
                      "color": {"background": "#ffffff", "border": colour}, "font": {"color": colour},
                      "group": "restricted match"})
        edges.append({"from": hit["node"], "to": f"hit:{i}", "label": "hit", "dashes": [2, 4], "width": 1,
                      "color": {"color": colour}, "title": hit["sentence"]})
    return {"nodes": nodes, "edges": edges, "cases": case_colour}


def _table(columns: list[str], rows: list[list[Any]], css: str = "") -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def link_rows(links: list[CrossCaseLink]) -> list[list[str]]:
    """One table row per cross-case link: kind, what is shared, cases, status, evidence, sources."""
    return [[link.kind, link.label, ", ".join(link.case_ids), f"{link.status} ({link.score:.2f})",
             "; ".join(link.evidence),
             " | ".join(f"{s.case}: " + ", ".join(s.entities + s.records) for s in link.cases)] for link in links]


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src @@SCRIPT_HASHES@@; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>@@VIS_CSS@@</style>
<style>
body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{padding:8px 16px;background:#23395d;color:#fff}header h1{font-size:1.3em;margin:0}
main{display:flex;flex-wrap:wrap}#network{flex:3 1 640px;height:80vh;border-right:1px solid #ccc}
aside{flex:1 1 320px;padding:8px 16px;max-height:80vh;overflow:auto}
section{padding:8px 16px}table{border-collapse:collapse;width:100%;font-size:.85em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#eee}
.legend li{list-style:none}.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;border:1px solid #555}
.note{color:#8a4b00}.tip{white-space:pre-line;max-width:480px;font-size:12px}
footer{padding:8px 16px;font-size:.8em;color:#555;border-top:1px solid #ccc}
@media print{#network{display:none}main{display:block}aside{max-height:none;overflow:visible}
 section,aside{page-break-inside:auto}tr{page-break-inside:avoid}header{background:none;color:#000}}
</style></head>
<body>
<header><h1>@@TITLE@@</h1><div>@@SUBTITLE@@</div></header>
<main><div id="network" role="img" aria-label="network of the report"></div>
<aside><h2>Summary</h2>@@SUMMARY@@<h2>Legend</h2>@@LEGEND@@@@NOTES@@</aside></main>
<section><h2>Cross-case links</h2>@@LINKS@@</section>
<section><h2>Restricted matches</h2>@@HITS@@</section>
<section><h2>Alerts</h2>@@ALERTS@@</section>
<section><h2>Timeline</h2>@@TIMELINE@@</section>
<footer>@@FOOTER@@</footer>
<script type="application/json" id="report-data">@@DATA@@</script>
<script>@@VIS_JS@@</script>
<script>@@APP_JS@@</script>
</body></html>
"""

APP_JS = """(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  function tip(text) { var el = document.createElement('div'); el.className = 'tip'; el.textContent = text; return el; }
  data.nodes.forEach(function (n) { n.title = tip(n.title); });
  data.edges.forEach(function (e) { e.title = tip(e.title); });
  var network = new vis.Network(document.getElementById('network'),
    {nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges)},
    {physics: false, interaction: {hover: true, tooltipDelay: 100, hideEdgesOnDrag: true},
     edges: {font: {size: 9, align: 'middle'}, smooth: false}, nodes: {font: {size: 11}}, layout: {improvedLayout: false}});
  network.once('afterDrawing', function () { window.linkgraphDrawn = performance.now(); document.body.setAttribute('data-drawn', '1'); });
  window.linkgraphNetwork = network;
})();
"""


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def render_html(*, title: str, subtitle: str, graph: ResultGraph, links: list[CrossCaseLink],
                where: dict[str, tuple[float, float]], summary: dict[str, Any], timeline: list[dict[str, str]],
                notes: list[str], alerts: str, footer: list[str]) -> str:
    """The report page. Every argument may hold hostile case data; all of it is escaped here."""
    vis_js, vis_css = vis_assets()
    vis_js = vis_js.replace("</script", "<\\/script")
    data = network_data(graph, links, where)
    legend = "".join(f'<li><span class="swatch" style="background:{colour}"></span>{_e(label)} ({_e(shape)})</li>'
                     for label, (colour, shape) in STYLE.items() if label in summary["nodes"] or label == "restricted match")
    legend += "".join(f'<li><span class="swatch" style="background:{colour}"></span>case {_e(case)}</li>'
                      for case, colour in data["cases"].items())
    legend += (f'<li><span class="swatch" style="background:{CROSS}"></span>cross-case link / entity in several cases</li>'
               "<li>SAME_AS: solid = accepted, dashed = candidate, with its probability</li>")
    summary_html = _table(["", ""], [["cases", ", ".join(f"{c} ({k})" for c, k in summary["cases"].items())],
                                     ["countries", ", ".join(f"{c} {n}" for c, n in summary["countries"].items())],
                                     ["entities", ", ".join(f"{k} {n:,}" for k, n in summary["nodes"].items())],
                                     ["relationships", ", ".join(f"{k} {n:,}" for k, n in summary["relationships"].items())],
                                     ["cross-case links", str(len(links))], ["restricted matches", str(summary["hits"])]])
    links_html = (_table(["kind", "shared", "cases", "status", "evidence", "sources"], link_rows(links), "links")
                  if links else "<p>No cross-case link in this report.</p>")
    hits_html = ("<ul>" + "".join(f"<li>{_e(h['sentence'])}</li>" for h in graph.hits) + "</ul>"
                 if graph.hits else "<p>None.</p>")
    timeline_html = (_table(["date", "event", "cases"], [[e["date"], e["event"], e["cases"]] for e in timeline], "timeline")
                     if timeline else "<p>No dated events.</p>")
    notes_html = "".join(f'<p class="note">{_e(n)}</p>' for n in notes)
    parts = {
        "@@TITLE@@": _e(title), "@@SUBTITLE@@": _e(subtitle), "@@SUMMARY@@": summary_html,
        "@@LEGEND@@": f'<ul class="legend">{legend}</ul>', "@@NOTES@@": notes_html, "@@LINKS@@": links_html,
        "@@HITS@@": hits_html, "@@ALERTS@@": f"<p>{_e(alerts)}</p>", "@@TIMELINE@@": timeline_html,
        "@@FOOTER@@": "<br>".join(_e(line) for line in footer + [VIS_LICENCE]),
        "@@SCRIPT_HASHES@@": f"{_hash(vis_js)} {_hash(APP_JS)}",
        "@@VIS_CSS@@": vis_css.replace("</style", "<\\/style"),
        "@@DATA@@": script_json(data), "@@VIS_JS@@": vis_js, "@@APP_JS@@": APP_JS,
    }
    # One pass over the template: text put in is never scanned again for tokens.
    return re.sub(r"@@[A-Z_]+@@", lambda m: parts[m.group(0)], PAGE)
