"""Data shown back is inert: the table escapes control characters and terminal escape sequences, CSV
output neutralises formula cells, and output files are private and never written through a symlink."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pandas as pd
from conftest import StoreTarget
from hostile_support import FILES, dump, on, one_line, seed

from linkgraph.resolve.pairs_view import write_pairs_csv

NOTES = {"E1": "\x1b[2J\x1b]0;owned\x07red\x9b31m", "E2": "=HYPERLINK(\"http://x\",\"y\")", "E3": "+31612345678",
         "E4": "-2+3", "E5": "@SUM(A1)", "E7": "plain"}


def stored_notes(target: StoreTarget, tmp_path: Path) -> None:
    file = tmp_path / "notes.csv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case_ref", "person_id", "name", "note"])
        writer.writerows([["C-30", key, "Ana Lopez", note] for key, note in NOTES.items()])
    done = on(target, "ingest", str(file), "--mapping", str(FILES / "people.yaml"),
               "--rejects", str(tmp_path / "r.csv"))
    assert done.returncode == 0, done.stderr


def notes(target: StoreTarget, fmt: str) -> str:
    done = on(target, "cypher", "MATCH (p:Person) RETURN p.source_id AS id, p.note AS note "
               "ORDER BY id", "--format", fmt)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_table_escapes_control_characters_and_escape_sequences(target: StoreTarget, tmp_path: Path) -> None:
    stored_notes(target, tmp_path)
    table = notes(target, "table")
    assert not any(c in table for c in "\x1b\x07\x9b\t"), repr(table)
    assert "\\x1b[2J\\x1b]0;owned\\x07red\\x9b31m" in table
    assert "\x9b" not in notes(target, "json")


def test_csv_output_neutralises_formula_cells(target: StoreTarget, tmp_path: Path) -> None:
    stored_notes(target, tmp_path)
    rows = dict(list(csv.reader(io.StringIO(notes(target, "csv"))))[1:])
    assert rows["E2"] == "'" + NOTES["E2"] and rows["E3"] == "'+31612345678" and rows["E4"] == "'-2+3"
    assert rows["E5"] == "'@SUM(A1)" and rows["E7"] == "plain"


def test_a_rejects_file_planted_as_a_symlink_is_refused_and_its_target_kept(target: StoreTarget, tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (tmp_path / "rejects.csv").symlink_to(precious)
    done = on(target, "ingest", str(FILES / "nul.csv"), "--mapping", str(FILES / "people.yaml"),
               "--rejects", str(tmp_path / "rejects.csv"))
    assert done.returncode == 2 and "symlink" in done.stderr and "Traceback" not in done.stderr
    assert precious.read_text() == "keep me"


def test_pairs_out_is_private_inert_and_never_through_a_symlink(tmp_path: Path) -> None:
    pairs = pd.DataFrame({"left_ref": ["=cmd|x", "a:1"], "right_ref": ["b:2", "@b"], "probability": [0.91, 0.5],
                          "status": ["candidate", "candidate"], "evidence": [["-1 phone"], ["\tname"]]})
    out = tmp_path / "pairs.csv"
    write_pairs_csv(pairs, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert rows[1] == ["'=cmd|x", "b:2", "0.9100", "candidate", "'-1 phone"]
    assert rows[2][1] == "'@b" and rows[2][4] == "'\tname"
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "link.csv").symlink_to(target)
    try:
        write_pairs_csv(pairs, tmp_path / "link.csv")
    except Exception as error:  # the one-line user error the CLI prints
        assert "symlink" in str(error)
    else:
        raise AssertionError("wrote through a symlink")
    assert target.read_text() == "keep me"


def test_resolve_refuses_a_pairs_out_symlink_before_any_work(target: StoreTarget, tmp_path: Path) -> None:
    before = seed(target, tmp_path)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (tmp_path / "pairs.csv").symlink_to(precious)
    one_line(on(target, "resolve", "--pairs-out", str(tmp_path / "pairs.csv")), 2, "symlink")
    assert precious.read_text() == "keep me" and dump(target) == before
