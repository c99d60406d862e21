"""Normalisers: one pure function per value type, and the registry source mappings name them by.

A mapping says ``normalise: phone`` with ``region: ES``; the mapping engine checks the name and the
option names against ``NORMALISERS`` before reading any row, then calls ``normalise(name, raw, **options)``
for each cell. Every normaliser returns a ``Value`` or an ``Invalid`` with its reason; none raises for
bad input.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .accounts import normalise_account, normalise_iban
from .base import Invalid, Result, Value
from .codes import normalise_boolean, normalise_handling_code, normalise_number, normalise_role, normalise_sex, normalise_text, text_of
from .countries import normalise_country
from .dates import normalise_date
from .documents import normalise_document, normalise_document_type
from .emails import normalise_email
from .names import normalise_name, normalise_name_parts, phonetic_key
from .organisations import normalise_organisation
from .phones import normalise_phone
from .places import normalise_place

__all__ = [
    "NORMALISERS",
    "Invalid",
    "Normaliser",
    "Result",
    "Value",
    "normalise",
    "normalise_account",
    "normalise_boolean",
    "normalise_country",
    "normalise_date",
    "normalise_document",
    "normalise_document_type",
    "normalise_email",
    "normalise_handling_code",
    "normalise_iban",
    "normalise_name",
    "normalise_name_parts",
    "normalise_number",
    "normalise_organisation",
    "normalise_phone",
    "normalise_place",
    "normalise_role",
    "normalise_sex",
    "normalise_text",
    "phonetic_key",
]


@dataclass(frozen=True)
class Normaliser:
    """A normaliser as a mapping refers to it.

    name:    the word used in mappings (``"phone"``).
    func:    the function, called as ``func(raw, **options)``.
    options: the keyword arguments ``func`` accepts beyond the raw value (``("region",)``).
    summary: one line for ``--help`` and mapping error messages.
    parts:   the options that are parts of the value itself (a name's surname), not qualifiers of it:
             the value is empty only when the field and every part are empty, so an empty given name
             still leaves the surname.
    """

    name: str
    func: Callable[..., Result]
    options: tuple[str, ...]
    summary: str
    parts: tuple[str, ...] = ()


NORMALISERS: dict[str, Normaliser] = {
    normaliser.name: normaliser
    for normaliser in (
        Normaliser("text", normalise_text, (), "free text, whitespace collapsed"),
        Normaliser("name", normalise_name, ("order",), "person name: spelling kept, transliterated key"),
        Normaliser("date", normalise_date, ("order", "keep_possible"), "date kept as precise as given: year, month or day"),
        Normaliser("country", normalise_country, (), "country code or name (en/fr/es) to ISO alpha-3"),
        Normaliser("document", normalise_document, ("doc_type", "country"), "document to type|ISO3|NUMBER"),
        Normaliser("document_type", normalise_document_type, (), "document type word (en/fr/es) to a type"),
        Normaliser("phone", normalise_phone, ("region",), "national or international phone number to E.164"),
        Normaliser("email", normalise_email, (), "e-mail address, lower-cased"),
        Normaliser("iban", normalise_iban, (), "IBAN, mod-97 checked"),
        Normaliser("account", normalise_account, ("bank",), "bank account: IBAN, else bank|number"),
        Normaliser("sex", normalise_sex, (), "sex word or letter (en/fr/es/de) to M, F or X"),
        Normaliser("role", normalise_role, (), "role in a case: suspect, victim, witness or facilitator"),
        Normaliser("name_parts", lambda given, surname=None: normalise_name_parts(given, surname), ("surname",),
                   "person name from separate given-name and surname columns", parts=("surname",)),
        Normaliser("organisation", normalise_organisation, (), "organisation name: legal form apart, transliterated key"),
        Normaliser("place", normalise_place, ("country",), "place name with its country to ISO3|place"),
        Normaliser("handling_code", normalise_handling_code, (), "Europol handling code H0-H3"),
        Normaliser("number", normalise_number, ("kind",), "a number (int or float; decimal point or comma)"),
        Normaliser("boolean", normalise_boolean, (), "true or false (yes/no, y/n, t/f, 1/0)"),
    )
}
