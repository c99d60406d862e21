"""``linkgraph export``: every format read back by the tool (or library) that reads it."""

from __future__ import annotations

import csv
import hashlib
import json
import stat
from pathlib import Path

import networkx as nx
import pytest

from tests.report.conftest import B_ONLY
from conftest import StoreTarget
from tests.report.test_report import linkgraph

CASES = ["--case", "ES-2024-117", "--case", "ES-2024-300"]


def _export(store: StoreTarget, fmt: str, out: Path, *extra: str, user: str | None = None) -> None:
    done = linkgraph(store, "export", "--format", fmt, *extra, "-o", str(out), user=user)
    assert done.returncode == 0, done.stderr
    assert "sha256" in done.stdout


@pytest.fixture(scope="module")
def expected(report_store: StoreTarget, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What the store holds for the two cases, as node-link JSON (the reference for the other formats)."""
    out = tmp_path_factory.mktemp("json") / "graph.json"
    _export(report_store, "json", out, *CASES)
    return json.loads(out.read_text(encoding="utf-8"))


def test_json_is_node_link_that_networkx_reads(expected: dict) -> None:
    g = nx.node_link_graph(expected, edges="links")
    assert g.number_of_nodes() == len(expected["nodes"]) > 5
    assert {d["entity_type"] for _, d in g.nodes(data=True)} >= {"Case", "Person", "Document", "Phone", "Offence"}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_read_back_with_the_same_counts_and_attributes(report_store: StoreTarget, tmp_path: Path,
                                                                       expected: dict, fmt: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    _export(report_store, fmt, out, *CASES)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(out)
    assert g.number_of_nodes() == len(expected["nodes"]) and g.number_of_edges() == len(expected["links"])
    for node in expected["nodes"]:
        attrs = g.nodes[node["id"]]
        assert (attrs["entity_type"], attrs["entity_key"], attrs["label"]) == (node["entity_type"], node["entity_key"], node["label"])
        assert json.loads(attrs["cases"]) == json.loads(node["cases"])  # a list, serialised as JSON text
    rel_types = sorted(d["rel_type"] for *_, d in g.edges(data=True))
    assert rel_types == sorted(link["rel_type"] for link in expected["links"])
    same_as = [d for *_, d in g.edges(data=True) if d["rel_type"] == "SAME_AS"]
    assert [d["p_probability"] for d in same_as] == ["0.91"]  # A3-B3 is one hop out, not in the two cases


def test_csv_is_nodes_and_edges_and_formula_safe(report_store: StoreTarget, tmp_path: Path, expected: dict) -> None:
    out = tmp_path / "csv"
    _export(report_store, "csv", out, *CASES)
    nodes = list(csv.DictReader((out / "nodes.csv").open(encoding="utf-8")))
    edges = list(csv.DictReader((out / "edges.csv").open(encoding="utf-8")))
    assert (len(nodes), len(edges)) == (len(expected["nodes"]), len(expected["links"]))
    cells = [v for row in nodes + edges for v in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert "'=HYPERLINK(\"http://evil.example/x\")" in cells
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert f"{hashlib.sha256((out / 'nodes.csv').read_bytes()).hexdigest()}  nodes.csv" in sums


def test_anb_has_one_row_per_link_with_both_entities(report_store: StoreTarget, tmp_path: Path, expected: dict) -> None:
    out = tmp_path / "anb.csv"
    _export(report_store, "anb", out, *CASES)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == len(expected["links"])
    holds = [r for r in rows if r["Link Type"] == "HOLDS"]
    assert holds and all(r["Entity1 Type"] == "Person" and r["Entity2 Type"] == "Document" for r in holds)
    assert all(r["Source"] for r in holds)


def test_neo4j_admin_files_have_the_import_headers(report_store: StoreTarget, tmp_path: Path, expected: dict) -> None:
    out = tmp_path / "neo4j"
    _export(report_store, "neo4j-admin", out, *CASES)
    persons = list(csv.reader((out / "nodes_Person.csv").open(encoding="utf-8")))
    assert persons[0][:2] == ["id:ID", ":LABEL"] and "cases:string[]" in persons[0]
    rels = list(csv.reader((out / "relationships_HOLDS.csv").open(encoding="utf-8")))
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    total = sum(len(list(csv.reader(p.open(encoding="utf-8")))) - 1 for p in out.glob("nodes_*.csv"))
    assert total == len(expected["nodes"])


def test_ftm_entities_validate_with_followthemoney(report_store: StoreTarget, tmp_path: Path) -> None:
    from followthemoney import model

    out = tmp_path / "graph.ftm.json"
    _export(report_store, "ftm", out, *CASES)
    entities = [model.get_proxy(json.loads(line)) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {e.id: e for e in entities}
    assert all(e.id and all(e.get(p) for p in e.schema.required) for e in entities)
    passports = [e for e in entities if e.schema.name == "Passport"]
    assert len(passports) == 1 and passports[0].get("number") == ["NG1234567"]
    holders = sorted(by_id[h].get("name")[0] for h in passports[0].get("holder"))
    assert holders == ["<img src=x onerror=alert(1)>", "Mohamed El Amrani"]
    same_as = [e for e in entities if e.schema.name == "UnknownLink" and e.get("role")[0].startswith("SAME_AS")]
    assert [e.get("role") for e in same_as] == [["SAME_AS candidate p=0.91"]]
    assert any("operation_a.csv" in note for e in entities for note in e.get("notes"))


def test_user_a_exports_nothing_of_operation_b(report_store: StoreTarget, tmp_path: Path) -> None:
    for fmt in ("json", "ftm", "anb"):
        out = tmp_path / f"x.{fmt}"
        _export(report_store, fmt, out, "--redact", "none", user="ana")
        text = out.read_text(encoding="utf-8")
        assert [s for s in B_ONLY if s in text] == [], fmt
