"""``linkgraph demo``: the whole story on a small generated scenario, in one command.

Generates a multi-country scenario, ingests every file with its shipped mapping into a fresh store
under the output directory, resolves persons across cases, and shows what was found: to an
administrator, and to an analyst cleared for part of the cases (who sees restricted-match markers).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.access.view import POLICY_FILE, Hit, login_name, open_view
from linkgraph.analysis.graph import paths
from linkgraph.analysis.links import cross_case_links
from linkgraph.analysis.model import CrossCaseLink
from linkgraph.files import write_private
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.report.build import demo_report
from linkgraph.resolve.review import Candidate, persons_linked_across, review_list
from linkgraph.resolve.service import ResolveSummary, resolve
from linkgraph.scenarios import generate
from linkgraph.status import status_report
from linkgraph.store.server import kill_server

if TYPE_CHECKING:
    from linkgraph.access.view import View

DEMO_CASES = 40
DEMO_SEED = 7
DEMO_ANALYST = "analyst.es"
DEMO_POLICY = """\
# The demo's policy: the login that ran the demo administers the store; analyst.es sees Spanish cases.
users:
  {login}: {{all: true, admin: true}}
  {analyst}: {{countries: [ESP], handling_max: H2, export: true}}
"""


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
    matches: list[Candidate]
    analyst_links: int
    analyst_hits: list[Hit]
    quarantined: int = 0  # bad values of stored rows (an impossible birth date, a bad phone), kept raw or dropped
    report: Path | None = None
    links: list[CrossCaseLink] = field(default_factory=list)  # the strongest cross-case links
    path: list[str] = field(default_factory=list)  # one path between two cases of different countries


def run_demo(out_dir: Path) -> DemoResult:
    """Build the demo under ``out_dir`` (replacing an earlier demo there) and return what happened.

    The store is filled in single-user mode, then given a policy (``policy.yaml`` in the store): the
    running login administers it, and ``DEMO_ANALYST`` sees only the Spanish cases, so the demo can
    show what a restricted match looks like.
    """
    data_dir, store_dir = out_dir / "data", out_dir / "store"
    kill_server(store_dir)
    for folder in (data_dir, store_dir):
        shutil.rmtree(folder, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated = generate(data_dir, cases=DEMO_CASES, seed=DEMO_SEED, watchlists=True)
    with open_view(str(store_dir), command="demo", create=True) as view:
        store, user = view.writer("all"), view.principal.name
        summaries = ingest_manifest(store, data_dir / "manifest.json", rejects_dir=out_dir, user=user)
        resolution = resolve(store, user=user)
    write_private(store_dir / POLICY_FILE, DEMO_POLICY.format(login=json.dumps(login_name()),
                                                              analyst=DEMO_ANALYST))
    with open_view(str(store_dir), command="demo") as view:
        status = status_report(view)
        found = review_list(view, limit=200)
        links = cross_case_links(view)
        path = _international_path(view, links)
    matches = [c for c in found if set(c.left["cases"] or []) != set(c.right["cases"] or [])][:5]
    with open_view(str(store_dir), command="demo", as_user=DEMO_ANALYST) as view:
        visible = review_list(view, limit=200)
        hits = view.hits("Person", persons_linked_across(view, limit=200))
    result = DemoResult(out_dir, store_dir, len(generated.rows), sum(s.rows_read for s in summaries),
                        sum(s.rows_rejected for s in summaries), [s.rejects_path for s in summaries if s.rejects_path],
                        resolution, status, matches, len(visible), hits, sum(s.values_quarantined for s in summaries),
                        links=links[:5], path=path)
    result.report = demo_report(store_dir, out_dir / "cross-case-report.html", matches)
    return result


def _international_path(view: View, links: list[CrossCaseLink]) -> list[str]:
    """One shortest path between entities of two cases of different countries, from the strongest link
    that joins different countries (the path runs through what the cases share)."""
    for link in links:
        sides = [s for s in link.cases if s.entities]
        for a, b in zip(sides, sides[1:]):
            if a.country != b.country:
                start = next(k for k in a.entities if k != link.shared)
                end = next(k for k in b.entities if k != link.shared)
                if start != end:
                    _, found = paths(view, start, end, max_hops=6)
                    if found:
                        return found[0]
    return []
