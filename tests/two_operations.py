"""Two operations owned by different countries, for the need-to-know, report and detection tests.

Operation A (OP-MARE, Spain, case ES-2024-117) and operation B (OP-SAHEL, Nigeria, case NG-2025-031)
share a passport and a phone; ``B_ONLY`` lists strings only operation B holds, which a user cleared
for A must never see.
"""

from __future__ import annotations

from pathlib import Path

from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.resolve.bound import raise_bound
from linkgraph.resolve.service import pair_id
from linkgraph.store.base import Store

FIXTURES = Path(__file__).parent / "access" / "fixtures"
B_ONLY = ["Zebulon", "Quartermaine", "Xanthippe", "Vorodova", "Secretus", "XQ9988776", "2348099990000",
          "NG-2025-031", "ops:B1", "ops:B2", "ops:B3", "OP-SAHEL", "smuggling", "facilitator", "1975-05-05"]
SHARED_PASSPORT = "passport|NGA|NG1234567"
SHARED_PHONE = "+2348031234567"


def ingest_operations(store: Store, root: Path, *extra: Path) -> None:
    """Ingest operations A and B (and ``extra`` files of the same mapping), rejects under ``root``."""
    mapping = load_mapping(str(FIXTURES / "cases.yaml"))
    for path in (FIXTURES / "operation_a.csv", FIXTURES / "operation_b.csv", *extra):
        ingest_files(store, [path], mapping, rejects_path=root / f"rejects-{path.name}")


def same_as(store: Store, left: str, right: str, status: str, probability: float, evidence: str,
            time: str | None = None) -> None:
    """Write a SAME_AS link between persons ``left`` and ``right`` as resolution or a review would."""
    store.write("MATCH (a:Person {key: $left}), (b:Person {key: $right}) "
                "CREATE (a)-[:SAME_AS {key: '', id: $id, status: $status, probability: $p, time: $time, "
                "evidence: [$evidence], history: []}]->(b) "
                "SET " + raise_bound("a", "$p"),
                {"left": left, "right": right, "id": pair_id(left, right), "status": status, "p": probability,
                 "evidence": evidence, "time": time})
