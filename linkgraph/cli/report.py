"""``linkgraph report`` and ``linkgraph export``: a case-meeting HTML file, and graph files for other tools."""

from __future__ import annotations

from pathlib import Path

import click

from linkgraph.cli.base import Context, pass_context

EXPORT_FORMATS = ("graphml", "gexf", "json", "csv", "anb", "ftm", "neo4j-admin")
REDACT_OPTION = click.option("--redact", type=click.Choice(["victims", "none"]), default="victims", show_default=True,
                             help="victims: victims' names and identifiers become pseudonyms; none must be asked for "
                                  "and is written in the file.")


@click.command()
@click.option("--case", "cases", multiple=True, metavar="ID", help="Case reference; repeat for several.")
@click.option("--entity", "entities", multiple=True, metavar="KEY", help="Entity key; repeat for several.")
@click.option("--links", "links_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), default=None,
              help="JSON file of cross-case links (linkgraph links --format json) or of a result graph.")
@click.option("--alerts", metavar="RUN", default=None, help="The alerts of a detection run (a run id from linkgraph alerts list or the detect summary).")
@click.option("--hops", type=click.IntRange(0, 4), default=1, show_default=True,
              help="Steps out from the cases or entities.")
@REDACT_OPTION
@click.option("--max-nodes", type=click.IntRange(min=50), default=2500, show_default=True,
              help="Above this, keep the cross-case links and their neighbourhoods and collapse or leave out the rest.")
@click.option("--title", default=None, help="Title of the report.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True, help="The HTML file to write.")
@pass_context
def report(ctx: Context, cases: tuple[str, ...], entities: tuple[str, ...], links_file: Path | None,
           alerts: str | None, hops: int, redact: str, max_nodes: int, title: str | None, out: Path) -> None:
    """Write one self-contained HTML report (network, cross-case links, timeline) that opens offline."""
    from linkgraph.detect.alerts import alerts_paragraph
    from linkgraph.report.build import write_report

    with ctx.view() as view:
        written = write_report(view, out, cases=list(cases), entities=list(entities), links_file=links_file,
                               alerts=alerts, hops=hops, redact=redact, cap=max_nodes, title=title,
                               describe_alerts=alerts_paragraph)
    click.echo(f"wrote {written.path} ({written.nodes:,} entities, {written.links:,} cross-case links, "
               f"{written.hits:,} restricted matches; redaction {redact}); open it in a browser, no network needed")
    for note in written.notes:
        click.echo(f"  {note}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="graphml/gexf (Gephi), json (node-link), csv (folder), anb (i2 Analyst's Notebook), "
                   "ftm (FollowTheMoney/Aleph), neo4j-admin (folder for neo4j-admin database import).")
@click.option("--case", "cases", multiple=True, metavar="ID", help="Case reference (default: every case you may see).")
@REDACT_OPTION
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True,
              help="The file to write (a folder for csv and neo4j-admin).")
@pass_context
def export(ctx: Context, fmt: str, cases: tuple[str, ...], redact: str, out: Path) -> None:
    """Export the cases you may see as a graph file for another tool."""
    from linkgraph.report.build import write_export_file

    with ctx.view() as view:
        written = write_export_file(view, fmt, out, cases=list(cases), redact=redact)
    click.echo(f"wrote {written.path} ({fmt}, {written.nodes:,} entities, redaction {redact}; sha256 {written.sha256})")
