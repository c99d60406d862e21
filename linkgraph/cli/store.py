"""``linkgraph init``, ``status``, ``cypher`` and ``query``: set a store up and look into it."""

from __future__ import annotations

import json

import click

from linkgraph.cli.base import FORMAT_OPTION, PARAM_OPTION, Context, parse_params, pass_context


@click.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the store (when embedded) and its indexes; safe to run again."""
    with ctx.open(create=True) as store:
        store.init_schema()
        click.echo(f"store ready: {store.backend} at {store.location}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON for scripts.")
@pass_context
def status(ctx: Context, as_json: bool) -> None:
    """Show what the store holds: nodes per label, relationships per type, cases."""
    from linkgraph.output import table
    from linkgraph.status import status_report

    with ctx.open() as store:
        report = status_report(store)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    click.echo(f"store: {report['backend']} at {report['location']}")
    cases = report["cases"]
    click.echo(f"cases: {len(cases)}" + (f" ({', '.join(cases[:8])}{', …' if len(cases) > 8 else ''})" if cases else ""))
    nodes = [[label, f"{n:,}"] for label, n in report["nodes"].items() if n]
    rels = [[rel, f"{n:,}"] for rel, n in report["relationships"].items() if n]
    click.echo(table(["label", "nodes"], nodes) if nodes else "nodes: none")
    click.echo(table(["relationship", "count"], rels) if rels else "relationships: none")
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
    """Run a READ-ONLY Cypher query; values go in as -p parameters ($name), never into the text."""
    from linkgraph.output import render

    with ctx.open() as store:
        result = store.read(cypher, parse_params(params))
    click.echo(render(result, fmt))


@click.command()
@click.argument("name", required=False)
@PARAM_OPTION
@FORMAT_OPTION
@click.option("--list", "list_all", is_flag=True, help="List the named queries with their parameters.")
@pass_context
def query(ctx: Context, name: str | None, params: tuple[str, ...], fmt: str, list_all: bool) -> None:
    """Run a named query from queries/ (read-only), or list them with --list."""
    from linkgraph.named_queries import list_queries
    from linkgraph.output import render

    if list_all or not name:
        for named in list_queries():
            args = " ".join(f"-p {p.name}=<{p.type}>" for p in named.parameters)
            click.echo(f"{named.name} {args}".rstrip())
            click.echo(f"    {named.description}")
        return
    with ctx.open() as store:
        result = store.query(name, parse_params(params, typed=False))
    click.echo(render(result, fmt))
