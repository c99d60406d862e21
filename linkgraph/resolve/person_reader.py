"""Reading the persons resolution compares: every one, or only those ingest touched since the last run.

Reading every person costs about a minute on a store of 700,000 persons (the whole nightly budget),
while a night adds a few hundred. So the frame read by a run is kept beside the store
(``frame_path``), and the next run reads only what changed since:

- ingest labels every ``Person`` it writes, and every ``Person`` it gives a document or phone,
  ``Unresolved`` (``store.bulk.UNRESOLVED``);
- a run moves that label to ``Resolving`` as it starts, then reads the ``Resolving`` persons and
  takes every other one from the kept frame; a person ingest touches from then on is labelled
  ``Unresolved`` again and waits for the next run;
- once the run has written its pairs and marked its persons resolved, it keeps the new frame, names
  it on its ``ResolutionRun`` (``person_frame_saved``) and removes ``Resolving``. A run killed before
  that leaves ``Resolving`` in place: the next one reads those persons again.

With the frame, each person's prepared rows are kept (``person_frame.prepare_rows``: the cleaned and
derived matching columns of that person alone), so a run prepares only the persons it read.

The kept frame is used only when it is the one the store names (the last run that kept a frame, so
a copy left by another host on the same Neo4j database is not), when it was read with the columns
the model reads today and prepared by today's code, and when its persons and the ones read add up
to the store's count; otherwise every person is read, as on a store's first run.

The frame is read as one string per person (fields joined by a unit separator) and one per document
or phone held: the client then parses one value per row instead of fifteen, which is most of the
cost of reading 100,000 persons. Pages are ranges of internal node ids, so no query sorts.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from linkgraph.files import store_file
from linkgraph.resolve.model_columns import person_field_expressions
from linkgraph.resolve import name_forms
from linkgraph.resolve import person_frame as person_frame_module
from linkgraph.resolve.person_frame import PERSON_COLUMNS, PREPARED_SCHEMA, SCALAR_COLUMNS, person_frame, prepare_rows
from linkgraph.runs import now
from linkgraph.store.base import FIELD_SEPARATOR, Store, one_string
from linkgraph.store.bulk import PERSON_FACTS, RESOLVING, UNRESOLVED

__all__ = ["PersonRead", "frame_path", "keep_frame", "read_persons"]

_SEPARATOR = FIELD_SEPARATOR
_IN_PAGE = "WHERE id(p) >= $low AND id(p) < $high"
_ID_RANGE = "MATCH (p:Person) RETURN min(id(p)), max(id(p))"
ID_PAGE = 250_000
#: Label moves per statement: one statement per 50,000 persons keeps a Neo4j transaction small.
_MOVE_BATCH = 50_000
_FORMAT = 1  # of the kept frame's metadata; another value is not read
_PREPARED = "prepared:"  # the kept file's columns of prepared rows: their names after it
_LIST_COLUMNS = [name for name in PERSON_COLUMNS if name not in SCALAR_COLUMNS]


def _person_fields() -> list[str]:
    """The Cypher expressions read per person: the resolution columns as the model feeds them
    (``model_columns``), then the fingerprint stored when the person was last resolved."""
    return [*person_field_expressions(list(SCALAR_COLUMNS)), "p.resolved_fingerprint"]


def _persons_query(fields: list[str], match: str = "MATCH (p:Person)") -> str:
    return f"{match} {_IN_PAGE} RETURN " + one_string(fields)


def _held_queries(match: str = "MATCH (p:Person)") -> dict[str, str]:
    """Per list column, the query of the documents or phones the persons hold (``PERSON_FACTS``)."""
    held = {}
    for column, rel_type in (("doc_keys", "HOLDS"), ("phone_keys", "USES")):
        target = PERSON_FACTS[rel_type]
        held[column] = (f"{match}-[:{rel_type}]->(x:{target}) {_IN_PAGE} "
                        f"RETURN p.key + '{_SEPARATOR}' + x.key")
    return held


@dataclass
class PersonRead:
    """The persons of one read: the frame, the fingerprints of those changed since they were last
    resolved (key -> fingerprint), whether every person was read (``whole``) or only the touched ones
    (``touched`` of them), and whether this read moved the labels (``claimed``: ``keep_frame`` ends it).
    ``prepared_rows()`` gives the frame's ``person_frame.prepare_rows``, kept with the frame too: on a
    store of 700,000 persons preparing every one costs 7 s a run, the night's new ones nothing."""

    frame: pd.DataFrame
    changed: dict[str, str]
    whole: bool
    touched: int = 0
    claimed: bool = False
    fields: list[str] = field(default_factory=list)
    rows: pa.Table | None = None

    def prepared_rows(self) -> pa.Table:
        if self.rows is None:
            self.rows = prepare_rows(self.frame)
        return self.rows


def frame_path(store: Store) -> Path:
    """Where the person frame of the last run is kept."""
    return store_file(store, "resolution-frame.parquet", "frames")


def read_persons(store: Store, *, claim: bool = True) -> PersonRead:
    """Read the store's persons, from the kept frame and the touched persons when it may be used (see
    the module docstring), else every one. ``claim`` moves ``Unresolved`` to ``Resolving`` first (a
    resolution run, which then calls ``keep_frame``); without it the touched persons are read and no
    label moves (a reader that marks nothing resolved: link-only runs, watchlists)."""
    fields = _person_fields()
    if claim:
        _move(store, UNRESOLVED, RESOLVING)
    kept = _kept_frame(store, fields)
    if kept is not None:
        kept_frame, kept_rows = kept
        labels = [RESOLVING] if claim else [RESOLVING, UNRESOLVED]
        columns, stored = _read(store, fields, [f"MATCH (p:{label})" for label in labels])
        touched = person_frame(columns)
        stays = ~kept_frame["ref"].isin(set(touched["ref"]))
        frame = pd.concat([kept_frame[stays], touched], ignore_index=True)
        [[count]] = store.read("MATCH (p:Person) RETURN count(p)").rows
        if len(frame) == int(count):
            rows = kept_rows.filter(pa.array(stays.to_numpy()))
            if len(touched):
                rows = pa.concat_tables([rows, prepare_rows(touched)])
            return PersonRead(frame, _changed(columns, stored), False, len(touched), claim, fields, rows)
    columns, stored = _read(store, fields, ["MATCH (p:Person)"])
    return PersonRead(person_frame(columns), _changed(columns, stored), True, len(columns["ref"]), claim, fields)


def keep_frame(store: Store, read: PersonRead, run_id: str) -> str | None:
    """End a claimed read: keep its frame for the next run (written aside, then moved into place), name
    it on run ``run_id``, and remove ``Resolving`` from the persons it read. Return a warning when the
    file cannot be written (a full disk): the run's work stands, its persons keep ``Resolving``, and the
    next run reads them again."""
    if not read.claimed:
        return None
    path = frame_path(store)
    aside = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        _write_frame(read, run_id, path, aside)
    except OSError as error:
        with contextlib.suppress(OSError):
            aside.unlink(missing_ok=True)
        return (f"the person frame could not be kept in {path} ({error.strerror or error}): the next run "
                "reads these persons again")
    store.write("MATCH (r:ResolutionRun {key: $run}) SET r.person_frame_saved = $now", {"run": run_id, "now": now()})
    _move(store, RESOLVING, None)
    return None


def _write_frame(read: PersonRead, run_id: str, path: Path, aside: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    table = pa.Table.from_pandas(read.frame, preserve_index=False)
    for column in read.prepared_rows().column_names:
        table = table.append_column(_PREPARED + column, read.prepared_rows()[column])
    meta = {"format": _FORMAT, "run": run_id, "fields": read.fields, "prepared_by": _prepared_by()}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"linkgraph": json.dumps(meta).encode()})
    # names and dates of birth: created 0600, never through a symlink (as every file of case data)
    with os.fdopen(os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600), "wb") as handle:
        pq.write_table(table, handle)
    os.replace(aside, path)


def _prepared_by() -> str:
    """A digest of the code that prepares rows (``person_frame``, ``name_forms``): kept rows prepared
    by other code are not used."""
    digest = hashlib.sha1()
    for module in (person_frame_module, name_forms):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _kept_frame(store: Store, fields: list[str]) -> tuple[pd.DataFrame, pa.Table] | None:
    """The kept frame and its prepared rows, when it is the one the store names, was read with ``fields``
    and prepared by today's code; else None."""
    path = frame_path(store)
    if not path.is_file():
        return None
    try:
        schema = pq.read_schema(path)
        meta = json.loads((schema.metadata or {}).get(b"linkgraph", b"{}"))
    except (OSError, ValueError, pa.ArrowException):
        return None  # unreadable or not ours: every person is read, and the next run keeps a good one
    latest = store.read("MATCH (r:ResolutionRun) WHERE r.person_frame_saved IS NOT NULL "
                        "RETURN r.key ORDER BY r.person_frame_saved DESC LIMIT 1").rows
    if (not isinstance(meta, dict) or meta.get("format") != _FORMAT or meta.get("fields") != fields or meta.get("prepared_by") != _prepared_by()
            or not latest or latest[0][0] != meta.get("run")):
        return None
    try:
        table = pq.read_table(path)
    except (OSError, ValueError, pa.ArrowException):
        return None
    prepared = [name for name in table.column_names if name.startswith(_PREPARED)]
    rows = table.select(prepared).rename_columns([name[len(_PREPARED):] for name in prepared])
    plain = table.drop_columns(prepared)
    if plain.column_names != list(PERSON_COLUMNS) or rows.schema != PREPARED_SCHEMA:
        return None
    # The frame holds Python lists: taken from Arrow as lists (0.4 s for 714,000 persons), not through
    # pandas' numpy arrays and a list() of each (2.5 s), which a nightly run paid on every person.
    kept = plain.drop_columns(_LIST_COLUMNS).to_pandas()
    for column in _LIST_COLUMNS:
        kept[column] = [value if value is not None else [] for value in plain.column(column).to_pylist()]
    return person_frame(kept[list(PERSON_COLUMNS)]), rows


def _move(store: Store, label: str, to: str | None) -> None:
    """Move ``label`` to ``to`` (or remove it) on every person holding it, a batch per statement."""
    relabel = f"SET p:{to} " if to else ""
    while True:
        [[moved]] = store.write(f"MATCH (p:{label}) WITH p LIMIT {_MOVE_BATCH} {relabel}REMOVE p:{label} "
                                "RETURN count(p)").rows
        if int(moved) < _MOVE_BATCH:
            return


def _read(store: Store, fields: list[str], matches: list[str]) -> tuple[dict[str, Any], list[str]]:
    """Read the persons each of ``matches`` finds (each once): their frame columns and stored fingerprints."""
    held: dict[str, dict[str, list[str]]] = {"doc_keys": {}, "phone_keys": {}}
    rows: list[list[str]] = []
    seen: set[str] = set()
    for match in matches:
        persons, held_queries = _persons_query(fields, match), _held_queries(match)
        if store.id_function == "id":
            low, high = store.read(_ID_RANGE.replace("MATCH (p:Person)", match)).rows[0]
            pages = [{"low": start, "high": start + ID_PAGE}
                     for start in range(int(low or 0), int(high if high is not None else -1) + 1, ID_PAGE)]
        else:  # Neo4j: id() is deprecated and elementId() has no range to page by; one streamed read each
            pages = [{}]
            persons = persons.replace(_IN_PAGE, "")
            held_queries = {column: query.replace(_IN_PAGE, "") for column, query in held_queries.items()}
        for page in pages:
            for [text] in store.read(persons, page).rows:
                values = text.split(_SEPARATOR)
                if len(values) != len(fields):
                    values = _one_person(store, fields, text.split(_SEPARATOR, 1)[0])
                if values[0] not in seen:
                    seen.add(values[0])
                    rows.append(values)
            for column, query in held_queries.items():
                for [text] in store.read(query, page).rows:
                    key, _, value = text.partition(_SEPARATOR)
                    held[column].setdefault(key, []).append(value)
    columns: dict[str, Any] = {name: [row[i] or None for row in rows] for i, name in enumerate(SCALAR_COLUMNS)}
    for column, by_person in held.items():
        columns[column] = [sorted(set(by_person.get(key, ()))) for key in columns["ref"]]
    return columns, [row[-1] for row in rows]


def _changed(columns: dict[str, Any], stored: list[str]) -> dict[str, str]:
    """The persons of ``columns`` whose fingerprint differs from the one stored when last resolved."""
    changed = {}
    scalars = [columns[name] for name in SCALAR_COLUMNS]
    for values, docs, phones, previous in zip(zip(*scalars), columns["doc_keys"], columns["phone_keys"], stored):
        text = _SEPARATOR.join(value or "" for value in values)
        fingerprint = hashlib.sha1("\x1e".join((text, *docs, "", *phones)).encode()).hexdigest()[:16]
        if previous != fingerprint:
            changed[values[0]] = fingerprint
    return changed


def _one_person(store: Store, fields: list[str], key: str) -> list[str]:
    """One person's fields read one by one: for the rare value that holds the separator itself."""
    query = "MATCH (p:Person {key: $key}) RETURN " + ", ".join(fields)
    [row] = store.read(query, {"key": key}).rows
    return ["" if value is None else str(value) for value in row]
