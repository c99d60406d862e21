"""A hostile manifest: entries outside its folder (``..``, absolute paths, symlinks out) are refused unless
``--allow-outside``; wrong types get one line; no error prints a file's contents beyond its header names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import StoreTarget
from hostile_support import FILES, dump, on, one_line, seed

GOOD = "case_ref,person_id,name,note\nC-20,M1,Ana Lopez,ok\n"
SECRET = "root:$6$s3cr3tHASHs3cr3t:19000:0:99999:7:::\n"


def delivery(tmp_path: Path, entries: list[dict]) -> Path:
    """A delivered folder with a manifest of ``entries`` (mapping: the hostile people mapping); its path."""
    folder = tmp_path / "delivery"
    folder.mkdir(exist_ok=True)
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps([{"mapping": str(FILES / "people.yaml"), **entry} for entry in entries]))
    return manifest


def ingest(target: StoreTarget, manifest: Path, *extra: str):
    return on(target, "ingest", "--manifest", str(manifest), *extra)


@pytest.mark.parametrize("where", ["dotdot", "absolute", "symlink"])
def test_entries_outside_the_manifest_folder_are_refused(where: str, target: StoreTarget, tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET)
    before = seed(target, tmp_path)
    file = {"dotdot": "../shadow", "absolute": str(secret), "symlink": "link.csv"}[where]
    manifest = delivery(tmp_path, [{"file": file}])
    if where == "symlink":
        (manifest.parent / "link.csv").symlink_to(secret)
    done = ingest(target, manifest)
    line = one_line(done, 1, str(manifest), "outside the manifest's folder", "--allow-outside")
    assert "s3cr3t" not in done.stdout + done.stderr, line
    assert dump(target) == before


def test_allow_outside_reads_an_entry_outside_the_folder(target: StoreTarget, tmp_path: Path) -> None:
    (tmp_path / "outside.csv").write_text(GOOD)
    manifest = delivery(tmp_path, [{"file": "../outside.csv"}])
    assert ingest(target, manifest).returncode == 1
    done = ingest(target, manifest, "--allow-outside")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("entry", "needle"), [
    ({"file": ["x"]}, 'entry 1: "file" must be a non-empty text, not a list'),
    ({"file": "a.csv", "source": 5}, 'entry 1: "source" must be a text or null, not a number'),
    ({"file": "a.csv", "mapping": {"x": 1}}, 'entry 1: "mapping" must be a non-empty text, not an object'),
])
def test_wrong_types_in_a_manifest_get_one_line(entry: dict, needle: str, target: StoreTarget, tmp_path: Path) -> None:
    before = seed(target, tmp_path)
    one_line(ingest(target, delivery(tmp_path, [entry])), 1, needle)
    assert dump(target) == before


def test_a_column_error_prints_header_names_and_nothing_of_the_rows(target: StoreTarget, tmp_path: Path) -> None:
    manifest = delivery(tmp_path, [{"file": "cases.csv"}])
    (manifest.parent / "cases.csv").write_text("case_ref,person_id,full_name\n" + SECRET.replace(":", ","))
    done = ingest(target, manifest)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "column 'name' is not in cases.csv" in done.stderr and "full_name" in done.stderr
    assert "s3cr3t" not in done.stderr
