"""Row-level joins: one record built from a row of a big file and the matching row of a lookup file.

A table says ``join: [{table: subscribers, on: {subscriber_id: id}, as: sub}]``: every row of its file
is matched, by the values of ``on``, with the rows of the files of table ``subscribers`` and gets their
columns as ``sub.<column>`` (``sub.phone``). The mapping then reads them like any other column.

The lookup side is read whole into a dict from key to its rows, and the big side is streamed through
it, one row at a time, in constant memory. A plain dict rather than ``pandas.merge``: the rows come
from linkgraph's own readers (encoding detection, comment lines, bad-row checks, XLSX sheets, line
numbers kept for provenance and the rejects file), which pandas would have to re-read; a merge needs
both sides in memory, while the calls file of a case can be far larger than its subscribers file; and
what happens to a row with no match or with several is decided row by row, with a reason (``how``,
``duplicates``), which ``merge`` only offers as a whole-frame result to pick apart afterwards.

- ``how: inner`` (default): a row whose key matches no lookup row is rejected with the key and the
  lookup file named; ``how: left`` keeps it, without the joined columns (they read as empty).
- ``duplicates: reject`` (default): a key held by several lookup rows that differ rejects the rows
  that match it, naming the lookup lines (identical repeated rows count once); ``first``/``last`` take
  one of them; ``all`` makes one record per matching lookup row (a person with two documents), each
  located ``<line>+<lookup line>`` so provenance names both rows.
- A lookup row that cannot be read goes to the rejects file once, with its own file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkgraph.ingest.normalise.codes import text_of
from linkgraph.ingest.readers import Reader, SourceRow

JOIN_KEYS = ("table", "on", "as", "how", "duplicates")
HOWS = ("inner", "left")
DUPLICATES = ("reject", "first", "last", "all")


@dataclass(frozen=True)
class JoinSpec:
    """One join of a table: the lookup ``table``, the column pairs ``on`` (this table's, the lookup's),
    the ``alias`` its columns are read under (``alias.column``), and what ``how`` and ``duplicates`` cost."""

    table: str
    on: tuple[tuple[str, str], ...]
    alias: str
    how: str
    duplicates: str
    line: int

    def split_column(self, column: str) -> str | None:
        """The lookup column ``column`` names (``sub.phone`` -> ``phone``), or None when it is not a joined one."""
        prefix = f"{self.alias}."
        return column[len(prefix):] if column.startswith(prefix) and len(column) > len(prefix) else None


_Match = tuple[str, dict[str, Any], str]  # lookup locator, record, raw text


class _Index:
    """The rows of a lookup table's files by key, each key's distinct rows in file order."""

    def __init__(self, names: str) -> None:
        self.names = names  # "subscribers.csv" (or several, joined), for reasons
        self.rows: dict[tuple[str, ...], list[_Match]] = {}


class LookupTables:
    """The lookup tables of one ingest: their readers, the indexes built from them (once per table and
    key columns, however many joins use them), and the bad lookup rows already reported."""

    def __init__(self) -> None:
        self.sources: dict[str, list[tuple[Path, Reader]]] = {}
        self._indexes: dict[tuple[str, tuple[str, ...]], _Index] = {}
        self._bad: dict[str, list[SourceRow]] = {}
        self._reported: set[str] = set()

    def add(self, table: str, file: Path, reader: Reader) -> None:
        """Note that ``file``, read by ``reader``, holds rows of lookup table ``table``."""
        self.sources.setdefault(table, []).append((file, reader))

    def index(self, join: JoinSpec) -> _Index:
        """The index of ``join``'s lookup table by its key columns, built on first use."""
        columns = tuple(theirs for _, theirs in join.on)
        found = self._indexes.get((join.table, columns))
        if found is not None:
            return found
        sources = self.sources.get(join.table, [])
        index = _Index(", ".join(file.name for file, _ in sources))
        collect = join.table not in self._bad  # bad lookup rows: gathered once per table
        bad = self._bad.setdefault(join.table, [])
        for file, reader in sources:
            for row in reader.rows():
                if row.blank:
                    continue
                if row.problem:
                    if collect:
                        bad.append(SourceRow(row.locator, row.record, f"lookup table {join.table}: {row.problem}",
                                             row.raw, file=file))
                    continue
                key = tuple(text_of(row.record.get(column)) or "" for column in columns)
                if not all(key):
                    continue  # a lookup row without a key can match nothing
                rows = index.rows.setdefault(key, [])
                if not any(record == row.record for _, record, _ in rows):
                    raw = row.raw if row.raw is not None else json.dumps(row.record, sort_keys=True, default=str)
                    rows.append((row.locator, row.record, raw))
        self._indexes[(join.table, columns)] = index
        return index

    def unreported(self, table: str) -> list[SourceRow]:
        """The bad rows of lookup table ``table`` not yet handed to the rejects file (each once per ingest)."""
        if table in self._reported:
            return []
        self._reported.add(table)
        return self._bad.get(table, [])

    def close(self) -> None:
        """Release the lookup readers (XLSX workbooks)."""
        for sources in self.sources.values():
            for _, reader in sources:
                if hasattr(reader, "close"):
                    reader.close()


class JoinedReader(Reader):
    """A table's reader whose records carry the columns of their matching lookup rows (``alias.column``)."""

    def __init__(self, main: Reader, joins: tuple[JoinSpec, ...], lookups: LookupTables) -> None:
        super().__init__(main.path, main.options)
        self.main, self.joins, self.lookups = main, joins, lookups
        self.columns = main.columns

    def check(self) -> None:
        """The readers were checked when the ingest was planned."""

    def rows(self) -> Iterator[SourceRow]:
        indexes = [(join, self.lookups.index(join)) for join in self.joins]
        for join in self.joins:
            yield from self.lookups.unreported(join.table)
        for row in self.main.rows():
            if row.blank or row.problem:
                yield row
                continue
            yield from self._joined(row, indexes)

    def _joined(self, row: SourceRow, indexes: list[tuple[JoinSpec, _Index]]) -> Iterator[SourceRow]:
        records: list[tuple[str, dict[str, Any], str | None]] = [(row.locator, row.record, row.raw)]
        for join, index in indexes:
            out: list[tuple[str, dict[str, Any], str | None]] = []
            for locator, record, raw in records:
                key = tuple(text_of(record.get(mine)) or "" for mine, _ in join.on)
                matches = index.rows.get(key, []) if all(key) else []
                if not matches:
                    if join.how == "inner":
                        shown = ", ".join(f"{mine} {value!r}" for (mine, _), value in zip(join.on, key))
                        yield SourceRow(row.locator, row.record,
                                        (f"{shown} matches no row of {index.names} (join {join.alias}, how: inner)"
                                         if all(key) else f"{' and '.join(m for (m, _), v in zip(join.on, key) if not v)}"
                                         f" is empty: nothing to join it with (join {join.alias}, how: inner)"),
                                        row.raw, field=",".join(mine for mine, _ in join.on))
                        return
                    out.append((locator, record, raw))
                    continue
                if len(matches) > 1 and join.duplicates == "reject":
                    lines = ", ".join(m[0] for m in matches[:10]) + (" ..." if len(matches) > 10 else "")
                    shown = ", ".join(f"{theirs} {value!r}" for (_, theirs), value in zip(join.on, key))
                    yield SourceRow(row.locator, row.record,
                                    f"{len(matches)} different rows of {index.names} have {shown} (lines {lines}); "
                                    f"join {join.alias} says duplicates: reject (or first, last, all)",
                                    row.raw, field=",".join(mine for mine, _ in join.on))
                    return
                chosen = matches[-1:] if join.duplicates == "last" else matches if join.duplicates == "all" else matches[:1]
                for their_locator, theirs, their_raw in chosen:
                    joined = dict(record)
                    alias = join.alias
                    for column, value in theirs.items():
                        joined[f"{alias}.{column}"] = value
                    out.append((locator if len(chosen) == 1 else f"{locator}+{their_locator}", joined,
                                None if raw is None else f"{raw}\x1e{their_raw}"))  # None: digest of the record
            records = out
        for locator, record, raw in records:
            yield SourceRow(locator, record, None, raw)

    def close(self) -> None:
        """Release the main reader (the lookup readers are released by ``LookupTables``)."""
        if hasattr(self.main, "close"):
            self.main.close()
