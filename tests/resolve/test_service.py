"""Resolution against a real store of each backend: proposals, analyst decisions, re-runs, incremental runs, the CLI.

One generated scenario (40 cases, about 450 persons) is ingested and resolved once for the module,
on the embedded store, all but one file of it; every test works on its own copy of that store (on
Neo4j: the same graph and model written into the test's emptied database; one more test ingests and
resolves the scenario on Neo4j itself and finds the same links). The held-back file is what
"tonight's new records" are in the incremental test.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from linkgraph.access.view import Principal, View
from linkgraph.scenarios import generate
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.ingest.mapping import load_mapping, with_overrides
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.resolve.bound import raise_bound
from linkgraph.resolve.comparisons import DESCRIPTIONS
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.resolve.service import (
    PAIRS_CSV_COLUMNS,
    Candidate,
    assign_identities,
    decide,
    pair_id,
    resolve,
    review_list,
)
from linkgraph.store.base import Store
from linkgraph.resolve.service import default_model_path
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server

from conftest import EMBEDDED_ONLY, NEO4J_ONLY, StoreTarget

SEED, CASES, LATE_FILE = 3, 40, "xlsx/cases_nl.xlsx"
WEIGHTED = re.compile(r"^[a-z].*, [+-]\d+\.\d$")
IDENTIFIER = re.compile(r"^(different )?(passport|id card|document|phone)( and [a-z ]+)? (in common|numbers) ")


@dataclass(frozen=True)
class Scenario:
    """The generated files, the resolved store built from all but ``LATE_FILE``, and its pairs CSV."""

    data: Path
    store: Path
    pairs_csv: Path
    nodes: list
    relationships: list


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("resolve-scenario")
    data, store_dir = root / "data", root / "store"
    generate(data, CASES, seed=SEED)
    entries = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    (data / "manifest-base.json").write_text(json.dumps([e for e in entries if e["file"] != LATE_FILE]))
    (data / "manifest-late.json").write_text(json.dumps([e for e in entries if e["file"] == LATE_FILE]))
    try:
        with EmbeddedStore(store_dir) as store:
            store.init_schema()
            ingest_manifest(store, data / "manifest-base.json", rejects_dir=root)
            resolve(store, pairs_out=root / "pairs.csv", user="nightly")
            nodes = store.read("MATCH (n) RETURN id(n), labels(n)[0], properties(n)").rows
            relationships = store.read("MATCH (a)-[r]->(b) RETURN id(a), id(b), type(r), properties(r)").rows
    finally:
        kill_server(store_dir)
    yield Scenario(data, store_dir, root / "pairs.csv", nodes, relationships)


def copy_of(scenario: Scenario, target: StoreTarget) -> Store:
    """Open a private copy of the scenario's resolved store (model file included) on ``target``.

    Embedded: a copy of the store directory. Neo4j: every node and relationship written into the
    (empty) database and the model file copied to where ``resolve`` looks for it.
    """
    if target.backend == "embedded":
        shutil.copytree(scenario.store, target.uri)
        return target.open()
    store = target.open()
    store.init_schema()
    handle, handles = store.id_function, {}
    for label in sorted({label for _, label, _ in scenario.nodes}):
        rows = [{"id": node_id, "props": props} for node_id, label_of, props in scenario.nodes if label_of == label]
        handles.update(store.write(f"UNWIND $rows AS r CREATE (n:{label}) SET n = r.props RETURN r.id, {handle}(n)",
                                   {"rows": rows}).rows)
    for rel_type in sorted({rel_type for _, _, rel_type, _ in scenario.relationships}):
        rows = [{"a": handles[a], "b": handles[b], "props": props}
                for a, b, type_of, props in scenario.relationships if type_of == rel_type]
        store.write(f"UNWIND $rows AS r MATCH (a) WHERE {handle}(a) = r.a MATCH (b) WHERE {handle}(b) = r.b "
                    f"CREATE (a)-[e:{rel_type}]->(b) SET e = r.props", {"rows": rows})
    trained = scenario.store / "resolution-model.json"
    if trained.exists():  # a small store resolves with the shipped model and saves none
        model = default_model_path(store)
        model.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(trained, model)
    return store


def truth(scenario: Scenario) -> dict[str, str]:
    """Person key -> true identity id, from the generator's ``truth/identities.csv``."""
    with open(scenario.data / "truth/identities.csv", encoding="utf-8", newline="") as fh:
        return {f"{row['source']}:{row['record_id']}": row["identity_id"] for row in csv.DictReader(fh)}


def link_of(store: Store, left: str, right: str) -> dict:
    """The SAME_AS relationship's properties between ``left`` and ``right`` (either direction)."""
    rows = store.read("MATCH (a:Person {key: $a})-[s:SAME_AS]-(b:Person {key: $b}) RETURN properties(s)",
                      {"a": left, "b": right}).rows
    assert len(rows) == 1, f"expected one SAME_AS link between {left} and {right}, found {len(rows)}"
    return rows[0][0]


def identity_of(store: Store, *keys: str) -> list[str | None]:
    return [store.read("MATCH (p:Person {key: $k}) RETURN p.identity", {"k": key}).scalar() for key in keys]


def review_runs(store: Store) -> list[dict]:
    rows = store.read("MATCH (r:ResolutionRun) WHERE r.kind = 'review' RETURN properties(r) ORDER BY r.time").rows
    return [row[0] for row in rows]


def pair_in_two_person_identity(store: Store) -> Candidate:
    """A candidate whose two persons form an identity of their own (so deciding it moves only them)."""
    sizes = dict(store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL RETURN p.identity, count(p)").rows)
    for candidate in review_list(View(store, Principal('tester', 'tester'), 'test'), limit=1000):
        left, right = identity_of(store, candidate.left["key"], candidate.right["key"])
        if left == right and sizes[left] == 2:
            return candidate
    raise AssertionError("the scenario has no identity of exactly two persons")


def source(key: str) -> str:
    return key.split(":", 1)[0]


def assert_recent(timestamp: str) -> None:
    assert datetime.now(UTC) - datetime.fromisoformat(timestamp) < timedelta(minutes=5)


# -- proposals ------------------------------------------------------------------------------------


def test_cross_case_identities_of_the_truth_are_proposed_with_readable_evidence(scenario, target):
    identity = truth(scenario)
    with copy_of(scenario, target) as store:
        proposed = review_list(View(store, Principal('tester', 'tester'), 'test'), limit=1000)
    cross_case = [c for c in proposed if set(c.left["cases"]) != set(c.right["cases"])]
    right = [c for c in cross_case if identity[c.left["key"]] == identity[c.right["key"]]]
    assert len(right) >= 20
    assert len(right) >= 0.9 * len(proposed)
    for candidate in right:
        assert candidate.probability >= DEFAULT_THRESHOLD
        assert candidate.left["name"] and candidate.right["name"]
        assert candidate.evidence
        assert all(readable(sentence) for sentence in candidate.evidence), candidate.evidence


def readable(sentence: str) -> bool:
    """An evidence sentence: "<comparison>: <level>, <signed weight>" or one naming a shared identifier."""
    named = any(sentence.startswith(f"{description}: ") for description in DESCRIPTIONS.values())
    return bool(WEIGHTED.match(sentence)) and (named or bool(IDENTIFIER.match(sentence)))


def test_a_first_run_records_every_step_including_marking_its_persons_and_the_steps_fit_in_the_run(scenario):
    """On-call reads where a slow run went from ``seconds_<step>``: marking the persons resolved and
    keeping the frame is a step of its own, so the steps account for the run."""
    runs = [props for _, label, props in scenario.nodes if label == "ResolutionRun" and props.get("kind") != "review"]
    assert len(runs) == 1
    run = runs[0]
    steps = {key.removeprefix("seconds_"): value for key, value in run.items() if key.startswith("seconds_")}
    assert {"read", "score", "write", "mark", "identities", "pairs_out"} <= set(steps), sorted(steps)
    assert "train" in steps or "model" in steps
    assert run["new_persons"] > 0 and steps["mark"] > 0
    assert sum(steps.values()) <= run["seconds"] + 0.01


def test_pairs_out_csv_has_one_row_per_proposed_pair_with_its_status_and_evidence(scenario, target):
    with open(scenario.pairs_csv, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == PAIRS_CSV_COLUMNS == ["left_ref", "right_ref", "probability", "status", "evidence"]
    with copy_of(scenario, target) as store:
        links = {(a, b) for a, b in store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.probability >= $t "
                                               "RETURN a.key, b.key", {"t": DEFAULT_THRESHOLD}).rows}
    assert rows and {(r["left_ref"], r["right_ref"]) for r in rows} == links
    assert all(r["left_ref"] < r["right_ref"] for r in rows)
    assert all(float(r["probability"]) >= DEFAULT_THRESHOLD and r["status"] == "candidate" for r in rows)
    assert all(re.search(r", [+-]\d+\.\d(; |$)", r["evidence"]) for r in rows)


@NEO4J_ONLY  # on the embedded store, the module's scenario fixture is this very run
def test_ingesting_and_resolving_the_scenario_on_neo4j_finds_the_same_links(scenario, target, tmp_path):
    trained = scenario.store / "resolution-model.json"  # the embedded run's model: scoring, not training, must agree
    model = tmp_path / "model.json" if trained.exists() else None  # a small store scores with the shipped model
    if model is not None:
        shutil.copyfile(trained, model)
    with target.open() as store:
        store.init_schema()
        ingest_manifest(store, scenario.data / "manifest-base.json", rejects_dir=tmp_path)
        resolve(store, model_path=model, user="nightly")
        links = {(a, b) for a, b in store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.probability >= $t "
                                               "RETURN a.key, b.key", {"t": DEFAULT_THRESHOLD}).rows}
        counts = store.counts()["nodes"]
    with open(scenario.pairs_csv, encoding="utf-8", newline="") as fh:
        assert links == {(row["left_ref"], row["right_ref"]) for row in csv.DictReader(fh)}
    for label in ("Person", "Document", "Phone", "Record", "Case"):
        assert counts[label] == sum(1 for _, label_of, _ in scenario.nodes if label_of == label), label


# -- review decisions -----------------------------------------------------------------------------


def test_rejecting_a_candidate_records_who_and_when_and_splits_the_identity(scenario, target):
    with copy_of(scenario, target) as store:
        candidate = pair_in_two_person_identity(store)
        [before] = set(identity_of(store, candidate.left["key"], candidate.right["key"]))
        decided = decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), candidate.id, "rejected")
        link = link_of(store, candidate.left["key"], candidate.right["key"])
        after = identity_of(store, candidate.left["key"], candidate.right["key"])
        runs = review_runs(store)
    assert (decided.status, decided.decided_by) == ("rejected", "analyst.ana")
    assert (link["status"], link["decided_by"]) == ("rejected", "analyst.ana")
    assert_recent(link["decided_at"])
    assert link["history"][-1].endswith("rejected by analyst.ana")
    assert after == [None, None]
    [run] = runs
    assert (run["user"], run["decision"], run["link"]) == ("analyst.ana", "rejected", candidate.id)
    assert sorted(run["identity_changes"]) == sorted(f"{key} left {before}" for key in
                                                     (candidate.left["key"], candidate.right["key"]))


@EMBEDDED_ONLY  # on Neo4j: covered by test_rejecting_a_candidate_records_who_and_when_and_splits_the_identity
def test_accepting_a_rejected_pair_records_the_second_analyst_and_joins_the_two_persons_again(scenario, target):
    with copy_of(scenario, target) as store:
        candidate = pair_in_two_person_identity(store)
        decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), candidate.id, "rejected")
        decided = decide(View(store, Principal("analyst.bo", "analyst.bo"), "test"), candidate.id, "accepted")
        link = link_of(store, candidate.left["key"], candidate.right["key"])
        left, right = identity_of(store, candidate.left["key"], candidate.right["key"])
    assert (decided.status, decided.decided_by) == ("accepted", "analyst.bo")
    assert_recent(decided.decided_at or "")
    assert [line.split(" ", 1)[1] for line in link["history"][-2:]] == ["rejected by analyst.ana",
                                                                        "accepted by analyst.bo"]
    assert left is not None and left == right


# -- re-runs --------------------------------------------------------------------------------------


@EMBEDDED_ONLY  # on Neo4j: covered by test_incremental_run_scores_only_pairs_touching_new_persons_and_keeps_identity_ids (a rerun)
def test_a_rejected_pair_stays_rejected_when_resolve_runs_again_without_new_evidence(scenario, target):
    with copy_of(scenario, target) as store:
        candidate = next(c for c in review_list(View(store, Principal("tester", "tester"), "test"), limit=100)
                         if source(c.left["key"]) != source(c.right["key"]))
        decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), candidate.id, "rejected")
        again = resolve(store, user="nightly")
        rescored = resolve(store, between=(source(candidate.left["key"]), source(candidate.right["key"])),
                           user="nightly")
        link = link_of(store, candidate.left["key"], candidate.right["key"])
    assert (again.new_persons, again.pairs) == (0, 0)
    assert rescored.pairs > 0
    assert (candidate.left["key"], candidate.right["key"]) in set(
        zip(rescored.proposed["left_ref"], rescored.proposed["right_ref"]))
    assert rescored.reopened == 0
    assert (link["status"], link["decided_by"]) == ("rejected", "analyst.ana")
    assert link["history"][-1].endswith("rejected by analyst.ana")


def test_a_rejected_pair_is_proposed_again_when_a_new_record_brings_a_shared_phone(scenario, target, tmp_path):
    with copy_of(scenario, target) as store:
        es_key, other_key, phone = _pair_where_only_the_other_side_has_a_phone(store)
        decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"),
               pair_id(min(es_key, other_key), max(es_key, other_key)), "rejected")
        late = _es_row_with_phone(scenario.data / "es/cases_es.csv", es_key.split(":", 1)[1], phone, tmp_path)
        mapping = with_overrides(load_mapping("es-cnp-csv"), "es-cnp", {"country": "ESP"})
        ingest_files(store, [late], mapping, rejects_path=tmp_path / "rejects.csv")
        summary = resolve(store, user="nightly")
        link = link_of(store, es_key, other_key)
    assert summary.new_persons == 1 and summary.reopened == 1
    assert link["status"] == "candidate"
    assert re.search(r"reopened by resolve-\S+: new evidence: .*phone in common", link["history"][-1])
    assert any(s.startswith(f"phone in common ({phone})") for s in link["evidence"])


def _pair_where_only_the_other_side_has_a_phone(store: Store) -> tuple[str, str, str]:
    rows = store.read(
        "MATCH (a:Person)-[:SAME_AS]-(b:Person)-[:USES]->(ph:Phone) "
        "WHERE a.source = 'es-cnp' AND NOT (a)-[:USES]->(:Phone) "
        "RETURN a.key, b.key, ph.key ORDER BY a.key, b.key").rows
    assert rows, "the scenario has no Spanish person linked to someone with a phone it lacks"
    return rows[0][0], rows[0][1], rows[0][2]


def _es_row_with_phone(source: Path, person_id: str, phone: str, directory: Path) -> Path:
    """The Spanish export's row of ``person_id`` again, now with ``phone``: a corrected record."""
    with open(source, encoding="cp1252", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=";")
        row = next(r for r in reader if r["person_id"] == person_id)
        header = reader.fieldnames
    row["phone"] = phone
    path = directory / "late_es.csv"
    with open(path, "w", encoding="cp1252", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=";")
        writer.writeheader()
        writer.writerow(row)
    return path


@EMBEDDED_ONLY  # on Neo4j: covered by test_a_rejected_pair_is_proposed_again_when_a_new_record_brings_a_shared_phone
def test_a_phone_added_by_a_link_table_row_makes_its_person_resolved_again(scenario, target, tmp_path):
    with copy_of(scenario, target) as store:
        rows = store.read(
            "MATCH (a:Person)-[:SAME_AS]-(b:Person)-[:USES]->(ph:Phone) WHERE a.source = 'fr-records' "
            "AND NOT (a)-[:USES]->(:Phone) RETURN a.key, a.source_id, b.key, ph.key ORDER BY a.key, b.key").rows
        assert rows, "the scenario has no French person linked to someone with a phone it lacks"
        key, person_id, other, phone = rows[0]
        records_before = store.read("MATCH (p:Person {key: $k}) RETURN p.records", {"k": key}).scalar()
        late = _phones_only_workbook(scenario.data / "xlsx/cases_fr.xlsx", person_id, phone, tmp_path)
        mapping = with_overrides(load_mapping("records-xlsx"), "fr-records", {"country": "FRA"})
        ingest_files(store, [late], mapping, rejects_path=tmp_path / "rejects.csv")
        records_after = store.read("MATCH (p:Person {key: $k}) RETURN p.records", {"k": key}).scalar()
        summary = resolve(store, user="nightly")
        link = link_of(store, key, other)
    assert records_after == records_before  # the link table's record is on USES, not on the person
    assert summary.new_persons == 1
    assert all(key in (left, right) for left, right in zip(summary.proposed["left_ref"], summary.proposed["right_ref"]))
    assert any(s.startswith(f"phone in common ({phone})") for s in link["evidence"])


def _phones_only_workbook(source: Path, person_id: str, phone: str, directory: Path) -> Path:
    """A records-system workbook with every sheet's header and one row: ``person_id`` uses ``phone``."""
    from openpyxl import Workbook, load_workbook

    original = load_workbook(source, read_only=True)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in original.sheetnames:
        sheet = workbook.create_sheet(name)
        sheet.append(list(next(original[name].iter_rows(values_only=True))))
    workbook["phones"].append([person_id, phone])
    path = directory / "late_fr.xlsx"
    workbook.save(path)
    return path


def test_incremental_run_scores_only_pairs_touching_new_persons_and_keeps_identity_ids(scenario, target, tmp_path):
    identity = truth(scenario)
    with copy_of(scenario, target) as store:
        before = dict(store.read("MATCH (p:Person) RETURN p.key, p.identity").rows)
        ingest_manifest(store, scenario.data / "manifest-late.json", rejects_dir=tmp_path)
        summary = resolve(store, user="nightly")
        after = dict(store.read("MATCH (p:Person) RETURN p.key, p.identity").rows)
        [run] = [r[0] for r in store.read("MATCH (r:ResolutionRun {key: $k}) RETURN properties(r)",
                                          {"k": summary.run_id}).rows]
        rerun = resolve(store, user="nightly")
    new = set(after) - set(before)
    assert new and summary.new_persons == len(new) == run["new_persons"]
    assert summary.pairs == run["pairs"] == len(summary.proposed) > 0
    assert all(left in new or right in new for left, right in zip(summary.proposed["left_ref"],
                                                                   summary.proposed["right_ref"]))
    assert summary.identity_changes == run["identity_changes"] == []
    held = {key: value for key, value in before.items() if value is not None}
    assert held and {key: after[key] for key in held} == held
    joined = [key for key in new if after[key] is not None and after[key] in before.values()]
    assert joined, "no new record joined an identity the store already had"
    for key in joined:
        earlier = [k for k, v in before.items() if v == after[key]]
        assert identity[key] in {identity[k] for k in earlier}
    assert (rerun.new_persons, rerun.pairs) == (0, 0)


# -- identities on a hand-made graph --------------------------------------------------------------


@pytest.fixture
def graph(store: Store) -> Store:
    return store


def persons(store: Store, *keys: str) -> None:
    store.upsert_nodes("Person", [{"key": key, "props": {"name": key}, "records": [], "cases": []} for key in keys])


def link(store: Store, left: str, right: str, status: str = "candidate", probability: float = 0.99) -> str:
    link_id = pair_id(left, right)
    store.write("MATCH (a:Person {key: $a}), (b:Person {key: $b}) CREATE (a)-[:SAME_AS {key: '', id: $id, "
                "status: $status, probability: $p, evidence: [], history: []}]->(b) "
                "SET " + raise_bound("a", "$p"),
                {"a": left, "b": right, "id": link_id, "status": status, "p": probability})
    return link_id


def test_a_person_joining_an_identity_leaves_its_id_unchanged(graph):
    persons(graph, "s:a", "s:b", "s:c")
    link(graph, "s:a", "s:b")
    assign_identities(graph)
    [first] = set(identity_of(graph, "s:a", "s:b"))
    link(graph, "s:b", "s:c")
    changes, count = assign_identities(graph)
    assert identity_of(graph, "s:a", "s:b", "s:c") == [first] * 3
    assert (changes, count) == ([], 1)


def test_accepting_a_link_between_two_identities_keeps_the_larger_ones_id_and_records_the_join(graph):
    persons(graph, "s:a", "s:b", "s:c", "s:d", "s:e")
    link(graph, "s:a", "s:b"), link(graph, "s:b", "s:c"), link(graph, "s:d", "s:e")
    bridge = link(graph, "s:c", "s:d", status="candidate", probability=0.4)
    assign_identities(graph)
    larger, smaller = identity_of(graph, "s:a", "s:d")
    decide(View(graph, Principal("analyst.ana", "analyst.ana"), "test"), bridge, "accepted")
    assert set(identity_of(graph, "s:a", "s:b", "s:c", "s:d", "s:e")) == {larger}
    [run] = review_runs(graph)
    assert run["identity_changes"] == [f"{smaller} joined into {larger}"]


def test_rejecting_a_link_that_held_an_identity_together_leaves_the_id_with_the_larger_part(graph):
    persons(graph, "s:a", "s:b", "s:c", "s:d", "s:e")
    link(graph, "s:a", "s:b"), link(graph, "s:b", "s:c"), link(graph, "s:d", "s:e")
    bridge = link(graph, "s:c", "s:d")
    assign_identities(graph)
    [before] = set(identity_of(graph, "s:a", "s:b", "s:c", "s:d", "s:e"))
    decide(View(graph, Principal("analyst.ana", "analyst.ana"), "test"), bridge, "rejected")
    kept, split_off = identity_of(graph, "s:a", "s:d")
    assert kept == before and split_off not in (None, before)
    assert identity_of(graph, "s:e") == [split_off]
    [run] = review_runs(graph)
    assert run["identity_changes"] == [f"2 person(s) moved from {before} to {split_off}"]


# -- command line ---------------------------------------------------------------------------------


def cli(python: str, target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "linkgraph", "--store", target.uri, *args], capture_output=True,
                          text=True, timeout=300, env={**target.run_env, "LINKGRAPH_USER": "analyst.cli"})


def test_cli_review_list_then_accept_records_the_acting_user(scenario, target, python):
    copy_of(scenario, target).close()
    listed = cli(python, target, "review", "list", "--limit", "3")
    assert listed.returncode == 0, listed.stderr
    first_id = listed.stdout.split()[0]
    assert re.fullmatch(r"[0-9a-f]{10}", first_id) and " p=" in listed.stdout.splitlines()[0]
    accepted = cli(python, target, "--as", "analyst.eva", "review", "accept", first_id)
    assert accepted.returncode == 0, accepted.stderr
    assert f"{first_id}:" in accepted.stdout and "accepted by analyst.eva" in accepted.stdout
    shown = cli(python, target, "review", "list", "--status", "accepted", "--json")
    [entry] = json.loads(shown.stdout)
    assert (entry["id"], entry["status"], entry["decided_by"]) == (first_id, "accepted", "analyst.eva")
    assert_recent(entry["decided_at"])


@EMBEDDED_ONLY  # on Neo4j: covered by test_cli_review_list_then_accept_records_the_acting_user
def test_cli_refuses_an_unknown_link_and_a_bad_threshold_with_one_line_and_an_exit_code(scenario, target, python):
    copy_of(scenario, target).close()
    unknown = cli(python, target, "review", "reject", "0000000000")
    assert unknown.returncode == 1
    assert "no SAME_AS link with id '0000000000'" in unknown.stderr and "Traceback" not in unknown.stderr
    bad = cli(python, target, "resolve", "--threshold", "0")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
