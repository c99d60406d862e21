"""Stores for the analysis tests: a generated multi-country scenario (ingested and resolved once per
session), and tiny hand-made stores built in each test."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import BACKENDS, StoreTarget, shared_store
from linkgraph.ingest.manifest import ingest_manifest
from linkgraph.resolve.service import resolve
from linkgraph.scenarios import generate
from linkgraph.store.base import Store

GENERATED_CASES = 30
GENERATED_SEED = 11


@dataclass
class Generated:
    """A generated scenario: its files, its store (of one backend) and its planted case links."""

    data_dir: Path
    target: StoreTarget
    truth_links: list[dict[str, str]]


@pytest.fixture(scope="session")
def generated_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 30 generated cases' files (generated once for both backends)."""
    data_dir = tmp_path_factory.mktemp("analysis-gen") / "data"
    generate(data_dir, cases=GENERATED_CASES, seed=GENERATED_SEED)
    return data_dir


@pytest.fixture(scope="session", params=BACKENDS)
def generated_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                    generated_files: Path) -> Iterator[object]:
    """30 generated cases ingested with their shipped mappings and resolved, once per backend (on Neo4j
    again only when a test emptied the database since)."""

    def build(store: Store, target: StoreTarget) -> None:
        assert target.home is not None
        ingest_manifest(store, generated_files / "manifest.json", rejects_dir=target.home / "rejects", user="test")
        resolve(store, user="test")

    with shared_store(request, tmp_path_factory, "generated", build) as shared:
        yield shared


@pytest.fixture
def generated(generated_store: object, generated_files: Path) -> Generated:
    """The generated scenario's store of each backend, ready to read."""
    with open(generated_files / "truth/case_links.csv", encoding="utf-8", newline="") as fh:
        truth = list(csv.DictReader(fh))
    return Generated(generated_files, generated_store.ready(), truth)  # type: ignore[attr-defined]
