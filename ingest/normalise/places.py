"""Places: a location is an ISO 3166 country plus a normalised place name (DESIGN.md data model).

Key ``LBY|tripoli``: country alpha-3, then the place folded to lower-case ASCII (transliterated, accents
and punctuation removed), so "Trípoli", "TRIPOLI" and "Τρίπολη"-free Latin spellings of one city meet.
When a source gives no country, the gazetteer ``data/route_places.csv`` (places on the main migration
routes into Europe) supplies it; a place found nowhere keys as ``|name``: it still links within sources
that omit the country, but not to the same name in a known country, since town names recur.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from unidecode import unidecode

from .base import Invalid, Result, Value
from .codes import text_of
from .countries import normalise_country

_NON_WORD = re.compile(r"[^a-z0-9]+")


def place_key(text: str) -> str:
    """Return the matching form of a place name: ASCII, lower case, words joined by single spaces."""
    return _NON_WORD.sub(" ", unidecode(text).lower()).strip()


@cache
def route_places() -> dict[str, str]:
    """Return the gazetteer: place key -> ISO alpha-3 country, for places given without a country."""
    text = resources.files("linkgraph.ingest.normalise").joinpath("data/route_places.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {place_key(row["place"]): row["country"] for row in rows}


def normalise_place(raw: object, country: object = None) -> Result:
    """Clean a place name with its country.

    Parameters
    ----------
    raw : object
        The place as written ("Agadez", "Trípoli").
    country : object, optional
        Country code or name of the place; checked through ``normalise_country``.

    Returns
    -------
    Value or Invalid
        ``Value(key="LBY|tripoli", display="Trípoli", parts={"place": "Trípoli", "country": "LBY"})``;
        ``Invalid`` when the place is empty or the country is not a country.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    key = place_key(text)
    if not key:
        return Invalid(f"no letters or digits in place name {text!r}")
    alpha3 = ""
    if text_of(country) is not None:
        cleaned = normalise_country(country)
        if isinstance(cleaned, Invalid):
            return Invalid(f"place {text!r}: {cleaned.reason}")
        alpha3 = cleaned.key
    else:
        alpha3 = route_places().get(key, "")
    display = " ".join(text.split())
    return Value(key=f"{alpha3}|{key}", display=display, parts={"place": display, "country": alpha3 or None})
