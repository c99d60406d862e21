"""The case plan: every case's owner, offence, size and route, decided before any row is written.

Only what the planted links need is kept in memory: one small ``CasePlan`` per case, and the planted
identities with their appearances. Everything else (the ordinary persons of each case) is made while
the files are written. ``planting`` adds the planted links, look-alikes and bad rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from linkgraph.scenarios.identifiers import DocumentIssuer, PhoneBook
from linkgraph.scenarios.people import Appearance, Identity, new_identity
from linkgraph.scenarios.world import (
    CITIES, LOCAL, PATHS, SAME, SCENARIOS, SYSTEMS, Path, Point, System, alpha2,
)

FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 10, 31)
SUSPECT_ROLES = ("suspect", "facilitator")


@dataclass(slots=True)
class CasePlan:
    """One case: owner system, reference, offence, how many persons, and its route if any."""

    index: int
    system: System
    ref: str
    offence: str
    extra_offence: str | None
    opened: date
    offence_date: date
    offence_place: Point
    origin: str  # main origin nationality (alpha-3)
    origin_city: str
    path: Path | None
    destination: Point | None
    travel: date | None
    size: int = 1
    network: bool = False
    planted: list[tuple[Identity, Appearance]] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    """A planted cross-case link between two cases (by index)."""

    case_a: int
    case_b: int
    kind: str
    detail: str


class Planner:
    """Shared state of planning and generation: random stream, number issuers, identity counter."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.issuer = DocumentIssuer(self.rng)
        self.phones = PhoneBook(self.rng)
        self._identity_serial = 0
        self.cases: list[CasePlan] = []
        self.used: list[int] = []
        self.links: list[Link] = []
        self.lookalikes: list[tuple[str, str]] = []

    @property
    def identities_made(self) -> int:
        """How many identity ids have been handed out."""
        return self._identity_serial

    def identity_id(self) -> str:
        """A new identity id (``I0000001``...)."""
        self._identity_serial += 1
        return f"I{self._identity_serial:07d}"

    # --- persons -------------------------------------------------------------------------------------

    def nationality_for(self, case: CasePlan, role: str) -> str:
        """The nationality of a person with ``role`` in ``case``, following the offence scenario."""
        rng = self.rng
        scenario = SCENARIOS[case.offence]
        if role == "victim":
            if rng.random() < 0.7:
                return case.origin
            return self._resolve(rng.choices(list(scenario.origins), list(scenario.origins.values()))[0], case)
        if role == "witness":
            return case.system.country if rng.random() < 0.5 else case.origin
        return self._resolve(rng.choices(list(scenario.suspects), list(scenario.suspects.values()))[0], case)

    @staticmethod
    def _resolve(choice: str, case: CasePlan) -> str:
        if choice == LOCAL:
            return case.system.country
        if choice == SAME:
            return case.origin
        return choice

    def person(self, case: CasePlan, role: str, nationality: str | None = None,
               identity_id: str | None = None) -> Identity:
        """A new identity fit for ``role`` in ``case`` (sex, age, documents and phone by role)."""
        rng = self.rng
        scenario = SCENARIOS[case.offence]
        nationality = nationality or self.nationality_for(case, role)
        if role == "victim":
            female, ages, passport, phone = scenario.victim_female, scenario.victim_age, 0.5, 0.5
        elif role == "witness":
            female, ages, passport, phone = 0.5, (18, 70, 38), 0.4, 0.6
        else:
            female = 0.35 if case.offence == "trafficking_sexual_exploitation" else 0.15
            ages, passport, phone = (20, 62, 34), 0.8, 0.9
        if nationality == case.system.country:
            passport *= 0.6
        sex = "F" if rng.random() < female else "M"
        return new_identity(
            rng, identity_id or self.identity_id(), nationality, sex, ages, case.opened, self.issuer, self.phones,
            passport_rate=passport, phone_rate=phone, phone_home=alpha2(case.system.country),
        )

    def role_for(self, case: CasePlan, kind: str) -> str:
        """A role of the given kind ("victim" or "offender") in ``case``."""
        if kind == "victim":
            return "victim" if self.rng.random() < 0.85 else "witness"
        return "suspect" if self.rng.random() < 0.65 else "facilitator"

    def link(self, a: int, b: int, kind: str, detail: str) -> None:
        """Record a planted link between cases ``a`` and ``b`` (order-free)."""
        if a != b:
            self.links.append(Link(min(a, b), max(a, b), kind, detail))


def plan_cases(planner: Planner, cases: int, persons: int) -> None:
    """Fill ``planner.cases`` with ``cases`` cases holding ``persons`` person records in all."""
    rng = planner.rng
    systems = list(SYSTEMS[: min(cases, len(SYSTEMS))])
    systems += rng.choices(SYSTEMS, [s.weight for s in SYSTEMS], k=cases - len(systems))
    serials: dict[tuple[str, int], int] = {}
    for index, system in enumerate(systems):
        planner.cases.append(_new_case(rng, index, system, serials))
    _apportion_sizes(rng, planner.cases, persons)
    planner.used = [0] * cases


def _new_case(rng: random.Random, index: int, system: System, serials: dict[tuple[str, int], int]) -> CasePlan:
    offence = rng.choices(list(system.offences), list(system.offences.values()))[0]
    scenario = SCENARIOS[offence]
    opened = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    key = (system.source, opened.year)
    serials[key] = serials.get(key, 0) + 1
    ref = f"{alpha2(system.country)}-{opened.year}-{serials[key]:05d}"
    origin = _main_origin(rng, scenario.origins, system.country)
    path = destination = travel = None
    if rng.random() < scenario.route_rate and origin != system.country:
        path, destination = _route(rng, origin, system.country, offence)
    offence_date = opened - timedelta(days=rng.randrange(1, 400))
    if path is not None:
        travel = offence_date - timedelta(days=rng.randrange(10, 500))
    place: Point = (rng.choice(CITIES[system.country]), system.country)
    if path is not None and path.transit and rng.random() < 0.2:
        place = rng.choice(path.transit)
    extra = rng.choice(("document_fraud", "money_laundering")) if rng.random() < 0.2 else None
    if extra == offence:
        extra = None
    return CasePlan(
        index=index, system=system, ref=ref, offence=offence, extra_offence=extra, opened=opened,
        offence_date=offence_date, offence_place=place, origin=origin,
        origin_city=rng.choice(CITIES[origin]), path=path, destination=destination, travel=travel,
    )


def _main_origin(rng: random.Random, origins: dict[str, float], country: str) -> str:
    """Origin nationality of a case; nationalities whose routes reach ``country`` are likelier."""
    names = [country if n == LOCAL else n for n in origins]
    weights = []
    for name, weight in zip(names, origins.values()):
        reaches = name == country or any(name in p.origins and country in p.destinations for p in PATHS)
        weights.append(weight * (1.0 if reaches else 0.25))
    return rng.choices(names, weights)[0]


def _route(rng: random.Random, origin: str, country: str, offence: str) -> tuple[Path, Point]:
    """A path from ``origin`` and the final destination (often in ``country``, the case owner)."""
    paths = [p for p in PATHS if origin in p.origins]
    direct = Path((origin,), (), (country,))
    if not paths or (offence != "migrant_smuggling" and rng.random() < 0.15):
        return direct, (rng.choice(CITIES[country]), country)
    path = rng.choices(paths, [3.0 if country in p.destinations else 1.0 for p in paths])[0]
    if country in path.destinations and rng.random() < 0.75:
        dest_country = country
    else:
        dest_country = rng.choice(path.destinations)
    return path, (rng.choice(CITIES[dest_country]), dest_country)


def _apportion_sizes(rng: random.Random, cases: list[CasePlan], persons: int) -> None:
    """Share ``persons`` among cases, at least one each, big cases for smuggling (largest remainders)."""
    weights = [SCENARIOS[c.offence].size * rng.gammavariate(2.0, 0.5) for c in cases]
    extra = persons - len(cases)
    total = sum(weights) or 1.0
    raw = [extra * w / total for w in weights]
    sizes = [1 + int(r) for r in raw]
    remainder = persons - sum(sizes)
    order = sorted(range(len(cases)), key=lambda i: (int(raw[i]) - raw[i], i))
    for i in order[:remainder]:
        sizes[i] += 1
    for case, size in zip(cases, sizes):
        case.size = size
