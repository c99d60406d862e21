"""``linkgraph generate`` and ``linkgraph demo``: generated case files, and the whole story on them."""

from __future__ import annotations

from pathlib import Path

import click

from linkgraph.cli.base import Context, pass_context


@click.command()
@click.option("--cases", type=click.IntRange(min=1), required=True, help="Number of cases.")
@click.option("--persons", type=click.IntRange(min=1), default=None, help="Total person records (default ~12 per case).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), required=True)
def generate(cases: int, persons: int | None, seed: int, out_dir: Path) -> None:
    """Write a seeded multi-country scenario: case files, manifest.json and truth/ files."""
    from linkgraph.scenarios import generate as run_generator

    summary = run_generator(out_dir, cases=cases, persons=persons, seed=seed)
    click.echo(f"wrote {len(summary.files)} files to {out_dir} ({summary.persons:,} person records, "
               f"{summary.identities:,} identities); see {out_dir}/manifest.json and {out_dir}/truth/")


@click.command()
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True)
@pass_context
def demo(ctx: Context, out_dir: Path) -> None:
    """Generate a small multi-country scenario, ingest it, resolve persons, show the cross-case matches."""
    from linkgraph.demo import DEMO_ANALYST, run_demo

    click.echo(f"generating a scenario and ingesting it into {out_dir}/store ...")
    result = run_demo(out_dir)
    click.echo(f"ingested {result.files} files, {result.rows:,} rows; {result.rejected} planted bad rows rejected and "
               f"{result.quarantined} bad values kept raw or dropped, into {', '.join(result.rejects) or 'nothing'}")
    r = result.resolution
    click.echo(f"resolved {r.persons:,} persons: {r.pairs:,} SAME_AS candidates, {r.identities:,} identities "
               f"across cases")
    click.echo(f"  {r.model_note}")
    report = result.status
    nodes = ", ".join(f"{label} {n:,}" for label, n in report["nodes"].items() if n)
    countries = ", ".join(f"{c} {n}" for c, n in report["countries"].items())
    click.echo(f"store {report['location']}: {report['cases']} cases ({countries}); {nodes}")
    click.echo("\nstrongest cross-case person matches (linkgraph review list shows all):")
    for c in result.matches:
        click.echo(f"  [{c.id}] p={c.probability:.3f}")
        for side in (c.left, c.right):
            click.echo(f"      {side['name']:<30} born {side['birth_date'] or '?':<10} {side['key']:<24} "
                       f"case {', '.join(side['cases'] or []) or '?'}")
        click.echo("      evidence: " + "; ".join(c.evidence[:4]))
    click.echo(f"\nas {DEMO_ANALYST}, cleared for Spanish cases only (policy {result.store_dir}/policy.yaml): "
               f"{result.analyst_links} matches visible, and what lies beyond her cases shows only as a marker:")
    for hit in result.analyst_hits[:1]:
        click.echo(f"  {hit.sentence()}")
    click.echo("\nstrongest cross-case links (linkgraph links shows all):")
    for link in result.links:
        cases = ", ".join(f"{side.case} ({side.country})" for side in link.cases)
        click.echo(f"  [{link.id}] {link.kind} {link.label} ({link.status}, {link.score:g}): {cases}")
    if result.path:
        click.echo("one path between two cases of different countries (linkgraph path):")
        click.echo("  " + " -> ".join(result.path))
    if result.report:
        click.echo(f"\ncase-meeting report of the cross-case network (offline, victims pseudonymised): {result.report}")
    click.echo(f"\ntry: .venv/bin/linkgraph --store {result.store_dir} status")
    click.echo(f"     .venv/bin/linkgraph --store {result.store_dir} review list --min 0.99")
    click.echo(f"     .venv/bin/linkgraph --store {result.store_dir} --as {DEMO_ANALYST} review list")
    click.echo(f"     .venv/bin/linkgraph --store {result.store_dir} links --kind document")
    click.echo(f"     .venv/bin/linkgraph --store {result.store_dir} audit verify")
