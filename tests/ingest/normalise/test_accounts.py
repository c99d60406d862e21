"""Accounts: IBANs checked by mod-97, other numbers keyed with their bank."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.accounts import normalise_account, normalise_iban
from linkgraph.ingest.normalise.base import Invalid, Value

# Published example IBANs (ECBS / national banking associations); all pass mod-97.
ES_IBAN = "ES9121000418450200051332"
GB_IBAN = "GB82WEST12345698765432"


@pytest.mark.parametrize(
    ("raw", "key", "display"),
    [
        ("ES91 2100 0418 4502 0005 1332", ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("es9121000418450200051332", ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("IBAN ES91 2100 0418 4502 0005 1332", ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("IBAN: ES91-2100-0418-4502-0005-1332", ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("GB82 WEST 1234 5698 7654 32", GB_IBAN, "GB82 WEST 1234 5698 7654 32"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE89 3704 0044 0532 0130 00"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606",
         "FR14 2004 1010 0505 0001 3M02 606"),
        ("XK05 1212 0123 4567 8906", "XK051212012345678906", "XK05 1212 0123 4567 8906"),
    ],
)
def test_ibans(raw: str, key: str, display: str) -> None:
    result = normalise_iban(raw)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("ES92 2100 0418 4502 0005 1332", "mod-97 check failed"),  # check digits changed
        ("ES91 2100 0418 4502 0005 1333", "mod-97 check failed"),  # last digit changed
        ("ES91 2100 0418 4502 0050 1332", "mod-97 check failed"),  # two digits swapped
        ("QQ82 WEST 1234 5698 7654 32", "country code 'QQ' is not a country"),
        ("ES91", "not an IBAN"),
        ("ESXX 2100 0418 4502 0005 1332", "not an IBAN"),
        ("ES91 2100 0418 4502 0005 1332 #", "not an IBAN"),
        ("", "empty value"),
        (None, "empty value"),
    ],
)
def test_invalid_ibans(raw: str | None, reason: str) -> None:
    result = normalise_iban(raw)
    assert isinstance(result, Invalid)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("number", "options", "key", "display"),
    [
        ("ES91 2100 0418 4502 0005 1332", {}, ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("ES91 2100 0418 4502 0005 1332", {"bank": "CaixaBank"}, ES_IBAN, "ES91 2100 0418 4502 0005 1332"),
        ("0049-1500-05 1234567892", {"bank": "Santander"}, "SANTANDER|00491500051234567892",
         "00491500051234567892 (Santander)"),
        ("0049.1500.05.1234567892", {"bank": " santander "}, "SANTANDER|00491500051234567892",
         "00491500051234567892 (santander)"),
        ("19-2000145399/0800", {"bank": "Česká spořitelna"}, "CESKA SPORITELNA|192000145399/0800",
         "192000145399/0800 (Česká spořitelna)"),
        (123456789, {"bank": "BBVA"}, "BBVA|123456789", "123456789 (BBVA)"),
    ],
)
def test_accounts(number: object, options: dict[str, object], key: str, display: str) -> None:
    result = normalise_account(number, **options)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


def test_an_iban_is_one_key_whatever_bank_is_named() -> None:
    with_bank = normalise_account(ES_IBAN, bank="CaixaBank")
    without_bank = normalise_account("es91 2100 0418 4502 0005 1332")
    assert isinstance(with_bank, Value) and isinstance(without_bank, Value)
    assert with_bank.key == without_bank.key == ES_IBAN


def test_an_iban_with_wrong_check_digits_falls_back_to_the_bank_with_the_reason() -> None:
    result = normalise_account("ES92 2100 0418 4502 0005 1332", bank="CaixaBank")
    assert isinstance(result, Value)
    assert result.key == "CAIXABANK|ES9221000418450200051332"
    assert "mod-97" in str(result.parts["iban_error"])


@pytest.mark.parametrize(
    ("number", "options", "reason"),
    [
        ("0049 1500 05 1234567892", {}, "needs its bank"),
        ("ES92 2100 0418 4502 0005 1332", {}, "mod-97 check failed"),
        ("12#34", {"bank": "BBVA"}, "only letters, digits and '/': '12#34'"),
        ("1234", {"bank": "!!"}, "bank has no letters or digits"),
        ("", {"bank": "BBVA"}, "empty value"),
    ],
)
def test_invalid_accounts(number: object, options: dict[str, object], reason: str) -> None:
    result = normalise_account(number, **options)
    assert isinstance(result, Invalid)
    assert reason in result.reason
