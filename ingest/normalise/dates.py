"""Dates, kept exactly as precise as the source: a year, a year and month, or a full day.

Nothing is invented: ``1987`` stays ``1987``, not ``1987-01-01``, because a victim recorded as born in
1987 must not look like one born on New Year's Day. Numeric dates are read in the order the mapping
declares (``dmy``, ``mdy`` or ``ymd``), never guessed from the numbers; the one exception is a
four-digit first number (``1987/03/05``), which can only be a year. Two-digit years are refused: '87'
could be 1987 or 2087 and the source knows which, not us.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

from .base import Invalid, Result, Value
from .codes import fold, text_of

DateOrder = Literal["dmy", "mdy", "ymd"]
_ORDERS = ("dmy", "mdy", "ymd")
MIN_YEAR, MAX_YEAR = 1900, 2100

_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "enero", "ene"),
    2: ("february", "feb", "fevrier", "fevr", "fev", "febrero"),
    3: ("march", "mar", "mars", "marzo"),
    4: ("april", "apr", "avril", "avr", "abril", "abr"),
    5: ("may", "mai", "mayo"),
    6: ("june", "jun", "juin", "junio"),
    7: ("july", "jul", "juillet", "juil", "julio"),
    8: ("august", "aug", "aout", "agosto", "ago"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "setiembre", "set"),
    10: ("october", "oct", "octobre", "octubre"),
    11: ("november", "nov", "novembre", "noviembre"),
    12: ("december", "dec", "decembre", "diciembre", "dic"),
}
_MONTHS = {word: number for number, words in _MONTH_WORDS.items() for word in words}
# Little words around a written date: "5 de marzo de 1987", "the 5th of March", "le 1er mars".
_FILLERS = frozenset({"de", "del", "of", "the", "le", "el", "on"})

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# A time of day after the date (JSON and database exports): dropped, a birth time is never meant.
_TIME = re.compile(r"[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?$")
_NUMERIC = re.compile(r"(\d+)([/.\-])(\d+)(?:\2(\d+))?")
# Ordinal days after folding: 1st, 2nd, 5th, 1er, 1o / 1a (from 1º, 1ª).
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th|er|re|o|a)")


def _value(year: int, month: int | None, day: int | None, raw: str, keep_possible: bool = False) -> Result:
    """Check the pieces and build the ``Value`` (or say which piece is impossible).

    With ``keep_possible`` an impossible month or day is dropped rather than refused: the date keeps
    the precision its possible pieces give (a month 00 or 41 leaves the year; a day 00 or 93 leaves
    the year and month).
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Invalid(f"year {year} is outside {MIN_YEAR}-{MAX_YEAR}: {raw!r}")
    if keep_possible:
        if month is not None and not 1 <= month <= 12:
            month, day = None, None
        if month is not None and day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
            day = None
    if month is None:
        return Value(key=f"{year:04d}", display=f"{year:04d}",
                     parts={"year": year, "month": None, "day": None, "precision": "year"})
    if not 1 <= month <= 12:
        return Invalid(f"no such month {month}: {raw!r}")
    if day is None:
        key = f"{year:04d}-{month:02d}"
        return Value(key=key, display=key,
                     parts={"year": year, "month": month, "day": None, "precision": "month"})
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return Invalid(f"no such day: there is no {_ordinal(day)} of {calendar.month_name[month]} in {year}: {raw!r}")
    key = f"{year:04d}-{month:02d}-{day:02d}"
    return Value(key=key, display=key, parts={"year": year, "month": month, "day": day, "precision": "day"})


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _year_last_in_ymd(numbers: list[str], raw: str) -> Invalid:
    """A ``dd/mm/yyyy``-shaped date in a source that writes the year first: say what is true of it."""
    first, second, year = (int(n) for n in numbers)
    readings = [_value(year, month, day, raw) for day, month in ((first, second), (second, first))]
    if all(isinstance(reading, Invalid) for reading in readings):
        if 1 <= second <= 12:
            return readings[0]  # "no such day: there is no 31st of February in 1990"
        return Invalid(f"not a date in any order: no month {first} or {second} in {raw!r}")
    return Invalid(f"the year is last in {raw!r}, but this source writes dates year first (date_order: ymd); "
                   "day and month cannot be told apart")


def _two_digit_year(digits: str, raw: str) -> Invalid:
    return Invalid(f"two-digit year {digits!r} is ambiguous (write it with four digits): {raw!r}")


def _year(digits: str, raw: str) -> int | Invalid:
    """Read a year written with four digits; anything shorter is ambiguous."""
    if len(digits) == 2:
        return _two_digit_year(digits, raw)
    if len(digits) != 4:
        return Invalid(f"year {digits!r} is not a four-digit year: {raw!r}")
    return int(digits)


def _compact(digits: str, order: DateOrder, raw: str, keep_possible: bool) -> Result:
    """Read eight digits without separators in the declared order: ``19870305`` (ymd), ``05031987`` (dmy)."""
    if order == "ymd":
        year, month, day = digits[:4], digits[4:6], digits[6:]
    elif order == "dmy":
        day, month, year = digits[:2], digits[2:4], digits[4:]
    else:
        month, day, year = digits[:2], digits[2:4], digits[4:]
    return _value(int(year), int(month), int(day), raw, keep_possible)


def _numeric(match: re.Match[str], order: DateOrder, raw: str, keep_possible: bool = False) -> Result:
    """Read ``05/03/1987``, ``5.3.1987``, ``03/1987``, ``1987/03`` in the declared order."""
    numbers = [group for group in (match.group(1), match.group(3), match.group(4)) if group is not None]
    if len(numbers) == 2:
        if len(numbers[0]) == 4 or (order == "ymd" and len(numbers[1]) != 4):
            year_digits, month_digits = numbers
        else:
            month_digits, year_digits = numbers
        year = _year(year_digits, raw)
        return year if isinstance(year, Invalid) else _value(year, int(month_digits), None, raw, keep_possible)
    if len(numbers[0]) == 4:
        fields = dict(zip("ymd", numbers))
    elif order == "ymd" and len(numbers[2]) == 4 and len(numbers[0]) <= 2:
        return _year_last_in_ymd(numbers, raw)
    else:
        fields = dict(zip(order[0] + order[1] + order[2], numbers))
    year = _year(fields["y"], raw)
    return year if isinstance(year, Invalid) else _value(year, int(fields["m"]), int(fields["d"]), raw, keep_possible)


def _written(text: str, raw: str) -> Result:
    """Read a date with a month name: ``5 March 1987``, ``mars 1987``, ``5 de marzo de 1987``."""
    tokens = [_ORDINAL.sub(r"\1", token) for token in fold(text).split() if token not in _FILLERS]
    months = [_MONTHS[token] for token in tokens if token in _MONTHS]
    numbers = [token for token in tokens if token.isdigit()]
    if len(months) != 1 or len(months) + len(numbers) != len(tokens) or not 1 <= len(numbers) <= 2:
        return Invalid(f"not a date: {raw!r}")
    years = [number for number in numbers if len(number) == 4]
    days = [number for number in numbers if len(number) != 4]
    if len(years) != 1:
        if not years and len(numbers[-1]) == 2:  # the year comes last in every written form
            return _two_digit_year(numbers[-1], raw)
        return Invalid(f"no four-digit year in date: {raw!r}")
    day = int(days[0]) if days else None
    return _value(int(years[0]), months[0], day, raw)


def normalise_date(raw: object, order: DateOrder = "dmy", keep_possible: bool = False) -> Result:
    """Read a date, keeping its precision (year, month or day).

    Parameters
    ----------
    raw : object
        A string (``"1987-03-05"``, ``"1987-03"``, ``"1987"``, ``"05/03/1987"``, ``"5.3.1987"``,
        ``"03/1987"``, ``"5 March 1987"``, ``"mars 1987"``, ``"5 de marzo de 1987"``, ``"Mar 1987"``),
        a ``datetime.date`` or ``datetime.datetime`` from a spreadsheet reader, or an ``int`` year.
    order : {"dmy", "mdy", "ymd"}
        The order of day, month and year in numeric dates of this source, also for eight digits
        without separators (``19870305`` is read as ymd only when the source says ymd).
    keep_possible : bool
        For sources known to garble dates (a day 00 or 93, a month 41): keep the year, or the year
        and month, instead of refusing the date. Off by default: a date that cannot be read whole
        rejects its row.

    Returns
    -------
    Value or Invalid
        ``key`` and ``display`` are ``"1987"``, ``"1987-03"`` or ``"1987-03-05"``; ``parts`` holds
        ``year``, ``month`` (or ``None``), ``day`` (or ``None``) and ``precision`` ("year", "month",
        "day"). ``Invalid`` for impossible dates ("no such day"), two-digit years, years outside
        1900-2100, an unknown ``order`` and anything else that is not a date.
    """
    if order not in _ORDERS:
        return Invalid(f"unknown date order {order!r} (expected one of {', '.join(_ORDERS)})")
    if isinstance(raw, dt.date):  # datetime.datetime is a date too; its time is dropped
        return _value(raw.year, raw.month, raw.day, raw.isoformat())
    if isinstance(raw, int) and not isinstance(raw, bool):
        return _value(raw, None, None, str(raw))
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    lowered = _TIME.sub("", text.lower())
    if match := _ISO.fullmatch(lowered):
        year, month, day = match.groups()
        return _value(int(year), int(month) if month else None, int(day) if day else None, text, keep_possible)
    if match := _NUMERIC.fullmatch(lowered):
        return _numeric(match, order, text, keep_possible)
    if len(lowered) == 8 and lowered.isdigit():
        return _compact(lowered, order, text, keep_possible)
    if lowered.isdigit():
        year = _year(lowered, text)
        return year if isinstance(year, Invalid) else _value(year, None, None, text)
    return _written(lowered, text)
