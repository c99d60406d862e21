"""Watchlists on both real backends: listed documents and persons raise critical alerts once, a newer
version of a list withdraws the alerts of removed entries, bad rows go to a rejects file, and a hit in
a case the reader may not see is only a marker."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from linkgraph.access.view import Principal, View, login_name
from linkgraph.detect.alerts import list_alerts
from linkgraph.detect.run import detect
from linkgraph.detect.watchlists import list_watchlists, load_watchlist
from linkgraph.errors import AccessDenied
from linkgraph.store.base import Store
from two_operations import B_ONLY, SHARED_PASSPORT, ingest_operations

SLTD_HEADER = "reference,document_number,document_type,issuing_country,issuing_authority,date_reported,reason\n"
NOTICES_HEADER = "reference,notice,forename,family_name,date_of_birth,sex,nationality,issuing_authority,date_issued\n"
# the shared passport of both operations, written as a list writes it; and a passport no case holds
STOLEN = "SLTD-1,ng 123-4567,Passport,NGA,Nigeria Immigration Service,2025-02-11,stolen\n"
UNSEEN = "SLTD-2,X4471209,passport,ESP,Policia Nacional,2025-06-30,lost\n"


def service(store: Store) -> View:
    return View(store, Principal("night-job", "night-job"), "detect")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load(store: Store, path: Path, kind: str = "documents", name: str = "sltd") -> object:
    mapping = "sltd-csv" if kind == "documents" else "notices-csv"
    return load_watchlist(service(store), path, kind=kind, mapping=mapping, name=name,
                          rejects_path=path.with_suffix(".rejects.csv"))


def watchlist_alerts(store: Store, status: str | None = None) -> list:
    return [a for a in list_alerts(service(store), status=status) if a.kind == "watchlist"]


def cli(target, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", target.uri, *args],
                          capture_output=True, text=True, timeout=300, env=target.run_env)


def test_a_listed_passport_raises_one_critical_alert_per_case_holding_it_and_a_rerun_raises_none(
        store: Store, tmp_path: Path) -> None:
    ingest_operations(store, tmp_path)
    load(store, write(tmp_path / "sltd.csv", SLTD_HEADER + STOLEN + UNSEEN))
    first = detect(service(store), out_dir=tmp_path / "out")
    second = detect(service(store))
    hits = watchlist_alerts(store)
    written = json.loads(Path(first.alerts_file or "").read_text())["alerts"]
    assert sorted((a["watchlist"], a["entry_key"], a["cases"][0]) for a in written if a["kind"] == "watchlist") == [
        ("sltd", f"sltd|{SHARED_PASSPORT}", "ES-2024-117"), ("sltd", f"sltd|{SHARED_PASSPORT}", "NG-2025-031")]
    assert sorted(a.cases[0] for a in hits) == ["ES-2024-117", "NG-2025-031"]
    assert {(a.severity, a.shared, len(a.cases)) for a in hits} == {("critical", SHARED_PASSPORT, 1)}
    assert all("reference SLTD-1, Nigeria Immigration Service" in a.title for a in hits)
    spain = next(a for a in hits if a.cases == ["ES-2024-117"])
    assert spain.evidence[0] == (f"document {SHARED_PASSPORT} in case ES-2024-117 has the same key as the listed one "
                                 "(reported stolen on 2025-02-11)")
    assert "held by ops:A1" in spain.evidence
    assert any(fact.startswith("watchlist sltd version 1, line 2") for fact in spain.provenance)
    assert any("operation_a.csv:2 (A1)" in fact for fact in spain.provenance)
    assert {a.key for a in hits} <= set(first.raised)
    assert (second.raised, second.withdrawn) == ([], [])
    about = store.read("MATCH (a:Alert {key: $key})-[:ABOUT]->(n) RETURN n.key ORDER BY n.key", {"key": spain.key}).rows
    assert [row[0] for row in about] == ["ops:A1", SHARED_PASSPORT]


def test_a_listed_person_matched_by_resolution_raises_a_critical_alert_in_her_case_only(
        store: Store, tmp_path: Path) -> None:
    ingest_operations(store, tmp_path)
    notices = write(tmp_path / "notices.csv", NOTICES_HEADER
                    + "2025/20417,yellow,Blessing,Okafor,1999-01-01,F,NGA,NCB Abuja,2025-09-01\n"
                    + "2025/31002,red,Emeka,Okonkwo,1971-01-01,M,NGA,NCB Abuja,2025-10-20\n")
    summary = load(store, notices, kind="persons", name="notices")
    detect(service(store))
    [hit] = watchlist_alerts(store)
    assert (summary.entries, hit.severity, hit.cases, hit.shared) == (2, "critical", ["ES-2024-117"], "ops:A2")
    assert hit.evidence[0].startswith("person ops:A2 in case ES-2024-117 matches the listed person Blessing Okafor")
    assert any(sentence.startswith("date of birth: same full date") for sentence in hit.evidence)
    assert "reference 2025/20417, NCB Abuja" in hit.title


def test_listed_entries_are_no_case_data(store: Store, tmp_path: Path) -> None:
    ingest_operations(store, tmp_path)
    persons = store.read("MATCH (p:Person) RETURN count(p)").scalar()
    load(store, write(tmp_path / "notices.csv", NOTICES_HEADER + "2025/31002,red,Emeka,Okonkwo,1971-01-01,M,NGA,"
                                                                  "NCB Abuja,2025-10-20\n"), kind="persons", name="notices")
    load(store, write(tmp_path / "sltd.csv", SLTD_HEADER + UNSEEN))
    assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == persons
    assert store.read("MATCH (n) WHERE n.name = 'Emeka Okonkwo' OR n.key CONTAINS 'X4471209' "
                      "RETURN DISTINCT labels(n)").rows == [[["WatchlistEntry"]]]


def test_a_newer_version_of_a_list_withdraws_the_alerts_of_removed_entries_and_keeps_them(
        store: Store, tmp_path: Path) -> None:
    ingest_operations(store, tmp_path)
    load(store, write(tmp_path / "v1.csv", SLTD_HEADER + STOLEN + UNSEEN))
    detect(service(store))
    raised = sorted(a.key for a in watchlist_alerts(store))
    replaced = load(store, write(tmp_path / "v2.csv", SLTD_HEADER + UNSEEN))
    after = detect(service(store))
    hits = watchlist_alerts(store)
    [listed] = list_watchlists(service(store))
    assert (replaced.version, replaced.entries, replaced.removed, replaced.withdrawn) == (2, 1, 1, raised)
    assert sorted(a.key for a in hits) == raised and {a.status for a in hits} == {"withdrawn"}
    assert all("withdrawn by watchlist sltd version 2: entry removed from the list" in a.history[-1] for a in hits)
    assert (after.raised, after.withdrawn) == ([], [])
    assert (listed["name"], listed["kind"], listed["version"], listed["entries"]) == ("sltd", "documents", 2, 1)
    back = load(store, write(tmp_path / "v3.csv", SLTD_HEADER + STOLEN))
    again = detect(service(store))
    assert back.version == 3 and again.raised == []  # the same hit again is the same (withdrawn) alert, not a new one


def test_bad_rows_of_a_list_go_to_the_rejects_file_and_the_good_rows_load(store: Store, target, tmp_path: Path) -> None:
    listed = write(tmp_path / "sltd.csv", SLTD_HEADER + STOLEN + "SLTD-3,,passport,MAR,DGSN,2025-07-02,stolen\n"
                   + "SLTD-4,A1234567,passport,ESP,,2025-07-03,lost\n" + UNSEEN)
    rejects = tmp_path / "rejects.csv"
    done = cli(target, "watchlist", "load", str(listed), "--kind", "documents", "--mapping", "sltd-csv",
               "--rejects", str(rejects))
    assert done.returncode == 3, done.stderr
    assert done.stdout.startswith("watchlist sltd version 1: 2 documents (2 added, 0 removed), 2 rows rejected")
    assert done.stderr.strip() == (f"2 rows rejected: see {rejects} (file, line, field, reason, action); "
                                   "every good row was loaded")
    lines = rejects.read_text().splitlines()
    assert [line.split(",")[1:3] for line in lines[1:]] == [["3", "document_number"], ["4", "issuing_authority"]]
    shown = json.loads(cli(target, "watchlist", "list", "--format", "json").stdout)
    assert [(w["name"], w["entries"], w["version"], w["loaded_by"], w["rejected"]) for w in shown] == [
        ("sltd", 2, 1, login_name(), 2)]
    import hashlib

    assert shown[0]["sha256"] == hashlib.sha256(listed.read_bytes()).hexdigest()
    wrong = cli(target, "watchlist", "load", str(listed), "--kind", "persons", "--mapping", "sltd-csv")
    assert wrong.returncode == 2 and "mapping sltd-csv.yaml writes no Person" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1 and "Traceback" not in wrong.stderr


POLICY = """\
users:
  {admin}: {{all: true, admin: true}}
  ana: {{countries: [ESP], operations: [OP-MARE], handling_max: H2, export: true}}
"""


def test_a_hit_in_a_case_the_reader_may_not_see_is_only_a_marker(target, tmp_path: Path) -> None:
    with target.open() as store:
        ingest_operations(store, tmp_path)
        load(store, write(tmp_path / "sltd.csv", SLTD_HEADER + STOLEN))
        detect(service(store))
    policy = write(tmp_path / "policy.yaml", POLICY.format(admin=json.dumps(login_name())))
    done = cli(target, "--policy", str(policy), "--as", "ana", "alerts", "list", "--format", "json")
    seen = [a for a in json.loads(done.stdout) if a["kind"] == "watchlist"]
    assert [a["cases"] for a in seen] == [["ES-2024-117"]]
    assert done.stderr.strip() == ("restricted match: watchlist sltd entry SLTD-1 also appears in a case owned by NGA "
                                   "(handling H2); ask the owner")
    assert [s for s in B_ONLY if s in done.stdout + done.stderr] == []
    refused = cli(target, "--policy", str(policy), "--as", "ana", "watchlist", "load", str(tmp_path / "sltd.csv"),
                  "--kind", "documents", "--mapping", "sltd-csv")
    assert refused.returncode == 1 and "ana may not ingest" in refused.stderr


def test_loading_a_list_needs_the_ingest_capability(store: Store, tmp_path: Path) -> None:
    from linkgraph.access.policy import Grant

    reader = View(store, Principal("ana", "ana", Grant("ana", countries=frozenset({"ESP"}))), "watchlist load")
    with pytest.raises(AccessDenied, match="ana may not ingest"):
        load_watchlist(reader, write(tmp_path / "sltd.csv", SLTD_HEADER + STOLEN), kind="documents",
                       mapping="sltd-csv")
    assert store.read("MATCH (w:Watchlist) RETURN count(w)").scalar() == 0


def test_a_case_ingested_after_the_list_raises_its_hits_on_the_next_night(store: Store, tmp_path: Path) -> None:
    from linkgraph.ingest.mapping import load_mapping
    from linkgraph.ingest.pipeline import ingest_files
    from two_operations import FIXTURES

    ingest_operations(store, tmp_path)
    load(store, write(tmp_path / "sltd.csv", SLTD_HEADER + STOLEN))
    load(store, write(tmp_path / "notices.csv", NOTICES_HEADER
                      + "2025/20417,yellow,Blessing,Okafor,1999-01-01,F,NGA,NCB Abuja,2025-09-01\n"),
         kind="persons", name="notices")
    detect(service(store))
    before = {a.key for a in watchlist_alerts(store)}
    later = write(tmp_path / "operation_c.csv", (FIXTURES / "operation_a.csv").read_text().splitlines()[0] + "\n"
                  + "IT-2025-500,ITA,OP-MARE,H2,C1,OKAFOR Blessing,1999-01-01,victim,NG1234567,NGA,,trafficking\n")
    ingest_files(store, [later], load_mapping(str(FIXTURES / "cases.yaml")), rejects_path=tmp_path / "rejects-c.csv")
    night = detect(service(store))
    new = [a for a in watchlist_alerts(store) if a.key not in before]
    assert sorted((a.cases[0], a.shared) for a in new) == [("IT-2025-500", "ops:C1"), ("IT-2025-500", SHARED_PASSPORT)]
    assert {a.key for a in new} <= set(night.raised) and {a.status for a in watchlist_alerts(store)} == {"new"}


def test_a_listed_persons_columns_are_read_as_the_model_feeds_resolution(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A property a model extension flags for resolution (a district as the region) is compared for
    listed persons too, not only for case persons."""
    from linkgraph.detect.watchlists import _entry_frame
    from linkgraph.model import ENV_MODEL_EXT

    extension = write(tmp_path / "ext.yaml", "entities:\n  Person:\n    properties:\n"
                                             "      district: {type: text, resolution: region}\n")
    monkeypatch.setenv(ENV_MODEL_EXT, str(extension))
    shipped = (Path(__file__).parents[2] / "mappings" / "notices-csv.yaml").read_text(encoding="utf-8")
    mapping = write(tmp_path / "notices-district.yaml",
                    shipped + "      district: {column: district, normalise: text}\n")
    notices = write(tmp_path / "notices.csv", NOTICES_HEADER.rstrip("\n") + ",district\n"
                    + "2025/20417,yellow,Blessing,Okafor,1999-03-04,F,NGA,NCB Abuja,2025-09-01,Ikeja\n")
    load_watchlist(service(store), notices, kind="persons", mapping=str(mapping), name="notices",
                   rejects_path=tmp_path / "rejects.csv")
    [entry] = _entry_frame(store, "notices").to_dict("records")
    assert (entry["ref"], entry["source"], entry["given_key"], entry["birth_year"]) == (
        "notices|notices:2025/20417", "watchlist", "blessing", 1999)
    assert entry["region"] == "Ikeja" and entry["nationality"] == "NGA"


KILLABLE_LOAD = """
import sys
from pathlib import Path
from linkgraph.access.view import open_view
from linkgraph.detect.watchlists import load_watchlist
with open_view(sys.argv[1], command="watchlist load") as view:
    load_watchlist(view, Path(sys.argv[2]), kind="documents", mapping="sltd-csv", name="sltd",
                   rejects_path=Path(sys.argv[3]), progress=lambda n: print("BATCH", n, flush=True))
"""


def test_a_replacement_killed_midway_is_shown_interrupted_and_loading_it_again_completes_it(
        store: Store, target, tmp_path: Path) -> None:
    ingest_operations(store, tmp_path)
    listed = "".join(f"SLTD-{n},K{n:07d},Passport,ESP,Policia Nacional,2025-01-01,lost\n" for n in range(9000))
    load(store, write(tmp_path / "v1.csv", SLTD_HEADER + STOLEN + listed))
    detect(service(store))
    raised = sorted(a.key for a in watchlist_alerts(store, status="new"))
    added = "".join(f"SLTD-{n},K{n:07d},Passport,ESP,Policia Nacional,2025-01-01,lost\n" for n in range(9000, 10000))
    v2 = write(tmp_path / "v2.csv", SLTD_HEADER + listed + added)  # the stolen passport is off the list
    child = subprocess.Popen([sys.executable, "-c", KILLABLE_LOAD, target.uri, str(v2), str(tmp_path / "r.csv")],
                             stdout=subprocess.PIPE, text=True, env=target.run_env)
    assert child.stdout is not None and child.stdout.readline().startswith("BATCH 2000")
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    [interrupted] = list_watchlists(service(store))
    assert (interrupted["version"], interrupted["entries"]) == (1, 9001)
    assert interrupted["state"].startswith("interrupted: version 2 started") and "load the file again" in interrupted["state"]
    again = load(store, v2)
    [done] = list_watchlists(service(store))
    active = store.read("MATCH (e:WatchlistEntry {list: 'sltd'}) RETURN e.active, count(e) ORDER BY e.active").rows
    assert raised and (again.version, again.entries, again.withdrawn) == (2, 10000, raised)
    assert (done["version"], done["entries"], done["state"]) == (2, 10000, "loaded")
    assert active == [[False, 1], [True, 10000]]
    assert {a.status for a in watchlist_alerts(store)} == {"withdrawn"}
