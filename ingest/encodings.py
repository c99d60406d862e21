"""The text encoding of a source file: declared, or told from its bytes (BOM, UTF-8, Windows cp1252),
including files that mix UTF-8 lines with Windows ones."""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

from linkgraph.errors import InvalidData

__all__ = ["CHUNK", "MIXED", "detect_encoding"]

CHUNK = 1 << 20
# UTF-32 first: its little-endian BOM begins with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
#: Decode errors handler of a file that mixes UTF-8 lines with Windows (cp1252) ones: bytes that are not
#: UTF-8 are read as cp1252 (Latin-1 for the five bytes cp1252 leaves undefined), valid UTF-8 stays UTF-8.
MIXED = "linkgraph-utf8-else-cp1252"
log = logging.getLogger("linkgraph.ingest")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("cp1252", errors="replace") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else bytes([b]).decode("latin-1") for b in bad), error.end


codecs.register_error(MIXED, _cp1252_fallback)


def detect_encoding(path: Path, declared: str | None) -> tuple[str, str]:
    """Return the encoding and decode-errors handler to read ``path`` with, checking the whole file
    decodes; raise ``InvalidData`` if not.

    Declared encodings are obeyed; otherwise a BOM decides, then strict UTF-8, then cp1252 (Windows
    exports), then Latin-1 for the five bytes cp1252 leaves undefined. A file with both valid UTF-8
    (non-ASCII) lines and lines that are not UTF-8 is read line by line (``MIXED``), with a warning
    naming the lines that were read as cp1252, so its good UTF-8 rows are not turned into mojibake.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
    candidates = [declared] if declared else [enc for bom, enc in _BOMS if head.startswith(bom)][:1] or ["utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        except LookupError:
            raise InvalidData(f"{path}: unknown encoding {encoding!r} in the mapping") from None
        line, chunk = 1, b""
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    line += decoder.decode(chunk).count("\n")
                decoder.decode(b"", final=True)
            return encoding, "strict"
        except UnicodeDecodeError as error:
            line += error.object[: error.start].count(b"\n")
            if declared:
                raise InvalidData(f"{path}: line {line}: bytes that are not {declared} (byte 0x{error.object[error.start]:02x}); "
                                  "nothing of this file was read") from None
            if encoding in ("utf-8", "utf-8-sig") and _mixed(path):
                return encoding, MIXED
    raise InvalidData(f"{path}: cannot tell the text encoding")  # latin-1 decodes anything; kept for clarity


def _mixed(path: Path) -> bool:
    """True when ``path`` has valid non-ASCII UTF-8 lines as well as lines that are not UTF-8 (then warn)."""
    utf8, other = 0, []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other.append(number)
    if utf8 and other:
        shown = ", ".join(map(str, other[:10])) + (f" and {len(other) - 10} more" if len(other) > 10 else "")
        log.warning("%s: mixed encodings: line%s %s not UTF-8, read as Windows cp1252; the other lines as UTF-8",
                    path, "s" if len(other) > 1 else "", shown + (" are" if len(other) > 1 else " is"))
        return True
    return False
