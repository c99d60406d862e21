"""A store for report tests: the need-to-know fixtures (operations A and B) plus a hostile case of
operation A whose names and offence are script injections, sharing a passport with case ES-2024-117."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkgraph.access.view import login_name
from linkgraph.store.base import Store
from conftest import BACKENDS, StoreTarget, shared_store
from two_operations import B_ONLY, ingest_operations, same_as  # noqa: F401  (B_ONLY: the report tests import it here)

HOSTILE = Path(__file__).parent / "fixtures" / "hostile.csv"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
#: Strings only operation B (owned by Nigeria, hidden from ana) holds.
POLICY = """\
users:
  {admin}: {{all: true, admin: true}}
  ana: {{countries: [ESP], operations: [OP-MARE], handling_max: H2, export: true}}
  noexport: {{countries: [ESP], operations: [OP-MARE], handling_max: H2, export: false}}
"""


def build_report_store(store: Store, target: StoreTarget) -> None:
    ingest_operations(store, target.home, HOSTILE)
    same_as(store, "ops:A3", "ops:B3", "accepted", 0.99, "date of birth: same full date, +10.6")
    same_as(store, "ops:A3", "ops:H1", "candidate", 0.91, "name: similar, +2.1")
    target.write_policy(POLICY.format(admin=json.dumps(login_name())))


@pytest.fixture(scope="module", params=BACKENDS)
def report_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreTarget]:
    """The store of each backend, built once per module (no test of the report modules empties it), with
    its policy: the administrator is the test's login, ana sees Spain."""
    with shared_store(request, tmp_path_factory, "report", build_report_store) as shared:
        yield shared.ready()
