"""Strong identifiers: passport and ID-card numbers, mobile phone numbers, e-mail addresses.

Every number is unique within a run (a scrambled counter per pattern, not a lookup set), so two
records share a number only where a link is planted. Phones are real-format mobile numbers built
from ``phonenumbers``' example number for the region with the trailing digits varied, and each one is
checked with ``phonenumbers.is_valid_number``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from unidecode import unidecode

from linkgraph.scenarios.world import alpha2

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # no I, O, Q: issuing states avoid them next to digits
_ALNUM = "0123456789CFGHJKLMNPRTVWXYZ"  # the German document alphabet
_DIGITS = "0123456789"
_MULT = 2_147_483_647  # prime: coprime with every pattern space (made of 2, 3, 5, 23 and 27)

# L letter, D digit, A letter-or-digit, X Spanish DNI check letter; anything else is literal.
PASSPORT_PATTERNS: dict[str, str] = {
    "ESP": "LLLDDDDDD", "ITA": "LLDDDDDDD", "GRC": "LLDDDDDDD", "MLT": "DDDDDDD", "FRA": "DDLLDDDDD",
    "DEU": "CAAAAAAAA", "NLD": "LLAAAAAAD", "BEL": "LLDDDDDDD", "AUT": "LDDDDDDD", "GBR": "DDDDDDDDD",
    "NGA": "LDDDDDDDD", "GHA": "GDDDDDDD", "SEN": "LDDDDDDDD", "MLI": "LDDDDDDDD", "GIN": "RDDDDDDDD",
    "CIV": "DDLLDDDDD", "GMB": "PCDDDDDD", "ERI": "PDDDDDDD", "ETH": "EPDDDDDDD", "SDN": "PDDDDDDDD",
    "SYR": "NDDDDDDDDD", "IRQ": "LDDDDDDDD", "EGY": "LDDDDDDDD", "LBY": "LDDDDDDD", "MAR": "LLDDDDDDD",
    "DZA": "DDDDDDDDD", "TUN": "LDDDDDD", "AFG": "PDDDDDDDD", "PAK": "LLDDDDDDD", "BGD": "LLDDDDDDD",
    "VNM": "LDDDDDDD", "CHN": "EDDDDDDDD", "ALB": "BLDDDDDDD", "UKR": "LLDDDDDD", "RUS": "DDDDDDDDD",
    "TUR": "UDDDDDDDD", "ROU": "DDDDDDDD",
}
ID_CARD_PATTERNS: dict[str, str] = {
    "ESP": "DDDDDDDDX", "ITA": "CLDDDDDLL", "FRA": "DDDDDDDDDDDD", "DEU": "LAAAAAAAA", "GRC": "LLDDDDDD",
    "ROU": "LLDDDDDD", "NLD": "LLAAAAAAD", "BEL": "DDDDDDDDDDDD", "MLT": "DDDDDDDL", "ALB": "LDDDDDDDDL",
    "UKR": "DDDDDDDDD", "AUT": "DDDDDDDD",
}
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


@dataclass(frozen=True, slots=True)
class Document:
    """A travel or identity document: type (``passport`` | ``id_card``), issuing country (alpha-3), number."""

    doc_type: str
    country: str
    number: str

    @property
    def key(self) -> str:
        """The deterministic key the engine derives: ``type|issuing country|number``."""
        return f"{self.doc_type}|{self.country}|{self.number}"


@dataclass(frozen=True, slots=True)
class Phone:
    """A mobile number of one region; ``number`` is the parsed ``phonenumbers`` object."""

    region: str
    number: phonenumbers.PhoneNumber

    @property
    def e164(self) -> str:
        """The number in E.164, the key the engine derives."""
        return phonenumbers.format_number(self.number, PhoneNumberFormat.E164)


class DocumentIssuer:
    """Hands out unique document numbers per (type, country) in each country's number pattern."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._state: dict[str, list[int]] = {}

    def issue(self, doc_type: str, country: str) -> Document:
        """A new document of ``doc_type`` issued by ``country`` (alpha-3), never issued before in this run."""
        patterns = PASSPORT_PATTERNS if doc_type == "passport" else ID_CARD_PATTERNS
        pattern = patterns.get(country, "LDDDDDDDD")
        space = 1
        for ch in pattern:
            space *= {"L": len(_LETTERS), "D": 10, "A": len(_ALNUM)}.get(ch, 1)
        state = self._state.setdefault(f"{doc_type}|{country}", [0, self._rng.randrange(space)])
        x = (state[0] * _MULT + state[1]) % space
        state[0] += 1
        return Document(doc_type, country, _fill(pattern, x))


def _fill(pattern: str, x: int) -> str:
    out = []
    for ch in reversed(pattern):
        alphabet = {"L": _LETTERS, "D": _DIGITS, "A": _ALNUM}.get(ch)
        if alphabet is None:
            out.append(ch)
        else:
            x, r = divmod(x, len(alphabet))
            out.append(alphabet[r])
    number = "".join(reversed(out))
    if "X" in pattern:  # Spanish DNI: 8 digits and the check letter of their value modulo 23
        digits = number[:8]
        number = digits + _DNI_LETTERS[int(digits) % 23]
    return number


def write_document(rng: random.Random, number: str, *, vary: float) -> str:
    """The number as a clerk typed it: with probability ``vary`` spaced, dashed or lower-cased."""
    if rng.random() >= vary or len(number) < 6:
        return number
    style = rng.randrange(4)
    cut = rng.randrange(2, len(number) - 2)
    if style == 0:
        return number.lower()
    if style == 1:
        return number[:cut] + " " + number[cut:]
    if style == 2:
        return number[:cut] + "-" + number[cut:]
    return " ".join(number[i:i + 3] for i in range(0, len(number), 3))


class PhoneBook:
    """Hands out unique, valid mobile numbers per region (ISO alpha-2)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._state: dict[str, list] = {}

    def _setup(self, region: str) -> list | None:
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if example is None:
            return None
        nsn = phonenumbers.national_significant_number(example)
        cc = example.country_code
        probe = random.Random(f"{region}-probe")
        for k in range(min(7, len(nsn) - 2), 2, -1):
            tries = [nsn[:-k] + str(probe.randrange(10**k)).zfill(k) for _ in range(40)]
            ok = sum(phonenumbers.is_valid_number(phonenumbers.parse(f"+{cc}{t}")) for t in tries)
            if ok >= 6:
                return [cc, nsn[:-k], k, 0, self._rng.randrange(10**k)]
        return None

    def new(self, region: str) -> Phone | None:
        """A new valid mobile number of ``region``, or None when the region has none left."""
        if region not in self._state:
            self._state[region] = self._setup(region)
        state = self._state[region]
        if state is None:
            return None
        cc, prefix, k, i, offset = state
        space = 10**k
        while i < space:
            digits = prefix + str((i * _MULT + offset) % space).zfill(k)
            i += 1
            zeros = len(digits) - len(digits.lstrip("0"))  # Côte d'Ivoire mobiles start with 0
            number = phonenumbers.PhoneNumber(
                country_code=cc, national_number=int(digits), italian_leading_zero=True if zeros else None,
                number_of_leading_zeros=zeros if zeros > 1 else None)
            if phonenumbers.is_valid_number(number):
                state[3] = i
                return Phone(region, number)
        state[3] = i
        return None


def write_phone(rng: random.Random, phone: Phone, home: str) -> str:
    """The number as a file from country ``home`` (alpha-2) writes it: national format for home numbers
    often, otherwise one of the international forms (``+cc ...``, E.164, ``00cc...``)."""
    number = phone.number
    if phone.region == home:
        r = rng.random()
        if r < 0.45:
            if home == "ES":  # Spanish clerks group mobiles 3-3-3: "612 345 678"
                nsn = phonenumbers.national_significant_number(number)
                return f"{nsn[:3]} {nsn[3:6]} {nsn[6:]}"
            return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
        if r < 0.65:
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            return "".join(ch for ch in national if ch.isdigit())
    r = rng.random()
    if r < 0.5:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    if r < 0.85:
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"00{number.country_code}{phonenumbers.national_significant_number(number)}"


_EMAIL_DOMAINS = ("example.com", "example.net", "example.org")  # RFC 2606 reserved: never a real mailbox


def email_address(given: str, family: str, serial: int) -> str:
    """A unique address on a reserved domain, shaped like the ones in real files."""
    g = "".join(ch for ch in unidecode(given).lower() if ch.isalnum())[:12] or "x"
    f = "".join(ch for ch in unidecode(family).lower() if ch.isalnum())[:12] or "x"
    return f"{g}.{f}{serial}@{_EMAIL_DOMAINS[serial % 3]}"


def phone_region(alpha3: str) -> str:
    """The phone region (alpha-2) of a country."""
    return alpha2(alpha3)
