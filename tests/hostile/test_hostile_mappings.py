"""Hostile mapping files: odd property names, YAML alias bombs, recursive aliases and Python tags are
refused by ``mapping check`` and by ``ingest`` with clear lines naming the file, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import StoreTarget
from hostile_support import FILES, dump, on, one_line, run, seed


def test_property_names_that_are_not_plain_identifiers_are_refused_with_their_lines(target: StoreTarget,
                                                                                     tmp_path: Path) -> None:
    mapping = FILES / "odd-property-names.yaml"
    done = run("mapping", "check", str(mapping))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    for line, name in ((11, "birth place"), (12, "x-y"), (13, "ünïcode")):
        assert f"{mapping}:{line}: property name {name!r} must be a plain name" in done.stderr
    before = seed(target, tmp_path)
    good = tmp_path / "good.csv"
    ingest = on(target, "ingest", str(good), "--mapping", str(mapping),
                 "--rejects", str(tmp_path / "rejects.csv"))
    assert ingest.returncode == 2 and "birth place" in ingest.stderr
    assert dump(target) == before


@pytest.mark.parametrize(("name", "needle"), [
    ("laughs.yaml", "expands to more than 100,000 values"),
    ("recursive.yaml", "recursive alias"),
    ("python-tag.yaml", "python/object/apply:os.system' is not allowed"),
])
def test_hostile_yaml_is_refused_in_one_line_naming_the_file(name: str, needle: str, target: StoreTarget,
                                                             tmp_path: Path) -> None:
    one_line(run("mapping", "check", str(FILES / name)), 2, str(FILES / name), needle)  # a bomb would time out
    before = seed(target, tmp_path)
    one_line(on(target, "ingest", str(tmp_path / "good.csv"), "--mapping", str(FILES / name),
                 "--rejects", str(tmp_path / "r.csv")), 2, needle)
    assert dump(target) == before
