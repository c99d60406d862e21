"""Identity and travel documents: ``type|ISO3|NUMBER`` keys, so one passport is one node.

The number loses the spaces, dashes, dots and slashes people type into it and is upper-cased; the
type comes from a table of English, French and Spanish words and the ICAO MRZ letters (P, I, V);
the issuing country goes through ``normalise_country``.
"""

from __future__ import annotations

import re

from .base import Invalid, Result, Value
from .codes import fold, text_of
from .countries import normalise_country

DOC_TYPES = ("passport", "id_card", "residence_permit", "visa", "driving_licence", "travel_document", "other")

_DOC_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "passport": ("passport", "passport number", "pass", "pp", "p", "passeport", "pasaporte",
                 "passaporto", "reisepass"),
    "id_card": ("id card", "id", "identity card", "national id", "national identity card", "nid", "i",
                "carte d'identité", "carte nationale d'identité", "cni", "dni",
                "documento nacional de identidad", "cédula", "cédula de identidad", "tarjeta de identidad",
                "personalausweis"),
    "residence_permit": ("residence permit", "residence card", "brp", "titre de séjour", "carte de séjour",
                         "permiso de residencia", "tarjeta de residencia", "nie", "tie",
                         "aufenthaltstitel"),
    "visa": ("visa", "v", "visado", "schengen visa"),
    "driving_licence": ("driving licence", "driving license", "driver's license", "drivers license",
                        "driver licence", "dl", "permis de conduire", "permis", "carnet de conducir",
                        "permiso de conducir", "licencia de conducir", "führerschein"),
    "travel_document": ("travel document", "refugee travel document", "emergency travel document",
                        "laissez-passer", "titre de voyage", "document de voyage", "documento de viaje"),
    "other": ("other", "autre", "otro", "sonstige"),
}
_DOC_TYPES = {
    fold(word): doc_type for doc_type, words in _DOC_TYPE_WORDS.items() for word in (doc_type, *words)
}

# Greek and Cyrillic capitals that are drawn like Latin ones. Greek ID card numbers are printed with
# them ("ΑΚ 123456"), and the same number typed on a Latin keyboard must give the same key.
_LOOKALIKES = str.maketrans("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧАВЕКМНОРСТУХ", "ABEZHIKMNOPTYXABEKMHOPCTYX")
_TYPED_SEPARATORS = re.compile(r"[\s\-‐‑‒–—./\\]+")
_ALNUM = re.compile(r"[A-Z0-9]+")
MIN_LENGTH, MAX_LENGTH = 4, 20


def normalise_document_type(raw: object) -> Result:
    """Read a document type word or code as one of ``DOC_TYPES``.

    Parameters
    ----------
    raw : object
        ``"Passport"``, ``"PP"``, ``"pasaporte"``, ``"DNI"``, ``"carte d'identité"``, ``"NIE"``, ...

    Returns
    -------
    Value or Invalid
        ``Value(key="id_card", display="id_card")``; ``Invalid`` for words not in the table.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    doc_type = _DOC_TYPES.get(fold(text))
    if doc_type is None:
        return Invalid(f"not a known document type (expected one of {', '.join(DOC_TYPES)}): {text!r}")
    return Value(key=doc_type, display=doc_type)


def _clean_number(raw: object) -> str | Invalid:
    """Strip what people type between the characters of a number, and check what is left."""
    text = text_of(raw)
    if text is None:
        return Invalid("empty document number")
    number = _TYPED_SEPARATORS.sub("", text.upper()).translate(_LOOKALIKES)
    if not number:
        return Invalid(f"a document number needs letters or digits: {text!r}")
    if not _ALNUM.fullmatch(number):
        return Invalid(f"a document number holds only letters A-Z and digits: {text!r}")
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        expected = f"{MIN_LENGTH} to {MAX_LENGTH} letters and digits"
        return Invalid(f"a document number has {expected}, not {len(number)}: {text!r}")
    return number


def normalise_document(number: object, doc_type: object = "passport", country: object = None) -> Result:
    """Key a document by type, issuing country and cleaned number.

    Parameters
    ----------
    number : object
        The number as written: ``"x 123-456.7"``, ``"X1234567"``, ``12345678`` from a spreadsheet.
    doc_type : object
        A word or code ``normalise_document_type`` reads; ``"passport"`` by default; ``"other"`` when
        given empty (a type column with no value).
    country : object, optional
        The issuing country, in any form ``normalise_country`` reads; ``None`` when unknown.

    Returns
    -------
    Value or Invalid
        ``Value(key="passport|ESP|X1234567", display="X1234567", parts={"number": "X1234567",
        "doc_type": "passport", "country": "ESP"})``; the country slot is empty when unknown
        (``"passport||X1234567"``). ``Invalid`` for an empty number, fewer than 4 or more than 20
        letters and digits, other characters left after cleaning, an unknown type or country.
    """
    cleaned = _clean_number(number)
    if isinstance(cleaned, Invalid):
        return cleaned
    # an empty type column leaves the type unknown ("other"): the number is kept, never lost over it
    kind = normalise_document_type(doc_type) if text_of(doc_type) is not None else Value("other", "other")
    if isinstance(kind, Invalid):
        return kind
    issuer: str | None = None
    if text_of(country) is not None:
        issued_by = normalise_country(country)
        if isinstance(issued_by, Invalid):
            return Invalid(f"issuing country of document {cleaned}: {issued_by.reason}")
        issuer = issued_by.key
    return Value(
        key=f"{kind.key}|{issuer or ''}|{cleaned}",
        display=cleaned,
        parts={"number": cleaned, "doc_type": kind.key, "country": issuer},
    )
