"""Real persons (identities) and how one source records them (a person record with its variants).

An ``Identity`` is the ground truth: the person's names, birth date, documents and phone. A
``PersonRecord`` is what one police file holds about that person in one case; ``render`` produces it,
applying the variant operations a planted appearance asks for (another transliteration, a typo,
swapped name order, no middle name, year-only birth date, original script).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from linkgraph.scenarios.identifiers import Document, DocumentIssuer, Phone, PhoneBook, phone_region
from linkgraph.scenarios.names import REGION_OF, REGIONS, NameEntry, Region, pick, typo

Point = tuple[str, str]  # (city, alpha-3)
Trip = tuple[Point, tuple[Point, ...], Point, date]
"""A journey: origin, transit points in order, destination, date of travel."""

OPS = ("translit", "typo", "swap", "drop_middle", "year_only", "script")
"""Variant operations an appearance of a planted identity may apply."""


@dataclass(slots=True)
class Identity:
    """One real person. ``*_spelling`` index the Latin spelling this person's own papers use."""

    identity_id: str
    nationality: str
    sex: str
    region: Region
    given: NameEntry
    middle: NameEntry | None
    family: tuple[NameEntry, ...]
    spelling: tuple[int, ...]  # given, middle, family parts
    birth: date
    passport: Document | None = None
    id_card: Document | None = None
    phone: Phone | None = None


@dataclass(slots=True)
class Appearance:
    """One planted record of an identity: the case, the role, the variants, which identifiers it shows."""

    case: int
    role: str
    ops: tuple[str, ...] = ()
    passport: bool = False
    phone: bool = False
    extra_phone: Phone | None = None  # a number shared with a different person (planted same_phone)
    extra_document: Document | None = None  # a number used by a different person (planted same_document)


@dataclass(slots=True)
class PersonRecord:
    """What a file holds about one person in one case, before file-specific formatting."""

    identity_id: str
    role: str
    given: str  # given name(s), middle included
    family: str
    sex: str
    birth: date
    precision: str  # "day" | "month" | "year"
    nationality: str
    documents: list[Document] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    script: bool = False
    record_id: str = ""
    bad: str | None = None  # planted defect: "date" | "phone" | "missing_id"
    trip: Trip | None = None


def new_identity(
    rng: random.Random,
    identity_id: str,
    nationality: str,
    sex: str,
    age_range: tuple[int, int, int],
    reference: date,
    issuer: DocumentIssuer,
    phones: PhoneBook,
    *,
    passport_rate: float,
    phone_rate: float,
    phone_home: str,
) -> Identity:
    """A new person of ``nationality``, aged within ``age_range`` (low, high, mode) at ``reference``.

    The phone is from ``phone_home`` (the case country) or the person's own country.
    """
    region = REGIONS[REGION_OF[nationality]]
    given_pool = region.given_m if sex == "M" else region.given_f
    given = given_pool[pick(rng, len(given_pool))]
    middle = None
    if rng.random() < region.middle_rate:
        pool = region.middle_m if sex == "M" else region.middle_f
        middle = pool[pick(rng, len(pool))]
    family_pool = region.family if sex == "M" else region.family_f
    family = tuple(family_pool[pick(rng, len(family_pool))] for _ in range(region.surnames))
    if middle is not None and (middle is given or middle.spellings[0] == family[0].spellings[0]):
        middle = None
    entries = (given, middle, *family)
    spelling = tuple(_spelling_index(rng, e) for e in entries)
    low, high, mode = age_range
    age = int(rng.triangular(low, high + 1, mode))
    birth = reference - timedelta(days=age * 365 + rng.randrange(365))
    identity = Identity(identity_id, nationality, sex, region, given, middle, family, spelling, birth)
    if rng.random() < passport_rate:
        identity.passport = issuer.issue("passport", nationality)
    if nationality in _ID_CARD_COUNTRIES and rng.random() < 0.6:
        identity.id_card = issuer.issue("id_card", nationality)
    if rng.random() < phone_rate:
        region_code = phone_home if rng.random() < 0.55 else phone_region(nationality)
        identity.phone = phones.new(region_code) or phones.new(phone_home)
    return identity


_ID_CARD_COUNTRIES = frozenset({"ESP", "ITA", "FRA", "DEU", "GRC", "ROU", "NLD", "BEL", "MLT", "ALB", "UKR", "AUT"})


def _spelling_index(rng: random.Random, entry: NameEntry | None) -> int:
    if entry is None or len(entry.spellings) == 1 or rng.random() < 0.7:
        return 0
    return rng.randrange(1, len(entry.spellings))


def render(
    rng: random.Random,
    identity: Identity,
    role: str,
    ops: tuple[str, ...] = (),
    *,
    precision: str = "day",
    documents: list[Document] | None = None,
    phones: list[Phone] | None = None,
) -> PersonRecord:
    """The record one file holds for ``identity``, with the variant ``ops`` applied."""
    entries: list[NameEntry | None] = [identity.given, identity.middle, *identity.family]
    spelling = list(identity.spelling)
    if "translit" in ops:
        candidates = [i for i, e in enumerate(entries) if e is not None and len(e.spellings) > 1]
        for i in rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2)))):
            options = [j for j in range(len(entries[i].spellings)) if j != spelling[i]]
            spelling[i] = rng.choice(options)
    script = "script" in ops and all(e is None or e.script for e in entries)
    if script:
        parts = [e.script if e is not None else None for e in entries]
    else:
        parts = [e.spellings[spelling[i]] if e is not None else None for i, e in enumerate(entries)]
    if "typo" in ops and not script:
        i = rng.choice([0, 2]) if parts[0] and len(parts[0]) >= 4 else 2
        parts[i] = typo(rng, parts[i])
    if "drop_middle" in ops:
        if parts[1] is not None:
            parts[1] = None
        elif len(parts) > 3:
            parts = parts[:3]  # second surname dropped (Spanish names)
    given = " ".join(p for p in parts[:2] if p)
    family = " ".join(p for p in parts[2:] if p)
    if "swap" in ops:
        given, family = family, given
    if "year_only" in ops:
        precision = "year"
    return PersonRecord(
        identity_id=identity.identity_id,
        role=role,
        given=given,
        family=family,
        sex=identity.sex,
        birth=identity.birth,
        precision=precision,
        nationality=identity.nationality,
        documents=documents if documents is not None else [],
        phones=phones if phones is not None else [],
        script=script,
    )


def choose_ops(rng: random.Random, identity: Identity, *, ndjson: bool, duplicate: bool) -> tuple[str, ...]:
    """Variant operations for a later appearance of a planted identity (0-2, none for 10%)."""
    entries = [identity.given, identity.middle, *identity.family]
    weights = {
        "translit": 0.35 if any(e is not None and len(e.spellings) > 1 for e in entries) else 0.0,
        "typo": 0.25,
        "swap": 0.12,
        "drop_middle": 0.15 if identity.middle is not None or len(identity.family) > 1 else 0.0,
        "year_only": 0.2,
        "script": 0.4 if ndjson and identity.region.script else 0.0,
    }
    if duplicate:  # a second registration in the same file: always spelled differently
        first = "translit" if weights["translit"] else "typo"
        weights[first] = 0.0
        chosen = [first]
        count = rng.choice((0, 1))
    else:
        chosen = []
        count = rng.choices((0, 1, 2), (0.1, 0.55, 0.35))[0]
    for _ in range(count):
        names = [k for k, w in weights.items() if w > 0]
        if not names:
            break
        op = rng.choices(names, [weights[k] for k in names])[0]
        weights[op] = 0.0
        chosen.append(op)
    return tuple(op for op in OPS if op in chosen)
