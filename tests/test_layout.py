"""The house's shape: one installed package, the CLI on top, no import circles."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import networkx as nx

import linkgraph


def _modules() -> dict[str, Path]:
    """Every module of the installed ``linkgraph`` package, by dotted name, with its file."""
    found: dict[str, Path] = {}
    pending = ["linkgraph"]
    while pending:
        name = pending.pop()
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        found[name] = Path(spec.origin)
        for folder in spec.submodule_search_locations or []:
            for entry in sorted(Path(folder).iterdir()):
                if entry.suffix == ".py" and entry.name != "__init__.py":
                    found[f"{name}.{entry.stem}"] = entry
                elif entry.is_dir() and (entry / "__init__.py").exists():
                    pending.append(f"{name}.{entry.name}")
    return found


def _import_graph() -> nx.DiGraph:
    """Edges module -> linkgraph module it imports, at any depth in the file (lazy imports count too)."""
    modules = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}" if base else parent
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("linkgraph"):
                    graph.add_edge(name, target)
    return graph


def test_the_package_has_no_import_circle() -> None:
    graph = _import_graph()
    circles = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    # a package's __init__ importing its own submodules is not a circle unless a submodule imports it back
    assert circles == []


def test_nothing_imports_the_command_line() -> None:
    graph = _import_graph()
    importers = {a for a, b in graph.edges if b.startswith("linkgraph.cli") and not a.startswith("linkgraph.cli")}
    assert importers == {"linkgraph.__main__"}  # `python -m linkgraph`: the entry point itself


def test_the_store_layer_imports_nothing_above_it() -> None:
    graph = _import_graph()
    above = ("linkgraph.ingest", "linkgraph.resolve", "linkgraph.cli", "linkgraph.scenarios", "linkgraph.demo")
    climbing = sorted((a, b) for a, b in graph.edges if a.startswith("linkgraph.store") and b.startswith(above))
    assert climbing == []


def test_the_folders_install_under_one_package_and_claim_no_generic_name(tmp_path: Path) -> None:
    for name in ("linkgraph.ingest.pipeline", "linkgraph.queries", "linkgraph.mappings", "linkgraph.scenarios"):
        assert importlib.util.find_spec(name) is not None, name
    for generic in ("ingest", "queries", "mappings", "scenarios"):
        done = subprocess.run([sys.executable, "-c", f"import {generic}"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode != 0, f"'import {generic}' works outside the repository"


def test_every_command_is_assembled_on_the_cli_without_side_effect_imports() -> None:
    code = "from linkgraph.cli import cli; print(' '.join(sorted(cli.commands)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["alerts", "audit", "case", "communities", "cypher", "demo", "detect", "export",
                                   "generate", "ingest", "init", "links", "mapping", "network", "path", "policy",
                                   "query", "rank", "report", "resolve", "review", "search", "server", "status", "watchlist"]


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    code = ("import sys; import linkgraph.cli; "
            "print(' '.join(m for m in ('pandas', 'splink', 'duckdb', 'networkx', 'falkordb', 'neo4j', 'redis') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_package_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    assert linkgraph.__version__ == version("linkgraph")


def test_key_lookups_in_named_queries_cover_every_entity_label_of_the_model() -> None:
    from linkgraph.model import load_model
    from linkgraph.named_queries import load_query

    for name in ("provenance", "relationship_provenance", "entity_profile", "neighbourhood"):
        text = load_query(name).text
        looked_up = {line.split("(n:")[1].split(" ")[0] for line in text.splitlines() if "(n:" in line}
        assert looked_up == set(load_model().entities) - {"Alert"}, name
