"""Ingest a self-describing directory: ``manifest.json`` names each file's mapping, source and country.

``linkgraph generate`` writes such directories; a service receiving many files of an operation can
write one too. Each entry: ``{"file", "mapping", "source"?, "country"?}`` with ``file`` relative to the
manifest. Files of one mapping and source are ingested together, so link tables resolve.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from linkgraph.ingest.mapping import load_mapping, with_overrides
from linkgraph.ingest.pipeline import IngestSummary, ingest_files, plan_ingest
from linkgraph.errors import InvalidData
from linkgraph.files import check_output, ensure_folder
from linkgraph.store.base import Store


def read_manifest(path: Path) -> list[dict]:
    """Return the manifest's entries; raise ``InvalidData`` naming the problem."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidData(f"{path}: cannot read the manifest: {error.strerror}") from None
    except ValueError as error:
        raise InvalidData(f"{path}: not valid JSON: {error}") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "file" in e and "mapping" in e for e in entries):
        raise InvalidData(f"{path}: a manifest is a JSON list of {{\"file\": ..., \"mapping\": ...}} entries")
    return entries


def ingest_manifest(store: Store, manifest: Path, *, rejects_dir: Path | None = None, user: str = "unknown",
                    progress: Callable[[int], None] | None = None) -> list[IngestSummary]:
    """Ingest every file the manifest lists, grouped by (mapping, source, country); return one summary per group.

    Every file of every group is opened and checked against its mapping before anything is written,
    and the rejects folder is created (0700) or refused first too.
    """
    groups: dict[tuple[str, str | None, str | None], list[Path]] = {}
    for entry in read_manifest(manifest):
        key = (entry["mapping"], entry.get("source"), entry.get("country"))
        groups.setdefault(key, []).append(manifest.parent / entry["file"])
    planned = []  # every file of every group opened and checked before the first write
    for (mapping_name, source, country), files in groups.items():
        mapping = load_mapping(mapping_name)
        constants = {"country": country} if country and "country" in mapping.constants else None
        mapping = with_overrides(mapping, source, constants)
        planned.append((files, mapping, plan_ingest(files, mapping)))
    folder = ensure_folder(rejects_dir) if rejects_dir is not None else manifest.parent
    rejects = {mapping.source: check_output(folder / f"rejects-{mapping.source}.csv") for _, mapping, _ in planned}
    return [ingest_files(store, files, mapping, rejects_path=rejects[mapping.source], user=user, progress=progress,
                         plans=plans) for files, mapping, plans in planned]
