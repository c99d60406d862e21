"""Dates: as precise as the source, in the order the mapping declares, never invented."""

from __future__ import annotations

import datetime as dt

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.dates import normalise_date


@pytest.mark.parametrize(
    ("raw", "options", "key", "display"),
    [
        ("1987-03-05", {}, "1987-03-05", "1987-03-05"),
        ("1987-3-5", {}, "1987-03-05", "1987-03-05"),
        ("1987-03", {}, "1987-03", "1987-03"),
        ("1987", {}, "1987", "1987"),
        (" 1987 ", {}, "1987", "1987"),
        ("05/03/1987", {"order": "dmy"}, "1987-03-05", "1987-03-05"),
        ("05/03/1987", {"order": "mdy"}, "1987-05-03", "1987-05-03"),
        ("5.3.1987", {}, "1987-03-05", "1987-03-05"),
        ("05-03-1987", {}, "1987-03-05", "1987-03-05"),
        ("12/31/1999", {"order": "mdy"}, "1999-12-31", "1999-12-31"),
        ("1987/03/05", {"order": "ymd"}, "1987-03-05", "1987-03-05"),
        ("1987/03/05", {"order": "dmy"}, "1987-03-05", "1987-03-05"),
        ("03/1987", {}, "1987-03", "1987-03"),
        ("3.1987", {}, "1987-03", "1987-03"),
        ("03/1987", {"order": "mdy"}, "1987-03", "1987-03"),
        ("1987/03", {"order": "ymd"}, "1987-03", "1987-03"),
        ("5 March 1987", {}, "1987-03-05", "1987-03-05"),
        ("March 5, 1987", {"order": "dmy"}, "1987-03-05", "1987-03-05"),
        ("5th of March 1987", {}, "1987-03-05", "1987-03-05"),
        ("Mar 1987", {}, "1987-03", "1987-03"),
        ("05-MAR-1987", {}, "1987-03-05", "1987-03-05"),
        ("mars 1987", {}, "1987-03", "1987-03"),
        ("1er août 1987", {}, "1987-08-01", "1987-08-01"),
        ("17 décembre 1990", {}, "1990-12-17", "1990-12-17"),
        ("5 de marzo de 1987", {}, "1987-03-05", "1987-03-05"),
        ("1º de enero de 2000", {}, "2000-01-01", "2000-01-01"),
        ("septiembre 2001", {}, "2001-09", "2001-09"),
        ("29/02/1988", {}, "1988-02-29", "1988-02-29"),
        ("1987-03-05T00:00:00", {}, "1987-03-05", "1987-03-05"),
        ("1987-03-05 14:30:00", {}, "1987-03-05", "1987-03-05"),
        (dt.date(1987, 3, 5), {}, "1987-03-05", "1987-03-05"),
        (dt.datetime(1987, 3, 5, 23, 59), {}, "1987-03-05", "1987-03-05"),
        (1987, {}, "1987", "1987"),
        (1987.0, {}, "1987", "1987"),
        ("1900", {}, "1900", "1900"),
        ("2100-12-31", {}, "2100-12-31", "2100-12-31"),
        ("19560316", {"order": "ymd"}, "1956-03-16", "1956-03-16"),
        ("16031956", {"order": "dmy"}, "1956-03-16", "1956-03-16"),
        ("03161956", {"order": "mdy"}, "1956-03-16", "1956-03-16"),
        ("19450493", {"order": "ymd", "keep_possible": True}, "1945-04", "1945-04"),
        ("19804103", {"order": "ymd", "keep_possible": True}, "1980", "1980"),
        ("19600086", {"order": "ymd", "keep_possible": True}, "1960", "1960"),
        ("19560300", {"order": "ymd", "keep_possible": True}, "1956-03", "1956-03"),
        ("31/02/1987", {"keep_possible": True}, "1987-02", "1987-02"),
        ("19560316", {"order": "ymd", "keep_possible": True}, "1956-03-16", "1956-03-16"),
    ],
)
def test_dates(raw: object, options: dict[str, str], key: str, display: str) -> None:
    result = normalise_date(raw, **options)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(
    ("raw", "parts"),
    [
        ("1987", {"year": 1987, "month": None, "day": None, "precision": "year"}),
        ("03/1987", {"year": 1987, "month": 3, "day": None, "precision": "month"}),
        ("mars 1987", {"year": 1987, "month": 3, "day": None, "precision": "month"}),
        ("05/03/1987", {"year": 1987, "month": 3, "day": 5, "precision": "day"}),
    ],
)
def test_partial_dates_stay_partial(raw: str, parts: dict[str, object]) -> None:
    result = normalise_date(raw)
    assert isinstance(result, Value)
    assert result.parts == parts


def test_day_and_month_follow_the_declared_order() -> None:
    dmy, mdy = normalise_date("05/03/1987", order="dmy"), normalise_date("05/03/1987", order="mdy")
    assert isinstance(dmy, Value) and isinstance(mdy, Value)
    assert (dmy.parts["month"], mdy.parts["month"]) == (3, 5)


def test_a_date_kept_possible_says_how_precise_it_is() -> None:
    result = normalise_date("19450493", order="ymd", keep_possible=True)
    assert isinstance(result, Value)
    assert result.parts == {"year": 1945, "month": 4, "day": None, "precision": "month"}


def test_a_day_over_twelve_is_not_swapped_to_fit() -> None:
    result = normalise_date("25/12/1999", order="mdy")
    assert isinstance(result, Invalid)
    assert "no such month 25" in result.reason


@pytest.mark.parametrize(
    ("raw", "options", "reason"),
    [
        ("31/02/1987", {}, "no such day"),
        ("29/02/1987", {}, "no such day"),
        ("1987-02-30", {}, "no such day"),
        ("0/03/1987", {}, "no such day"),
        ("31 April 1990", {}, "no such day"),
        ("13/13/1987", {}, "no such month 13"),
        ("1987-00", {}, "no such month 0"),
        ("05/03/87", {}, "two-digit year '87' is ambiguous"),
        ("03/87", {}, "two-digit year '87' is ambiguous"),
        ("87", {}, "two-digit year '87' is ambiguous"),
        ("87/03/05", {"order": "ymd"}, "two-digit year '87' is ambiguous"),
        ("5 March 87", {}, "two-digit year '87' is ambiguous"),
        ("1899", {}, "year 1899 is outside 1900-2100"),
        ("2101-01-01", {}, "year 2101 is outside 1900-2100"),
        (1850, {}, "year 1850 is outside"),
        (dt.date(1850, 1, 1), {}, "year 1850 is outside"),
        ("5 March", {}, "no four-digit year"),
        ("March March 1987", {}, "not a date"),
        ("yesterday", {}, "not a date: 'yesterday'"),
        ("1987-03-05-01", {}, "not a date"),
        ("", {}, "empty value"),
        (None, {}, "empty value"),
        ("05/03/1987", {"order": "dym"}, "unknown date order 'dym'"),
        ("19560316", {"order": "dmy"}, "year 316 is outside"),
        ("19450493", {"order": "ymd"}, "no such day"),
        ("19804103", {"order": "ymd"}, "no such month 41"),
        ("18990316", {"order": "ymd", "keep_possible": True}, "year 1899 is outside"),
        ("195603", {"order": "ymd"}, "not a four-digit year"),
    ],
)
def test_invalid_dates(raw: object, options: dict[str, str], reason: str) -> None:
    result = normalise_date(raw, **options)
    assert isinstance(result, Invalid)
    assert reason in result.reason
