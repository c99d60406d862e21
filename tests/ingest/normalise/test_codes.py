"""Small vocabularies: sex, role in a case, handling code, and free text."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.codes import (
    fold,
    normalise_handling_code,
    normalise_role,
    normalise_sex,
    normalise_text,
)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("M", "M"), ("male", "M"), ("Man", "M"), ("hombre", "M"), ("H", "M"), ("masculin", "M"),
        ("homme", "M"), ("Masculino", "M"), ("varón", "M"), ("männlich", "M"),
        ("F", "F"), ("female", "F"), ("femme", "F"), ("féminin", "F"), ("mujer", "F"), ("W", "F"),
        ("weiblich", "F"), ("Femenina", "F"),
        ("X", "X"), ("non-binary", "X"), ("divers", "X"), ("D", "X"),
    ],
)
def test_sex(raw: str, key: str) -> None:
    result = normalise_sex(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, key)


@pytest.mark.parametrize(
    ("raw", "key", "detail"),
    [
        ("suspect", "suspect", None), ("Sospechoso", "suspect", None), ("mis en cause", "suspect", None),
        ("victim", "victim", None), ("víctima", "victim", None), ("Victime", "victim", None),
        ("witness", "witness", None), ("testigo", "witness", None), ("témoin", "witness", None),
        ("facilitator", "facilitator", None), ("facilitateur", "facilitator", None),
        ("driver", "facilitator", "driver"), ("Document Forger", "facilitator", "document forger"),
        ("money mule", "facilitator", "money mule"), ("recruiter", "facilitator", "recruiter"),
        ("reclutadora", "facilitator", "reclutadora"), ("faussaire", "facilitator", "faussaire"),
    ],
)
def test_roles(raw: str, key: str, detail: str | None) -> None:
    result = normalise_role(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display, result.parts["detail"]) == (key, key, detail)


@pytest.mark.parametrize(
    ("raw", "key"),
    [("H0", "H0"), ("h1", "H1"), ("H 2", "H2"), ("H-3", "H3"), ("2", "H2"), (3, "H3")],
)
def test_handling_codes(raw: object, key: str) -> None:
    result = normalise_handling_code(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, key)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("  Operation   Odyssey\n2024 ", "Operation Odyssey 2024"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        (42, "42"),
        (612345678.0, "612345678"),
        (1.5, "1.5"),
    ],
)
def test_text(raw: object, key: str) -> None:
    result = normalise_text(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, key)


@pytest.mark.parametrize(
    ("func", "raw", "reason"),
    [
        (normalise_sex, "unknown", "not a recognised sex"),
        (normalise_sex, "Q", "'Q'"),
        (normalise_role, "bystander", "not a recognised role"),
        (normalise_role, "smuggler", "'smuggler'"),
        (normalise_handling_code, "H4", "not a handling code"),
        (normalise_handling_code, "secret", "'secret'"),
        (normalise_text, "   ", "empty value"),
        (normalise_text, None, "empty value"),
        (normalise_text, float("nan"), "empty value"),
        (normalise_sex, "", "empty value"),
        (normalise_role, None, "empty value"),
        (normalise_handling_code, " ", "empty value"),
    ],
)
def test_invalid_codes(func: object, raw: object, reason: str) -> None:
    result = func(raw)  # type: ignore[operator]
    assert isinstance(result, Invalid)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("Côte d'Ivoire", "cote d ivoire"), ("  ESPAÑA ", "espana"), ("Straße", "strasse"), ("Ñ_ñ", "n n")],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(("raw", "display"), [("42", 42), (" -3 ", -3), ("0,75", 0.75), ("1e3", 1000.0), (7, 7), (2.5, 2.5)])
def test_a_number_is_read_as_int_or_float(raw: object, display: object) -> None:
    from linkgraph.ingest.normalise import normalise_number

    result = normalise_number(raw)
    assert result.display == display and type(result.display) is type(display)


@pytest.mark.parametrize("raw", ["12 years", "1.000,5", "", True])
def test_what_is_not_a_number_is_refused(raw: object) -> None:
    from linkgraph.ingest.normalise import Invalid, normalise_number

    assert isinstance(normalise_number(raw), Invalid)
