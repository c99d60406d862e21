"""Runs tell the truth: finished, failed with the reason, or interrupted when their process died."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from linkgraph.errors import InvalidData, UsageError
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.runs import interrupted_runs, now, run_counts
from linkgraph.store import Store

from conftest import EMBEDDED_ONLY, StoreTarget

FIXTURES = Path(__file__).parent / "fixtures"


def big_csv(tmp_path: Path, rows: int = 3000) -> Path:
    """The fixture's two good rows, repeated with distinct ids, documents and phones."""
    lines = (FIXTURES / "persons.csv").read_text().splitlines()
    header, good = lines[0], lines[1:3]
    body = [good[i % 2].replace(";P1;", f";K{i};").replace(";P2;", f";K{i};").replace("x12-345 67", f"x12-{i:06d}")
            .replace("612 345 678", f"6{i % 100:02d} 345 {i % 1000:03d}") for i in range(rows)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join([header] + body) + "\n")
    return path


def runs(store: Store) -> list[dict]:
    return [props for (props,) in store.read("MATCH (r:IngestRun) RETURN properties(r) ORDER BY r.started").rows]


def test_a_finished_ingest_is_recorded_finished_with_its_counts(target: StoreTarget, tmp_path: Path) -> None:
    with target.open() as store:
        summary = ingest_files(store, [FIXTURES / "persons.csv"], load_mapping(str(FIXTURES / "persons.yaml")),
                               rejects_path=tmp_path / "r.csv")
        [run] = runs(store)
    assert (run["status"], run["rows_read"], run["rows_rejected"], run["values_quarantined"]) == ("finished", 5, 2, 1)
    assert run["key"] == summary.run_id and run["finished"] >= run["started"]


def test_an_ingest_that_fails_midway_is_recorded_failed_with_the_reason(target: StoreTarget, tmp_path: Path) -> None:
    def explode(rows: int) -> None:
        raise RuntimeError("disk on fire")

    with target.open() as store:
        with pytest.raises(RuntimeError):
            ingest_files(store, [big_csv(tmp_path, 50)], load_mapping(str(FIXTURES / "persons.yaml")),
                         rejects_path=tmp_path / "r.csv", chunk_rows=10, progress=explode)
        [run] = runs(store)
        assert run["status"] == "failed" and "disk on fire" in run["reason"]
        assert run_counts(store)["IngestRun"] == {"failed": 1}


KILLED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from linkgraph.ingest.mapping import load_mapping
    from linkgraph.ingest.pipeline import ingest_files
    from linkgraph.store import open_store
    store = open_store(sys.argv[1], create=True)
    ingest_files(store, [Path(sys.argv[2])], load_mapping(sys.argv[3]), rejects_path=Path(sys.argv[4]),
                 chunk_rows=100, progress=lambda n: print("CHUNK", flush=True))
""")


def _ingest_until_second_chunk(python: str, target: StoreTarget, tmp_path: Path) -> subprocess.Popen:
    args = [python, "-c", KILLED, target.uri, str(big_csv(tmp_path)), str(FIXTURES / "persons.yaml"),
            str(tmp_path / "r.csv")]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=target.run_env)
    assert child.stdout is not None
    for seen, _ in enumerate(child.stdout, start=1):
        if seen == 2:
            break
    return child


def test_a_killed_ingest_is_seen_as_interrupted_by_status_and_recorded_by_the_next_run(
        python: str, target: StoreTarget, tmp_path: Path) -> None:
    child = _ingest_until_second_chunk(python, target, tmp_path)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    done = subprocess.run([python, "-m", "linkgraph", "--store", target.uri, "status", "--json"],
                          capture_output=True, text=True, timeout=120, env=target.run_env)
    report = json.loads(done.stdout)
    assert report["runs"]["IngestRun"] == {"interrupted": 1}
    assert [run["label"] for run in report["interrupted"]] == ["IngestRun"]
    table = subprocess.run([python, "-m", "linkgraph", "--store", target.uri, "status"],
                           capture_output=True, text=True, timeout=120, env=target.run_env).stdout
    assert "interrupted: IngestRun" in table
    with target.open() as store:
        ingest_files(store, [FIXTURES / "persons.csv"], load_mapping(str(FIXTURES / "persons.yaml")),
                     rejects_path=tmp_path / "r2.csv")
        assert sorted(run["status"] for run in runs(store)) == ["finished", "interrupted"]
        assert interrupted_runs(store) == []


def test_a_terminated_cli_ingest_is_recorded_failed(python: str, target: StoreTarget, tmp_path: Path) -> None:
    # Big enough to be still writing when the signal lands. The test Neo4j writes a few hundred rows/s
    # on this busy machine, and a terminated ingest still writes the chunks it had queued (up to three
    # of 5,000 rows): fewer rows there, and more time to stop.
    embedded = target.backend == "embedded"
    big = big_csv(tmp_path, 20000 if embedded else 7000)
    child = subprocess.Popen([python, "-m", "linkgraph", "--store", target.uri, "ingest", str(big), "--mapping",
                              str(FIXTURES / "persons.yaml"), "--rejects", str(tmp_path / "r.csv")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=target.run_env)
    deadline = time.monotonic() + 120
    while (target.backend == "embedded" and not (Path(target.uri) / "linkgraph-store.json").exists()
           and time.monotonic() < deadline):
        time.sleep(0.05)
    with target.open(create=False) as store:
        while not store.read("MATCH (p:Person) RETURN count(p)").scalar() and time.monotonic() < deadline:
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60 if embedded else 240)
        assert "Traceback" not in err
        statuses = [run["status"] for run in runs(store)]
    assert statuses == ["failed"]


def test_a_manifest_with_a_missing_file_in_a_later_group_writes_nothing(target: StoreTarget, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text((FIXTURES / "persons.csv").read_text())
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([
        {"file": "a.csv", "mapping": str(FIXTURES / "persons.yaml")},
        {"file": "missing.csv", "mapping": str(FIXTURES / "persons.yaml"), "source": "other"},
    ]))
    with target.open() as store:
        with pytest.raises(InvalidData, match="missing.csv"):
            ingest_manifest(store, manifest)
        assert not store.read("MATCH (n) RETURN count(n)").scalar()


def test_a_manifest_group_that_fails_leaves_the_one_before_finished_and_starts_none_after(
        target: StoreTarget, tmp_path: Path) -> None:
    # The next group is read while the one before is written: each run still ends on its own.
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([{"file": "a.csv", "mapping": str(FIXTURES / "persons.yaml"), "source": name}
                                    for name in ("first", "second", "third")]))
    big_csv(tmp_path, 30).rename(tmp_path / "a.csv")
    seen: list[int] = []

    def explode_in_the_second_group(rows: int) -> None:
        seen.append(rows)
        if sum(seen) > 30:
            raise RuntimeError("disk on fire")

    with target.open() as store:
        with pytest.raises(RuntimeError):
            ingest_manifest(store, manifest, rejects_dir=tmp_path, progress=explode_in_the_second_group)
        statuses = [(run["source"], run["status"]) for run in runs(store)]
        sources = store.read("MATCH (p:Person) RETURN DISTINCT p.source").rows
    assert statuses == [("first", "finished"), ("second", "failed")]
    assert ["third"] not in sources


def test_an_empty_file_of_a_manifest_is_a_finished_run_of_no_rows(target: StoreTarget, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text((FIXTURES / "persons.csv").read_text())
    (tmp_path / "empty.csv").write_text((FIXTURES / "persons.csv").read_text().splitlines()[0] + "\n")
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([
        {"file": "empty.csv", "mapping": str(FIXTURES / "persons.yaml"), "source": "empty"},
        {"file": "a.csv", "mapping": str(FIXTURES / "persons.yaml")},
    ]))
    with target.open() as store:
        summaries = ingest_manifest(store, manifest, rejects_dir=tmp_path)
        recorded = {run["key"]: (run["status"], run["rows_read"]) for run in runs(store)}
    assert [s.rows_read for s in summaries] == [0, 5]
    assert recorded == {summaries[0].run_id: ("finished", 0), summaries[1].run_id: ("finished", 5)}


@EMBEDDED_ONLY  # rejects-file handling, not the store: once is enough
def test_a_rejects_folder_that_does_not_exist_is_created_private(target: StoreTarget, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text((FIXTURES / "persons.csv").read_text())
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([{"file": "a.csv", "mapping": str(FIXTURES / "persons.yaml")}]))
    folder = tmp_path / "out" / "rejects"
    with target.open() as store:
        [summary] = ingest_manifest(store, manifest, rejects_dir=folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (summary.rows_rejected, summary.values_quarantined) == (2, 1)
    assert stat.S_IMODE(Path(summary.rejects_path or "").stat().st_mode) == 0o600


@EMBEDDED_ONLY  # refused before the store is written: once is enough
def test_a_rejects_file_in_a_missing_folder_fails_in_one_line_before_writing(
        python: str, target: StoreTarget, tmp_path: Path) -> None:
    done = subprocess.run([python, "-m", "linkgraph", "--store", target.uri, "ingest", str(FIXTURES / "persons.csv"),
                           "--mapping", str(FIXTURES / "persons.yaml"), "--rejects", str(tmp_path / "nope" / "r.csv")],
                          capture_output=True, text=True, timeout=120, env=target.run_env)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"Error: cannot write {tmp_path / 'nope' / 'r.csv'}: "
                                                f"the folder {tmp_path / 'nope'} does not exist"]
    with target.open() as store:  # the refusal itself is audited, and nothing else is there
        assert store.read("MATCH (n) RETURN labels(n)[0]").rows == [["AuditEvent"]]


@EMBEDDED_ONLY  # rejects-file handling, not the store: once is enough
def test_a_symlink_where_the_rejects_file_goes_is_refused(target: StoreTarget, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "r.csv").symlink_to(target)
    with target.open() as store:
        with pytest.raises(UsageError, match="symlink"):
            ingest_files(store, [FIXTURES / "persons.csv"], load_mapping(str(FIXTURES / "persons.yaml")),
                         rejects_path=tmp_path / "r.csv")
    assert target.read_text() == "keep me"


def test_two_runs_milliseconds_apart_have_stamps_in_time_order():
    """"The latest run" is the greatest stamp: a threshold re-cut right after a resolve must be the later
    one (a stamp with seconds only made them equal, and the review list took either threshold)."""
    first = now()
    time.sleep(0.005)
    assert now() > first
