"""A store for report tests: the need-to-know fixtures (operations A and B) plus a hostile case of
operation A whose names and offence are script injections, sharing a passport with case ES-2024-117."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkgraph.access.view import login_name
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.resolve.service import pair_id
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server

ACCESS = Path(__file__).parent.parent / "access" / "fixtures"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile.csv"
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
#: Strings only operation B (owned by Nigeria, hidden from ana) holds.
B_ONLY = ["Zebulon", "Quartermaine", "Xanthippe", "Vorodova", "Secretus", "XQ9988776", "2348099990000",
          "NG-2025-031", "ops:B1", "ops:B2", "ops:B3", "OP-SAHEL", "smuggling", "facilitator", "1975-05-05"]
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
    mapping = load_mapping(str(ACCESS / "cases.yaml"))
    with EmbeddedStore(store_dir) as store:
        for path in (ACCESS / "operation_a.csv", ACCESS / "operation_b.csv", HOSTILE):
            ingest_files(store, [path], mapping, rejects_path=root / f"rejects-{path.name}")
        store.write("MATCH (a:Person {key: 'ops:A3'}), (b:Person {key: 'ops:B3'}) "
                    "CREATE (a)-[:SAME_AS {key: '', id: $id, status: 'accepted', probability: 0.99, "
                    "evidence: ['date of birth: same full date, +10.6'], history: []}]->(b)",
                    {"id": pair_id("ops:A3", "ops:B3")})
        store.write("MATCH (a:Person {key: 'ops:A3'}), (b:Person {key: 'ops:H1'}) "
                    "CREATE (a)-[:SAME_AS {key: '', id: $id, status: 'candidate', probability: 0.91, "
                    "evidence: ['name: similar, +2.1'], history: []}]->(b)", {"id": pair_id("ops:A3", "ops:H1")})
    (store_dir / "policy.yaml").write_text(POLICY.format(admin=json.dumps(login_name())))
    yield store_dir
    kill_server(store_dir)
