"""``links``, ``path``, ``network``, ``rank``, ``communities`` and ``search``: analysis, read through the view.

Every command prints a table by default; ``--format csv|json`` is stable for scripts (the JSON shapes are
in the README) and ``--out FILE.json`` writes the result for the report command. Restricted-match
markers go to stdout under the table, and to stderr for csv and json so the stable output stays parseable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from linkgraph.cli.base import FORMAT_OPTION, Context, pass_context

if TYPE_CHECKING:
    from linkgraph.access.view import Hit, View
    from linkgraph.analysis.model import ResultGraph

OUT_OPTION = click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
                          help="Also write the result as JSON to this file (private, 0600), for the report command.")


def write_out(view: View, out_file: Path | None, document: dict[str, Any]) -> None:
    """Write ``document`` as JSON to ``out_file`` (a private file) and note it in the audit record."""
    if out_file is None:
        return
    import hashlib

    from linkgraph.files import write_private

    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    write_private(out_file, text)
    view.note(output=str(out_file), sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def print_hits(hits: list[Hit], fmt: str) -> None:
    """Print the restricted-match markers (stderr for csv and json)."""
    for hit in hits:
        click.echo(hit.sentence(), err=fmt != "table")


def emit(columns: list[str], rows: list[list[Any]], fmt: str, records: list[dict[str, Any]] | None = None) -> None:
    """Print rows as a table or CSV (through ``output.render``), or ``records`` (default: the rows) as JSON."""
    from linkgraph.output import render
    from linkgraph.store.base import QueryResult

    if fmt == "json":
        click.echo(json.dumps(records if records is not None else [dict(zip(columns, r)) for r in rows],
                              ensure_ascii=False, indent=2, default=str))
        return
    click.echo(render(QueryResult(columns, rows), fmt))


@click.command()
@click.option("--case", "cases", multiple=True, metavar="ID", help="Only links touching this case; repeat for several.")
@click.option("--kind", "kinds", multiple=True,
              type=click.Choice(["person", "document", "phone", "email", "account", "vehicle", "address", "route",
                                 "contact"]), help="Only this kind of link; repeat for several.")
@click.option("--min-cases", type=click.IntRange(min=2), default=2, show_default=True,
              help="Only links between at least this many cases.")
@click.option("--since", default=None, metavar="RUN|DATE", help="Only links with a side ingested by this run or later, "
              "or on this date (YYYY-MM-DD) or later.")
@click.option("--window", "window_days", type=click.IntRange(min=0), default=90, show_default=True,
              help="Days within which routes sharing a transit or origin point count as linked.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="SAME_AS candidates at or above this probability join persons (default: resolution's threshold).")
@click.option("--route-min-score", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Route links only when chance explains journeys this close on a way this busy with at most "
                   "1 minus this probability (0 keeps every same-way pair in the window).")
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def links(ctx: Context, cases: tuple[str, ...], kinds: tuple[str, ...], min_cases: int, since: str | None,
          window_days: int, threshold: float | None, route_min_score: float, fmt: str, out_file: Path | None) -> None:
    """Every link between two or more cases you may see: shared documents, phones, e-mails, accounts,
    vehicles, resolved persons, route transit points and contacts, strongest first."""
    from linkgraph.analysis.links import find_links
    from linkgraph.collector import collector_paused
    from linkgraph.resolve.defaults import DEFAULT_THRESHOLD

    # the links' rows and JSON are as allocation-heavy as finding them (see find_links)
    with collector_paused(), ctx.view() as view:
        report = find_links(view, cases=cases or None, kinds=kinds or None, min_cases=min_cases, since=since,
                            window_days=window_days, threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                            route_min_score=route_min_score, with_records=fmt == "json" or out_file is not None)
        view.note(rows=len(report.links), cases=sorted({c for link in report.links for c in link.case_ids}),
                  params={"cases": list(cases), "kinds": list(kinds), "min_cases": min_cases, "since": since,
                          "window": window_days, "route_min_score": route_min_score})
        # the JSON shape only where it is printed or written: on a store of a million rows, making it for
        # 104,000 links a table does not show cost seconds
        records = [link.to_json() for link in report.links] if fmt == "json" or out_file is not None else None
        # the cases column: "ES-1;NG-2" in CSV, "ES-1(ESP) NG-2(NGA)" in the table
        rows = [[link.id, link.kind, link.label, link.shared,
                 ";".join(side.case for side in link.cases) if fmt == "csv" else
                 " ".join(f"{side.case}({side.country or '?'})" for side in link.cases),
                 link.status, link.score, "; ".join(link.evidence[:2])] for link in report.links]
        emit(["id", "kind", "label", "shared", "cases", "status", "score", "evidence"], rows, fmt, records)
        print_hits(report.hits, fmt)
        if records is not None:
            write_out(view, out_file, {"links": records, "hits": [hit.sentence() for hit in report.hits]})


def _graph_rows(graph: ResultGraph, extra: str | None = None) -> tuple[list[str], list[list[Any]]]:
    columns = ["label", "key", "caption", "cases"] + ([extra] if extra else [])
    rows = [[n["label"], n["key"], n["caption"], " ".join(n["cases"])] + ([n["props"].get(extra)] if extra else [])
            for n in graph.nodes]
    return columns, rows


def emit_graph(view: View, graph: ResultGraph, fmt: str, out_file: Path | None, extra: str | None = None,
               document: dict[str, Any] | None = None) -> None:
    """Print a result graph (its nodes as rows; the whole graph as JSON), its markers, and write ``--out``."""
    shaped = document if document is not None else graph.to_json()
    columns, rows = _graph_rows(graph, extra)
    if fmt == "json":
        click.echo(json.dumps(shaped, ensure_ascii=False, indent=2, default=str))
    else:
        emit(columns, rows, fmt)
    for hit in graph.hits:
        click.echo(hit["sentence"], err=fmt != "table")
    view.note(rows=len(graph.nodes), cases=sorted({c for n in graph.nodes for c in n["cases"]}))
    write_out(view, out_file, shaped)


@click.command()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option("--max-hops", type=click.IntRange(1, 12), default=6, show_default=True)
@click.option("--all", "all_paths", is_flag=True, help="Every shortest path, not only one.")
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def path(ctx: Context, source: str, target: str, max_hops: int, all_paths: bool, fmt: str, out_file: Path | None) -> None:
    """Shortest path between two entities (keys, or names that find exactly one), through resolved identities."""
    from linkgraph.analysis.graph import paths
    from linkgraph.analysis.search import resolve_entity

    with ctx.view() as view:
        start, end = resolve_entity(view, source), resolve_entity(view, target)
        graph, found = paths(view, start, end, max_hops=max_hops, all_paths=all_paths)
        if fmt == "table":
            click.echo("\n".join(" -> ".join(p) for p in found) or f"no path of at most {max_hops} hops that you may see")
        emit_graph(view, graph, fmt, out_file, document={**graph.to_json(), "paths": found})


@click.command()
@click.argument("keys", nargs=-1, required=True)
@click.option("--max-hops", type=click.IntRange(1, 8), default=4, show_default=True)
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def network(ctx: Context, keys: tuple[str, ...], max_hops: int, fmt: str, out_file: Path | None) -> None:
    """The connecting network among several entities: every shortest path between each pair."""
    from linkgraph.analysis.graph import network as connecting
    from linkgraph.analysis.search import resolve_entity

    with ctx.view() as view:
        graph = connecting(view, [resolve_entity(view, key) for key in keys], max_hops=max_hops)
        emit_graph(view, graph, fmt, out_file)


@click.command()
@click.option("--measure", type=click.Choice(["degree", "betweenness", "eigenvector", "pagerank"]), default="degree",
              show_default=True)
@click.option("--case", "cases", multiple=True, metavar="ID", help="Only these cases; repeat for several.")
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def rank(ctx: Context, measure: str, cases: tuple[str, ...], top: int, fmt: str, out_file: Path | None) -> None:
    """Brokers and the most connected entities (Case and Location hubs left out)."""
    from linkgraph.analysis.graph import rank as ranked

    with ctx.view() as view:
        graph, approximate = ranked(view, measure, cases=list(cases) or None, top=top)
        if approximate:
            click.echo(f"note: {measure} is approximate (sampled)", err=fmt != "table")
        emit_graph(view, graph, fmt, out_file, extra="score")


@click.command()
@click.option("--case", "cases", multiple=True, metavar="ID", help="Only these cases; repeat for several.")
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def communities(ctx: Context, cases: tuple[str, ...], fmt: str, out_file: Path | None) -> None:
    """Louvain communities with their members and the cases they span (groups of 3 or more)."""
    from linkgraph.analysis.graph import communities as louvain

    with ctx.view() as view:
        graph = louvain(view, cases=list(cases) or None)
        emit_graph(view, graph, fmt, out_file, extra="community")


@click.command()
@click.argument("text")
@click.option("--type", "types", multiple=True, metavar="T", help="Only this type (Person, Document, Phone...); repeat.")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@FORMAT_OPTION
@pass_context
def search(ctx: Context, text: str, types: tuple[str, ...], limit: int, fmt: str) -> None:
    """Fuzzy, transliteration-aware search of names, numbers, addresses and places you may see, best first."""
    from linkgraph.analysis.search import search as find

    with ctx.view() as view:
        found = find(view, text, types=list(types) or None, limit=limit)
        view.note(rows=len(found), params={"text": text, "types": list(types)})
        records = [{"label": f.label, "key": f.key, "caption": f.caption, "score": f.score, "cases": list(f.cases)}
                   for f in found]
        emit(["label", "key", "caption", "score", "cases"],
             [[f.label, f.key, f.caption, f.score, " ".join(f.cases)] for f in found], fmt, records)
        by_label: dict[str, list[str]] = {}
        for f in found:
            by_label.setdefault(f.label, []).append(f.key)
        print_hits([h for label, keys in sorted(by_label.items()) if label not in ("Case", "Location")
                    for h in view.hits(label, keys)], fmt)
