"""The person frame: one row per ``Person`` node, the input of resolution.

The store layer builds it from the graph; resolution only reads it. ``prepare_person_frame`` adds the
derived matching columns (phonetic codes, sorted name tokens, a compact full date) and hands back an
Arrow table with fixed types, so DuckDB never has to guess a column's type from a sample of nulls.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jellyfish
import pandas as pd
import pyarrow as pa

from linkgraph.errors import InvalidData
from linkgraph.resolve.block_keys import add_block_keys
from linkgraph.ingest.normalise.codes import fold
from linkgraph.resolve.name_forms import consonant_skeleton, without_article, written_without_vowels

#: Input columns and their pandas dtypes. Every column but ``ref`` may be null.
PERSON_COLUMNS: dict[str, str] = {
    "ref": "string",
    "source": "string",
    "given_key": "string",
    "surname_key": "string",
    "name_key": "string",
    "birth_year": "Int64",
    "birth_month": "Int64",
    "birth_day": "Int64",
    "sex": "string",
    "nationality": "string",
    "doc_keys": "object",
    "phone_keys": "object",
    "address_key": "string",
    "postcode": "string",
    "locality": "string",
    "region": "string",
}

_LIST_COLUMNS = ("doc_keys", "phone_keys")
#: The columns read from the person's own properties (the lists come from the documents and phones held).
SCALAR_COLUMNS = tuple(c for c in PERSON_COLUMNS if c not in _LIST_COLUMNS)
_STRING_COLUMNS = tuple(c for c, t in PERSON_COLUMNS.items() if t == "string")
_INT_COLUMNS = ("birth_year", "birth_month", "birth_day")
# Places compared as written ("Murcia", "MURCIA", "Región de Murcia"... ) are compared in their lookup
# form (accents dropped, case-folded, punctuation as spaces): a plain text property keeps its case.
_FOLDED_COLUMNS = ("locality", "postcode", "region")

#: Columns of the prepared table that Splink reads, with their Arrow types.
PREPARED_SCHEMA = pa.schema(
    [
        ("ref", pa.string()),
        ("source", pa.string()),
        ("given_key", pa.string()),
        ("surname_key", pa.string()),
        ("name_key", pa.string()),
        ("name_sorted", pa.string()),
        ("given_phon", pa.string()),
        ("surname_phon", pa.string()),
        ("given_skeleton", pa.string()),
        ("surname_skeleton", pa.string()),
        ("written_without_vowels", pa.bool_()),
        ("surname_core", pa.string()),
        ("birth_year", pa.int32()),
        ("birth_month", pa.int32()),
        ("birth_day", pa.int32()),
        ("birth_date", pa.string()),
        ("sex", pa.string()),
        ("nationality", pa.string()),
        ("doc_keys", pa.list_(pa.string())),
        ("phone_keys", pa.list_(pa.string())),
        ("address_key", pa.string()),
        ("postcode", pa.string()),
        ("locality", pa.string()),
        ("region", pa.string()),
    ]
)


def empty_person_frame() -> pd.DataFrame:
    """Return an empty person frame with every input column and its dtype.

    Returns
    -------
    pandas.DataFrame
        Zero rows; columns as in ``PERSON_COLUMNS`` (nullable ``string`` / ``Int64``, lists as ``object``).

    Examples
    --------
    >>> list(empty_person_frame().columns)[:3]
    ['ref', 'source', 'given_key']
    """
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in PERSON_COLUMNS.items()})


def person_frame(data: Any) -> pd.DataFrame:
    """A person frame of ``data`` (rows or columns, as ``pandas.DataFrame`` takes them), with the columns
    of ``PERSON_COLUMNS`` in order and their dtypes (numbers that do not parse become missing)."""
    frame = pd.DataFrame(data, columns=list(PERSON_COLUMNS))
    for column, dtype in PERSON_COLUMNS.items():
        if dtype == "Int64":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif dtype != "object":
            frame[column] = frame[column].astype(dtype)
    return frame


def check_person_frame(frame: pd.DataFrame) -> None:
    """Check that ``frame`` has every person column and a unique, non-null ``ref``.

    Raises
    ------
    InvalidData
        Naming the missing columns, or the null / repeated refs.
    """
    missing = [name for name in PERSON_COLUMNS if name not in frame.columns]
    if missing:
        raise InvalidData(f"person frame is missing column(s): {', '.join(missing)}")
    refs = frame["ref"]
    if refs.isna().any():
        raise InvalidData(f"person frame has {int(refs.isna().sum())} row(s) without a ref")
    repeated = refs[refs.duplicated()].unique()
    if len(repeated):
        shown = ", ".join(map(str, repeated[:5]))
        raise InvalidData(f"person frame repeats {len(repeated)} ref(s), e.g. {shown}")


def prepare_person_frame(frame: pd.DataFrame, rows: pa.Table | None = None) -> pa.Table:
    """Clean ``frame`` and add the derived matching columns; return it as an Arrow table.

    ``rows``: ``prepare_rows(frame)`` made already (the part of each person that depends on that
    person alone, kept between runs by ``person_reader``); the blocking keys, which depend on every
    person, are added here.

    Raises
    ------
    InvalidData
        When ``check_person_frame`` does, or when ``rows`` are not the rows of ``frame``.
    """
    if rows is None:
        return add_block_keys(prepare_rows(frame))  # which checks the frame
    check_person_frame(frame)
    if rows.num_rows != len(frame) or rows["ref"].to_pylist() != frame["ref"].tolist():
        raise InvalidData("the prepared rows given are not those of the person frame")
    return add_block_keys(rows)


def prepare_rows(frame: pd.DataFrame) -> pa.Table:
    """Clean ``frame`` and add the derived matching columns but the blocking keys; return it as an Arrow table.

    Empty strings and empty lists become null, so "not recorded" is one thing everywhere. Derived:
    ``given_phon`` / ``surname_phon`` (metaphone of the key without spaces, so "el amrani" and
    "elamrani" agree), ``given_skeleton`` / ``surname_skeleton`` (the consonants Arabic script writes,
    ``name_forms.consonant_skeleton``) and ``written_without_vowels`` (the whole name, as Arabic script
    entered letter by letter), ``surname_core`` (the surname without an Arabic article: "el alaoui" is
    "alaoui"), ``name_sorted`` (the name's words in alphabetical order), ``birth_date``
    ("YYYYMMDD", only when the date is complete). ``prepare_person_frame`` adds the blocking keys.

    Raises
    ------
    InvalidData
        When ``check_person_frame`` does.
    """
    check_person_frame(frame)
    columns: dict[str, Any] = {}
    for name in _STRING_COLUMNS:
        columns[name] = _clean_strings(frame[name])
    for name in _FOLDED_COLUMNS:
        columns[name] = _map_unique(columns[name], lambda text: fold(text) or None)
    for name in _INT_COLUMNS:
        columns[name] = pd.to_numeric(frame[name], errors="coerce").astype("Int64")
    for name in _LIST_COLUMNS:
        columns[name] = [_clean_list(value) for value in frame[name]]

    name_key = columns["name_key"].copy()
    fallback = (columns["given_key"].fillna("") + " " + columns["surname_key"].fillna("")).str.strip()
    name_key = name_key.fillna(fallback.replace("", pd.NA))
    columns["name_key"] = name_key
    columns["name_sorted"] = name_key.map(_sorted_words, na_action="ignore")
    columns["given_phon"] = _map_unique(columns["given_key"], _phonetic)
    columns["surname_phon"] = _map_unique(columns["surname_key"], _phonetic)
    columns["given_skeleton"] = _map_unique(columns["given_key"], consonant_skeleton)
    columns["surname_skeleton"] = _map_unique(columns["surname_key"], consonant_skeleton)
    columns["surname_core"] = _map_unique(columns["surname_key"], without_article)
    columns["written_without_vowels"] = name_key.map(written_without_vowels, na_action="ignore").astype("boolean")
    columns["birth_date"] = _full_date(columns["birth_year"], columns["birth_month"], columns["birth_day"])

    arrays = []
    for field in PREPARED_SCHEMA:
        values = columns[field.name]
        if isinstance(values, pd.Series):
            values = values.astype(object).where(values.notna(), None).tolist()
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=PREPARED_SCHEMA)


def _clean_strings(series: pd.Series) -> pd.Series:
    cleaned = series.astype("string").str.strip()
    return cleaned.mask(cleaned == "", pd.NA)


def _clean_list(value: object) -> list[str] | None:
    if value is None or isinstance(value, float) or value is pd.NA:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        return None
    items = sorted({str(item).strip() for item in value if item is not None and str(item).strip()})
    return items or None


def _sorted_words(name: str) -> str | None:
    words = sorted(name.split())
    return " ".join(words) or None


def _phonetic(value: str) -> str | None:
    compact = "".join(ch for ch in value if ch.isalpha())
    if not compact:
        return None
    return jellyfish.metaphone(compact) or None


def _map_unique(series: pd.Series, func: Callable[[str], str | None]) -> pd.Series:
    uniques = series.dropna().unique()
    lookup = {value: func(value) for value in uniques}
    return series.map(lookup, na_action="ignore").astype("string")


def _full_date(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    complete = year.notna() & month.notna() & day.notna()
    text = (
        year.astype("string").str.zfill(4)
        + month.astype("string").str.zfill(2)
        + day.astype("string").str.zfill(2)
    )
    return text.where(complete, pd.NA)
