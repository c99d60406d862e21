"""The ``linkgraph`` command: a thin click shell over library functions.

User errors (``LinkgraphError``) become one line on stderr and the exit code of DESIGN.md:
0 success, 1 failure, 2 usage error, 3 completed with rejected input rows. Bugs stay tracebacks.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from linkgraph.errors import LinkgraphError, UsageError
from linkgraph.output import FORMATS, render, table
from linkgraph.queries import list_queries
from linkgraph.store import DEFAULT_STORE, Store, describe_store, open_store


class LinkgraphFailure(click.ClickException):
    """A user-facing failure carried to click with its exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class Group(click.Group):
    """A click group that turns ``LinkgraphError`` into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LinkgraphError as error:
            raise LinkgraphFailure(str(error), error.exit_code) from None


class Context:
    """What every command gets: the store URI, the acting user, and a way to open the store."""

    def __init__(self, store_uri: str, user: str) -> None:
        self.store_uri = store_uri
        self.user = user

    def open(self, create: bool = False) -> Store:
        """Open the selected store (creating an embedded one only when ``create``)."""
        return open_store(self.store_uri, create=create)


pass_context = click.make_pass_decorator(Context)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """Turn ``-p key=value`` options into a dict; raise ``UsageError`` for a pair without ``=``."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"parameter {pair!r} must look like key=value")
        params[key.strip()] = value
    return params


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_uri", envvar="LINKGRAPH_STORE", default=DEFAULT_STORE, show_default=True,
              help="Store directory (embedded FalkorDB) or neo4j:// / bolt:// URI. Env: LINKGRAPH_STORE.")
@click.option("--as", "user", envvar="LINKGRAPH_USER", default=None,
              help="Who is acting, recorded with every run and review decision. Env: LINKGRAPH_USER.")
@click.version_option(package_name="linkgraph")
@click.pass_context
def cli(ctx: click.Context, store_uri: str, user: str | None) -> None:
    """linkgraph: case files in, cross-case links out."""
    ctx.obj = Context(store_uri, user or getpass.getuser())


@cli.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the store (when embedded) and its indexes; safe to run again."""
    with ctx.open(create=True) as store:
        store.init_schema()
        click.echo(f"store ready: {store.backend} at {store.location}")


def status_report(store: Store) -> dict[str, Any]:
    """Return the store's backend, location, counts per label and relationship type, and case references."""
    counts = store.counts()
    cases = [row[0] for row in store.read("MATCH (c:Case) RETURN c.key ORDER BY c.key").rows]
    return {"backend": store.backend, "location": store.location, "cases": cases, **counts}


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON for scripts.")
@pass_context
def status(ctx: Context, as_json: bool) -> None:
    """Show what the store holds: nodes per label, relationships per type, cases."""
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


FORMAT_OPTION = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
PARAM_OPTION = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
                            help="Query parameter; repeat for several.")


@cli.command()
@click.argument("cypher")
@PARAM_OPTION
@FORMAT_OPTION
@pass_context
def cypher(ctx: Context, cypher: str, params: tuple[str, ...], fmt: str) -> None:
    """Run a READ-ONLY Cypher query; values go in as -p parameters ($name), never into the text."""
    with ctx.open() as store:
        result = store.read(cypher, parse_params(params))
    click.echo(render(result, fmt))


@cli.command()
@click.argument("name", required=False)
@PARAM_OPTION
@FORMAT_OPTION
@click.option("--list", "list_all", is_flag=True, help="List the named queries with their parameters.")
@pass_context
def query(ctx: Context, name: str | None, params: tuple[str, ...], fmt: str, list_all: bool) -> None:
    """Run a named query from queries/ (read-only), or list them with --list."""
    if list_all or not name:
        for named in list_queries():
            args = " ".join(f"-p {p.name}=<{p.type}>" for p in named.parameters)
            click.echo(f"{named.name} {args}".rstrip())
            click.echo(f"    {named.description}")
        return
    with ctx.open() as store:
        result = store.query(name, parse_params(params))
    click.echo(render(result, fmt))


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    import linkgraph.cli_ingest  # noqa: F401  (registers the ingest layer's commands)
    import linkgraph.cli_resolve  # noqa: F401  (registers resolve and review)

    cli.main(args=argv, prog_name="linkgraph")

if __name__ == "__main__":  # pragma: no cover
    main()
