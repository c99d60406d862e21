"""The ``linkgraph`` command: the top floor. It imports the library and nothing imports it.

Every command group lives in its own module and is assembled here with ``add_command``, so
``from linkgraph.cli import cli`` exposes every command. User errors (``LinkgraphError``) become
one line on stderr and the exit code of DESIGN.md: 0 success, 1 failure, 2 usage error, 3 completed
with rejected input rows. Bugs stay tracebacks.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import click

from linkgraph.cli import access, analysis, detect, ingest, report, resolve, scenarios, server, store
from linkgraph.cli.base import Context, Group
from linkgraph.store import DEFAULT_STORE


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store_uri", envvar="LINKGRAPH_STORE", default=DEFAULT_STORE, show_default=True,
              help="Store directory (embedded FalkorDB) or neo4j:// / bolt:// URI. Env: LINKGRAPH_STORE.")
@click.option("--as", "as_user", envvar="LINKGRAPH_USER", default=None,
              help="Act as another user of the policy (administrators only). Default: your login. Env: LINKGRAPH_USER.")
@click.option("--policy", type=click.Path(path_type=Path), envvar="LINKGRAPH_POLICY", default=None,
              help="Policy file (default: policy.yaml in the store directory; none means single-user mode). "
                   "Env: LINKGRAPH_POLICY.")
@click.option("--model-ext", "model_ext", envvar="LINKGRAPH_MODEL_EXT", default=None, type=click.Path(dir_okay=False),
              help="A model extension file (labels, relationship types, typed properties) used with the shipped "
                   "model. Default: model-ext.yaml in the store directory, when there. Env: LINKGRAPH_MODEL_EXT.")
@click.version_option(package_name="linkgraph")
@click.pass_context
def cli(ctx: click.Context, store_uri: str, as_user: str | None, policy: Path | None, model_ext: str | None) -> None:
    """linkgraph: case files in, cross-case links out."""
    in_store = Path(store_uri) / "model-ext.yaml"
    if model_ext is None and "://" not in store_uri and in_store.is_file():
        model_ext = str(in_store)
    if model_ext is not None:
        os.environ["LINKGRAPH_MODEL_EXT"] = model_ext  # linkgraph.model reads it, in this process and children
    ctx.obj = Context(store_uri, as_user, policy)


for command in (
    store.init, store.status, store.cypher, store.query,
    ingest.ingest, ingest.mapping,
    resolve.resolve, resolve.review,
    scenarios.generate, scenarios.demo,
    access.policy, access.audit, access.case,
    server.server,
    detect.detect, detect.alerts, detect.watchlist,
    report.report, report.export,
    analysis.links, analysis.path, analysis.network, analysis.rank, analysis.communities, analysis.search,
):
    cli.add_command(command)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM (a cron timeout, systemd stop) unwinds like an exception, so runs record how they ended
    and the store connection is closed."""
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    cli.main(args=argv, prog_name="linkgraph")
