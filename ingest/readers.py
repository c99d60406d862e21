"""Readers: CSV/TSV, JSON arrays, NDJSON and XLSX, streamed row by row with the line each row came from.

Every reader first checks the whole file (``check``): encoding, format, header. A file that fails the
check is refused whole with ``InvalidData`` naming file and problem, before anything is written. Then
``rows`` streams ``SourceRow``s; memory does not grow with the file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from linkgraph.errors import InvalidData
from linkgraph.ingest.encodings import CHUNK, detect_encoding
from linkgraph.ingest.limits import (MAX_DEPTH, MAX_FIELD_CHARS, check_workbook, json_line_suspect, text_problem,
                                     value_problem)

_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass
class SourceRow:
    """One record: where it is (``locator``: a line number, or ``sheet:row``), its fields, or why it is unreadable."""

    locator: str
    record: dict[str, Any]
    problem: str | None = None
    raw: str | None = None  # the row's text as read, when the format has one (fingerprints the record)
    blank: bool = False  # a row with no value at all (only separators): counted, never transformed
    field: str | None = None  # the field a ``problem`` is about (a join's key columns), else the whole row
    file: Path | None = None  # the file the row is from, when not the one being read (a lookup table's bad row)


class Reader:
    """Base reader: ``check()`` the whole file, then ``columns`` and ``rows()``."""

    columns: list[str] | None = None

    def __init__(self, path: Path, options: dict[str, Any]) -> None:
        self.path = path
        self.options = options

    def check(self) -> None:
        """Raise ``InvalidData`` when the file cannot be read at all."""
        if not self.path.is_file():
            raise InvalidData(f"{self.path}: no such file")
        if self.path.stat().st_size == 0:
            raise InvalidData(f"{self.path}: the file is empty")

    def rows(self) -> Iterator[SourceRow]:  # pragma: no cover - abstract
        """Stream the records."""
        raise NotImplementedError


class _Lines:
    """The lines of a text file, with the first ``skip`` lines and lines starting with ``comment`` blanked.

    Blanked lines are handed on as empty lines (so the csv module's line numbers stay those of the
    file) and remembered in ``dropped``, so the reader leaves them out instead of counting them blank.
    """

    def __init__(self, handle: Any, skip: int, comment: str | None) -> None:
        self.handle, self.skip, self.comment = handle, skip, comment
        self.dropped: set[int] = set()
        self.number = 0
        self.active = bool(skip or comment)  # else read the file itself (no per-line step in Python)

    def __iter__(self) -> Iterator[str]:
        for line in self.handle:
            self.number += 1
            if self.number <= self.skip or (self.comment and line.lstrip().startswith(self.comment)):
                self.dropped.add(self.number)
                yield "\n"
            else:
                yield line


class CsvReader(Reader):
    """Delimited text: delimiter declared or sniffed among , ; tab |; the first row is the header.

    ``skip_lines: N`` leaves out the first N lines (a title above the header); ``comment: "#"`` leaves
    out lines that start with it, wherever they are.
    """

    def _lines(self, handle: Any) -> _Lines:
        return _Lines(handle, int(self.options.get("skip_lines") or 0), self.options.get("comment") or None)

    def check(self) -> None:
        super().check()
        self.encoding, self.errors = detect_encoding(self.path, self.options.get("encoding"))
        with self.path.open(encoding=self.encoding, errors=self.errors, newline="") as handle:
            lines = self._lines(handle)
            sample = "".join(line for line, _ in zip(lines, range(2000)) if lines.number not in lines.dropped)
        declared = self.options.get("delimiter") or ("\t" if self.options.get("format") == "tsv" else None)
        if declared:
            self.delimiter = declared
        else:
            try:
                self.delimiter = csv.Sniffer().sniff(sample.split("\n", 20)[0] if sample else sample, ",;\t|").delimiter
            except csv.Error:
                self.delimiter = ","
        controls = len(_CONTROL.findall(sample))
        first = sample.split("\n", 1)[0]
        if _CONTROL.search(first) or controls > max(16, len(sample) // 20):  # random bytes: about 1 in 9
            raise InvalidData(f"{self.path}: not a text table ({controls:,} control characters in the first "
                              f"{len(sample):,}, {'some' if _CONTROL.search(first) else 'none'} in the header "
                              "line); is this a binary file?")
        header = next(csv.reader(sample.splitlines()[:1], delimiter=self.delimiter), [])
        self.columns = [h.strip() for h in header]
        if not any(self.columns):
            raise InvalidData(f"{self.path}: no header row")

    def rows(self) -> Iterator[SourceRow]:
        with self.path.open(encoding=self.encoding, errors=self.errors, newline="") as handle:
            lines = self._lines(handle)
            reader = csv.reader(lines if lines.active else handle, delimiter=self.delimiter)
            header = next(reader, None)
            while header == [] and reader.line_num in lines.dropped:  # skipped lines above the header
                header = next(reader, None)
            previous = reader.line_num
            width = len(self.columns or [])
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:  # a field over csv's own limit (MAX_FIELD_CHARS); the reader goes on after it
                    start, previous = previous + 1, reader.line_num
                    yield SourceRow(str(start), {"_fields": []}, f"unreadable row: {error}")
                    continue
                start, previous = previous + 1, reader.line_num
                if not fields and start in lines.dropped:
                    continue
                if not fields or all(not f.strip() for f in fields):
                    yield SourceRow(str(start), {}, None, None, True)
                    continue
                raw = "\x1f".join(fields)
                problem = None if len(fields) == width else f"row has {len(fields)} fields, the header has {width}"
                if problem is None and ("\x00" in raw or len(raw) > MAX_FIELD_CHARS):
                    problem = next(filter(None, map(text_problem, fields)), None)
                if problem:
                    yield SourceRow(str(start), {"_fields": [f[:2000] for f in fields]}, problem, raw)
                    continue
                yield SourceRow(str(start), dict(zip(self.columns or [], fields)), None, raw)


class NdjsonReader(Reader):
    """One JSON object per line; a line that is not JSON is a bad row, unless it is the first (wrong format)."""

    def check(self) -> None:
        super().check()
        self.encoding, self.errors = detect_encoding(self.path, self.options.get("encoding"))
        with self.path.open(encoding=self.encoding, errors=self.errors) as handle:
            for line in handle:
                if line.strip():
                    try:
                        if not isinstance(json.loads(line), dict):
                            raise ValueError("not an object")
                    except (ValueError, RecursionError):
                        raise InvalidData(f"{self.path}: line 1 is not a JSON object; is this file NDJSON?") from None
                    break

    def rows(self) -> Iterator[SourceRow]:
        with self.path.open(encoding=self.encoding, errors=self.errors) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                text = {"_text": line.rstrip("\n")[:2000]}
                try:
                    record = json.loads(line)
                except ValueError as error:
                    yield SourceRow(str(number), text, f"not valid JSON: {getattr(error, 'msg', error)}")
                    continue
                except RecursionError:
                    yield SourceRow(str(number), text, f"nested deeper than {MAX_DEPTH} levels")
                    continue
                if not isinstance(record, dict):
                    yield SourceRow(str(number), text, "a line must hold a JSON object")
                    continue
                problem = value_problem(record) if json_line_suspect(line) else None
                if problem:
                    yield SourceRow(str(number), text, problem)
                    continue
                yield SourceRow(str(number), record, None, line)


class JsonReader(Reader):
    """A JSON array of objects, streamed element by element.

    Written by hand because the standard library has no streaming JSON parser: ``raw_decode`` pulls one
    element at a time from a sliding buffer, so a file of any size is read in constant memory.
    """

    def check(self) -> None:
        super().check()
        self.encoding, self.errors = detect_encoding(self.path, self.options.get("encoding"))
        for _ in self._elements():
            pass

    def _elements(self) -> Iterator[tuple[int, Any]]:
        decoder = json.JSONDecoder()
        with self.path.open(encoding=self.encoding, errors=self.errors) as handle:
            buffer, position, line, started = "", 0, 1, False
            while True:
                chunk = handle.read(CHUNK)
                buffer = buffer[position:] + chunk
                position = 0
                while True:
                    while position < len(buffer) and buffer[position] in " \t\r\n,":
                        line += buffer[position] == "\n"
                        position += 1
                    if position >= len(buffer):
                        break
                    if not started:
                        if buffer[position] != "[":
                            raise InvalidData(f"{self.path}: line {line}: a JSON file must hold an array of records")
                        started, position = True, position + 1
                        continue
                    if buffer[position] == "]":
                        return
                    try:
                        element, end = decoder.raw_decode(buffer, position)
                    except RecursionError:
                        raise InvalidData(f"{self.path}: line {line}: a record nested deeper than Python can "
                                          "read; nothing of this file was read") from None
                    except ValueError as error:
                        if chunk:  # maybe the element continues in the next chunk
                            break
                        raise InvalidData(f"{self.path}: line {line + buffer.count(chr(10), position, error.pos)}: "
                                          f"not valid JSON ({getattr(error, 'msg', error)})") from None
                    yield line, element
                    line += buffer.count("\n", position, end)
                    position = end
                if not chunk:
                    raise InvalidData(f"{self.path}: the JSON array is not closed")

    def rows(self) -> Iterator[SourceRow]:
        for index, (line, element) in enumerate(self._elements(), start=1):
            if not isinstance(element, dict):
                yield SourceRow(str(line), {"_value": str(element)[:2000]}, f"record {index} is not a JSON object")
            elif problem := value_problem(element):
                yield SourceRow(str(line), {"_value": f"record {index}"}, problem)
            else:
                yield SourceRow(str(line), element)


class XlsxReader(Reader):
    """One sheet of an XLSX workbook, read with calamine; the first row is the header.

    calamine (Rust) reads a sheet about ten times faster than openpyxl, whose read-only mode also
    re-reads every sheet whole when the workbook has no dimension records (as exports often lack).
    The sheet being read is held in memory (a sheet has at most 1,048,576 rows). Values come back as
    openpyxl gives them: empty cells as None, whole numbers as int, dates as datetime.
    """

    def check(self) -> None:
        super().check()
        from python_calamine import CalamineWorkbook

        check_workbook(self.path)
        try:
            self.workbook = CalamineWorkbook.from_path(str(self.path))
        except Exception as error:  # calamine's CalamineError, ZipError, XmlError... for a file that is no workbook
            raise InvalidData(f"{self.path}: not an XLSX workbook ({type(error).__name__})") from None
        sheet = self.options.get("sheet")
        names = self.workbook.sheet_names
        if sheet and sheet not in names:
            raise InvalidData(f"{self.path}: no sheet {sheet!r}; sheets: {', '.join(names)}")
        self.sheet = sheet or names[0]
        header = next(self._rows(), None)
        if not header:
            raise InvalidData(f"{self.path}: sheet {self.sheet!r} is empty")
        self.columns = ["" if h is None else str(h).strip() for h in header]

    def _rows(self) -> Iterator[list[Any]]:
        """The sheet's rows from row 1, each as wide as the used area from column A, values as openpyxl gives them."""
        sheet = self.workbook.get_sheet_by_name(self.sheet)
        if sheet.start is None:  # no cell at all
            return
        # calamine yields every row from row 1 (empty ones first) but only the columns from the first
        # used one: pad those in front so the values line up with column A.
        padding = [None] * sheet.start[1]
        for values in sheet.iter_rows():
            yield padding + [_xlsx_value(v) for v in values]

    def rows(self) -> Iterator[SourceRow]:
        rows = self._rows()
        next(rows, None)
        for number, values in enumerate(rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                yield SourceRow(f"{self.sheet}:{number}", {}, None, None, True)
                continue
            # calamine's strings are valid Unicode: only their length and NUL characters need a look
            texts = [v for v in values if type(v) is str]
            joined = "".join(texts)
            problem = (next(filter(None, map(text_problem, texts)), None)
                       if "\x00" in joined or len(joined) > MAX_FIELD_CHARS else None)
            if problem:
                yield SourceRow(f"{self.sheet}:{number}", {"_cells": [str(v)[:2000] for v in values]}, problem)
                continue
            yield SourceRow(f"{self.sheet}:{number}", dict(zip(self.columns or [], values)))

    def close(self) -> None:
        """Release the workbook."""
        self.workbook.close()


def _xlsx_value(value: Any) -> Any:
    """A calamine cell as openpyxl reads it: ``""`` (empty) as None, whole numbers as int, dates as datetime."""
    kind = type(value)
    if kind is str:
        return value or None
    if kind is float and value.is_integer() and abs(value) < 1e15:  # Excel keeps 15 significant digits
        return int(value)
    if kind is date:
        return datetime(value.year, value.month, value.day)
    return value


READERS: dict[str, type[Reader]] = {"csv": CsvReader, "tsv": CsvReader, "ndjson": NdjsonReader,
                                    "json": JsonReader, "xlsx": XlsxReader}


def open_reader(path: Path, options: dict[str, Any]) -> Reader:
    """Return a checked reader for ``path`` with the mapping's reader ``options``; raise ``InvalidData``."""
    reader = READERS[options["format"]](path, options)
    reader.check()
    return reader
