"""Render query results as a table, CSV or JSON for the command line.

JSON and CSV are the stable forms for scripts: JSON is a list of objects keyed by column name, CSV has
a header row. The table is for people and may change.

Data is hostile until shown otherwise: the table escapes control characters (so a stored terminal
escape sequence cannot drive the analyst's terminal), JSON escapes the C1 controls JSON itself leaves
raw, and CSV prefixes text cells that a spreadsheet would run as a formula with ``'`` (``csv_safe``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkgraph.store.base import QueryResult

FORMATS = ("table", "csv", "json")
# C0 and C1 controls, DEL, and the invisible bidirectional and zero-width marks that can disguise text.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_C1 = re.compile("[\x7f-\x9f\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def printable(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character (and escape sequence starter) shown as ``\\xNN``/``\\uNNNN``;
    newlines kept when ``keep_newlines`` (multi-line messages)."""
    if keep_newlines:
        return "\n".join(_CONTROL.sub(_escape, line) for line in text.split("\n"))
    return _CONTROL.sub(_escape, text)


def csv_safe(value: str) -> str:
    """A text cell made inert for spreadsheets: one starting with = + - @ tab or CR gets a leading ``'``."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(values: list[Any]) -> list[Any]:
    """A row for a CSV writer with every text cell made inert by ``csv_safe`` (numbers stay numbers)."""
    return [csv_safe(v) if isinstance(v, str) else v for v in values]


def _csv_cell(value: Any) -> Any:
    """One CSV cell as ``render`` writes it: text made inert (``csv_safe``), numbers as they are, lists and
    dicts as JSON, None empty. One call per cell, text first: a whole-store ``links --format csv`` writes
    720,000 cells, and the three calls per cell this replaces took 0.95 s of it against 0.76 s."""
    if type(value) is str:
        return "'" + value if value.startswith(_FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return value
    return csv_safe(_cell(value))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def render(result: QueryResult, fmt: str) -> str:
    """Return ``result`` rendered as ``fmt`` (table, csv or json), ending without a newline."""
    if fmt == "json":
        text = json.dumps(result.records(), ensure_ascii=False, indent=2, default=str)
        return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([_csv_cell(column) for column in result.columns])
        writer.writerows([[_csv_cell(v) for v in row] for row in result.rows])
        return buffer.getvalue().rstrip("\n")
    return table(result.columns, [[_cell(v) for v in row] for row in result.rows])


def table(columns: list[str], rows: list[list[str]]) -> str:
    """Return an aligned plain-text table with a header rule, and a row count line; control characters
    in the cells are escaped."""
    if not columns:
        return "(no rows)"
    columns = [printable(c) for c in columns]
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    widths = [min(w, 60) for w in widths]

    def line(cells: list[str]) -> str:
        return "  ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w) for c, w in zip(cells, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
