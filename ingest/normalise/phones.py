"""Phone numbers to E.164, so ``612 34 56 78`` recorded in Spain and ``+34612345678`` are one node.

Case files hold numbers in national format more often than not; a national number only means
something with the country it was recorded in, which the mapping passes as ``region``.
"""

from __future__ import annotations

import functools

import phonenumbers

from .base import Invalid, Result, Value
from .codes import text_of
from .countries import normalise_country

# Parse failures from phonenumbers, in words an analyst reads.
_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country calling code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short to be a phone number",
    phonenumbers.NumberParseException.TOO_LONG: "too long to be a phone number",
}


def _region_code(region: object) -> str | Invalid | None:
    """Read the default region (alpha-2, alpha-3 or a country name) as the alpha-2 phonenumbers wants."""
    if type(region) is str:  # one or a few per source, for every number: read each once
        return _region_code_of_text(region)
    return _read_region(region)


@functools.lru_cache(maxsize=1024)
def _region_code_of_text(region: str) -> str | Invalid | None:
    return _read_region(region)


def _read_region(region: object) -> str | Invalid | None:
    if text_of(region) is None:
        return None
    country = normalise_country(region)
    if isinstance(country, Invalid):
        return Invalid(f"default region for phone numbers: {country.reason}")
    return str(country.parts["alpha_2"])


def normalise_phone(raw: object, region: object = None) -> Result:
    """Read a phone number, national or international, as E.164.

    Parameters
    ----------
    raw : object
        ``"612 34 56 78"``, ``"+34 612 34 56 78"``, ``"0034 612345678"``, ``612345678`` (spreadsheet).
        A leading ``00`` is read as the international prefix.
    region : object, optional
        The country the number was recorded in (``"ES"``, ``"ESP"``, ``"Spain"``), used to read
        national numbers. Not needed for numbers starting with ``+`` or ``00``.

    Returns
    -------
    Value or Invalid
        ``Value(key="+34612345678", display="+34612345678", parts={"country_code": 34, "region": "ES"})``
        (plus ``"extension"`` when the source wrote one). ``Invalid`` when a national number comes
        without a region, the text is not a phone number, or the number is not valid for its country.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    default = _region_code(region)
    if isinstance(default, Invalid):
        return default
    dialled = text.lstrip("([ ")  # "(+34) 612 ..." and "(0034) 612 ..." start with a bracket
    if dialled.startswith("00"):
        dialled = "+" + dialled[2:]
    if not dialled.startswith("+") and default is None:
        return Invalid(f"a national phone number needs a default region (where it was recorded): {text!r}")
    try:
        number = phonenumbers.parse(dialled, default)
    except phonenumbers.NumberParseException as error:
        problem = _PARSE_ERRORS.get(error.error_type, "not a phone number")
        return Invalid(f"{problem}: {text!r}")
    region = phonenumbers.region_code_for_number(number)  # what is_valid_number looks up first, once here
    if not phonenumbers.is_valid_number_for_region(number, region):
        where = f" for region {default}" if default and not dialled.startswith("+") else ""
        return Invalid(f"not a valid phone number{where}: {text!r}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    parts: dict[str, str | int | float | bool | None] = {"country_code": number.country_code, "region": region}
    if number.extension:
        parts["extension"] = number.extension
    return Value(key=e164, display=e164, parts=parts)
