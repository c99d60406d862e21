"""Adjacency matrices: a square table whose first row and first column name the same persons (or
phones, organisations...) and whose cells are weights, or 0/1. One record per cell that holds a link.

A matrix file is read as delimited text (``reader: {format: matrix}``, with the CSV options: encoding,
delimiter, skip_lines, comment). Each cell that is neither empty nor 0 becomes the record
``{row, column, weight, file}`` (``file`` is the file name without its extension: a matrix per phase
or case is told apart by it), located ``line:column`` (``5:3``: line 5, third column), so provenance
names the cell. A row whose name is not one of the column names breaks the square: that row is a bad
row, rejected with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from linkgraph.errors import InvalidData
from linkgraph.ingest.readers import CsvReader, Reader, SourceRow, open_reader

MATRIX_COLUMNS = ["row", "column", "weight", "file"]
_ZERO = frozenset({"", "0", "0.0", "0,0"})


class MatrixReader(Reader):
    """One adjacency matrix, streamed row by row, one record per non-zero cell."""

    def check(self) -> None:
        self.cells = CsvReader(self.path, {**self.options, "format": "csv"})
        self.cells.check()
        header = self.cells.columns or []
        self.names = header[1:]
        if not self.names or len(set(self.names)) != len(self.names) or not all(self.names):
            raise InvalidData(f"{self.path}: an adjacency matrix needs a header row of distinct names after its corner cell")
        self.columns = list(MATRIX_COLUMNS)

    def rows(self) -> Iterator[SourceRow]:
        known, file = set(self.names), self.path.stem
        for row in self.cells.rows():
            if row.blank or row.problem:
                yield row
                continue
            values = list(row.record.values())
            name = values[0].strip()
            if name not in known:
                yield SourceRow(row.locator, row.record, f"matrix row {name!r} is not one of the column names "
                                                         "(a matrix names the same entities across and down)")
                continue
            for index, (column, cell) in enumerate(zip(self.names, values[1:]), start=2):
                weight = cell.strip()
                if weight not in _ZERO:
                    yield SourceRow(f"{row.locator}:{index}", {"row": name, "column": column, "weight": weight,
                                                               "file": file}, None, f"{row.raw}\x1f{index}")


def open_source(path: Path, options: dict[str, Any]) -> Reader:
    """Return a checked reader for ``path``: a matrix, or any format ``readers.open_reader`` knows."""
    if options.get("format") == "matrix":
        reader = MatrixReader(path, options)
        reader.check()
        return reader
    return open_reader(path, options)
