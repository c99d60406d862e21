"""Whole files that are hostile: refused before anything is written (the store dump is unchanged), or, for
mixed encodings, read line by line with a warning; fan-out limited per row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import StoreTarget
from hostile_support import FILES, dump, ingested, last_run, on, one_line, seed, workbook

from linkgraph.ingest.limits import MAX_FOREACH_ITEMS, MAX_ROW_PAIRS, MAX_SHEET_CELLS


def refused(target: StoreTarget, tmp_path: Path, file: Path, mapping: str, *needles: str) -> str:
    """Seed, ingest ``file``: exit 1 with one line holding ``needles``, and the store exactly as before."""
    before = seed(target, tmp_path)
    done = on(target, "ingest", str(file), "--mapping", str(FILES / mapping),
               "--rejects", str(tmp_path / "rejects.csv"))
    line = one_line(done, 1, str(file), *needles)
    assert dump(target) == before
    assert not (tmp_path / "rejects.csv").exists()
    return line


def names(target: StoreTarget) -> dict[str, str]:
    with target.open(create=False) as store:
        return dict(store.read("MATCH (p:Person) RETURN p.source_id, p.name").rows)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_one_cp1252_line_does_not_mangle_the_utf8_rows(bom: bytes, target: StoreTarget, tmp_path: Path) -> None:
    file = tmp_path / "mixed.csv"
    file.write_bytes(bom + (FILES / "mixed.csv").read_bytes())
    done = on(target, "ingest", str(file), "--mapping", str(FILES / "people.yaml"),
               "--rejects", str(tmp_path / "rejects.csv"))
    assert done.returncode == 0, done.stderr
    assert "mixed encodings: line 4 is not UTF-8" in done.stderr and "Traceback" not in done.stderr
    stored = names(target)
    assert "Peña" in stored["M1"] and "Müller" in stored["M2"] and "Wójcik" in stored["M4"]
    assert "Núñez" in stored["M3"]  # the cp1252 line, read as cp1252
    assert not any("Ã" in name or "Å" in name for name in stored.values()), stored


def test_utf32_is_not_taken_for_utf16(target: StoreTarget, tmp_path: Path) -> None:
    file = tmp_path / "utf32.csv"
    file.write_text("case_ref,person_id,name,note\nC-9,U1,Zoë Müller,ok\n", encoding="utf-32")
    assert file.read_bytes().startswith(b"\xff\xfe\x00\x00")
    done = on(target, "ingest", str(file), "--mapping", str(FILES / "people.yaml"),
               "--rejects", str(tmp_path / "rejects.csv"))
    assert done.returncode == 0, done.stderr
    assert "Müller" in names(target)["U1"]


def test_a_binary_file_given_as_csv_is_refused_in_one_clean_line(target: StoreTarget, tmp_path: Path) -> None:
    refused(target, tmp_path, FILES / "binary.csv", "people.yaml", "binary file")


def test_a_workbook_claiming_a_cell_at_xfd1048576_is_refused_before_reading(target: StoreTarget, tmp_path: Path) -> None:
    book = workbook(tmp_path / "claims.xlsx", [["case_ref", "person_id", "name", "note"], ["C-1", "X1", "Ana", "ok"]],
                    dimension="A1:XFD1048576")
    assert book.stat().st_size < 4096
    refused(target, tmp_path, book, "people-xlsx.yaml", f"claims {16384 * 1048576:,} cells",
            f"{MAX_SHEET_CELLS:,}")


def test_a_workbook_of_unreferenced_cells_far_down_is_refused_before_reading(target: StoreTarget, tmp_path: Path) -> None:
    wide = '<row r="2">' + '<c t="inlineStr"><is><t>x</t></is></c>' * 16_384 + "</row>"
    far = '<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row>'  # cells placed after the previous one
    book = workbook(tmp_path / "loose.xlsx", [["case_ref", "person_id", "name", "note"]], extra_rows=wide + far)
    assert book.stat().st_size < 100_000
    refused(target, tmp_path, book, "people-xlsx.yaml", f"claims {16384 * 1048576:,} cells")


def test_a_workbook_part_that_unpacks_a_thousandfold_is_refused(target: StoreTarget, tmp_path: Path) -> None:
    book = workbook(tmp_path / "bomb.xlsx", [["case_ref", "person_id", "name", "note"], ["C-1", "X1", "Ana", "ok"]],
                    pad="a" * (80 * 2**20))
    assert book.stat().st_size < 300_000
    refused(target, tmp_path, book, "people-xlsx.yaml", "xl/sharedStrings.xml", "zip bomb")


def test_foreach_fan_out_over_nested_arrays_is_limited_per_row(target: StoreTarget, tmp_path: Path) -> None:
    seed(target, tmp_path)
    wide = int(MAX_ROW_PAIRS ** 0.5) + 100  # wide x wide pairings to check
    lines = [{"case_ref": "C-10", "offences": [{"id": "O1", "persons": [{"id": "Q1"}]}]},
             {"case_ref": "C-11", "offences": [{"id": f"W{i}", "persons": [{"id": f"WP{i}"}]} for i in range(wide)]},
             {"case_ref": "C-12", "offences": [{"id": "O2", "persons": [{"id": f"MP{i}"} for i in range(MAX_FOREACH_ITEMS + 1)]}]},
             {"case_ref": "C-13", "offences": [{"id": "O3", "persons": [{"id": "Q2"}]}]}]
    file = tmp_path / "fanout.ndjson"
    file.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    rejects = tmp_path / "fan-rejects.csv"
    done = on(target, "ingest", str(file), "--mapping", str(FILES / "fanout.yaml"),
               "--rejects", str(rejects))
    assert done.returncode == 3, done.stderr
    assert last_run(target)["status"] == "finished"
    text = rejects.read_text()
    assert f"the limit is {MAX_ROW_PAIRS:,}" in text and f"more than {MAX_FOREACH_ITEMS:,} elements" in text
    assert ingested(target) == {"G1", "Q1", "Q2"}
