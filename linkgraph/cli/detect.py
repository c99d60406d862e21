"""``linkgraph detect`` and ``linkgraph alerts``: the nightly job and the morning shift's list."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from linkgraph.cli.base import FORMAT_OPTION, Context, pass_context


@click.command()
@click.option("--since", default="last", show_default=True,
              help="last (what no finished detect covered), an ingest run id, or an ISO date to cover again.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Folder for alerts-<run>.json (created 0700 when missing).")
@pass_context
def detect(ctx: Context, since: str, out_dir: Path | None) -> None:
    """Resolve new persons, find new cross-case links, raise each as one alert (for cron and systemd)."""
    from linkgraph.detect.run import SUMMARY_MAX_ALERTS
    from linkgraph.detect.run import detect as run_detect
    from linkgraph.runs import now

    with ctx.view() as view:
        summary = run_detect(view, since=since, out_dir=out_dir)
    later = f"; left for later: {', '.join(summary.left_for_later)}" if summary.left_for_later else ""
    where = f"; alerts in {summary.alerts_file}" if summary.alerts_file else ""
    where += f" and {summary.summary_file}" if summary.summary_file else ""
    if summary.alerts_file and not summary.summary_file and len(summary.raised) > SUMMARY_MAX_ALERTS:
        where += (f" (no HTML summary above {SUMMARY_MAX_ALERTS} new alerts: "
                  f"linkgraph report --alerts {summary.run_id} makes one)")
    click.echo(f"{now()} detect {summary.run_id}: {len(summary.ingests)} ingest runs, {summary.cases_in_scope} cases "
               f"in scope, {summary.links} links, {len(summary.raised)} new alerts ({summary.watchlist_hits} watchlist hits), {len(summary.withdrawn)} withdrawn, "
               f"{summary.reported} reported{where}{later} ({summary.seconds:.1f} s)")


@click.group()
def alerts() -> None:
    """List, show and acknowledge alerts."""


@alerts.command("list")
@click.option("--status", type=click.Choice(["new", "acked", "withdrawn"]), default=None)
@click.option("--since", default=None, help="Only alerts raised at or after this ISO date or time.")
@click.option("--run", "run_id", default=None, help="Only alerts raised by this detect run.")
@click.option("--limit", type=int, default=200, show_default=True)
@FORMAT_OPTION
@pass_context
def alerts_list(ctx: Context, status: str | None, since: str | None, run_id: str | None, limit: int, fmt: str) -> None:
    """Alerts you may see, newest first."""
    from linkgraph.detect.alerts import list_alerts
    from linkgraph.output import render
    from linkgraph.store.base import QueryResult

    from linkgraph.detect.watchlists import watchlist_markers

    with ctx.view() as view:
        found = list_alerts(view, status=status, since=since, run=run_id, limit=limit)
        markers = watchlist_markers(view) if status in (None, "new", "acked") else []
    if fmt == "json":
        click.echo(json.dumps([asdict(a) for a in found], ensure_ascii=False, indent=2, sort_keys=True))
        for hit in markers:
            click.echo(hit.sentence(), err=True)
        return
    columns = ["key", "severity", "status", "kind", "raised_at", "title"]
    click.echo(render(QueryResult(columns, [[getattr(a, c) for c in columns] for a in found]), fmt))
    for hit in markers:
        click.echo(hit.sentence(), err=fmt != "table")


@alerts.command("show")
@click.argument("alert_id")
@pass_context
def alerts_show(ctx: Context, alert_id: str) -> None:
    """One alert with its evidence and where each fact came from."""
    from linkgraph.detect.alerts import show_alert

    with ctx.view() as view:
        alert = show_alert(view, alert_id)
    click.echo(f"{alert.key}  {alert.severity}  {alert.status}  raised {alert.raised_at} by {alert.run}")
    click.echo(f"  {alert.title}")
    if alert.shared:
        click.echo(f"  shared: {alert.shared}")
    for sentence in alert.evidence:
        click.echo(f"  - {sentence}")
    for fact in alert.provenance:
        click.echo(f"  source: {fact}")
    for line in alert.history:
        click.echo(f"  history: {line}")


@alerts.command("ack")
@click.argument("alert_id")
@pass_context
def alerts_ack(ctx: Context, alert_id: str) -> None:
    """Acknowledge an alert (who and when are recorded)."""
    from linkgraph.detect.alerts import ack_alert

    with ctx.view() as view:
        alert = ack_alert(view, alert_id)
    click.echo(f"{alert.key}: acked by {alert.acked_by} at {alert.acked_at}")
    sys.stdout.flush()


@click.group()
def watchlist() -> None:
    """Load and list watchlists (lost or stolen documents, wanted or missing persons)."""


@watchlist.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["documents", "persons"]), required=True)
@click.option("--mapping", "mapping", required=True, help="Mapping file or shipped name (sltd-csv, notices-csv).")
@click.option("--name", default=None, help="The list's name (default: the mapping's source); the same name replaces it.")
@click.option("--rejects", "rejects", type=click.Path(path_type=Path), default=None,
              help="Where bad rows go (CSV: file, line, field, reason, action, raw).")
@pass_context
def watchlist_load(ctx: Context, file: Path, kind: str, mapping: str, name: str | None, rejects: Path | None) -> None:
    """Load a watchlist, or replace the list of that name (its removed entries' open alerts are withdrawn)."""
    from linkgraph.cli.base import EXIT_REJECTED
    from linkgraph.detect.watchlists import load_watchlist

    with ctx.view() as view:
        done = load_watchlist(view, file, kind=kind, mapping=mapping, name=name, rejects_path=rejects)
    click.echo(f"watchlist {done.name} version {done.version}: {done.entries:,} {kind} ({done.added:,} added, "
               f"{done.removed:,} removed), {done.rejected:,} rows rejected, {len(done.withdrawn)} open alerts "
               f"withdrawn; sha256 {done.sha256}")
    if done.rejected:
        click.echo(f"{done.rejected:,} row{'s' if done.rejected != 1 else ''} rejected: see {done.rejects_path} "
                   "(file, line, field, reason, action); every good row was loaded", err=True)
        click.get_current_context().exit(EXIT_REJECTED)


@watchlist.command("list")
@FORMAT_OPTION
@pass_context
def watchlist_list(ctx: Context, fmt: str) -> None:
    """Every watchlist: name, kind, entries, version, loaded when and by whom, its state (loaded, or a load
    still running or interrupted), the file's SHA-256."""
    from linkgraph.detect.watchlists import list_watchlists
    from linkgraph.output import render
    from linkgraph.store.base import QueryResult

    with ctx.view() as view:
        found = list_watchlists(view)
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, sort_keys=True))
        return
    columns = ["name", "kind", "entries", "version", "loaded_at", "loaded_by", "state", "sha256"]
    click.echo(render(QueryResult(columns, [[w[c] for c in columns] for w in found]), fmt))
