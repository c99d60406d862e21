"""A value the store cannot take is a bad row: rejected with its reason, every good row stored, the run finished.

Each test seeds a store, ingests a hostile file through the real command line and checks that exactly
the good rows were added (the rest of the store unchanged), the run ended ``finished``, and the
rejects file names each bad line with its reason.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import StoreTarget
from hostile_support import FILES, dump, ingested, last_run, on, seed, workbook

from linkgraph.ingest.limits import MAX_DEPTH, MAX_FIELD_CHARS


def ingest_bad_rows(target: StoreTarget, tmp_path: Path, file: Path, mapping: str) -> dict[str, str]:
    """Seed, ingest ``file`` (exit 3), check the run finished and the seed is intact; return {line: reason}."""
    before = seed(target, tmp_path)
    rejects = tmp_path / "rejects.csv"
    done = on(target, "ingest", str(file), "--mapping", str(FILES / mapping),
               "--rejects", str(rejects))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert last_run(target)["status"] == "finished"
    after = dump(target)
    assert set(before["nodes"]) <= set(after["nodes"]) and set(before["relationships"]) <= set(after["relationships"])
    added = [node for node in after["nodes"] if node not in set(before["nodes"])]
    records = [node for node in added if node.startswith("['Record']")]
    persons = [node for node in added if node.startswith("['Person']")]
    assert len(records) == len(persons) > 0  # one Record per good row (one person each), none for a bad row
    with rejects.open(encoding="utf-8", newline="") as handle:
        return {row["line"]: row["reason"] for row in csv.DictReader(handle)}


def test_a_nul_byte_in_a_csv_cell_is_a_bad_row(target: StoreTarget, tmp_path: Path) -> None:
    reasons = ingest_bad_rows(target, tmp_path, FILES / "nul.csv", "people.yaml")
    assert reasons == {"3": "a NUL character in a value"}
    assert ingested(target) == {"G1", "P1", "P3"}


def test_nul_nan_infinity_and_a_lone_surrogate_in_ndjson_are_bad_rows(target: StoreTarget, tmp_path: Path) -> None:
    reasons = ingest_bad_rows(target, tmp_path, FILES / "values.ndjson", "people-ndjson.yaml")
    assert set(reasons) == {"2", "3", "4", "5"}
    assert reasons["2"] == "a NUL character in a value"
    assert "not finite (nan)" in reasons["3"] and "not finite (inf)" in reasons["4"]
    assert "lone surrogate (\\ud800)" in reasons["5"]
    assert ingested(target) == {"G1", "N1", "N6"}


def test_a_csv_field_over_the_limit_is_a_bad_row_and_reading_goes_on(target: StoreTarget, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    big.write_text("case_ref,person_id,name,note\nC-5,B1,Ana Lopez,ok\n"
                   f"C-5,B2,Bo Berg,{'x' * (MAX_FIELD_CHARS + 1)}\n"
                   f'C-5,B3,Cy Diaz,"{"y" * (MAX_FIELD_CHARS * 2)}"\nC-5,B4,Di Eng,ok\n', encoding="utf-8")
    reasons = ingest_bad_rows(target, tmp_path, big, "people.yaml")
    assert set(reasons) == {"3", "4"}
    assert all("limit" in reason for reason in reasons.values())
    assert ingested(target) == {"G1", "B1", "B4"}


def test_a_line_nested_ten_thousand_deep_is_a_bad_row(target: StoreTarget, tmp_path: Path) -> None:
    deep = tmp_path / "deep.ndjson"
    lines = [{"case_ref": "C-6", "person_id": "D1", "name": "Ana Lopez"},
             '{"case_ref": "C-6", "person_id": "D2", "name": "Bo Berg", "note": ' + "[" * 10_000 + "]" * 10_000 + "}",
             {"case_ref": "C-6", "person_id": "D3", "name": "Cy Diaz", "x": json.loads("[" * 70 + "]" * 70)},
             {"case_ref": "C-6", "person_id": "D4", "name": "Di Eng"}]
    deep.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    reasons = ingest_bad_rows(target, tmp_path, deep, "people-ndjson.yaml")
    assert reasons == {"2": f"nested deeper than {MAX_DEPTH} levels", "3": f"nested deeper than {MAX_DEPTH} levels"}
    assert ingested(target) == {"G1", "D1", "D4"}


def test_a_nul_or_oversized_xlsx_cell_is_a_bad_row(target: StoreTarget, tmp_path: Path) -> None:
    book = workbook(tmp_path / "cells.xlsx", [["case_ref", "person_id", "name", "note"],
                                              ["C-7", "X1", "Ana Lopez", "ok"],
                                              ["C-7", "X2", "Bo Berg", "a\x00b"],
                                              ["C-7", "X3", "Cy Diaz", "z" * (MAX_FIELD_CHARS + 5)],
                                              ["C-7", "X4", "Di Eng", "ok"]])
    reasons = ingest_bad_rows(target, tmp_path, book, "people-xlsx.yaml")
    assert reasons == {"people:3": "a NUL character in a value",
                       "people:4": f"a value of {MAX_FIELD_CHARS + 5:,} characters (the limit is {MAX_FIELD_CHARS:,})"}
    assert ingested(target) == {"G1", "X1", "X4"}


def test_a_rejected_raw_row_with_a_formula_is_written_inert(target: StoreTarget, tmp_path: Path) -> None:
    hostile = tmp_path / "formula.csv"
    hostile.write_text("case_ref,person_id,name,note\nC-8,F1,Ana Lopez,ok\n=cmd|' /C calc'!A0,,,\n", encoding="utf-8")
    ingest_bad_rows(target, tmp_path, hostile, "people.yaml")
    with (tmp_path / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells), cells


def test_bad_values_in_a_json_array_are_bad_rows(target: StoreTarget, tmp_path: Path) -> None:
    mapping = tmp_path / "people-json.yaml"
    mapping.write_text((FILES / "people-ndjson.yaml").read_text().replace("format: ndjson", "format: json"))
    file = tmp_path / "people.json"
    file.write_text('[{"case_ref": "C-9", "person_id": "J1", "name": "Ana Lopez"},\n'
                    ' {"case_ref": "C-9", "person_id": "J2", "name": "Bo Berg", "note": "\\u0000"},\n'
                    ' {"case_ref": "C-9", "person_id": "J3", "name": "Cy Diaz", "note": -Infinity},\n'
                    ' {"case_ref": "C-9", "person_id": "J4", "name": "Di Eng"}]\n')
    reasons = ingest_bad_rows(target, tmp_path, file, str(mapping))
    assert reasons == {"2": "a NUL character in a value", "3": "a number that is not finite (-inf)"}
    assert ingested(target) == {"G1", "J1", "J4"}
