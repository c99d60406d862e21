"""Resolution of a store too small to train, the threshold as a view over stored pairs, and link-only runs.

One small generated scenario (15 cases, under 200 persons: far below ``MIN_PERSONS_TO_TRAIN``) is
ingested and resolved once for the module at the default threshold; every test works on its own copy.
"""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from linkgraph.errors import UsageError
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.access.view import Principal, View
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD, MIN_PERSONS_TO_TRAIN, PAIR_FLOOR
from linkgraph.resolve.bound import accepted_mark, in_force, keeps_bound
from linkgraph.resolve.same_as import pair_id, write_pairs
from linkgraph.resolve.service import decide, resolve, review_list
from linkgraph.scenarios import generate
from linkgraph.store.base import SAME_AS_BOUND, Store
from conftest import BACKENDS, SharedStore, StoreTarget, make_target, shared_store

SEED, CASES = 5, 15
LOW = 0.1


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("small-scenario") / "data"
    generate(data, CASES, seed=SEED)
    return data


@pytest.fixture(scope="module", params=BACKENDS)
def resolved(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
             small_scenario: Path) -> Iterator[tuple[Path, SharedStore, dict]]:
    """(data directory, the resolved store of each backend, the first run's ResolutionRun properties)."""
    first: dict = {}

    def build(store: Store, target: StoreTarget) -> None:
        ingest_manifest(store, small_scenario / "manifest.json", rejects_dir=target.home)
        summary = resolve(store, user="nightly")
        first.update(store.read("MATCH (r:ResolutionRun {key: $k}) RETURN properties(r)", {"k": summary.run_id}).scalar())

    with shared_store(request, tmp_path_factory, "small-store", build) as shared:
        shared.ready()
        yield small_scenario, shared, first


@pytest.fixture
def fresh(resolved: tuple[Path, SharedStore, dict], request: pytest.FixtureRequest, store_dir: Path, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> StoreTarget:
    """An empty store of the backend of ``resolved``, for a copy of it."""
    return make_target(resolved[1].backend, request, store_dir, tmp_path, monkeypatch)


def copy_of(resolved: tuple[Path, SharedStore, dict], target: StoreTarget) -> Store:
    """A copy of the resolved store in ``target``, open (every test changes its own copy)."""
    return resolved[1].copy_into(target)


def truth(data: Path) -> dict[str, str]:
    with open(data / "truth/identities.csv", encoding="utf-8", newline="") as fh:
        return {f"{row['source']}:{row['record_id']}": row["identity_id"] for row in csv.DictReader(fh)}


def stored(store: Store) -> list[tuple[str, str, float, str]]:
    return [tuple(row) for row in store.read("MATCH (a:Person)-[s:SAME_AS]->(b:Person) "
                                             "RETURN a.key, b.key, s.probability, s.status").rows]


def source(key: str) -> str:
    return key.split(":", 1)[0]


# -- a store too small to train -------------------------------------------------------------------


def test_a_small_store_is_scored_by_the_shipped_model_and_the_run_says_so(resolved):
    data, shared, run = resolved
    assert run["persons"] < MIN_PERSONS_TO_TRAIN
    assert run["model_origin"] == "default" and run["trained"] is False
    target = shared.ready()
    # no trained model saved: in the embedded store's directory, or (Neo4j) in the per-user state folder
    assert not (Path(target.uri) / "resolution-model.json").exists() and not list(shared.root.rglob("*model*.json"))
    with target.open(create=False) as store:
        proposed = review_list(View(store, Principal('tester', 'tester'), 'test'), limit=1000)
    identity = truth(data)
    right = [c for c in proposed if identity[c.left["key"]] == identity[c.right["key"]]]
    assert len(right) >= 5 and len(right) >= 0.9 * len(proposed)


def test_retrain_on_a_small_store_is_refused(resolved, fresh):
    with copy_of(resolved, fresh) as store, pytest.raises(UsageError, match="--retrain needs at least 1,000"):
        resolve(store, retrain=True, user="nightly")


def test_a_store_without_dates_of_birth_is_warned_about(store):
    store.upsert_nodes("Person", [{"key": f"s:{n}", "props": {"name": name, "source": "s"}, "records": [],
                                   "cases": []} for n, name in enumerate(["ana lopez", "ana lopez", "juan diaz"])])
    summary = resolve(store, user="nightly")
    assert any("no person has a date of birth" in warning for warning in summary.warnings)


# -- the threshold is a view ----------------------------------------------------------------------


def test_every_pair_above_the_floor_is_stored_with_its_evidence_not_only_the_proposed_ones(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        pairs = stored(store)
        evidence = store.read("MATCH ()-[s:SAME_AS]->() RETURN s.evidence").rows
    assert all(probability >= PAIR_FLOOR for *_, probability, _ in pairs)
    assert any(probability < DEFAULT_THRESHOLD for *_, probability, _ in pairs)
    assert all(sentences for [sentences] in evidence)


def test_a_lower_threshold_recuts_the_stored_pairs_without_scoring_and_identities_follow(resolved, fresh, tmp_path):
    with copy_of(resolved, fresh) as store:
        before = stored(store)
        identities_before = store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL RETURN count(p)").scalar()
        summary = resolve(store, threshold=LOW, pairs_out=tmp_path / "pairs.csv", user="nightly")
        after = stored(store)
        identities_after = store.read("MATCH (p:Person) WHERE p.identity IS NOT NULL RETURN count(p)").scalar()
        listed = review_list(View(store, Principal('tester', 'tester'), 'test'), limit=1000)
        listed_above = review_list(View(store, Principal('tester', 'tester'), 'test'), min_probability=DEFAULT_THRESHOLD, limit=1000)
        run = store.read("MATCH (r:ResolutionRun {key: $k}) RETURN properties(r)", {"k": summary.run_id}).scalar()
    with open(tmp_path / "pairs.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    in_view = {(a, b) for a, b, p, status in before if p >= LOW and status == "candidate"}
    assert (summary.new_persons, summary.pairs, summary.stored) == (0, 0, 0) and "score" not in summary.timings
    assert sorted(after) == sorted(before)
    assert {(r["left_ref"], r["right_ref"]) for r in rows} == in_view == {(c.left["key"], c.right["key"]) for c in listed}
    assert summary.in_view == len(in_view) > len(listed_above)
    assert identities_after > identities_before
    assert run["threshold"] == LOW


def test_review_list_below_the_runs_threshold_shows_stored_pairs_it_does_not_show_by_default(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        default = review_list(View(store, Principal('tester', 'tester'), 'test'), limit=1000)
        lower = review_list(View(store, Principal('tester', 'tester'), 'test'), min_probability=LOW, limit=1000)
    assert all(c.probability >= DEFAULT_THRESHOLD for c in default)
    assert len(lower) > len(default) and any(c.probability < DEFAULT_THRESHOLD for c in lower)


def test_pairs_out_leaves_rejected_pairs_out_unless_asked(resolved, fresh, tmp_path):
    with copy_of(resolved, fresh) as store:
        rejected, accepted = review_list(View(store, Principal('tester', 'tester'), 'test'), limit=2)
        decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), rejected.id, "rejected")
        decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), accepted.id, "accepted")
        resolve(store, pairs_out=tmp_path / "plain.csv", user="nightly")
        resolve(store, pairs_out=tmp_path / "all.csv", pairs_statuses=("candidate", "accepted", "rejected"),
                user="nightly")
    plain, everything = ({(r["left_ref"], r["right_ref"]): r["status"] for r in csv.DictReader(open(tmp_path / name))}
                         for name in ("plain.csv", "all.csv"))
    pair = (rejected.left["key"], rejected.right["key"])
    assert pair not in plain and everything[pair] == "rejected"
    assert plain[(accepted.left["key"], accepted.right["key"])] == "accepted"


# -- link-only ------------------------------------------------------------------------------------


def test_between_two_sources_scores_only_pairs_across_them_and_leaves_other_links_alone(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        before = stored(store)
        across = [tuple(sorted((source(a), source(b)))) for a, b, *_ in before if source(a) != source(b)]
        first, second = max(set(across), key=across.count)
        summary = resolve(store, between=(first, second), user="nightly")
        after = stored(store)
    scored = list(zip(summary.proposed["left_ref"], summary.proposed["right_ref"]))
    assert summary.pairs > 0
    assert all({source(a), source(b)} == {first, second} for a, b in scored)
    untouched = [p for p in before if {source(p[0]), source(p[1])} != {first, second}]
    assert untouched and set(untouched) <= set(after)


def test_between_a_source_with_no_persons_is_refused_naming_it(resolved, fresh):
    with copy_of(resolved, fresh) as store, pytest.raises(UsageError, match="no person of source 'nowhere'"):
        resolve(store, between=("es-cnp", "nowhere"), user="nightly")


# -- command line ---------------------------------------------------------------------------------


def cli(python: str, target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "linkgraph", "--store", target.uri, *args], capture_output=True,
                          text=True, timeout=300, env={**target.run_env, "LINKGRAPH_USER": "analyst.cli"})


def test_cli_resolve_names_the_shipped_model_and_refuses_retrain_with_one_line(resolved, fresh, python, tmp_path):
    copy_of(resolved, fresh).close()
    lower = cli(python, fresh, "resolve", "--threshold", str(LOW), "--pairs-out", str(tmp_path / "p.csv"))
    retrain = cli(python, fresh, "resolve", "--retrain")
    listed = cli(python, fresh, "review", "list", "--min", str(LOW), "--json", "--limit", "1000")
    assert lower.returncode == 0, lower.stderr
    assert "(0 new)" in lower.stdout and f"threshold {LOW:g}" in lower.stdout
    with open(tmp_path / "p.csv", encoding="utf-8", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == len(json.loads(listed.stdout)) > 0
    assert retrain.returncode == 2 and "Traceback" not in retrain.stderr
    assert len(retrain.stderr.strip().splitlines()) == 1 and "--retrain needs at least" in retrain.stderr


def test_persons_without_names_are_warned_about_per_source_in_a_link_only_run():
    import pandas as pd

    from linkgraph.resolve.matching import empty_person_frame
    from linkgraph.resolve.model_choice import data_warnings

    rows = {"ref": ["reg:1", "reg:2", "watch:1"], "source": ["reg", "reg", "watch"],
            "name_key": [None, None, "ana lopez"], "birth_year": [1990, 1991, None]}
    frame = pd.DataFrame({column: rows.get(column, [None] * 3) for column in empty_person_frame().columns})
    warnings = data_warnings(frame, ("reg", "watch"))
    assert any(w.startswith("source reg: no person has a name") for w in warnings)
    assert any(w.startswith("source watch: no person has a date of birth") for w in warnings)
    assert not any(w.startswith("source watch: no person has a name") for w in warnings)


# -- the review list seeks links from their start node's bound (store.base.SAME_AS_BOUND) ---------

def listed(store: Store, minimum: float) -> list[tuple[str, float]]:
    return [(c.id, c.probability) for c in review_list(View(store, Principal("tester", "tester"), "test"),
                                                       min_probability=minimum, limit=1000)]


def test_the_review_list_sought_from_the_bound_lists_what_walking_every_link_lists(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        kept = keeps_bound(store, "Person")
        short = store.read(f"MATCH (a:Person)-[s:SAME_AS]->() WITH a, max(s.probability) AS most "
                           f"WHERE a.{SAME_AS_BOUND} IS NULL OR a.{SAME_AS_BOUND} < most RETURN count(a)").scalar()
        sought = {minimum: listed(store, minimum) for minimum in (LOW, 0.5, DEFAULT_THRESHOLD)}
        store.write("MATCH (m:StoreMark) DELETE m")
        walked = {minimum: listed(store, minimum) for minimum in (LOW, 0.5, DEFAULT_THRESHOLD)}
    assert kept and short == 0
    assert sought == walked and len(sought[LOW]) > len(sought[DEFAULT_THRESHOLD]) > 0


def test_a_store_resolved_before_the_bound_gets_it_once_and_loses_no_link_from_the_review_list(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        store.write(f"MATCH (a:Person) REMOVE a.{SAME_AS_BOUND}")
        store.write("MATCH (m:StoreMark) DELETE m")
        before = listed(store, LOW)
        lone = store.read("MATCH (p:Person) WHERE NOT (p)-[:SAME_AS]-() RETURN p.key ORDER BY p.key LIMIT 2").rows
        [left], [right] = sorted(lone)
        write_pairs(store, pd.DataFrame([{"left_ref": left, "right_ref": right, "probability": 0.95,
                                          "match_weight": 4.2, "evidence": ["surname: exact match, +4.2"]}]), "test-run")
        after = listed(store, LOW)
        kept = keeps_bound(store, "Person")
    assert kept and len(before) > 0
    assert sorted(after) == sorted(before + [(pair_id(left, right), 0.95)])


def test_a_pair_scored_again_higher_is_listed_at_its_new_probability(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        low = store.read(f"MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.status = 'candidate' "
                         f"AND a.{SAME_AS_BOUND} < $t RETURN a.key, b.key, s.match_weight, s.evidence LIMIT 1",
                         {"t": DEFAULT_THRESHOLD}).rows
        [(left, right, weight, evidence)] = low
        write_pairs(store, pd.DataFrame([{"left_ref": left, "right_ref": right, "probability": 0.97,
                                          "match_weight": weight, "evidence": evidence}]), "test-run")
        shown = listed(store, DEFAULT_THRESHOLD)
    assert (pair_id(left, right), 0.97) in shown


# -- the links in force are sought from the bound too: an accepted link raises it (resolve.bound) --

def in_force_links(store: Store, threshold: float = DEFAULT_THRESHOLD) -> list[tuple[str, str]]:
    return sorted(tuple(row) for row in store.read(in_force(store, "Person") + "RETURN a.key, b.key",
                                                   {"threshold": threshold}).rows)


def accept_one_below(store: Store) -> tuple[str, str]:
    """Accept a candidate scored below the threshold whose start node's bound is below it too; its ends."""
    [(link, left, right)] = store.read(
        f"MATCH (a:Person)-[s:SAME_AS]->(b:Person) WHERE s.status = 'candidate' AND a.{SAME_AS_BOUND} < $t "
        "RETURN s.id, a.key, b.key ORDER BY s.id LIMIT 1", {"t": DEFAULT_THRESHOLD}).rows
    decide(View(store, Principal("analyst.ana", "analyst.ana"), "test"), link, "accepted")
    return left, right


def test_links_in_force_sought_from_the_bound_are_those_walked_an_accepted_one_below_the_threshold_included(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        left, right = accept_one_below(store)
        sought = in_force_links(store)
        seek = in_force(store, "Person").startswith(f"MATCH (a:Person) WHERE a.{SAME_AS_BOUND}")
        identities = dict(store.read("MATCH (p:Person) WHERE p.key IN $k RETURN p.key, p.identity", {"k": [left, right]}).rows)
        store.write("MATCH (m:StoreMark) DELETE m")
        walked = in_force_links(store)
    assert seek and (left, right) in sought and sought == walked
    assert identities[left] is not None and identities[left] == identities[right]


def test_a_link_accepted_before_the_accepted_bound_was_kept_is_found_walking_then_filled_in_once(resolved, fresh):
    with copy_of(resolved, fresh) as store:
        left, right = accept_one_below(store)
        # as a store reviewed before decisions raised the bound: the link's own probability, no mark
        store.write(f"MATCH (a:Person {{key: $k}})-[s:SAME_AS]->() WITH a, max(s.probability) AS most "
                    f"SET a.{SAME_AS_BOUND} = most", {"k": left})
        store.write("MATCH (m:StoreMark {key: $k}) DELETE m", {"k": accepted_mark("Person")})
        walking = in_force(store, "Person").startswith("MATCH (a:Person)-[s:SAME_AS]")
        before = in_force_links(store)
        lone = store.read("MATCH (p:Person) WHERE NOT (p)-[:SAME_AS]-() RETURN p.key ORDER BY p.key LIMIT 2").rows
        [new_left], [new_right] = sorted(lone)
        write_pairs(store, pd.DataFrame([{"left_ref": new_left, "right_ref": new_right, "probability": 0.95,
                                          "match_weight": 4.2, "evidence": ["surname: exact match, +4.2"]}]), "test-run")
        seeking = in_force(store, "Person").startswith(f"MATCH (a:Person) WHERE a.{SAME_AS_BOUND}")
        after = in_force_links(store)
    assert walking and (left, right) in before
    assert seeking and after == sorted(before + [(new_left, new_right)])
