"""``linkgraph init``, ``status``, ``cypher`` and ``query``: set a store up and look into it, through the view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from linkgraph.cli.base import FORMAT_OPTION, PARAM_OPTION, Context, parse_params, pass_context

if TYPE_CHECKING:
    from linkgraph.access.view import View
    from linkgraph.store.base import QueryResult


@click.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the store (when embedded) and its indexes; safe to run again."""
    with ctx.view(create=True) as view:
        view.require_admin()
        view.writer("all").init_schema()
        click.echo(f"store ready: {view.backend} at {view.location}")


def access_line(view: View) -> str:
    """One line saying under which access rules this command ran."""
    principal = view.principal
    if principal.single_user:
        return "access: single-user mode (no policy file): every case is visible to everyone using this store"
    scope = "every case" if principal.everything else "the cases the policy allows"
    return f"access: policy {view.policy_path}, acting as {principal.name} (sees {scope})"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON for scripts.")
@click.option("--cases", "with_cases", is_flag=True, help="List every case reference (may be long).")
@pass_context
def status(ctx: Context, as_json: bool, with_cases: bool) -> None:
    """Show what the store holds that you may see: cases by country, nodes per label, runs."""
    from linkgraph.output import table
    from linkgraph.status import status_report

    with ctx.view() as view:
        report = status_report(view, with_cases)
        line = access_line(view)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    click.echo(f"store: {report['backend']} at {report['location']}")
    click.echo(line)
    by_country = ", ".join(f"{country} {n:,}" for country, n in report["countries"].items())
    click.echo(f"cases: {report['cases']:,}" + (f" ({by_country})" if by_country else ""))
    if with_cases:
        click.echo("  " + ", ".join(report["case_list"]))
    nodes = [[label, f"{n:,}"] for label, n in report["nodes"].items() if n]
    rels = [[rel, f"{n:,}"] for rel, n in report["relationships"].items() if n]
    click.echo(table(["label", "nodes"], nodes) if nodes else "nodes: none")
    if rels:
        click.echo(table(["relationship", "count"], rels))
    for label, by_status in report["runs"].items():
        if by_status:
            click.echo(f"{label}: " + ", ".join(f"{n:,} {state}" for state, n in sorted(by_status.items())))
    for run in report["interrupted"]:
        click.echo(f"interrupted: {run['label']} {run['key']} by {run['user']}, started {run['started']}; "
                   "its process ended without finishing (run the command again)")


@click.command()
@click.argument("cypher")
@PARAM_OPTION
@FORMAT_OPTION
@pass_context
def cypher(ctx: Context, cypher: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a READ-ONLY Cypher query; values go in as -p parameters ($name), never into the text.

    Raw Cypher sees every case, so the policy allows it only to users who see every case.
    """
    from linkgraph.output import render

    with ctx.view() as view:
        result = view.cypher(cypher, parse_params(params))
    click.echo(render(result, fmt))


def show_hits(view: View, result: QueryResult, fmt: str) -> list[str]:
    """Restricted-match markers for the rows' entities (columns ``label`` and ``key``), printed to stderr
    for json and csv so the stable output stays parseable; returns the sentences."""
    if "label" not in result.columns or "key" not in result.columns:
        return []
    by_label: dict[str, list[str]] = {}
    for record in result.records():
        if record["label"] and record["key"]:
            by_label.setdefault(record["label"], []).append(record["key"])
    sentences = []
    for label, keys in sorted(by_label.items()):
        try:
            sentences += [hit.sentence() for hit in view.hits(label, sorted(set(keys)))]
        except ValueError:  # a label the model does not know (a user's own query): no markers
            continue
    for sentence in sentences:
        click.echo(sentence, err=fmt != "table")
    return sentences


@click.command()
@click.argument("name", required=False)
@PARAM_OPTION
@FORMAT_OPTION
@click.option("--list", "list_all", is_flag=True, help="List the named queries with their parameters and origin.")
@click.option("--queries", "folder", type=click.Path(path_type=Path, file_okay=False), envvar="LINKGRAPH_QUERIES",
              default=None, help="Your own folder of named queries, listed and run beside the shipped ones. "
                                 "Env: LINKGRAPH_QUERIES.")
@pass_context
def query(ctx: Context, name: str | None, params: tuple[str, ...], fmt: str, list_all: bool,
          folder: Path | None) -> None:
    """Run a named query from queries/ or your own folder (read-only, filtered to the cases you may see),
    or list them."""
    from linkgraph.named_queries import list_queries
    from linkgraph.output import render

    if list_all or not name:
        for named in list_queries(folder):
            args = " ".join(f"-p {p.name}=<{p.type}>" for p in named.parameters)
            click.echo(f"{named.name} {args}".rstrip() + f"  [{named.origin}]")
            click.echo(f"    {named.description}")
        return
    with ctx.view() as view:
        result = view.query(name, parse_params(params, typed=False), folder)
        click.echo(render(result, fmt))
        show_hits(view, result, fmt)
