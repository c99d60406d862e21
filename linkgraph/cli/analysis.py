"""``linkgraph links``: what ties cases together, read through the view.

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
@FORMAT_OPTION
@OUT_OPTION
@pass_context
def links(ctx: Context, cases: tuple[str, ...], kinds: tuple[str, ...], min_cases: int, since: str | None,
          window_days: int, threshold: float | None, fmt: str, out_file: Path | None) -> None:
    """Every link between two or more cases you may see: shared documents, phones, e-mails, accounts,
    vehicles, resolved persons, route transit points and contacts, strongest first."""
    from linkgraph.analysis.links import find_links
    from linkgraph.resolve.defaults import DEFAULT_THRESHOLD

    with ctx.view() as view:
        report = find_links(view, cases=cases or None, kinds=kinds or None, min_cases=min_cases, since=since,
                            window_days=window_days, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
        view.note(rows=len(report.links), cases=sorted({c for link in report.links for c in link.case_ids}),
                  params={"cases": list(cases), "kinds": list(kinds), "min_cases": min_cases, "since": since,
                          "window": window_days})
        records = [link.to_json() for link in report.links]
        rows = [[link.id, link.kind, link.label, link.shared,
                 " ".join(f"{side.case}({side.country or '?'})" for side in link.cases), link.status, link.score,
                 "; ".join(link.evidence[:2])] for link in report.links]
        if fmt == "csv":
            rows = [[*row[:4], ";".join(s.case for s in link.cases), *row[5:]] for row, link in zip(rows, report.links)]
        emit(["id", "kind", "label", "shared", "cases", "status", "score", "evidence"], rows, fmt, records)
        print_hits(report.hits, fmt)
        write_out(view, out_file, {"links": records, "hits": [hit.sentence() for hit in report.hits]})
