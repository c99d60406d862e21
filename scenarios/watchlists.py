"""Watchlists planted in a generated scenario, with their truth: which listed entry is in which case.

``generate(..., watchlists=True)`` lists some of the scenario's passports and identity cards on a lost
and stolen documents list (``watchlists/sltd.csv``, read by the shipped ``sltd-csv`` mapping) and some
of its persons on a wanted and missing persons list (``watchlists/notices.csv``, ``notices-csv``),
plus a few decoys that are in no case (numbers never issued; a listed person's name with another
birth date). ``truth/watchlist_hits.csv`` has one row per (list, reference, case) that should hit.

Entries are chosen by a hash of the seed and the identity or document, never by drawing from the
scenario's random stream, so the case files of a seed are the same with or without watchlists.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from linkgraph.scenarios.people import PersonRecord

#: About how many entries of each list are drawn from the scenario's persons and documents.
LISTED = 20
DECOYS = 3
WATCHLIST_FILES = ("watchlists/sltd.csv", "watchlists/notices.csv", "truth/watchlist_hits.csv")
_AUTHORITY = "NCB {country}"


def _chosen(seed: int, what: str, rate: float) -> bool:
    digest = hashlib.sha1(f"{seed}|{what}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


@dataclass
class _Listed:
    row: dict[str, str]
    cases: set[str] = field(default_factory=set)


class WatchlistPlanter:
    """Sees every written record (``see``) and writes the two lists and their truth (``write``)."""

    def __init__(self, seed: int, persons: int) -> None:
        self.seed = seed
        self.rate = min(1.0, LISTED / max(1, persons))
        self.documents: dict[str, _Listed] = {}
        self.persons: dict[str, _Listed] = {}

    def see(self, case_ref: str, record: PersonRecord) -> None:
        """Note ``record`` of case ``case_ref``: list it (or add the case to its entry) when chosen."""
        for document in record.documents:
            if document.key in self.documents or _chosen(self.seed, f"document|{document.key}", self.rate):
                listed = self.documents.setdefault(document.key, _Listed({
                    "reference": f"SLTD-{len(self.documents) + 1:06d}", "document_number": document.number,
                    "document_type": document.doc_type, "issuing_country": document.country,
                    "issuing_authority": _AUTHORITY.format(country=document.country),
                    "date_reported": "2025-01-15", "reason": "stolen"}))
                listed.cases.add(case_ref)
        identity = record.identity_id
        if identity in self.persons:
            self.persons[identity].cases.add(case_ref)
        elif not record.script and _chosen(self.seed, f"person|{identity}", self.rate):
            self.persons[identity] = _Listed({
                "reference": f"2025/{len(self.persons) + 10001}", "notice": "red", "forename": record.given,
                "family_name": record.family, "date_of_birth": record.birth.isoformat(), "sex": record.sex,
                "nationality": record.nationality, "issuing_authority": _AUTHORITY.format(country=record.nationality),
                "date_issued": "2025-03-01"}, {case_ref})

    def write(self, out_dir: Path) -> None:
        """Write ``WATCHLIST_FILES`` under ``out_dir``, decoys included."""
        (out_dir / "watchlists").mkdir(parents=True, exist_ok=True)
        documents = [listed.row for listed in self.documents.values()]
        for number in range(DECOYS):
            documents.append({**(documents[0] if documents else {"document_type": "passport",
                                                                  "issuing_country": "ESP",
                                                                  "issuing_authority": "NCB ESP"}),
                              "reference": f"SLTD-9{number:05d}", "document_number": f"ZZ{9000000 + number}",
                              "date_reported": "2025-01-15", "reason": "lost"})
        persons = [listed.row for listed in self.persons.values()]
        for number, original in enumerate(persons[:DECOYS]):
            born = date.fromisoformat(original["date_of_birth"])
            persons.append({**original, "reference": f"2025/9{number:04d}",
                            "date_of_birth": born.replace(year=born.year - 9, day=min(born.day, 28)).isoformat()})
        _write(out_dir / "watchlists/sltd.csv", documents)
        _write(out_dir / "watchlists/notices.csv", persons)
        truth = sorted({("sltd", listed.row["reference"], case) for listed in self.documents.values()
                        for case in listed.cases}
                       | {("notices", listed.row["reference"], case) for listed in self.persons.values()
                          for case in listed.cases})
        with open(out_dir / "truth/watchlist_hits.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(("list", "reference", "case"))
            writer.writerows(truth)


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["reference"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
