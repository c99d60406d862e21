"""Build a report or an export end to end: read through the view, redact, lay out, write, audit.

The CLI (``linkgraph report``, ``linkgraph export``), the demo and the benchmark call these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.analysis.model import CrossCaseLink, ResultGraph
from linkgraph.errors import UsageError
from linkgraph.files import check_output, write_private
from linkgraph.report.content import REDACTIONS, links_in_graph, redact_victims, summary, timeline
from linkgraph.report.layout import DEFAULT_CAP, cap_graph, positions

if TYPE_CHECKING:
    from linkgraph.access.view import View



@dataclass
class Written:
    """What a report or export wrote: the path, its SHA-256, counts, and what was left out."""

    path: Path
    sha256: str
    nodes: int
    links: int
    hits: int
    notes: list[str]


def select_graph(view: View, *, cases: list[str] | None = None, entities: list[str] | None = None,
                 links_file: Path | None = None, alerts: str | None = None,
                 hops: int = 1) -> tuple[ResultGraph, list[CrossCaseLink], str]:
    """The graph, its cross-case links and a subtitle for exactly one source; raise ``UsageError``."""
    from linkgraph.report.subgraph import case_graph, entity_graph, graph_from_file

    given = [bool(cases), bool(entities), links_file is not None, alerts is not None]
    if sum(given) != 1:
        raise UsageError("name exactly one of --case, --entity, --links or --alerts")
    if alerts is not None:
        graph, subtitle = alerts_graph(view, alerts, hops), f"alerts of detection run {alerts}"
    elif cases:
        graph, subtitle = case_graph(view, cases, hops), f"cases {', '.join(cases)}, {hops} hop(s) out"
    elif entities:
        graph, subtitle = entity_graph(view, entities, hops), f"around {', '.join(entities)}, {hops} hop(s) out"
    else:
        assert links_file is not None
        graph, _ = graph_from_file(view, links_file, hops)
        subtitle = f"cross-case links of {links_file.name}"
    return graph, links_in_graph(graph), subtitle


def alerts_graph(view: View, run: str, hops: int = 1) -> ResultGraph:
    """The evidence of the alerts raised by detection run ``run`` that the principal may see (every case
    of an alert visible), ``hops`` out; ``UsageError`` when the run raised none she may see."""
    from linkgraph.report.subgraph import entity_graph

    keys = [row[0] for row in view.read(
        "MATCH (a:Alert {run: $run})-[:ABOUT]->(n) "
        "WHERE $everything OR all(c IN coalesce(a.linked_cases, []) WHERE c IN $visible) "
        "RETURN DISTINCT n.key ORDER BY n.key", {"run": run}).rows]
    if not keys:
        raise UsageError(f"--alerts {run}: no alert of that detection run that you may see "
                         "(see linkgraph alerts list)")
    return entity_graph(view, keys, hops)


def alerts_text(view: View, run: str | None, describe: Callable[[View, str], str] | None) -> str:
    """The report's paragraph on alerts: ``describe(view, run)`` (detection's ``alerts_paragraph``, handed in by
    the caller: detection sits above the report, which draws its alerts and may not import it back), or a
    pointer to ``linkgraph alerts list`` when no describer is given."""
    if run is None:
        return "No alerts in this report (use --alerts RUN for the alerts of a detection run)."
    if describe is None:
        return f"The alerts of detection run {run}: linkgraph alerts list shows them."
    return describe(view, run)


def _redact(graph: ResultGraph, links: list[CrossCaseLink], redact: str) -> tuple[ResultGraph, list[CrossCaseLink]]:
    if redact not in REDACTIONS:
        raise UsageError(f"--redact must be one of {', '.join(REDACTIONS)}")
    return redact_victims(graph, links) if redact == "victims" else (graph, links)


def footer_lines(view: View, redact: str) -> list[str]:
    """When, by whom, from which store, under which access rules and redaction the file was made."""
    who = view.principal.name if view.principal.name == view.principal.login else \
        f"{view.principal.name} (login {view.principal.login})"
    access = "single-user mode (no policy)" if view.principal.single_user else f"policy {view.policy_path}"
    redaction = ("victims' names and identifiers replaced by pseudonyms" if redact == "victims"
                 else "NONE: victims' names and identifiers are shown (asked for with --redact none)")
    return [f"made {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} by {who}",
            f"store: {view.backend} at {view.location}; access: {access}", f"redaction: {redaction}",
            "restricted matches show only the kind of match, owner country and handling code"]


def write_report(view: View, out: Path, *, cases: list[str] | None = None, entities: list[str] | None = None,
                 links_file: Path | None = None, alerts: str | None = None, hops: int = 1,
                 redact: str = "victims", cap: int = DEFAULT_CAP, title: str | None = None,
                 describe_alerts: Callable[[View, str], str] | None = None) -> Written:
    """Read, redact, lay out and write the HTML report to ``out`` (0600); note it in the audit log.

    ``describe_alerts``: with ``alerts``, what writes the alerts' paragraph (``alerts_text``); the CLI and
    detection pass ``detect.alerts.alerts_paragraph``."""
    from linkgraph.report.html import render_html

    view.writer("export")
    check_output(out)
    graph, links, subtitle = select_graph(view, cases=cases, entities=entities, links_file=links_file,
                                          alerts=alerts, hops=hops)
    graph, links = _redact(graph, links, redact)
    mentioned = sorted({c for n in graph.nodes for c in n["cases"]})
    countries = dict(view.read("MATCH (c:Case) WHERE c.key IN $cases AND ($everything OR c.key IN $visible) "
                               "RETURN c.key, coalesce(c.country_key, c.country)", {"cases": mentioned}).rows)
    shown, notes = cap_graph(graph, links, cap)
    page = render_html(title=title or "linkgraph case-meeting report", subtitle=subtitle, graph=shown, links=links,
                       where=positions(shown), summary=summary(graph, countries), timeline=timeline(graph), notes=notes,
                       alerts=alerts_text(view, alerts, describe_alerts),
                       footer=footer_lines(view, redact))
    write_private(out, page)
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()
    view.note(output=str(out.resolve()), sha256=digest, params={"redact": redact, "format": "html"})
    return Written(out, digest, len(graph.nodes), len(links), len(graph.hits), notes)


def write_export_file(view: View, fmt: str, out: Path, *, cases: list[str] | None = None,
                      redact: str = "victims") -> Written:
    """Export the cases (default: every case the principal may see) as ``fmt``; note it in the audit log."""
    from linkgraph.report.export import FORMATS, write_export
    from linkgraph.report.subgraph import case_graph

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    view.writer("export")
    if fmt not in ("csv", "neo4j-admin"):
        check_output(out)
    chosen = cases or view.visible_cases()
    if not chosen:
        raise UsageError("no case to export: the store holds none that you may see")
    graph = case_graph(view, chosen, hops=0)
    graph, _ = _redact(graph, [], redact)
    digest = write_export(graph, fmt, out)
    params: dict[str, Any] = {"redact": redact, "format": fmt}
    view.note(output=str(out.resolve()), sha256=digest, params=params)
    return Written(out, digest, len(graph.nodes), 0, len(graph.hits), [])



def demo_report(store_dir: Path, out: Path, matches: list[Any]) -> Path | None:
    """The demo's report: the cases of its strongest cross-case person matches, one hop out; None when
    the demo found no cross-case match."""
    from linkgraph.access.view import open_view

    cases = sorted({c for m in matches for side in (m.left, m.right) for c in side["cases"] or []})
    if not cases:
        return None
    with open_view(str(store_dir), command="demo report") as view:
        write_report(view, out, cases=cases, hops=1, title="linkgraph demo: cross-case network")
    return out
