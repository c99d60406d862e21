"""Limits on what an input file may hold, checked by the readers before a value can reach the store.

A value the database cannot take (a NUL character, a lone surrogate, NaN or Infinity), one far larger
than any real field, or a record nested deeper than any real case file makes its row a bad row, with
the reason; the rest of the file is ingested. A workbook whose size claims would exhaust memory is
refused whole, before it is read.
"""

from __future__ import annotations

import math
import re
import zipfile
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

from linkgraph.errors import InvalidData

#: Longest text value (characters) of one field: the standard CSV module's own field limit.
MAX_FIELD_CHARS = 128 * 1024
#: Deepest nesting of a JSON record (objects and arrays).
MAX_DEPTH = 64
#: Most cells a worksheet may claim (rows x columns of its used area): about 1.3 GB of cells in memory.
MAX_SHEET_CELLS = 40_000_000
#: A workbook part that unpacks to more than this many bytes ...
MAX_PART_BYTES = 64 * 1024 * 1024
#: ... at more than this ratio of unpacked to packed size is refused as a zip bomb.
MAX_PACK_RATIO = 200
#: Most entities one ``foreach`` may make from one row, and most pairings a relationship may check in one row.
MAX_FOREACH_ITEMS = 10_000
MAX_ROW_PAIRS = 1_000_000

_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON escapes that decode to a refused character: NUL, or half of a surrogate pair.
_JSON_ESCAPE = re.compile(r"\\u0000|\\u[dD][89a-fA-F]")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_CELL = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_CELL_REF = re.compile(rb'r="([A-Z]*)([0-9]+)"')  # a cell's reference, or a row's number (no letters)
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as a value (too long, a NUL, a lone surrogate), or None."""
    if len(text) > MAX_FIELD_CHARS:
        return f"a value of {len(text):,} characters (the limit is {MAX_FIELD_CHARS:,})"
    if "\x00" in text:
        return "a NUL character in a value"
    surrogate = _SURROGATE.search(text)
    if surrogate:
        return f"a lone surrogate (\\u{ord(surrogate.group()):04x}) in a value; it is no character"
    return None


def value_problem(value: Any) -> str | None:
    """Why the record ``value`` (JSON-like) cannot be stored, or None: checks every string, key and
    number in it and its depth, without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        kind = type(item)
        if kind is str:
            problem = text_problem(item)
        elif kind is float:
            problem = None if math.isfinite(item) else f"a number that is not finite ({item!r})"
        elif kind is dict or kind is list:
            if depth >= MAX_DEPTH:
                return f"nested deeper than {MAX_DEPTH} levels"
            children = list(item.items()) if kind is dict else item
            for child in children:
                if kind is dict:
                    key, child = child
                    problem = text_problem(str(key))
                    if problem:
                        return f"{problem} (a key)"
                stack.append((child, depth + 1))
            continue
        else:
            continue
        if problem:
            return problem
    return None


def json_line_suspect(line: str) -> bool:
    """Cheap test: could this JSON text hold something ``value_problem`` refuses? (else skip the walk)."""
    return (len(line) > MAX_FIELD_CHARS or ("\\u" in line and _JSON_ESCAPE.search(line) is not None)
            or "NaN" in line or "Infinity" in line
            or (line.count("{") + line.count("[") > MAX_DEPTH and _too_deep(line)))


def _too_deep(text: str) -> bool:
    """True when the JSON ``text`` may nest deeper than ``MAX_DEPTH`` (never False when it does): with only
    its brackets kept, each pass removes the innermost one or two levels, so brackets left after
    ``MAX_DEPTH // 2`` passes mean a depth over ``MAX_DEPTH``, or near it, or brackets inside strings;
    the exact walk decides."""
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKET)  # bytes: one C pass
    for _ in range(MAX_DEPTH // 2):
        if not brackets:
            return False
        brackets = brackets.replace(b"{}", b"").replace(b"[]", b"")
    return bool(brackets)


def _column_number(letters: bytes) -> int:
    number = 0 if letters else 1
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_workbook(path: Path) -> None:
    """See ``_check_workbook``; a workbook is checked once per process (each of its tables opens it)."""
    info = path.stat()
    _check_workbook(path.absolute(), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=64)
def _check_workbook(path: Path, size: int, mtime_ns: int) -> None:
    """Refuse, before calamine reads it, a workbook that would exhaust memory: a part that unpacks to far
    more than it packs (a zip bomb), or a worksheet claiming more than ``MAX_SHEET_CELLS`` cells (its
    dimension record, or its cell references when it has none). Raise ``InvalidData``; a file that is
    no zip is left to the reader's own refusal."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        for info in archive.infolist():
            if info.file_size > MAX_PART_BYTES and info.file_size > MAX_PACK_RATIO * max(info.compress_size, 1):
                raise InvalidData(f"{path}: part {info.filename} unpacks to {info.file_size:,} bytes from "
                                  f"{info.compress_size:,}; refused as a zip bomb (limit {MAX_PACK_RATIO}x above "
                                  f"{MAX_PART_BYTES // 2**20} MiB)")
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                cells = _claimed_cells(archive, info)
                if cells > MAX_SHEET_CELLS:
                    raise InvalidData(f"{path}: worksheet {info.filename} claims {cells:,} cells (the limit is "
                                      f"{MAX_SHEET_CELLS:,}); refused before reading")


def _claimed_cells(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Rows x columns of the area a worksheet claims: the larger of its dimension record and what its
    cells reach. calamine places a cell by its reference, or after the previous one when it has none,
    so the area is bounded by the farthest reference and by the longest row and the number of rows."""
    claimed, rows, columns, row_tags, widest, carry, tail = 0, 1, 1, 0, 0, 0, b""
    with archive.open(info) as handle:
        while head := handle.read(1 << 20):
            if not tail and (found := _CELL.search(head)) and found.group(2):
                claimed = (int(found.group(4) or found.group(2))
                           * _column_number(found.group(3) or found.group(1) or b"A"))
            block = tail + head
            refs = _CELL_REF.findall(block)
            if refs:  # C-level passes: distinct columns are few, row numbers are compared as numbers once each
                rows = max(rows, max(map(int, set(map(itemgetter(1), refs)))))
                columns = max(columns, max(map(_column_number, set(map(itemgetter(0), refs)))))
            row_opens = head.count(b"<row") + head.count(b":row ") + head.count(b":row>")  # over-counts: safe
            if _cell_tags(head) + row_opens > head.count(b' r="'):  # some cells or rows have no reference:
                pieces = _ROW_TAG.split(head)  # count the cells of each row, carried across blocks
                row_tags += len(pieces) - 1
                counts = [_cell_tags(piece) for piece in pieces]
                counts[0] += carry
                widest, carry = max(widest, *counts), counts[-1]
            tail = block[-64:]
    return max(claimed, max(rows, row_tags) * max(columns, widest))


def _cell_tags(xml: bytes) -> int:
    """How many cell elements ``xml`` opens (``<c ...>``, ``<c>``, ``<c/>``, or with a namespace prefix)."""
    return (xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b"<c/") + xml.count(b":c ") + xml.count(b":c>")
            + xml.count(b":c/"))
