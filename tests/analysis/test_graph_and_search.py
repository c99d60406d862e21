"""Paths, networks, ranks, communities and search, against networkx over the whole graph and on tiny stores."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from conftest import StoreTarget
from linkgraph.access.view import login_name
from linkgraph.analysis import graph as analysis
from linkgraph.analysis.search import resolve_entity, search, skeleton
from linkgraph.errors import UsageError
from tests.analysis.conftest import Generated

THRESHOLD = 0.9
HUBS = ("Case", "Location")


@pytest.fixture(scope="module")
def plain(generated_store: Any) -> nx.Graph:
    """The generated store as an undirected graph of keys, SAME_AS only where accepted or above threshold."""
    with generated_store.ready().open(create=False) as store:
        full = store.subgraph()
    graph = nx.Graph()
    for node, data in full.nodes(data=True):
        if data["label"] != "Record":
            graph.add_node(node, **data)
    for a, b, data in full.edges(data=True):
        if data["type"] != "SAME_AS" or data.get("status") == "accepted" or (
                data.get("status") == "candidate" and data["probability"] >= THRESHOLD):
            graph.add_edge(a, b)
    return graph


def _cli(target: StoreTarget, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "linkgraph"), "--store", target.uri, *args],
                          capture_output=True, text=True, timeout=300, env=target.run_env)


def test_shortest_paths_have_networkx_length(generated: Generated, plain: nx.Graph) -> None:
    persons = sorted(n for n, d in plain.nodes(data=True) if d["label"] == "Person")
    checked = 0
    for source, target in zip(persons[::37], persons[5::37]):
        try:
            expected = nx.shortest_path_length(plain, source, target)
        except nx.NetworkXNoPath:
            expected = None
        with generated.target.view() as view:
            _, found = analysis.paths(view, source.split(":", 1)[1], target.split(":", 1)[1], max_hops=8)
        if expected is None or expected > 8:
            assert found == []
        else:
            assert len(found) == 1 and len(found[0]) - 1 == expected
            assert all(plain.has_edge(a, b) for a, b in zip(found[0], found[0][1:]))
            checked += 1
    assert checked


def test_network_joins_the_given_entities(generated: Generated, plain: nx.Graph) -> None:
    persons = [n for n, d in plain.nodes(data=True) if d["label"] == "Person"]
    ends = [persons[0]] + [n for n in persons[1:] if nx.has_path(plain, persons[0], n)
                           and nx.shortest_path_length(plain, persons[0], n) <= 4][:2]
    with generated.target.view() as view:
        result = analysis.network(view, [e.split(":", 1)[1] for e in ends], max_hops=4)
    got = nx.Graph([(r["source"], r["target"]) for r in result.relationships])
    assert all(nx.has_path(got, a, b) for a in ends for b in ends)


def test_degree_rank_matches_networkx(generated: Generated, plain: nx.Graph) -> None:
    hubs = plain.subgraph([n for n, d in plain.nodes(data=True) if d["label"] not in HUBS])
    expected = sorted(hubs.degree(), key=lambda nd: (-nd[1], plain.nodes[nd[0]]["key"]))[:10]
    with generated.target.view() as view:
        result, approximate = analysis.rank(view, "degree", top=10)
    assert [(n["id"], n["props"]["score"]) for n in result.nodes] == [(n, d) for n, d in expected]
    assert not approximate


def test_pagerank_eigenvector_betweenness_and_communities_run(generated: Generated) -> None:
    case = generated.truth_links[0]["case_a"]
    with generated.target.view() as view:
        for measure in ("pagerank", "eigenvector", "betweenness"):
            result, _ = analysis.rank(view, measure, cases=[case], top=5)
            assert len(result.nodes) == 5 and all(case in n["cases"] or n["label"] == "Person" for n in result.nodes)
        found = analysis.communities(view)
    numbers = [n["props"]["community"] for n in found.nodes]
    assert len({n["id"] for n in found.nodes}) == len(found.nodes) and max(numbers) > 1
    assert all(numbers.count(k) >= 3 for k in set(numbers))


def test_commands_print_tables_and_write_their_graph(generated: Generated, tmp_path: Path, plain: nx.Graph) -> None:
    store = generated.target
    out = tmp_path / "rank.json"
    done = _cli(store, "rank", "--measure", "degree", "--top", "3", "--out", str(out))
    assert done.returncode == 0 and done.stdout.splitlines()[0].split() == ["label", "key", "caption", "cases", "score"]
    assert len(json.loads(out.read_text())["nodes"]) == 3
    done = _cli(store, "communities", "--format", "csv")
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "label,key,caption,cases,community"
    persons = sorted(n.split(":", 1)[1] for n, d in plain.nodes(data=True) if d["label"] == "Person")
    done = _cli(store, "path", persons[0], persons[1], "--format", "json", "--max-hops", "8")
    assert done.returncode == 0 and set(json.loads(done.stdout)) == {"nodes", "relationships", "hits", "paths"}


ARABIC = """
CREATE (:Case {key: 'C1', country_key: 'ESP', handling_code: 'H2', cases: ['C1']}),
       (:Case {key: 'C2', country_key: 'MAR', handling_code: 'H2', cases: ['C2']}),
       (:Person {key: 'es:1', name: 'Muhammad Elamrani', name_key: 'muhammad elamrani', cases: ['C1']}),
       (:Person {key: 'ma:1', name: 'محمد العمراني', name_key: 'mhmd lmrny', cases: ['C2']}),
       (:Person {key: 'es:2', name: 'Maria Lopez', name_key: 'maria lopez', cases: ['C1']}),
       (:Phone {key: '+34600112233', number: '+34600112233', cases: ['C1']})
"""


@pytest.fixture
def arabic(store: Any, target: StoreTarget) -> StoreTarget:
    store.write(ARABIC)
    return target


def test_search_finds_other_spellings_and_scripts(arabic: StoreTarget) -> None:
    with arabic.view() as view:
        found = search(view, "Mohamed El Amrani")
        assert [f.key for f in found][:2] in (["es:1", "ma:1"], ["ma:1", "es:1"])
        assert all(f.score >= 80 for f in found[:2]) and "es:2" not in [f.key for f in found[:2]]
        assert [f.key for f in search(view, "600 11 22 33", types=["Phone"])] == ["+34600112233"]
        assert resolve_entity(view, "Maria Lopez") == "es:2"
        with pytest.raises(UsageError, match="does not name one entity"):
            resolve_entity(view, "Mohamed El Amrani")
    assert skeleton("mohamed el amrani") == skeleton("mhmd lmrny") == "mhmdlmrn"


def test_search_sees_only_visible_cases(arabic: StoreTarget) -> None:
    arabic.write_policy(f"users:\n  {json.dumps(login_name())}: {{all: true, admin: true}}\n"
                                        "  ana: {countries: [ESP]}\n")
    with arabic.view(as_user="ana") as view:
        assert [f.key for f in search(view, "Mohamed El Amrani")] == ["es:1"]


@pytest.mark.parametrize("text", ["'", "`", "}) DETACH DELETE n //", "x" * 5000, "a\x00b", "\u200fمحمد\u200e", "%*|~@"])
def test_hostile_search_text_is_only_text(arabic: StoreTarget, text: str) -> None:
    with arabic.view() as view:
        try:
            found: list[Any] = search(view, text)
        except UsageError:
            found = []
        assert all(f.label in ("Person", "Phone", "Case") for f in found)
    with arabic.open(create=False) as store:
        assert store.read("MATCH (n) WHERE NOT n:AuditEvent RETURN count(n)").scalar() == 6
