"""Nightly detection on real stores and real processes: incremental, locked, kill-safe, withdrawing."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linkgraph.access.view import Principal, View
from linkgraph.detect.alerts import list_alerts
from linkgraph.detect.lock import DetectBusy, detect_lock
from linkgraph.detect.run import STEPS, detect
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.resolve.service import decide, pair_id
from linkgraph.runs import process_identity
from linkgraph.store.base import Store

from conftest import StoreTarget

FIXTURES = Path(__file__).parent.parent / "access" / "fixtures"
SHARED_PASSPORT = "passport|NGA|NG1234567"


def ingest(store: Store, name: str, tmp_path: Path) -> None:
    ingest_files(store, [FIXTURES / name], load_mapping(str(FIXTURES / "cases.yaml")),
                 rejects_path=tmp_path / f"rejects-{name}")


def service(store: Store) -> View:
    return View(store, Principal("night-job", "night-job"), "detect")


def cli(target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", target.uri, *args],
                          capture_output=True, text=True, timeout=300, env=target.run_env)


def test_a_second_operation_raises_one_alert_per_shared_thing_and_a_rerun_raises_nothing(
        store: Store, target: StoreTarget, tmp_path: Path) -> None:
    def resolutions() -> int:
        return int(store.read("MATCH (r:ResolutionRun) WHERE r.kind = 'resolve' RETURN count(r)").scalar())

    ingest(store, "operation_a.csv", tmp_path)
    first = detect(service(store), out_dir=tmp_path / "out")
    ingest(store, "operation_b.csv", tmp_path)
    second = detect(service(store), out_dir=tmp_path / "out")
    assert resolutions() == 2
    third = detect(service(store), out_dir=tmp_path / "out")
    assert resolutions() == 2  # nothing new: no resolution run, whose cost grows with the store
    detect(service(store), threshold=0.5)
    assert resolutions() == 3  # identities drawn at another threshold: resolution runs again
    alerts = list_alerts(service(store))
    assert (first.raised, first.links) == ([], 0)
    # the passport, the phone, and Chidi Eze resolved across both operations (same birth date, name variant)
    assert len(second.raised) == 3 and second.links == 3
    assert sorted(a.kind for a in alerts) == ["document", "person", "phone"]
    assert all(a.cases == ["ES-2024-117", "NG-2025-031"] and a.countries == ["ESP", "NGA"] for a in alerts)
    assert (third.ingests, third.raised, third.reported, third.cases_in_scope) == ([], [], 0, 0)
    # the run records where its time went; its resolve step holds the resolution run it made
    run = store.read("MATCH (d:DetectRun {key: $k}) RETURN properties(d)", {"k": second.run_id}).scalar()
    steps = {step: run[f"seconds_{step}"] for step in STEPS}
    assert all(seconds >= 0 for seconds in steps.values()) and sum(steps.values()) <= run["seconds"] + 0.01
    [resolution] = store.read("MATCH (r:ResolutionRun) WHERE r.kind = 'resolve' AND r.started >= $at "
                              "RETURN properties(r) ORDER BY r.started LIMIT 1", {"at": run["started"]}).rows[0]
    assert resolution["seconds"] <= steps["resolve"] + 0.01
    model = "train" if resolution["trained"] else "model"
    inner = [resolution[f"seconds_{step}"] for step in ("read", model, "score", "write", "identities")]
    assert all(seconds >= 0 for seconds in inner) and 0 < sum(inner) <= resolution["seconds"] + 0.01
    written = json.loads(Path(second.alerts_file or "").read_text())
    assert written["format"] == 1 and sorted(a["key"] for a in written["alerts"]) == sorted(second.raised)
    document = next(a for a in written["alerts"] if a["kind"] == "document")
    assert document["shared"] == SHARED_PASSPORT and document["severity"] == "high"
    assert any("ES-2024-117" in fact for fact in document["provenance"]) or document["provenance"] == []


def test_a_rejected_match_withdraws_its_alert_and_keeps_it(store: Store, target: StoreTarget, tmp_path: Path) -> None:
    ingest(store, "operation_a.csv", tmp_path)
    ingest(store, "operation_b.csv", tmp_path)
    store.write("MATCH (a:Person {key: 'ops:A3'}), (b:Person {key: 'ops:B3'}) "
                "CREATE (a)-[:SAME_AS {key: '', id: $id, status: 'accepted', probability: 0.99, time: '2000-01-01', "
                "evidence: ['date of birth: same full date, +10.6'], history: []}]->(b)",
                {"id": pair_id("ops:A3", "ops:B3")})
    detect(service(store))
    [person] = [a for a in list_alerts(service(store)) if a.kind == "person"]
    decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), pair_id("ops:A3", "ops:B3"), "rejected")
    later = detect(service(store))
    [after] = [a for a in list_alerts(service(store)) if a.kind == "person"]
    assert later.withdrawn == [person.key]
    assert (after.key, after.status) == (person.key, "withdrawn")
    assert "withdrawn by" in after.history[-1]


def test_identities_drawn_at_another_threshold_raise_the_links_they_make_between_old_cases(
        store: Store, target: StoreTarget, tmp_path: Path) -> None:
    ingest(store, "operation_a.csv", tmp_path)
    ingest(store, "operation_b.csv", tmp_path)
    detect(service(store))
    before = {a.key for a in list_alerts(service(store))}
    # A pair an earlier run scored below the default threshold and above 0.5; nothing new is ingested.
    store.write("MATCH (a:Person {key: 'ops:A2'}), (b:Person {key: 'ops:B2'}) "
                "CREATE (a)-[:SAME_AS {key: '', id: $id, status: 'candidate', probability: 0.6, run: 'earlier', "
                "evidence: ['phone: +2348031234567 in common, +9.0'], history: []}]->(b)",
                {"id": pair_id("ops:A2", "ops:B2")})
    assert detect(service(store)).raised == []  # the same threshold: nothing new, nothing raised
    lower = detect(service(store), threshold=0.5)
    new = [a for a in list_alerts(service(store)) if a.key not in before]
    okafor = [a for a in new if a.kind == "person" and "Okafor" in " ".join([a.title, *a.evidence])]
    assert len(okafor) == 1 and okafor[0].cases == ["ES-2024-117", "NG-2025-031"]
    assert sorted(lower.raised) == sorted(a.key for a in new)


def test_a_detect_held_by_a_live_process_refuses_at_once_naming_it(store: Store, target: StoreTarget, tmp_path: Path) -> None:
    ingest(store, "operation_a.csv", tmp_path)
    with detect_lock(store, "detect-holder"):
        with pytest.raises(DetectBusy, match=r"pid \d+ on .*run detect-holder"):
            detect(service(store))
        done = cli(target, "detect")
        assert done.returncode == 1 and "another detect is running on this store" in done.stderr
    assert store.read("MATCH (d:DetectRun) RETURN count(d)").scalar() == 0


def test_a_lock_left_by_a_killed_detect_is_taken_over(store: Store, target: StoreTarget, tmp_path: Path) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        stat = Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(") ", 1)[1].split()[19]
        ingest(store, "operation_a.csv", tmp_path)
        store.init_schema()
        store.create_nodes("DetectLock", [{"key": "detect", "run": "detect-dead", "since": "x",
                                           **{**process_identity(), "pid": sleeper.pid, "pid_start": stat}}])
        with pytest.raises(DetectBusy):
            detect(service(store))
        sleeper.kill()
        sleeper.wait()
        summary = detect(service(store))
        assert summary.ingests and store.read("MATCH (l:DetectLock) RETURN count(l)").scalar() == 0
    finally:
        sleeper.kill()


KILLABLE = """
import sys
from pathlib import Path
from linkgraph.access.view import open_view
from linkgraph.detect.run import detect
with open_view(sys.argv[1], command="detect") as view:
    print("STARTED", flush=True)
    detect(view, out_dir=Path(sys.argv[2]))
"""


def _scenario(tmp_path: Path) -> Path:
    from linkgraph.scenarios import generate

    generate(tmp_path / "data", cases=30, seed=11)
    return tmp_path / "data" / "manifest.json"


def _alert_keys(store: Store) -> list[str]:
    return sorted(row[0] for row in store.read("MATCH (a:Alert) RETURN a.key").rows)


def _reported(out: Path) -> list[str]:
    return sorted(a["key"] for f in out.glob("alerts-*.json") for a in json.loads(f.read_text())["alerts"])


@pytest.mark.parametrize(("target", "delay"), [("embedded", 0.5), ("embedded", 2.0), ("embedded", 4.0), ("neo4j", 2.0)],
                         indirect=["target"])  # on Neo4j one delay: its writes are 7-11x slower than embedded
def test_a_detect_killed_at_any_point_and_run_again_raises_every_alert_once(
        store: Store, target: StoreTarget, tmp_path: Path, delay: float) -> None:
    from linkgraph.ingest.manifest import ingest_manifest

    manifest = _scenario(tmp_path)
    # the uninterrupted run first, on the same store, to know every alert the scenario raises
    ingest_manifest(store, manifest, rejects_dir=tmp_path / "rejects")
    detect(service(store), out_dir=tmp_path / "clean-out")
    expected = _alert_keys(store)
    assert expected, "the scenario plants cross-case links"
    store.write("MATCH (n) WHERE NOT n:AuditEvent DETACH DELETE n")  # the audit log's head stays
    ingest_manifest(store, manifest, rejects_dir=tmp_path / "rejects")
    assert _alert_keys(store) == []
    child = subprocess.Popen([sys.executable, "-c", KILLABLE, target.uri, str(tmp_path / "out")],
                             stdout=subprocess.PIPE, text=True, env=target.run_env)
    assert child.stdout is not None and child.stdout.readline().strip() == "STARTED"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    detect(service(store), out_dir=tmp_path / "out")
    assert _alert_keys(store) == expected
    again = detect(service(store), out_dir=tmp_path / "out")
    assert again.raised == [] and again.reported == 0
    reported = _reported(tmp_path / "out")
    assert sorted(set(reported)) == expected  # every alert reported; one twice only if killed mid-report


def test_alerts_are_listed_shown_and_acked_with_who_and_when(store: Store, target: StoreTarget, tmp_path: Path) -> None:
    ingest(store, "operation_a.csv", tmp_path)
    ingest(store, "operation_b.csv", tmp_path)
    done = cli(target, "detect", "--out", str(tmp_path / "alerts"))
    assert done.returncode == 0 and "3 new alerts" in done.stdout and done.stderr == ""
    listed = json.loads(cli(target, "alerts", "list", "--format", "json").stdout)
    key = next(a["key"] for a in listed if a["kind"] == "document")
    shown = cli(target, "alerts", "show", key).stdout
    assert SHARED_PASSPORT in shown and "ES-2024-117" in shown
    acked = cli(target, "--as", "analyst.ana", "alerts", "ack", key)
    assert acked.stdout.startswith(f"{key}: acked by analyst.ana at ")
    statuses = {a["key"]: a["status"] for a in json.loads(cli(target, "alerts", "list", "--format", "json").stdout)}
    assert statuses[key] == "acked" and sorted(statuses.values()) == ["acked", "new", "new"]


def test_each_alert_is_about_its_shared_entities_and_the_routes_or_persons_on_its_sides(
        store: Store, tmp_path: Path) -> None:
    from linkgraph.analysis.links import cross_case_links
    from linkgraph.detect.alerts import alert_key
    from linkgraph.ingest.manifest import ingest_manifest
    from linkgraph.scenarios import generate

    generate(tmp_path / "data", 40, seed=3)  # planted shared transits among them
    ingest_manifest(store, tmp_path / "data" / "manifest.json", rejects_dir=tmp_path)
    night = detect(service(store))
    links = {alert_key(link): link for link in cross_case_links(service(store))}
    about: dict[str, set[tuple[str, str]]] = {}
    for key, label, entity in store.read("MATCH (a:Alert)-[:ABOUT]->(n) RETURN a.key, labels(n)[0], n.key").rows:
        about.setdefault(key, set()).add((label, entity))
    kinds = {link.kind for link in links.values()}
    assert {"route", "person", "document"} <= kinds and sorted(links) == sorted(night.raised)
    places = {key for (key,) in store.read("MATCH (l:Location) RETURN l.key").rows}
    route_places = 0
    for key, link in links.items():
        side = "Route" if link.kind == "route" else "Person"
        # a side names the document or phone itself where its case mentions it without a holder
        expected = {(side, entity) for case in link.cases for entity in case.entities if entity != link.shared}
        if link.kind in ("document", "phone"):
            expected.add(({"document": "Document", "phone": "Phone"}[link.kind], link.shared))
        if link.kind == "route":  # the places its routes share, each a node of the store
            shared_places = set(link.shared.split(" & "))
            assert set(link.shared_keys) == shared_places and shared_places <= places, link.shared
            expected |= {("Location", place) for place in shared_places}
            route_places += len(shared_places)
        assert about.get(key, set()) == expected, (link.kind, link.shared)
    assert route_places >= 2
