"""``linkgraph resolve`` and ``linkgraph review``: person matching and the analyst's decisions."""

from __future__ import annotations

import json
from pathlib import Path

import click

from linkgraph.cli.base import Context, pass_context
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, STATUSES


@click.command()
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help=f"Match probability from which a pair is proposed (default {DEFAULT_THRESHOLD}).")
@click.option("--pairs-out", type=click.Path(path_type=Path), default=None,
              help="Also write the scored pairs as CSV: left_ref,right_ref,probability,evidence.")
@click.option("--retrain", is_flag=True, help="Estimate the model again from the store's persons.")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="Model file (default: resolution-model.json in the store directory, or $LINKGRAPH_MODEL).")
@pass_context
def resolve(ctx: Context, threshold: float | None, pairs_out: Path | None, retrain: bool, model_path: Path | None) -> None:
    """Propose SAME_AS links between persons of all cases; never merges anyone."""
    from linkgraph.files import check_output
    from linkgraph.resolve.service import resolve as run_resolve

    if pairs_out is not None:
        check_output(pairs_out)  # a missing folder or a planted symlink: refused before any work
    with ctx.open() as store:
        summary = run_resolve(store, threshold=threshold or DEFAULT_THRESHOLD, model_path=model_path,
                              retrain=retrain, pairs_out=pairs_out, user=ctx.user)
    click.echo(f"resolved {summary.persons:,} persons ({summary.new_persons:,} new): {summary.pairs:,} pairs at or "
               f"above the threshold, {summary.identities:,} identities, {len(summary.identity_changes)} identity "
               f"changes ({summary.seconds:.1f} s; model {'trained and saved to' if summary.trained else 'from'} "
               f"{summary.model_path})")
    if summary.reopened or summary.withdrawn:
        click.echo(f"  {summary.reopened:,} rejected pairs reopened on new evidence, {summary.withdrawn:,} candidates "
                   "withdrawn (now below the threshold)")
    for change in summary.identity_changes[:10]:
        click.echo(f"  identity change: {change}")


@click.group()
def review() -> None:
    """Review proposed SAME_AS links: list, accept, reject."""


@review.command("list")
@click.option("--min", "min_probability", type=click.FloatRange(0.0, 1.0), default=0.0, help="Lowest probability shown.")
@click.option("--case", "case_id", default=None, help="Only links touching this case.")
@click.option("--status", type=click.Choice([*STATUSES, "all"]),
              default="candidate", show_default=True)
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Stable JSON for scripts.")
@pass_context
def review_list(ctx: Context, min_probability: float, case_id: str | None, status: str, limit: int, as_json: bool) -> None:
    """List SAME_AS links to review, most probable first, with their evidence."""
    from linkgraph.resolve.service import review_list as fetch

    statuses = STATUSES if status == "all" else (status,)
    with ctx.open() as store:
        found = fetch(store, min_probability=min_probability, case=case_id, statuses=statuses, limit=limit)
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2, default=str))
        return
    if not found:
        click.echo("nothing to review")
        return
    for c in found:
        decided = f" by {c.decided_by} at {c.decided_at}" if c.decided_by else ""
        click.echo(f"{c.id}  p={c.probability:.3f}  {c.status}{decided}")
        for side in (c.left, c.right):
            click.echo(f"    {side['key']:<28} {side['name'] or '':<32} born {side['birth_date'] or '?':<10} "
                       f"cases {', '.join(side['cases'] or [])}")
        for sentence in c.evidence:
            click.echo(f"      - {sentence}")


def _decide(ctx: Context, link_id: str, status: str) -> None:
    from linkgraph.resolve.service import decide

    with ctx.open() as store:
        candidate = decide(store, link_id, status, ctx.user)
    click.echo(f"{candidate.id}: {candidate.left['key']} and {candidate.right['key']} {status} by "
               f"{candidate.decided_by} at {candidate.decided_at}")


@review.command("accept")
@click.argument("link_id")
@pass_context
def review_accept(ctx: Context, link_id: str) -> None:
    """Accept link LINK_ID: the two records are the same person."""
    _decide(ctx, link_id, "accepted")


@review.command("reject")
@click.argument("link_id")
@pass_context
def review_reject(ctx: Context, link_id: str) -> None:
    """Reject link LINK_ID: different persons; not proposed again unless new evidence arrives."""
    _decide(ctx, link_id, "rejected")
