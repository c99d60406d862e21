"""Resolution reads only the persons ingest touched since its last run, and its frame is still the whole store.

A generated scenario is ingested on each backend (all but one file), resolved, then the held-back file
comes in. Every test checks the frame a run works on against a fresh read of every person, and the
labels that say which persons wait (``store.bulk.UNRESOLVED``, ``RESOLVING``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.resolve.person_reader import _changed, _person_fields, _read, frame_path, read_persons
from linkgraph.resolve.person_frame import person_frame, prepare_rows
from linkgraph.resolve.service import resolve
from linkgraph.runs import now
from linkgraph.scenarios import generate
from linkgraph.store.base import Store
from linkgraph.store.bulk import RESOLVING, UNRESOLVED

from conftest import EMBEDDED_ONLY

LATE_FILE = "xlsx/cases_nl.xlsx"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reader-scenario")
    generate(root, 12, seed=11)
    entries = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    (root / "manifest-base.json").write_text(json.dumps([e for e in entries if e["file"] != LATE_FILE]))
    (root / "manifest-late.json").write_text(json.dumps([e for e in entries if e["file"] == LATE_FILE]))
    return root


@pytest.fixture
def store(target, data: Path, tmp_path: Path):
    with target.open() as opened:
        opened.init_schema()
        ingest_manifest(opened, data / "manifest-base.json", rejects_dir=tmp_path)
        yield opened


def count(store: Store, label: str) -> int:
    return int(store.read(f"MATCH (p:{label}) RETURN count(p)").scalar())


def by_ref(row: dict) -> str:
    return row["ref"]


def sorted_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("ref").reset_index(drop=True)


def every_person(store: Store) -> pd.DataFrame:
    """Every person read afresh, as a whole read does."""
    columns, _ = _read(store, _person_fields(), ["MATCH (p:Person)"])
    return sorted_frame(person_frame(columns))


def ingest_late(store: Store, data: Path, rejects: Path) -> None:
    rejects.mkdir(exist_ok=True)
    ingest_manifest(store, data / "manifest-late.json", rejects_dir=rejects)


def test_a_run_reads_only_the_persons_the_last_ingest_touched_and_scores_as_a_whole_read_would(store, data, tmp_path):
    persons = count(store, "Person")
    assert count(store, UNRESOLVED) == persons > 100  # ingest leaves every person it wrote waiting
    first = resolve(store, user="nightly")
    assert first.persons_read == persons
    assert count(store, UNRESOLVED) == count(store, RESOLVING) == 0

    ingest_late(store, data, tmp_path / "late")
    touched = count(store, UNRESOLVED)
    assert 0 < touched < count(store, "Person") / 2
    new_by_whole_read = _changed(*_read(store, _person_fields(), ["MATCH (p:Person)"]))
    second = resolve(store, user="nightly")
    assert second.persons_read == touched
    assert second.persons == count(store, "Person")
    # the same persons found new, and (below) the same frame to score them against, as a whole read
    assert second.new_persons == len(new_by_whole_read) > 0
    assert count(store, UNRESOLVED) == count(store, RESOLVING) == 0
    read = read_persons(store, claim=False)
    assert not read.whole
    pd.testing.assert_frame_equal(sorted_frame(read.frame), every_person(store))
    # the prepared rows kept with the frame are those preparing every person afresh gives
    assert read.rows is not None
    assert sorted(read.rows.to_pylist(), key=by_ref) == sorted(prepare_rows(every_person(store)).to_pylist(), key=by_ref)


def test_a_person_ingest_touches_while_a_run_reads_waits_for_the_next_run(store, data, tmp_path):
    def ingest_while_scoring(step: str) -> None:
        if step == "scoring pairs":  # the run has read its persons: the late file comes in now
            ingest_late(store, data, tmp_path / "late")

    persons = count(store, "Person")
    during = resolve(store, user="nightly", progress=ingest_while_scoring)
    assert during.persons_read == persons
    waiting = count(store, UNRESOLVED)
    assert waiting > 0 and count(store, RESOLVING) == 0
    after = resolve(store, user="nightly")
    assert after.persons_read == waiting and after.new_persons > 0
    pd.testing.assert_frame_equal(sorted_frame(read_persons(store, claim=False).frame), every_person(store))


def test_a_run_killed_after_it_claimed_its_persons_leaves_them_for_the_next(store, data, tmp_path):
    resolve(store, user="nightly")
    ingest_late(store, data, tmp_path / "late")
    touched = count(store, UNRESOLVED)
    read_persons(store, claim=True)  # a run that read, then died before keeping its frame
    assert count(store, RESOLVING) == touched and count(store, UNRESOLVED) == 0
    again = resolve(store, user="nightly")
    assert again.persons_read == touched and again.new_persons > 0
    assert count(store, RESOLVING) == 0
    pd.testing.assert_frame_equal(sorted_frame(read_persons(store, claim=False).frame), every_person(store))


@EMBEDDED_ONLY
def test_the_kept_frame_is_not_used_when_it_does_not_add_up(store, data, tmp_path):
    resolve(store, user="nightly")
    assert oct(frame_path(store).stat().st_mode & 0o777) == "0o600"  # names and dates of birth
    persons = count(store, "Person")
    # a person written without the label (not by ingest): the frame no longer adds up to the store
    store.write("CREATE (:Person {key: 'manual:1', name: 'Hand Written', source: 'manual'})")
    read = read_persons(store, claim=False)
    assert read.whole and len(read.frame) == persons + 1
    resolve(store, user="nightly")  # a whole read, which keeps a frame that adds up again
    assert not read_persons(store, claim=False).whole

    # a frame kept by another run than the store's last (another host's copy): read whole
    store.write("CREATE (:ResolutionRun {key: 'resolve-elsewhere', person_frame_saved: $now})", {"now": now()})
    assert read_persons(store, claim=False).whole
    resolve(store, user="nightly")
    assert not read_persons(store, claim=False).whole

    # a damaged file is not read, and the run puts a good one in its place
    frame_path(store).write_bytes(b"not a parquet file")
    assert read_persons(store, claim=False).whole
    resolve(store, user="nightly")
    read = read_persons(store, claim=False)
    assert not read.whole
    pd.testing.assert_frame_equal(sorted_frame(read.frame), every_person(store))
    # the prepared rows kept with the frame are those preparing every person afresh gives
    assert read.rows is not None
    assert sorted(read.rows.to_pylist(), key=by_ref) == sorted(prepare_rows(every_person(store)).to_pylist(), key=by_ref)


@EMBEDDED_ONLY
def test_a_frame_that_cannot_be_written_leaves_the_run_done_and_its_persons_for_the_next(store, data, tmp_path):
    resolve(store, user="nightly")
    ingest_late(store, data, tmp_path / "late")
    touched = count(store, UNRESOLVED)
    path = frame_path(store)
    blocker = path.with_name(f".{path.name}.{os.getpid()}")
    blocker.mkdir()  # where the frame is written aside: the write fails as on a full disk
    done = resolve(store, user="nightly")
    assert done.new_persons > 0 and any("could not be kept" in w for w in done.warnings), done.warnings
    assert count(store, RESOLVING) == touched  # not marked read: the next run reads them again
    blocker.rmdir()
    again = resolve(store, user="nightly")
    assert again.persons_read == touched and again.new_persons == 0 and count(store, RESOLVING) == 0
    pd.testing.assert_frame_equal(sorted_frame(read_persons(store, claim=False).frame), every_person(store))
