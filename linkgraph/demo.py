"""``linkgraph demo``: the whole story on a small generated scenario, in one command.

Generates a multi-country scenario, ingests every file with its shipped mapping into a fresh store
under the output directory, resolves persons across cases and prints what was found.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkgraph.scenarios import generate
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.resolve.service import ResolveSummary, resolve, review_list
from linkgraph.status import status_report
from linkgraph.store import open_store
from linkgraph.store.server import kill_server

DEMO_CASES = 40
DEMO_SEED = 7


@dataclass
class DemoResult:
    """Where the demo put things and what it found."""

    out_dir: Path
    store_dir: Path
    files: int
    rows: int
    rejected: int
    rejects: list[str]
    resolution: ResolveSummary
    status: dict[str, Any]
    quarantined: int = 0  # bad values of stored rows (an impossible birth date, a bad phone), kept raw or dropped


def run_demo(out_dir: Path, user: str = "demo") -> DemoResult:
    """Build the demo under ``out_dir`` (replacing an earlier demo there) and return what happened."""
    data_dir, store_dir = out_dir / "data", out_dir / "store"
    kill_server(store_dir)
    for folder in (data_dir, store_dir):
        shutil.rmtree(folder, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = generate(data_dir, cases=DEMO_CASES, seed=DEMO_SEED)
    with open_store(str(store_dir), create=True) as store:
        summaries = ingest_manifest(store, data_dir / "manifest.json", rejects_dir=out_dir, user=user)
        resolution = resolve(store, user=user)
        status = status_report(store)
    return DemoResult(out_dir, store_dir, len(generated.rows), sum(s.rows_read for s in summaries),
                      sum(s.rows_rejected for s in summaries), [s.rejects_path for s in summaries if s.rejects_path],
                      resolution, status, sum(s.values_quarantined for s in summaries))


def cross_case_matches(store_dir: Path, limit: int = 5) -> list:
    """Return the most probable SAME_AS candidates whose two persons come from different cases."""
    with open_store(str(store_dir)) as store:
        found = review_list(store, limit=200)
    return [c for c in found if set(c.left["cases"] or []) != set(c.right["cases"] or [])][:limit]
