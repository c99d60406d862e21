"""The registry mappings name normalisers by: names, options and the empty-value guard."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from linkgraph.ingest.normalise import NORMALISERS, Invalid, Value

EXPECTED_OPTIONS = {
    "text": (),
    "name": ("order",),
    "date": ("order", "keep_possible"),
    "country": (),
    "document": ("doc_type", "country"),
    "document_type": (),
    "phone": ("region",),
    "email": (),
    "iban": (),
    "account": ("bank",),
    "sex": (),
    "role": (),
    "handling_code": (),
    "name_parts": ("surname",),
    "place": ("country",),
    "number": ("kind",),
    "boolean": (),
    "organisation": (),
}


def test_registry_holds_exactly_the_expected_normalisers_and_options() -> None:
    assert {name: n.options for name, n in NORMALISERS.items()} == EXPECTED_OPTIONS


@pytest.mark.parametrize("name", sorted(EXPECTED_OPTIONS))
def test_declared_options_are_the_keyword_parameters_of_the_function(name: str) -> None:
    normaliser = NORMALISERS[name]
    parameters = list(inspect.signature(normaliser.func).parameters.values())
    assert normaliser.name == name
    assert normaliser.summary
    assert tuple(p.name for p in parameters[1:]) == normaliser.options
    assert all(p.default is not inspect.Parameter.empty for p in parameters[1:])


@pytest.mark.parametrize(
    ("name", "raw", "options", "key"),
    [
        ("text", " a  b ", {}, "a b"),
        ("name", "EL AMRANI Mohamed", {"order": "surname_first"}, "mohamed el amrani"),
        ("date", "05/03/1987", {"order": "mdy"}, "1987-05-03"),
        ("date", dt.date(1987, 3, 5), {}, "1987-03-05"),
        ("country", "Espagne", {}, "ESP"),
        ("document", "x-123 4567", {"doc_type": "pasaporte", "country": "ES"}, "passport|ESP|X1234567"),
        ("document_type", "DNI", {}, "id_card"),
        ("phone", "612 34 56 78", {"region": "ES"}, "+34612345678"),
        ("email", "Ali@Example.com", {}, "ali@example.com"),
        ("iban", "es91 2100 0418 4502 0005 1332", {}, "ES9121000418450200051332"),
        ("account", "0049 1500", {"bank": "BBVA"}, "BBVA|00491500"),
        ("sex", "mujer", {}, "F"),
        ("role", "testigo", {}, "witness"),
        ("handling_code", "h3", {}, "H3"),
        ("number", "0,75", {}, "0.75"),
        ("number", "3.0", {"kind": "int"}, "3"),
        ("boolean", "Yes", {}, "true"),
    ],
)
def test_each_normaliser_gives_its_key_with_its_options(
    name: str, raw: object, options: dict[str, object], key: str
) -> None:
    result = NORMALISERS[name].func(raw, **options)
    assert isinstance(result, Value)
    assert result.key == key


def test_a_normaliser_passes_its_reason_through() -> None:
    result = NORMALISERS["date"].func("31/02/1987")
    assert isinstance(result, Invalid)
    assert "no such day" in result.reason
