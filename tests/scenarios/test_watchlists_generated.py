"""The generator's watchlists: drawn from the scenario without changing its case files, with truth."""

from __future__ import annotations

import csv
import filecmp
from pathlib import Path

from linkgraph.scenarios import generate


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_watchlists_leave_the_case_files_as_they_were_and_say_where_each_entry_is(tmp_path: Path) -> None:
    plain, listed = tmp_path / "plain", tmp_path / "listed"
    generate(plain, cases=30, seed=11)
    summary = generate(listed, cases=30, seed=11, watchlists=True)
    for data in (p.relative_to(plain) for p in plain.rglob("*") if p.is_file()):
        assert filecmp.cmp(plain / data, listed / data, shallow=False), data
    documents, persons = _rows(listed / "watchlists/sltd.csv"), _rows(listed / "watchlists/notices.csv")
    truth = _rows(listed / "truth/watchlist_hits.csv")
    assert {"watchlists/sltd.csv", "watchlists/notices.csv", "truth/watchlist_hits.csv"} <= set(summary.files)
    references = {("sltd", d["reference"]) for d in documents} | {("notices", p["reference"]) for p in persons}
    assert {(t["list"], t["reference"]) for t in truth} <= references
    decoys = {r for r in references if r[1].startswith(("SLTD-9", "2025/9"))}
    assert len(decoys) == 6 and not decoys & {(t["list"], t["reference"]) for t in truth}
    assert len(documents) > 6 and len(persons) > 6  # some entries of each list are in the scenario's cases
