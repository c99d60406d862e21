"""``linkgraph ingest`` and ``linkgraph mapping check``: case files into the store through source mappings."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from linkgraph.cli.base import EXIT_REJECTED, Context, parse_params, pass_context
from linkgraph.output import printable


def _progress_bar():  # pragma: no cover - only on a terminal
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TextColumn("rows"),
                    TimeElapsedColumn(), transient=True)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--mapping", "mapping_name", default=None,
              help="Mapping file, or the name of a mapping shipped in mappings/ (e.g. es-cnp-csv).")
@click.option("--manifest", type=click.Path(path_type=Path), default=None,
              help="Instead of FILES and --mapping: a manifest.json naming each file's mapping, source and country.")
@click.option("--case", "case_id", default=None, help="Case reference for rows whose mapping gives none.")
@click.option("--source", "source", default=None, help="Source name instead of the mapping's (one mapping, several systems).")
@click.option("--set", "constants", multiple=True, metavar="KEY=VALUE", help="Override a constant of the mapping.")
@click.option("--rejects", "rejects", type=click.Path(path_type=Path), default=None,
              help="Where bad rows and values go (CSV: file, line, field, reason, action, raw). Default: linkgraph-rejects-<run>.csv;"
                   " with --manifest, a directory for rejects-<source>.csv files.")
@click.option("--allow-outside", is_flag=True,
              help="With --manifest: also read entries outside the manifest's folder (../x, /abs/path, symlinks out).")
@pass_context
def ingest(ctx: Context, files: tuple[Path, ...], mapping_name: str | None, manifest: Path | None, case_id: str | None,
           source: str | None, constants: tuple[str, ...], rejects: Path | None, allow_outside: bool) -> None:
    """Ingest case FILES through a source MAPPING (or every file of a --manifest); bad rows go to a rejects file (exit 3)."""
    from linkgraph.ingest.manifest import ingest_manifest
    from linkgraph.ingest.mapping import load_mapping, with_overrides
    from linkgraph.ingest.pipeline import ingest_files

    if manifest is not None and (files or mapping_name):
        raise click.UsageError("give either --manifest or FILES with --mapping, not both")
    if manifest is None and not (files and mapping_name):
        raise click.UsageError("give FILES and --mapping (or --manifest)")
    with ctx.view(create=True) as view, _progress() as advance:
        store, user = view.writer("ingest"), view.principal.name
        view.note(params={"files": [str(f) for f in files], "manifest": str(manifest) if manifest else None})
        if manifest is not None:
            summaries = ingest_manifest(store, manifest, rejects_dir=rejects, user=user, progress=advance,
                                        allow_outside=allow_outside)
        else:
            mapping = with_overrides(load_mapping(mapping_name or ""), source, parse_params(constants, typed=False))
            summaries = [ingest_files(store, list(files), mapping, case=case_id, rejects_path=rejects,
                                      user=user, progress=advance)]
        view.note(rows=sum(s.rows_read for s in summaries))
    for summary in summaries:
        rate = summary.rows_read / summary.seconds if summary.seconds else 0
        count = len(summary.files)
        click.echo(f"ingested {count} file{'s' if count != 1 else ''} with {summary.source}: "
                   f"{summary.rows_read:,} rows read, {summary.entities_written:,} entities and "
                   f"{summary.relationships_written:,} relationships written, {summary.rows_rejected:,} rejected"
                   + (f", {summary.values_quarantined:,} bad value{'s' if summary.values_quarantined != 1 else ''} kept raw or dropped"
                      if summary.values_quarantined else "")
                   + (f", {summary.rows_blank:,} blank" if summary.rows_blank else "")
                   + (f", {summary.rows_filtered:,} left out by where:" if summary.rows_filtered else "")
                   + f" ({summary.seconds:.1f} s, {rate:,.0f} rows/s, run {summary.run_id})")
    rejected = [s for s in summaries if s.rows_rejected or s.values_quarantined]
    if rejected:
        total = sum(s.rows_rejected for s in rejected)
        values = sum(s.values_quarantined for s in rejected)
        where = ", ".join(str(s.rejects_path) for s in rejected)
        click.echo(f"{total:,} row{'s' if total != 1 else ''} rejected and {values:,} bad value{'s' if values != 1 else ''}"
                   f" of stored rows: see {where} (file, line, field, reason, action); every good row was stored",
                   err=True)
        click.get_current_context().exit(EXIT_REJECTED)


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int], None] | None]:
    """A rows-done progress bar on a terminal; nothing (None) in cron or a pipe."""
    if not sys.stderr.isatty():
        yield None
        return
    with _progress_bar() as bar:  # pragma: no cover - a person is watching
        task = bar.add_task("ingest", total=None)
        yield lambda n: bar.advance(task, n)


@click.group()
def mapping() -> None:
    """Check source mappings."""


@mapping.command("check")
@click.argument("mapping_name")
@click.argument("samples", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rows", default=1000, show_default=True, help="How many sample rows to try.")
@click.option("--source", "source", default=None, help="Source name instead of the mapping's.")
@click.option("--set", "constants", multiple=True, metavar="KEY=VALUE", help="Override a constant of the mapping.")
def mapping_check(mapping_name: str, samples: tuple[Path, ...], rows: int, source: str | None,
                  constants: tuple[str, ...]) -> None:
    """Validate MAPPING, and try it on the first rows of SAMPLES without writing anything.

    Give several SAMPLES when tables join (a calls file and the subscribers file it joins)."""
    from linkgraph.ingest.mapping import load_mapping, with_overrides
    from linkgraph.ingest.dry_run import dry_run

    loaded = with_overrides(load_mapping(mapping_name), source, parse_params(constants, typed=False))
    tables = ", ".join(t.name for t in loaded.tables)
    click.echo(f"mapping {loaded.path}: source {loaded.source}, tables: {tables} - ok")
    if not samples:
        return
    report = dry_run(list(samples), loaded, rows)
    click.echo(f"{', '.join(map(str, samples))}: {report.rows} rows tried, {report.entities} entities and {report.relationships} "
               f"relationships would be written, {len(report.rejected)} rows would be rejected, "
               f"{len(report.quarantined)} bad values kept raw or dropped, {report.blank} blank rows"
               + (f", {report.filtered} rows left out by where:" if report.filtered else ""))
    for locator, field_name, reason in report.rejected[:20]:
        click.echo(printable(f"  line {locator}: {field_name}: {reason}"))
    for locator, field_name, reason, action in report.quarantined[:20]:
        click.echo(printable(f"  line {locator}: {field_name}: {reason} ({action})"))
    if report.rejected or report.quarantined:
        click.get_current_context().exit(EXIT_REJECTED)
