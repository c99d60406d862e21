"""Stores for the analysis tests: a generated multi-country scenario (ingested and resolved once per
session), and tiny hand-made stores built in each test."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.resolve.service import resolve
from linkgraph.scenarios import generate
from linkgraph.store.embedded import EmbeddedStore
from linkgraph.store.server import kill_server

GENERATED_CASES = 30
GENERATED_SEED = 11


@dataclass
class Generated:
    """A generated scenario: its files, its store directory and its planted case links."""

    data_dir: Path
    store_dir: Path
    truth_links: list[dict[str, str]]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """30 generated cases ingested with their shipped mappings and resolved."""
    root = tmp_path_factory.mktemp("analysis-gen")
    data_dir, store_dir = root / "data", root / "store"
    generate(data_dir, cases=GENERATED_CASES, seed=GENERATED_SEED)
    with EmbeddedStore(store_dir) as store:
        store.init_schema()
        ingest_manifest(store, data_dir / "manifest.json", rejects_dir=root / "rejects", user="test")
        resolve(store, user="test")
    with open(data_dir / "truth/case_links.csv", encoding="utf-8", newline="") as fh:
        truth = list(csv.DictReader(fh))
    yield Generated(data_dir, store_dir, truth)
    kill_server(store_dir)
