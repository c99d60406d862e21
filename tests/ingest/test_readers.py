"""Readers stream rows with their line numbers, detect encodings and refuse files they cannot read."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from linkgraph.ingest.readers import open_reader
from linkgraph.errors import InvalidData

ROWS = "id;name\n1;Núñez\n2;Peña\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(ROWS.encode(encoding))
    reader = open_reader(path, {"format": "csv"})
    rows = list(reader.rows())
    assert reader.columns == ["id", "name"]
    assert [r.record["name"] for r in rows] == ["Núñez", "Peña"]
    assert [r.locator for r in rows] == ["2", "3"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"id{delimiter}name\n1{delimiter}Ana\n")
    assert [r.record for r in open_reader(path, {"format": "csv"}).rows()] == [{"id": "1", "name": "Ana"}]


def test_a_quoted_newline_keeps_the_line_numbers_of_later_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,note\n1,"two\nlines"\n2,plain\n')
    rows = list(open_reader(path, {"format": "csv"}).rows())
    assert [(r.locator, r.record["id"]) for r in rows] == [("2", "1"), ("4", "2")]


def test_a_row_with_the_wrong_number_of_fields_is_a_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,name\n1,Ana\n2,Bea,extra\n")
    rows = list(open_reader(path, {"format": "csv"}).rows())
    assert rows[0].problem is None
    assert rows[1].problem == "row has 3 fields, the header has 2"


def test_bytes_that_are_not_the_declared_encoding_refuse_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("id;name\n1;Ana\n2;Pe".encode() + b"\xf1a\n")
    with pytest.raises(InvalidData, match=r"x.csv: line 3: bytes that are not utf-8"):
        open_reader(path, {"format": "csv", "encoding": "utf-8"})


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("")
    with pytest.raises(InvalidData, match="x.csv: the file is empty"):
        open_reader(path, {"format": "csv"})


def test_json_array_is_streamed_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    records = [{"id": i, "name": f"P{i}"} for i in range(3)]
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    rows = list(open_reader(path, {"format": "json"}).rows())
    assert [r.record for r in rows] == records
    assert [r.locator for r in rows] == ["2", "3", "4"]


def test_json_elements_split_across_read_chunks_are_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import linkgraph.ingest.readers

    monkeypatch.setattr(linkgraph.ingest.readers, "CHUNK", 7)
    path = tmp_path / "x.json"
    records = [{"id": i, "name": "x" * 20, "nested": {"a": [1, 2]}} for i in range(5)]
    path.write_text(json.dumps(records))
    assert [r.record for r in open_reader(path, {"format": "json"}).rows()] == records


def test_a_file_that_is_not_a_json_array_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("id,name\n1,Ana\n")
    with pytest.raises(InvalidData, match="must hold an array"):
        open_reader(path, {"format": "json"})


def test_a_broken_ndjson_line_is_a_bad_row_not_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_text('{"id": 1}\n{"id": 2\n{"id": 3}\n')
    rows = list(open_reader(path, {"format": "ndjson"}).rows())
    assert [(r.locator, r.problem is None) for r in rows] == [("1", True), ("2", False), ("3", True)]


def test_a_csv_given_as_ndjson_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.ndjson"
    path.write_text("id,name\n1,Ana\n")
    with pytest.raises(InvalidData, match="is this file NDJSON"):
        open_reader(path, {"format": "ndjson"})


def test_xlsx_sheets_are_read_with_real_dates(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "persons"
    sheet.append(["person_id", "birth_date"])
    sheet.append(["P1", datetime(1987, 3, 5)])
    workbook.create_sheet("cases").append(["case_ref"])
    workbook.save(path)
    reader = open_reader(path, {"format": "xlsx", "sheet": "persons"})
    rows = list(reader.rows())
    assert rows[0].locator == "persons:2"
    assert rows[0].record["birth_date"] == datetime(1987, 3, 5)


def test_a_missing_sheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(InvalidData, match="no sheet 'persons'"):
        open_reader(path, {"format": "xlsx", "sheet": "persons"})


def test_a_text_file_given_as_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("id,name\n")
    with pytest.raises(InvalidData, match="not an XLSX workbook"):
        open_reader(path, {"format": "xlsx"})


def test_xlsx_values_line_up_with_their_columns_when_the_sheet_starts_away_from_a1(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "persons"
    sheet["B1"], sheet["C1"] = "person_id", "phone"
    sheet["B3"], sheet["C3"] = "P1", 612345678
    sheet["C4"] = 1.5
    workbook.save(path)
    reader = open_reader(path, {"format": "xlsx"})
    rows = [row for row in reader.rows() if not row.blank]  # blank rows are counted by the pipeline
    assert reader.columns == ["", "person_id", "phone"]
    assert [r.locator for r in rows] == ["persons:3", "persons:4"]
    assert rows[0].record == {"": None, "person_id": "P1", "phone": 612345678}
    assert type(rows[0].record["phone"]) is int
    assert rows[1].record == {"": None, "person_id": None, "phone": 1.5}


def test_an_xlsx_sheet_without_cells_is_refused_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "persons"
    workbook.save(path)
    with pytest.raises(InvalidData, match="sheet 'persons' is empty"):
        open_reader(path, {"format": "xlsx", "sheet": "persons"})
