"""``linkgraph resolve`` and ``linkgraph review``: person matching and the analyst's decisions."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from linkgraph.cli.base import Context, pass_context
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, PAIR_FLOOR, PAIRS_OUT_STATUSES, STATUSES


@click.command()
@click.option("--threshold", type=click.FloatRange(0.0, 1.0, min_open=True), default=None,
              help=f"Match probability from which a pair is proposed (default {DEFAULT_THRESHOLD}). A view over the "
                   f"stored pairs: changing it scores nothing again.")
@click.option("--pairs-out", type=click.Path(path_type=Path), default=None,
              help="Also write the proposed pairs as CSV: left_ref,right_ref,probability,status,evidence.")
@click.option("--include-rejected", is_flag=True, help="With --pairs-out: also the pairs an analyst rejected.")
@click.option("--between", nargs=2, metavar="SOURCE_A SOURCE_B", default=None,
              help="Link-only: two sources each free of duplicates; only pairs across them are scored.")
@click.option("--retrain", is_flag=True, help="Estimate the model again from the store's persons.")
@click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
              help="Model file (default: resolution-model.json in the store directory, or $LINKGRAPH_MODEL).")
@click.option("--organisations/--no-organisations", default=True, show_default=True,
              help="Also propose SAME_AS links between organisations (by name, legal form, country, town); "
                   "not with --between.")
@pass_context
def resolve(ctx: Context, threshold: float | None, pairs_out: Path | None, include_rejected: bool,
            between: tuple[str, str] | None, retrain: bool, model_path: Path | None, organisations: bool) -> None:
    """Propose SAME_AS links between persons, and between organisations, of all cases; never merges anyone."""
    from linkgraph.files import check_output
    from linkgraph.resolve.service import resolve as run_resolve

    if pairs_out is not None:
        check_output(pairs_out)  # a missing folder or a planted symlink: refused before any work
    statuses = (*PAIRS_OUT_STATUSES, "rejected") if include_rejected else PAIRS_OUT_STATUSES
    with ctx.view() as view, _progress() as progress:
        summary = run_resolve(view.writer("all"), threshold=threshold or DEFAULT_THRESHOLD, model_path=model_path,
                              retrain=retrain, pairs_out=pairs_out, user=view.principal.name, between=between or None,
                              pairs_statuses=statuses, progress=progress, organisations=organisations)
        view.note(rows=summary.pairs, params={"threshold": threshold or DEFAULT_THRESHOLD,
                                               "pairs_out": str(pairs_out) if pairs_out else None,
                                               "between": list(between) if between else None})
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    scope = f" between {between[0]} and {between[1]}" if between else ""
    scored = (f"{summary.stored:,} pairs scored and stored (p >= {PAIR_FLOOR:g}), {summary.pairs:,} of them at or above "
              "the threshold" if summary.model_origin else "nothing new to score")
    click.echo(f"resolved {summary.persons:,} persons ({summary.new_persons:,} new){scope}: {scored}; "
               f"{summary.in_view:,} pairs proposed at the threshold {summary.threshold:g}, {summary.identities:,} "
               f"identities, {len(summary.identity_changes)} identity changes ({summary.seconds:.1f} s)")
    if summary.model_note:
        click.echo(f"  {summary.model_note}")
    if summary.reopened or summary.withdrawn:
        click.echo(f"  {summary.reopened:,} rejected pairs reopened on new evidence, {summary.withdrawn:,} candidates "
                   f"withdrawn (now below {PAIR_FLOOR:g})")
    for change in summary.identity_changes[:10]:
        click.echo(f"  identity change: {change}")
    done = summary.organisations
    if done is not None and done.organisations:
        scored = (f"{done.stored:,} pairs scored and stored, {done.pairs:,} of them at or above the threshold"
                  if done.new else "nothing new to score")
        click.echo(f"resolved {done.organisations:,} organisations ({done.new:,} new): {scored}; "
                   f"{done.identities:,} identities, {len(done.identity_changes)} identity changes ({done.seconds:.1f} s)")
        for change in done.identity_changes[:10]:
            click.echo(f"  identity change: {change}")


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str], None] | None]:
    """The step resolution is at, with a spinner and the time, on a terminal; nothing in cron or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # pragma: no cover - a person is watching
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("resolve: {task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda step: bar.update(task, description=step)


@click.group()
def review() -> None:
    """Review proposed SAME_AS links: list, accept, reject."""


@review.command("list")
@click.option("--min", "min_probability", type=click.FloatRange(0.0, 1.0), default=None,
              help="Lowest probability shown (default: the threshold of the latest resolve run); lower shows the "
                   "stored pairs below it.")
@click.option("--case", "case_id", default=None, help="Only links touching this case.")
@click.option("--status", type=click.Choice([*STATUSES, "all"]),
              default="candidate", show_default=True)
@click.option("--kind", type=click.Choice(["person", "organisation", "all"]), default="all", show_default=True,
              help="Links between persons, between organisations, or both.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Stable JSON for scripts.")
@pass_context
def review_list(ctx: Context, min_probability: float | None, case_id: str | None, status: str, kind: str, limit: int,
                as_json: bool) -> None:
    """List SAME_AS links to review (persons and organisations), most probable first, with their evidence."""
    from linkgraph.resolve.review import KINDS, persons_linked_across, review_list as fetch

    statuses = STATUSES if status == "all" else (status,)
    kinds = tuple(KINDS) if kind == "all" else (kind,)
    with ctx.view() as view:
        found = fetch(view, min_probability=min_probability, case=case_id, statuses=statuses, limit=limit, kinds=kinds)
        hits = []
        for shown in kinds:
            across = persons_linked_across(view, min_probability=min_probability, case=case_id, statuses=statuses,
                                           limit=limit, kind=shown)
            hits += view.hits(KINDS[shown][0], across, min_probability or 0.0)
    if as_json:
        click.echo(json.dumps([c.__dict__ for c in found], ensure_ascii=False, indent=2, default=str))
        for hit in hits:
            click.echo(hit.sentence(), err=True)
        return
    for hit in hits:
        click.echo(hit.sentence())
    if not found:
        click.echo("nothing to review")
        return
    for c in found:
        decided = f" by {c.decided_by} at {c.decided_at}" if c.decided_by else ""
        click.echo(f"{c.id}  p={c.probability:.3f}  {c.status}{decided}  {c.kind}")
        for side in (c.left, c.right):
            detail = (f"born {side['birth_date'] or '?':<10}" if c.kind == "person"
                      else f"country {side['country'] or '?':<7}")
            click.echo(f"    {side['key']:<28} {side['name'] or '':<32} {detail} cases {', '.join(side['cases'] or [])}")
        for sentence in c.evidence:
            click.echo(f"      - {sentence}")


def _decide(ctx: Context, link_id: str, status: str) -> None:
    from linkgraph.resolve.review import decide

    with ctx.view() as view:
        candidate = decide(view, link_id, status)
    click.echo(f"{candidate.id}: {candidate.left['key']} and {candidate.right['key']} {status} by "
               f"{candidate.decided_by} at {candidate.decided_at}")


@review.command("accept")
@click.argument("link_id")
@pass_context
def review_accept(ctx: Context, link_id: str) -> None:
    """Accept link LINK_ID: the two records are the same person (organisation)."""
    _decide(ctx, link_id, "accepted")


@review.command("reject")
@click.argument("link_id")
@pass_context
def review_reject(ctx: Context, link_id: str) -> None:
    """Reject link LINK_ID: different persons (organisations); not proposed again unless new evidence arrives."""
    _decide(ctx, link_id, "rejected")
