"""Organisation resolution: differently written names of one organisation are proposed as SAME_AS, with
evidence, reviewed like persons, behind the need-to-know door; on a real store of each backend.

The case files are written by each test: two sources (a Spanish register extract and a Nigerian case
file) naming organisations in their own ways.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from linkgraph.access.view import login_name
from linkgraph.errors import NotFound
from linkgraph.ingest.mapping import load_mapping
from linkgraph.ingest.pipeline import ingest_files
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.resolve.organisations import OrganisationRecord, TokenWeights, score_organisations, score_pair
from linkgraph.resolve.service import decide, pair_id, resolve, review_list
from linkgraph.store.base import Store

from conftest import EMBEDDED_ONLY, StoreTarget

WEIGHTED = re.compile(r"^[a-z].*, [+-]\d+\.\d$")

MAPPING = """\
source: {source}
reader: {{format: csv, delimiter: ","}}
record_id: org_id
case: case_ref
entities:
  case:
    type: Case
    key: case_ref
    properties:
      country: {{column: case_country, normalise: country}}
      operation: operation
      handling_code: {{column: handling, normalise: handling_code}}
  org:
    type: Organisation
    id: org_id
    properties:
      name: {{column: name, required: true}}
      country: {{column: country, normalise: country}}
      locality: city
"""

HEADER = "org_id,name,country,city,case_ref,case_country,operation,handling\n"
SPAIN = "ES-2024-117,ESP,OP-MARE,H1"
NIGERIA = "NG-2025-031,NGA,OP-SAHEL,H1"

REGISTER = [  # source es-register
    ("E1", "Al-Noor Trading LLC", "ARE", "Dubai", SPAIN),
    ("E2", "Sahara Express SARL", "MAR", "Casablanca", SPAIN),
    ("E3", "International Trading Ltd", "", "", SPAIN),
    ("E4", "Müller Logistik GmbH", "DEU", "Hamburg", SPAIN),
]
CASE_FILE = [  # source ng-case
    ("N1", "AL NOOR TRADING L.L.C.", "ARE", "Dubai", NIGERIA),
    ("N2", "Аль-Нур Трейдинг ООО", "ARE", "", NIGERIA),
    ("N3", "Al Falah Trading LLC", "ARE", "Dubai", NIGERIA),
    ("N4", "International Trading LLC", "", "", NIGERIA),
    ("N5", "Muller Logistik AG", "CHE", "Zürich", NIGERIA),
]


def write_source(folder: Path, source: str, rows: list[tuple[str, str, str, str, str]]) -> tuple[Path, Path]:
    """Write one source's CSV file and mapping into ``folder``; return (file, mapping)."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / f"{source}.csv"
    data.write_text(HEADER + "".join(f"{i},{name},{country},{city},{case}\n" for i, name, country, city, case in rows),
                    encoding="utf-8")
    mapping = folder / f"{source}.yaml"
    mapping.write_text(MAPPING.format(source=source), encoding="utf-8")
    return data, mapping


def ingest_organisations(store: Store, folder: Path) -> None:
    """Ingest the register extract and the case file into ``store``."""
    for source, rows in (("es-register", REGISTER), ("ng-case", CASE_FILE)):
        data, mapping = write_source(folder, source, rows)
        summary = ingest_files(store, [data], load_mapping(str(mapping)), rejects_path=folder / f"rejects-{source}.csv",
                               reader_process=False)
        assert summary.rows_rejected == 0


def organisation_links(store: Store) -> dict[tuple[str, str], dict]:
    """Every SAME_AS link between organisations: (left, right) -> its properties."""
    rows = store.read("MATCH (a:Organisation)-[s:SAME_AS]->(b:Organisation) RETURN a.key, b.key, properties(s)").rows
    return {(left, right): props for left, right, props in rows}


def proposed(links: dict[tuple[str, str], dict]) -> set[frozenset[str]]:
    return {frozenset(pair) for pair, props in links.items()
            if props["status"] == "candidate" and props["probability"] >= DEFAULT_THRESHOLD}


# -- scoring, without a store ------------------------------------------------------------------------


def score(*names: tuple[str, str, str]) -> dict[frozenset[str], float]:
    records = [OrganisationRecord(key, name, country) for key, name, country in names]
    return {frozenset((p.left, p.right)): p.probability for p in score_organisations(records, 0.0)}


def test_a_shared_common_word_is_not_a_match_but_a_shared_rare_name_is() -> None:
    found = score(("a", "Al-Noor Trading LLC", "ARE"), ("b", "AL NOOR TRADING L.L.C.", "ARE"),
                  ("c", "Al Falah Trading LLC", "ARE"))
    assert found[frozenset("ab")] >= DEFAULT_THRESHOLD
    assert found.get(frozenset("ac"), 0.0) < 0.01


def test_a_name_made_only_of_common_words_is_weak_evidence_even_when_equal() -> None:
    found = score(("a", "International Trading LLC", ""), ("b", "International Trading Ltd", ""),
                  ("c", "Zorvex Mining LLC", ""), ("d", "Zorvex Mining Ltd", ""))
    assert found[frozenset("ab")] < 0.5 < DEFAULT_THRESHOLD <= found[frozenset("cd")]


def test_different_names_weigh_against_even_with_the_same_form_country_and_town() -> None:
    records = [OrganisationRecord("a", "Zorvex Mining LLC", "ARE", "dubai"),
               OrganisationRecord("b", "Quillon Shipping LLC", "ARE", "dubai")]
    pair = score_pair(*records, TokenWeights(records))
    assert pair.probability < 0.01 and any(e.startswith("different names") for e in pair.evidence)


def test_the_same_name_under_another_kind_of_legal_form_is_weaker_than_under_the_same_form() -> None:
    found = score(("a", "Zorvex Mining LLC", ""), ("b", "Zorvex Mining L.L.C.", ""), ("c", "Zorvex Mining S.A.", ""))
    assert found[frozenset("ac")] < found[frozenset("ab")]
    assert found[frozenset("ac")] < DEFAULT_THRESHOLD


def test_different_countries_weigh_against_and_the_same_country_for() -> None:
    same = score(("a", "Zorvex Mining LLC", "ARE"), ("b", "Zorvex Mining LLC", "ARE"))
    other = score(("a", "Zorvex Mining LLC", "ARE"), ("b", "Zorvex Mining LLC", "GBR"))
    assert other[frozenset("ab")] < DEFAULT_THRESHOLD < same[frozenset("ab")]


def test_a_word_many_of_the_stores_organisations_hold_weighs_less_than_a_rare_one() -> None:
    records = [OrganisationRecord(str(n), f"Kestrel {word} Ltd") for n, word in enumerate(["Alpha", "Beta", "Gamma"])]
    weights = TokenWeights([*records * 300, OrganisationRecord("z", "Quillon Ltd")])
    assert weights("kestrel") < weights("quillon")
    assert weights("trading") < weights("quillon")
    assert not weights.distinctive("kestrel") and weights.distinctive("quillon")


def test_word_order_spacing_and_transliteration_variants_are_found() -> None:
    found = score(("a", "Al-Noor Trading LLC", "ARE"), ("b", "Trading Al Noor LLC", "ARE"),
                  ("c", "Alnoor Trading LLC", "ARE"), ("d", "Аль-Нур Трейдинг ООО", "ARE"))
    assert all(found[frozenset(pair)] >= DEFAULT_THRESHOLD for pair in ("ab", "ac", "ad"))


# -- against the store ---------------------------------------------------------------------------------


def test_differently_written_names_of_one_organisation_are_proposed_with_evidence(store, tmp_path):
    ingest_organisations(store, tmp_path)
    summary = resolve(store, user="nightly")
    links = organisation_links(store)
    assert summary.organisations is not None and summary.organisations.organisations == 9
    assert proposed(links) == {frozenset(("es-register:E1", "ng-case:N1")), frozenset(("es-register:E1", "ng-case:N2")),
                               frozenset(("ng-case:N1", "ng-case:N2"))}
    for (left, right), props in links.items():
        assert left < right and props["id"] == pair_id(left, right)
        assert props["evidence"] and all(WEIGHTED.match(sentence) for sentence in props["evidence"])
    assert "same name, +9.0" in links[("es-register:E1", "ng-case:N1")]["evidence"]
    assert not any({"es-register:E1", "ng-case:N3"} == set(pair) for pair in links)  # Al Falah: another company
    identities = dict(store.read("MATCH (o:Organisation) WHERE o.identity IS NOT NULL RETURN o.key, o.identity").rows)
    assert identities["es-register:E1"] == identities["ng-case:N1"] == identities["ng-case:N2"]
    assert not store.read("MATCH (:Person)-[s:SAME_AS]-(:Organisation) RETURN count(s)").scalar()


def test_organisation_links_are_reviewed_like_persons_and_a_rerun_keeps_the_decision(store, target, tmp_path):
    ingest_organisations(store, tmp_path)
    resolve(store, user="nightly")
    with target.view() as view:
        listed = review_list(view, kinds=("organisation",), limit=100)
        assert listed and {c.kind for c in listed} == {"organisation"}
        assert listed == review_list(view, limit=100)  # the store holds no persons: all links are these
        link = next(c for c in listed if {c.left["key"], c.right["key"]} == {"es-register:E1", "ng-case:N2"})
        assert (link.left["country"], link.right["country"]) == ("ARE", "ARE")
        rejected = decide(view, link.id, "rejected")
    assert (rejected.status, rejected.kind, rejected.decided_by) == ("rejected", "organisation", login_name())
    again = resolve(store, user="nightly")
    assert again.organisations is not None and again.organisations.new == 0
    assert organisation_links(store)[(link.left["key"], link.right["key"])]["status"] == "rejected"
    identities = dict(store.read("MATCH (o:Organisation) WHERE o.identity IS NOT NULL RETURN o.key, o.identity").rows)
    assert identities["es-register:E1"] == identities["ng-case:N1"] == identities["ng-case:N2"]  # through N1


def test_a_renamed_organisation_is_scored_again_and_its_stale_candidate_withdrawn(store, tmp_path):
    ingest_organisations(store, tmp_path)
    resolve(store, user="nightly")
    store.write("MATCH (o:Organisation {key: 'ng-case:N2'}) SET o.name = $name", {"name": "Zorvex Mining ООО"})
    summary = resolve(store, user="nightly")
    assert summary.organisations is not None and summary.organisations.new == 1
    links = organisation_links(store)
    assert links[("es-register:E1", "ng-case:N2")]["status"] == "withdrawn"
    assert links[("es-register:E1", "ng-case:N1")]["status"] == "candidate"


POLICY = """\
users:
  {admin}: {{all: true, admin: true}}
  ana: {{countries: [ESP], operations: [OP-MARE], handling_max: H2, review: true}}
"""


def test_a_link_to_an_organisation_the_principal_may_not_see_is_neither_listed_nor_decidable(store, target, tmp_path):
    ingest_organisations(store, tmp_path)
    resolve(store, user="nightly")
    target.write_policy(POLICY.format(admin=json.dumps(login_name())))
    across = pair_id("es-register:E1", "ng-case:N1")
    with target.view(as_user="ana") as view:
        assert review_list(view, statuses=("candidate", "accepted", "rejected", "withdrawn"), min_probability=0.0) == []
        with pytest.raises(NotFound):
            decide(view, across, "accepted")
    with target.view() as view:
        assert across in {c.id for c in review_list(view, limit=100)}
    assert organisation_links(store)[("es-register:E1", "ng-case:N1")]["status"] == "candidate"


@EMBEDDED_ONLY  # the library calls above run on both backends; this is the command line's wording
def test_cli_resolve_reports_organisations_and_review_list_shows_their_kind(store, target: StoreTarget, tmp_path, python):
    ingest_organisations(store, tmp_path)
    store.close()

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([python, "-m", "linkgraph", "--store", target.uri, *args], capture_output=True,
                              text=True, timeout=300, env=target.run_env)

    done = cli("resolve")
    assert done.returncode == 0, done.stderr
    assert "resolved 9 organisations (9 new): " in done.stdout
    listed = cli("review", "list", "--kind", "organisation")
    assert listed.returncode == 0, listed.stderr
    headers = [line for line in listed.stdout.splitlines() if " p=" in line]
    assert len(headers) == 3 and all(line.endswith("  organisation") for line in headers)
    assert "country ARE" in listed.stdout and "same name, +9.0" in listed.stdout
    skipped = cli("resolve", "--no-organisations")
    assert skipped.returncode == 0 and "organisations" not in skipped.stdout


def test_cli_shows_a_principal_a_marker_for_an_organisation_linked_into_a_case_she_may_not_see(store, target, tmp_path,
                                                                                              python):
    ingest_organisations(store, tmp_path)
    resolve(store, user="nightly")
    store.close()
    target.write_policy(POLICY.format(admin=json.dumps(login_name())))
    listed = subprocess.run([python, "-m", "linkgraph", "--store", target.uri, "--as", "ana", "review", "list"],
                            capture_output=True, text=True, timeout=300, env=target.run_env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == [
        "restricted match: organisation es-register:E1 also appears in a case owned by NGA (handling H1); ask the owner",
        "nothing to review"]
    assert not any(hidden in listed.stdout for hidden in ("AL NOOR", "ng-case", "Аль", "NG-2025-031"))
    refused = subprocess.run([python, "-m", "linkgraph", "--store", target.uri, "--as", "ana", "review", "accept",
                              pair_id("es-register:E1", "ng-case:N1")],
                             capture_output=True, text=True, timeout=300, env=target.run_env)
    assert refused.returncode == 1 and "no SAME_AS link with id" in refused.stderr


def test_a_report_names_an_organisation_link_across_cases_as_an_organisation() -> None:
    from linkgraph.analysis.model import ResultGraph
    from linkgraph.report.content import links_in_graph

    def node(key: str, name: str, case: str) -> dict:
        return {"id": f"Organisation:{key}", "label": "Organisation", "key": key, "caption": name, "cases": [case],
                "records": [], "props": {"name": name}}

    graph = ResultGraph(nodes=[node("a:1", "Al-Noor Trading LLC", "ES-1"), node("b:1", "AL NOOR TRADING L.L.C.", "NG-1")],
                        relationships=[{"source": "Organisation:a:1", "target": "Organisation:b:1", "type": "SAME_AS",
                                        "props": {"status": "candidate", "probability": 0.97, "evidence": []}}])
    [link] = links_in_graph(graph)
    assert (link.kind, link.evidence) == ("organisation", ("resolved as the same organisation",))
