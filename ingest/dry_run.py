"""``mapping check`` with a sample: what a mapping would do with a file's first rows, writing nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkgraph.ingest.mapping import Mapping
from linkgraph.ingest.pipeline import plan_ingest
from linkgraph.ingest.transform import Rejection, RowTransformer


@dataclass
class DryRun:
    """What a mapping would do with a sample: counts and the rows it would reject."""

    rows: int = 0
    entities: int = 0
    relationships: int = 0
    blank: int = 0
    filtered: int = 0
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    quarantined: list[tuple[str, str, str, str]] = field(default_factory=list)  # line, field, reason, action


def dry_run(files: Path | list[Path], mapping: Mapping, limit: int = 1000) -> DryRun:
    """Read and transform up to ``limit`` rows of ``files`` through ``mapping``; write nothing.

    References to other tables cannot be checked without a store and are not reported. A table that
    joins a lookup table needs a file of it among ``files``: the joined rows are what is tried.
    """
    report = DryRun()
    for plan in plan_ingest([files] if isinstance(files, Path) else list(files), mapping):
        transformer = RowTransformer(mapping, plan.table)
        for row in plan.reader.rows():
            if report.rows >= limit:
                break
            report.rows += 1
            if row.blank:
                report.blank += 1
                continue
            outcome = Rejection(row.field or "(row)", row.problem) if row.problem else transformer.transform(row.record)
            if outcome is None:
                report.filtered += 1
            elif isinstance(outcome, Rejection):  # a lookup file's bad row is named with its file
                report.rejected.append((f"{row.file.name}:{row.locator}" if row.file else row.locator,
                                        outcome.field, outcome.reason))
            else:
                report.entities += len(outcome.nodes)
                report.relationships += len(outcome.rels)
                report.quarantined.extend((row.locator, f, r, a) for f, r, a in outcome.notes)
    return report
