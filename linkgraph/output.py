"""Render query results as a table, CSV or JSON for the command line.

JSON and CSV are the stable forms for scripts: JSON is a list of objects keyed by column name, CSV has
a header row. The table is for people and may change.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkgraph.store.base import QueryResult

FORMATS = ("table", "csv", "json")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def render(result: QueryResult, fmt: str) -> str:
    """Return ``result`` rendered as ``fmt`` (table, csv or json), ending without a newline."""
    if fmt == "json":
        return json.dumps(result.records(), ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
    return table(result.columns, [[_cell(v) for v in row] for row in result.rows])


def table(columns: list[str], rows: list[list[str]]) -> str:
    """Return an aligned plain-text table with a header rule, and a row count line."""
    if not columns:
        return "(no rows)"
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]

    def line(cells: list[str]) -> str:
        return "  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
