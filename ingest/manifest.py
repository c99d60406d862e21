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
from linkgraph.ingest.pipeline import IngestGroup, IngestSummary, ingest_groups, plan_ingest
from linkgraph.errors import InvalidData
from linkgraph.files import check_output, ensure_folder
from linkgraph.store.base import Store


_TEXT_KEYS = ("file", "mapping", "source", "country", "case")


def read_manifest(path: Path) -> list[dict]:
    """Return the manifest's entries; raise ``InvalidData`` naming the problem (and the entry) in one line."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidData(f"{path}: cannot read the manifest: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidData(f"{path}: a manifest must be UTF-8 JSON") from None
    except ValueError as error:
        raise InvalidData(f"{path}: not valid JSON: {error}") from None
    except RecursionError:
        raise InvalidData(f"{path}: not a manifest (nested too deep)") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "file" in e and "mapping" in e for e in entries):
        raise InvalidData(f"{path}: a manifest is a JSON list of {{\"file\": ..., \"mapping\": ...}} entries")
    for number, entry in enumerate(entries, start=1):
        for key in _TEXT_KEYS:
            value = entry.get(key)
            if key in ("file", "mapping") and not (isinstance(value, str) and value):
                raise InvalidData(f"{path}: entry {number}: \"{key}\" must be a non-empty text, "
                                  f"not {_kind(value)}")
            if value is not None and not isinstance(value, str):
                raise InvalidData(f"{path}: entry {number}: \"{key}\" must be a text or null, not {_kind(value)}")
    return entries


def _kind(value: object) -> str:
    """How an error names a JSON value's type, without printing the value itself."""
    return {list: "a list", dict: "an object", bool: "true/false", int: "a number", float: "a number",
            str: "an empty text", type(None): "null"}.get(type(value), type(value).__name__)


def entry_path(manifest: Path, file: str, allow_outside: bool = False) -> Path:
    """The file a manifest entry names, relative to the manifest's folder; raise ``InvalidData`` when it
    (or a symlink on the way) leads outside that folder, unless ``allow_outside``."""
    folder = manifest.parent
    path = folder / file
    if allow_outside:
        return path
    if Path(file).is_absolute() or ".." in Path(file).parts:
        raise InvalidData(f"{manifest}: entry {file!r} is outside the manifest's folder {folder}; "
                          "give --allow-outside to read it anyway")
    if not path.resolve().is_relative_to(folder.resolve()):
        raise InvalidData(f"{manifest}: entry {file!r} is a symlink (or in a linked folder) leading outside the "
                          f"manifest's folder {folder}; give --allow-outside to read it anyway")
    return path


def ingest_manifest(store: Store, manifest: Path, *, rejects_dir: Path | None = None, user: str = "unknown",
                    progress: Callable[[int], None] | None = None,
                    allow_outside: bool = False) -> list[IngestSummary]:
    """Ingest every file the manifest lists, grouped by (mapping, source, country), one run per group read
    while the one before is written (``ingest_groups``); return one summary per group.

    Every file of every group is opened and checked against its mapping before anything is written,
    and the rejects folder is created (0700) or refused first too. Entries must stay inside the
    manifest's folder (no ``..``, absolute paths or symlinks leading out) unless ``allow_outside``.
    """
    groups: dict[tuple[str, str | None, str | None], list[Path]] = {}
    for entry in read_manifest(manifest):
        key = (entry["mapping"], entry.get("source"), entry.get("country"))
        groups.setdefault(key, []).append(entry_path(manifest, entry["file"], allow_outside))
    planned = []  # every file of every group opened and checked before the first write
    for (mapping_name, source, country), files in groups.items():
        mapping = load_mapping(mapping_name)
        constants = {"country": country} if country and "country" in mapping.constants else None
        mapping = with_overrides(mapping, source, constants)
        planned.append(IngestGroup(files, mapping, plan_ingest(files, mapping)))
    folder = ensure_folder(rejects_dir) if rejects_dir is not None else manifest.parent
    for group in planned:
        group.rejects_path = check_output(folder / f"rejects-{group.mapping.source}.csv")
    return ingest_groups(store, planned, user=user, progress=progress)
