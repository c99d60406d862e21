"""Phones: national and international spellings of one number give one E.164 key."""

from __future__ import annotations

import phonenumbers
import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.phones import normalise_phone

# Example numbers phonenumbers ships as valid for each country.
ES_MOBILE = "+34612345678"
FR_MOBILE = "+33612345678"
GB_MOBILE = "+447400123456"
XK_MOBILE = "+38343201234"


@pytest.mark.parametrize(
    ("raw", "options", "key", "display"),
    [
        ("612 34 56 78", {"region": "ES"}, ES_MOBILE, ES_MOBILE),
        ("612345678", {"region": "ESP"}, ES_MOBILE, ES_MOBILE),
        ("612-34-56-78", {"region": "Spain"}, ES_MOBILE, ES_MOBILE),
        (612345678, {"region": "ES"}, ES_MOBILE, ES_MOBILE),
        (612345678.0, {"region": "ES"}, ES_MOBILE, ES_MOBILE),
        ("+34 612 34 56 78", {}, ES_MOBILE, ES_MOBILE),
        ("0034 612 34 56 78", {}, ES_MOBILE, ES_MOBILE),
        ("(+34) 612 345 678", {}, ES_MOBILE, ES_MOBILE),
        ("0034612345678", {"region": "US"}, ES_MOBILE, ES_MOBILE),
        ("06 12 34 56 78", {"region": "FR"}, FR_MOBILE, FR_MOBILE),
        ("+33 6 12 34 56 78", {"region": "ES"}, FR_MOBILE, FR_MOBILE),
        ("07400 123456", {"region": "GBR"}, GB_MOBILE, GB_MOBILE),
        ("043 201 234", {"region": "XK"}, XK_MOBILE, XK_MOBILE),
    ],
)
def test_phones(raw: object, options: dict[str, object], key: str, display: str) -> None:
    result = normalise_phone(raw, **options)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize("region", ["ES", "FR", "GB", "MA", "DE", "IT", "RO", "NG", "TR", "US"])
def test_national_and_international_formats_give_the_same_e164(region: str) -> None:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    from_national = normalise_phone(national, region=region)
    from_international = normalise_phone(international)
    from_double_zero = normalise_phone("00" + international.removeprefix("+"))
    assert isinstance(from_national, Value)
    assert from_national.key.startswith(f"+{example.country_code}")
    assert from_national == from_international == from_double_zero


def test_parts_hold_country_code_and_region() -> None:
    result = normalise_phone("+212 6 50 12 34 56")
    assert isinstance(result, Value)
    assert result.parts == {"country_code": 212, "region": "MA"}


def test_extension_is_kept_in_parts_not_in_the_key() -> None:
    result = normalise_phone("612 345 678 ext. 12", region="ES")
    assert isinstance(result, Value)
    assert (result.key, result.parts["extension"]) == (ES_MOBILE, "12")


@pytest.mark.parametrize(
    ("raw", "options", "reason"),
    [
        ("123", {"region": "ES"}, "not a valid phone number for region ES: '123'"),
        ("+34 123", {}, "not a valid phone number: '+34 123'"),
        ("612345678", {}, "needs a default region"),
        ("hello", {"region": "ES"}, "not a phone number: 'hello'"),
        ("+999 1234567", {}, "unknown country calling code"),
        ("612345678", {"region": "Atlantis"}, "'Atlantis'"),
        ("", {"region": "ES"}, "empty value"),
        (None, {}, "empty value"),
    ],
)
def test_invalid_phones(raw: object, options: dict[str, object], reason: str) -> None:
    result = normalise_phone(raw, **options)
    assert isinstance(result, Invalid)
    assert reason in result.reason
