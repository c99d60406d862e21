"""The rejects file of an ingest: one line per rejected row or quarantined value, with file, line, field,
reason, the action taken and the raw row; created on the first bad row only."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from linkgraph.files import open_private
from linkgraph.ingest.readers import SourceRow
from linkgraph.output import csv_row

__all__ = ["REJECT_COLUMNS", "Rejects"]

REJECT_COLUMNS = ["file", "line", "field", "reason", "action", "raw"]


class Rejects:
    """The rejects file, created on the first bad row or value only; also counts blank and filtered rows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self.values = 0
        self.blank = 0
        self.filtered = 0
        self._handle: Any = None
        self._writer: Any = None

    def add(self, file: Path, row: SourceRow, field_name: str, reason: str, action: str = "reject_row") -> None:
        """Write one line: a rejected row (``action`` reject_row), or a bad value of a stored row."""
        if self._writer is None:
            self._handle = open_private(self.path)
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REJECT_COLUMNS)
        raw = json.dumps(row.record, ensure_ascii=False, default=str)
        row_out = [str(file), row.locator, field_name, reason, action, raw]  # lone surrogates written as \udXXX, cells inert
        self._writer.writerow(csv_row([c.encode("utf-8", "backslashreplace").decode("utf-8") for c in row_out]))
        if action == "reject_row":
            self.count += 1
        else:
            self.values += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
