"""Countries: any code or name a source uses, to an ISO 3166-1 alpha-3 key.

Accepted: alpha-2 and alpha-3 codes, numeric codes, the English names pycountry holds (short, common
and official), their French and Spanish translations bundled with pycountry, both halves of inverted
names ("Korea, Republic of" and "Republic of Korea"), and the aliases below. Lookups ignore case,
accents and punctuation. The reverse index is built once, at import.

Kosovo has no ISO 3166-1 code; ``XKX`` / ``XK`` is the user-assigned code the European Commission,
the IMF and Kosovo's own IBANs and phone numbers use, so it is added by hand.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass

import pycountry

from .base import Invalid, Result, Value
from .codes import fold, text_of


@dataclass(frozen=True)
class _Country:
    alpha_2: str
    alpha_3: str
    name: str


_KOSOVO = _Country(alpha_2="XK", alpha_3="XKX", name="Kosovo")

# Names sources use that are not ISO names or their translations. Constituent countries of the UK
# map to GBR because that is the country that issues their passports and numbers.
_ALIASES: dict[str, str] = {
    # English
    "UK": "GBR", "U.K.": "GBR", "Great Britain": "GBR", "Britain": "GBR", "England": "GBR",
    "Scotland": "GBR", "Wales": "GBR", "Northern Ireland": "GBR",
    "USA": "USA", "U.S.A.": "USA", "US": "USA", "U.S.": "USA", "America": "USA",
    "Russia": "RUS", "Ivory Coast": "CIV", "Holland": "NLD", "The Netherlands": "NLD",
    "Czech Republic": "CZE", "Macedonia": "MKD", "Burma": "MMR", "Cape Verde": "CPV",
    "Swaziland": "SWZ", "Turkey": "TUR", "East Timor": "TLS", "Vatican": "VAT",
    "UAE": "ARE", "Emirates": "ARE", "DRC": "COD", "DR Congo": "COD", "Congo-Kinshasa": "COD",
    "Democratic Republic of Congo": "COD", "Congo-Brazzaville": "COG", "Republic of Congo": "COG",
    "Laos": "LAO", "Moldova": "MDA", "Palestine": "PSE", "Gambia": "GMB", "The Gambia": "GMB",
    "Kosovo": "XKX",
    # French
    "Angleterre": "GBR", "Grande-Bretagne": "GBR", "Ecosse": "GBR", "Pays de Galles": "GBR",
    "Russie": "RUS", "Hollande": "NLD", "Syrie": "SYR", "Iran": "IRN", "Turquie": "TUR",
    "République tchèque": "CZE", "Macédoine": "MKD", "RDC": "COD", "Emirats arabes unis": "ARE",
    # Spanish
    "Inglaterra": "GBR", "Gran Bretaña": "GBR", "Escocia": "GBR", "Gales": "GBR",
    "EEUU": "USA", "EE.UU.": "USA", "EE UU": "USA", "Rusia": "RUS", "Holanda": "NLD",
    "Costa de Marfil": "CIV", "Siria": "SYR", "Turquía": "TUR", "República Checa": "CZE",
    "Macedonia del Norte": "MKD",
}


def _country(record: object) -> _Country:
    return _Country(
        alpha_2=getattr(record, "alpha_2"), alpha_3=getattr(record, "alpha_3"), name=getattr(record, "name")
    )


def _build_index() -> tuple[dict[str, _Country], dict[str, _Country]]:
    """Return ``(codes, names)``: folded alpha-2/alpha-3/numeric codes and folded names to countries."""
    countries = [_country(record) for record in pycountry.countries]
    by_alpha_3 = {country.alpha_3: country for country in countries}
    by_alpha_3[_KOSOVO.alpha_3] = _KOSOVO
    codes: dict[str, _Country] = {}
    for record, country in zip(pycountry.countries, countries, strict=True):
        codes[fold(country.alpha_2)] = country
        codes[fold(country.alpha_3)] = country
        codes[str(int(getattr(record, "numeric")))] = country
    codes["xk"] = codes["xkx"] = _KOSOVO

    translators = [gettext.NullTranslations()] + [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]) for lang in ("fr", "es")
    ]
    names: dict[str, _Country] = {}
    for translator in translators:
        for record, country in zip(pycountry.countries, countries, strict=True):
            for attr in ("name", "common_name", "official_name"):
                english = getattr(record, attr, None)
                if english:
                    _add_name(names, translator.gettext(english), country)
    for alias, alpha_3 in _ALIASES.items():
        _add_name(names, alias, by_alpha_3[alpha_3])
    return codes, names


def _add_name(names: dict[str, _Country], name: str, country: _Country) -> None:
    """Index ``name`` and, for inverted names such as ``"Iran, Islamic Republic of"``, the natural order."""
    forms = [name]
    if "," in name:
        head, _, tail = name.partition(",")
        forms.append(f"{tail.strip()} {head.strip()}")
    for form in forms:
        key = fold(form)
        # First writer wins: English names are added before translations and aliases.
        names.setdefault(key, country)


_CODES, _NAMES = _build_index()
# Tried only after the full text fails, so "El Salvador" is still found whole.
_ARTICLES = frozenset({"the", "la", "le", "les", "l", "el", "los", "las"})


def normalise_country(raw: object) -> Result:
    """Read a country code or name as its ISO 3166-1 alpha-3 code.

    Parameters
    ----------
    raw : object
        ``"ES"``, ``"esp"``, ``724``, ``"Spain"``, ``"España"``, ``"Espagne"``, ``"UK"``, ``"Kosovo"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="ESP", display="Spain", parts={"alpha_2": "ES"})`` (display is pycountry's English
        short name); ``Invalid`` naming the value when no country matches.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    folded = fold(text)
    country = _CODES.get(str(int(folded)) if folded.isdigit() else folded)
    if country is None:
        article, _, rest = folded.partition(" ")
        country = _NAMES.get(folded) or (_NAMES.get(rest) if article in _ARTICLES else None)
    if country is None:
        return Invalid(f"not a known country name or ISO code: {text!r}")
    return Value(key=country.alpha_3, display=country.name, parts={"alpha_2": country.alpha_2})
