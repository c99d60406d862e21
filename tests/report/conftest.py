"""A store for report tests: the need-to-know fixtures (operations A and B) plus a hostile case of
operation A whose names and offence are script injections, sharing a passport with case ES-2024-117."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkgraph.access.view import login_name
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server
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


@pytest.fixture(scope="module")
def report_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The store directory (policy included): the administrator is the test's login, ana sees Spain."""
    root = tmp_path_factory.mktemp("report")
    store_dir = root / "store"
    with EmbeddedStore(store_dir) as store:
        ingest_operations(store, root, HOSTILE)
        same_as(store, "ops:A3", "ops:B3", "accepted", 0.99, "date of birth: same full date, +10.6")
        same_as(store, "ops:A3", "ops:H1", "candidate", 0.91, "name: similar, +2.1")
    (store_dir / "policy.yaml").write_text(POLICY.format(admin=json.dumps(login_name())))
    yield store_dir
    kill_server(store_dir)
