"""Bank accounts: a checked IBAN when there is one, else ``BANK|number``.

An IBAN identifies an account on its own; any other number only within its bank, so the bank is
part of the key and an account number without a bank cannot be keyed.
"""

from __future__ import annotations

import re

import pycountry

from .base import Invalid, Result, Value
from .codes import fold, text_of

_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
_LOOKS_LIKE_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]*")
_IBAN_SEPARATORS = re.compile(r"[\s\-.]+")
_ACCOUNT_SEPARATORS = re.compile(r"[\s\-.]+")
# "/" stays: some domestic formats put the bank code after it (Czech "2000145399/0800").
_ACCOUNT = re.compile(r"[A-Z0-9][A-Z0-9/]*")
# Kosovo issues IBANs under the user-assigned code XK, which is not in ISO 3166-1.
_IBAN_COUNTRIES = frozenset(country.alpha_2 for country in pycountry.countries) | {"XK"}


def _mod97(iban: str) -> int:
    """ISO 13616 / ISO 7064 MOD 97-10 remainder; 1 for a valid IBAN.

    Five lines, not worth a dependency: move the country code and check digits to the end, read
    letters as numbers (A=10 ... Z=35), and take the remainder of the whole number by 97.
    """
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97


def _clean_iban(raw: object) -> str | None:
    """Return the IBAN in electronic form (no spaces, upper case, no ``IBAN`` prefix), or ``None``."""
    text = text_of(raw)
    if text is None:
        return None
    compact = _IBAN_SEPARATORS.sub("", text.upper())
    return compact.removeprefix("IBAN").removeprefix(":")


def normalise_iban(raw: object) -> Result:
    """Check and clean an IBAN.

    Parameters
    ----------
    raw : object
        ``"ES91 2100 0418 4502 0005 1332"``, ``"iban es9121000418450200051332"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="ES9121000418450200051332", display="ES91 2100 0418 4502 0005 1332",
        parts={"country": "ES"})``. ``Invalid`` when the shape is wrong (two letters, two check digits,
        11 to 30 letters or digits), the country code is not a country, or the mod-97 check fails.
    """
    text = text_of(raw)
    iban = _clean_iban(raw)
    if text is None or not iban:
        return Invalid("empty value")
    if not _IBAN_SHAPE.fullmatch(iban):
        return Invalid(f"not an IBAN (two letters, two check digits, 11 to 30 letters or digits): {text!r}")
    if iban[:2] not in _IBAN_COUNTRIES:
        return Invalid(f"IBAN country code {iban[:2]!r} is not a country: {text!r}")
    if _mod97(iban) != 1:
        return Invalid(f"IBAN check digits do not match the number (mod-97 check failed): {text!r}")
    display = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return Value(key=iban, display=display, parts={"country": iban[:2]})


def normalise_account(number: object, bank: object = None) -> Result:
    """Key a bank account: its IBAN when it validates as one, else the bank and the number.

    Parameters
    ----------
    number : object
        An IBAN or a domestic account number: ``"0049 1500 05 1234567892"``, ``"19-2000145399/0800"``.
    bank : object, optional
        The bank (name, code or BIC) holding a non-IBAN account, e.g. ``"Santander"``.

    Returns
    -------
    Value or Invalid
        For an IBAN, as ``normalise_iban``. Otherwise ``Value(key="SANTANDER|0049150005123456",
        display="0049150005123456 (Santander)", parts={"number": ..., "bank": "Santander",
        "iban_error": None})``: number upper-cased without spaces, dashes or dots, bank folded (no
        accents, upper case, single spaces); ``iban_error`` says why an IBAN-shaped number failed.
        ``Invalid`` when the number is empty or holds other characters, or it is not an IBAN and no
        bank is given (the reason says why it is not an IBAN).
    """
    text = text_of(number)
    if text is None:
        return Invalid("empty value")
    as_iban = normalise_iban(text)
    if isinstance(as_iban, Value):
        return as_iban
    # An IBAN-shaped number that fails its check is kept as a domestic number, with the reason.
    iban_error = as_iban.reason if _LOOKS_LIKE_IBAN.fullmatch(_clean_iban(text) or "") else None
    bank_text = text_of(bank)
    if bank_text is None:
        why = iban_error or f"not an IBAN: {text!r}"
        return Invalid(f"{why}; a domestic account number needs its bank to be keyed")
    account = _ACCOUNT_SEPARATORS.sub("", text.upper())
    if not _ACCOUNT.fullmatch(account):
        return Invalid(f"an account number holds only letters, digits and '/': {text!r}")
    bank_key = fold(bank_text).upper()
    if not bank_key:
        return Invalid(f"bank has no letters or digits: {bank_text!r}")
    return Value(
        key=f"{bank_key}|{account}",
        display=f"{account} ({bank_text})",
        parts={"number": account, "bank": bank_text, "iban_error": iban_error},
    )
