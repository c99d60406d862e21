"""Documents: one passport, however it is typed, is one ``type|ISO3|NUMBER`` key."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.documents import normalise_document, normalise_document_type


@pytest.mark.parametrize(
    ("number", "options", "key", "display"),
    [
        ("X1234567", {}, "passport||X1234567", "X1234567"),
        ("X1234567", {"doc_type": "passport", "country": "ESP"}, "passport|ESP|X1234567", "X1234567"),
        ("ab/12/34", {"doc_type": "permis de conduire", "country": "France"},
         "driving_licence|FRA|AB1234", "AB1234"),
        (12345678, {"doc_type": "DNI", "country": "ES"}, "id_card|ESP|12345678", "12345678"),
        ("Y 1234567 Z", {"doc_type": "NIE"}, "residence_permit||Y1234567Z", "Y1234567Z"),
        ("ΑΚ 123456", {"doc_type": "ID", "country": "Greece"}, "id_card|GRC|AK123456", "AK123456"),
        ("X1234567", {"doc_type": "P", "country": ""}, "passport||X1234567", "X1234567"),
    ],
)
def test_documents(number: object, options: dict[str, object], key: str, display: str) -> None:
    result = normalise_document(number, **options)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(
    ("number", "doc_type", "country"),
    [
        ("X1234567", "passport", "ESP"),
        ("x1234567", "Passport", "es"),
        ("X 123 4567", "PP", "Spain"),
        ("X-123-45-67", "pasaporte", "España"),
        ("x.123.456.7", "passeport", "Espagne"),
        (" X/1234567 ", "P", "ESP"),
        ("Ｘ１２３４５６７", "passport", "ESP"),
    ],
)
def test_one_passport_written_many_ways_gives_one_key(number: str, doc_type: str, country: str) -> None:
    result = normalise_document(number, doc_type=doc_type, country=country)
    assert isinstance(result, Value)
    assert result.key == "passport|ESP|X1234567"


def test_greek_letters_in_a_number_match_the_latin_ones() -> None:
    greek = normalise_document("ΑΚ123456", doc_type="id_card", country="GRC")
    latin = normalise_document("AK123456", doc_type="id_card", country="GRC")
    assert isinstance(greek, Value) and isinstance(latin, Value)
    assert greek.key == latin.key


def test_parts_hold_number_type_and_country() -> None:
    result = normalise_document("x-1234567", doc_type="cédula", country="Colombia")
    assert isinstance(result, Value)
    assert result.parts == {"number": "X1234567", "doc_type": "id_card", "country": "COL"}


def test_unknown_country_is_none_in_parts() -> None:
    result = normalise_document("X1234567")
    assert isinstance(result, Value)
    assert result.parts["country"] is None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("passport", "passport"),
        ("PP", "passport"),
        ("P", "passport"),
        ("Pasaporte", "passport"),
        ("passeport", "passport"),
        ("ID", "id_card"),
        ("id_card", "id_card"),
        ("DNI", "id_card"),
        ("carte d'identité", "id_card"),
        ("Carte Nationale d'Identite", "id_card"),
        ("cédula", "id_card"),
        ("NIE", "residence_permit"),
        ("titre de séjour", "residence_permit"),
        ("permiso de residencia", "residence_permit"),
        ("visado", "visa"),
        ("V", "visa"),
        ("driver's license", "driving_licence"),
        ("permis de conduire", "driving_licence"),
        ("carnet de conducir", "driving_licence"),
        ("laissez-passer", "travel_document"),
        ("documento de viaje", "travel_document"),
        ("autre", "other"),
    ],
)
def test_document_types(raw: str, key: str) -> None:
    result = normalise_document_type(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, key)


@pytest.mark.parametrize(
    ("number", "options", "reason"),
    [
        ("", {}, "empty document number"),
        (None, {}, "empty document number"),
        ("- - -", {}, "needs letters or digits: '- - -'"),
        ("X12", {}, "4 to 20 letters and digits, not 3: 'X12'"),
        ("X" * 21, {}, "not 21"),
        ("X123#4567", {}, "only letters A-Z and digits: 'X123#4567'"),
        ("X123ñ4567", {}, "only letters A-Z and digits"),
        ("X1234567", {"doc_type": "library card"}, "not a known document type"),
        ("X1234567", {"country": "Atlantis"}, "'Atlantis'"),
    ],
)
def test_invalid_documents(number: object, options: dict[str, object], reason: str) -> None:
    result = normalise_document(number, **options)
    assert isinstance(result, Invalid)
    assert reason in result.reason


@pytest.mark.parametrize(("raw", "reason"), [("library card", "'library card'"), ("", "empty value")])
def test_invalid_document_types(raw: str, reason: str) -> None:
    result = normalise_document_type(raw)
    assert isinstance(result, Invalid)
    assert reason in result.reason
