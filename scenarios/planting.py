"""Planted ground truth: the same person in several cases, look-alikes, identifiers shared by two people,
route networks, and bad rows for the quarantine.

Each planted appearance takes one person slot of its case; the writer fills the remaining slots with
ordinary (single-record) persons.
"""

from __future__ import annotations

from datetime import timedelta

from linkgraph.scenarios.people import Appearance, Identity, choose_ops
from linkgraph.scenarios.plan import SUSPECT_ROLES, CasePlan, Planner
from linkgraph.scenarios.world import SCENARIOS, VICTIM_OFFENCES, alpha2

_VICTIM_CASES = VICTIM_OFFENCES - {"child_sexual_exploitation"}  # a minor victim is not re-planted as an adult


def _free(planner: Planner, index: int) -> bool:
    return planner.used[index] < planner.cases[index].size


def _take(planner: Planner, identity: Identity, appearance: Appearance) -> None:
    planner.used[appearance.case] += 1
    planner.cases[appearance.case].planted.append((identity, appearance))


def _pick_case(planner: Planner, *, kind: str, exclude: set[int], systems: set[str], same_system: str | None,
               nationality: str | None, by_origin: dict[str, list[int]]) -> int | None:
    """A case with a free slot, fitting ``kind``, in another system than ``systems`` (or in ``same_system``);
    cases whose main origin is ``nationality`` first, as the same network tends to recur."""
    rng = planner.rng
    n = len(planner.cases)

    def fits(i: int) -> bool:
        case = planner.cases[i]
        if i in exclude or not _free(planner, i):
            return False
        if kind == "victim" and case.offence not in _VICTIM_CASES:
            return False
        if same_system is not None:
            return case.system.source == same_system
        return case.system.source not in systems

    pools = []
    if nationality is not None and nationality in by_origin:
        pools.append(by_origin[nationality])
    pools.append(range(n))
    for pool in pools:
        for _ in range(40):
            i = pool[rng.randrange(len(pool))]
            if fits(i):
                return i
    return None


def _origin_index(planner: Planner) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for case in planner.cases:
        index.setdefault(case.origin, []).append(case.index)
    return index


def plant_identities(planner: Planner, count: int) -> None:
    """``count`` persons recorded 2-4 times across cases of different systems (about 1 in 9 with a second
    registration in the same file), with variant spellings and sometimes the same passport or phone."""
    rng = planner.rng
    by_origin = _origin_index(planner)
    for _ in range(count):
        kind = "victim" if rng.random() < 0.55 else "offender"
        size = rng.choices((2, 3, 4), (0.6, 0.3, 0.1))[0]
        first = _pick_case(planner, kind=kind, exclude=set(), systems=set(), same_system=None, nationality=None,
                           by_origin=by_origin)
        if first is None:
            continue
        case0 = planner.cases[first]
        role0 = "victim" if kind == "victim" else planner.role_for(case0, kind)
        chosen = [first]
        duplicate = rng.random() < 0.11
        systems = {case0.system.source}
        identity = planner.person(case0, role0)
        for k in range(1, size):
            same = case0.system.source if duplicate and k == 1 else None
            picked = _pick_case(planner, kind=kind, exclude=set(chosen), systems=systems, same_system=same,
                                nationality=identity.nationality, by_origin=by_origin)
            if picked is None:
                continue
            chosen.append(picked)
            systems.add(planner.cases[picked].system.source)
        if len(chosen) < 2:
            continue
        appearances = []
        for k, index in enumerate(chosen):
            case = planner.cases[index]
            role = role0 if k == 0 else planner.role_for(case, kind)
            ops = () if k == 0 else choose_ops(
                rng, identity, ndjson=case.system.shape == "ndjson",
                duplicate=k == 1 and case.system.source == case0.system.source)
            appearance = Appearance(index, role, ops, passport=identity.passport is not None and rng.random() < 0.7,
                                    phone=identity.phone is not None and rng.random() < 0.6)
            appearances.append(appearance)
            _take(planner, identity, appearance)
        for a in range(len(appearances)):
            for b in range(a + 1, len(appearances)):
                x, y = appearances[a], appearances[b]
                planner.link(x.case, y.case, "same_person", identity.identity_id)
                if x.passport and y.passport:
                    planner.link(x.case, y.case, "same_document", identity.passport.key)
                if x.phone and y.phone:
                    planner.link(x.case, y.case, "same_phone", identity.phone.e164)


def _kind_and_role(planner: Planner, case: CasePlan) -> tuple[str, str]:
    roles = SCENARIOS[case.offence].roles
    role = planner.rng.choices(list(roles), list(roles.values()))[0]
    return ("offender" if role in SUSPECT_ROLES else "victim"), role


def plant_lookalikes(planner: Planner, count: int) -> None:
    """``count`` pairs of different people with the same common name, different full birth dates and no
    shared identifier, in cases of different systems."""
    rng = planner.rng
    by_origin = _origin_index(planner)
    for _ in range(count):
        first = _pick_case(planner, kind="any", exclude=set(), systems=set(), same_system=None, nationality=None,
                           by_origin=by_origin)
        if first is None:
            return
        case_a = planner.cases[first]
        _, role_a = _kind_and_role(planner, case_a)
        a = planner.person(case_a, role_a)
        second = _pick_case(planner, kind="any", exclude={first}, systems={case_a.system.source}, same_system=None,
                            nationality=a.nationality, by_origin=by_origin)
        if second is None:
            continue
        case_b = planner.cases[second]
        _, role_b = _kind_and_role(planner, case_b)
        b = planner.person(case_b, role_b, nationality=a.nationality)
        given_pool = a.region.given_m if a.sex == "M" else a.region.given_f
        family_pool = a.region.family if a.sex == "M" else a.region.family_f
        a.given = given_pool[rng.randrange(min(3, len(given_pool)))]
        a.family = tuple(family_pool[rng.randrange(min(3, len(family_pool)))] for _ in a.family)
        a.middle = None
        a.spelling = (0,) * (2 + len(a.family))
        b.sex, b.given, b.middle, b.family, b.spelling = a.sex, a.given, None, a.family, a.spelling
        if rng.random() < 0.5:  # same year, another day
            b.birth = a.birth.replace(month=1, day=1) + timedelta(days=rng.randrange(365))
        else:
            b.birth = a.birth + timedelta(days=rng.choice((-1, 1)) * rng.randrange(400, 4000))
        if b.birth == a.birth:
            b.birth = a.birth + timedelta(days=17)
        _take(planner, a, Appearance(first, role_a, (), passport=a.passport is not None, phone=a.phone is not None))
        _take(planner, b, Appearance(second, role_b, (), passport=b.passport is not None, phone=b.phone is not None))
        planner.lookalikes.append((a.identity_id, b.identity_id))


def plant_shared_identifiers(planner: Planner, phones: int, documents: int) -> None:
    """Phones and passports used by two different people in two cases of different systems: a recruiter's
    number in a victim's record, a forged or borrowed passport (``same_phone`` / ``same_document``)."""
    rng = planner.rng
    by_origin = _origin_index(planner)
    for n in range(phones + documents):
        sharing_phone = n < phones
        first = _pick_case(planner, kind="offender", exclude=set(), systems=set(), same_system=None,
                           nationality=None, by_origin=by_origin)
        if first is None:
            return
        case_a = planner.cases[first]
        role_a = planner.role_for(case_a, "offender")
        a = planner.person(case_a, role_a)
        if sharing_phone and a.phone is None:
            a.phone = planner.phones.new(alpha2(case_a.system.country))
        if not sharing_phone and a.passport is None:
            a.passport = planner.issuer.issue("passport", a.nationality)
        if (sharing_phone and a.phone is None) or (not sharing_phone and a.passport is None):
            continue
        second = _pick_case(planner, kind="any", exclude={first}, systems={case_a.system.source}, same_system=None,
                            nationality=a.nationality, by_origin=by_origin)
        if second is None:
            continue
        case_b = planner.cases[second]
        _, role_b = _kind_and_role(planner, case_b)
        nationality = None if sharing_phone else a.passport.country
        b = planner.person(case_b, role_b, nationality=nationality)
        appearance_b = Appearance(second, role_b, (), passport=False, phone=False)
        if sharing_phone:
            b.phone = None
            appearance_b.extra_phone = a.phone
            planner.link(first, second, "same_phone", a.phone.e164)
        else:
            b.passport = None
            appearance_b.extra_document = a.passport
            planner.link(first, second, "same_document", a.passport.key)
        _take(planner, a, Appearance(first, role_a, (), passport=a.passport is not None, phone=a.phone is not None))
        _take(planner, b, appearance_b)


def plant_networks(planner: Planner) -> None:
    """Groups of 2-4 cases (CSV and NDJSON files) on the same route within weeks: ``shared_transit`` links."""
    rng = planner.rng
    candidates = [c.index for c in planner.cases  # victims' routes are in every mapping: cases with victims
                  if c.path is not None and c.path.transit and c.system.shape != "xlsx" and c.size >= 2
                  and c.offence in VICTIM_OFFENCES]
    if len(candidates) < 2:
        return
    by_origin: dict[str, list[int]] = {}
    for i in candidates:
        by_origin.setdefault(planner.cases[i].origin, []).append(i)
    for _ in range(max(1, len(candidates) // 30)):
        seed = planner.cases[rng.choice(candidates)]
        if seed.network:
            continue
        pool = [i for i in by_origin[seed.origin] if i != seed.index and not planner.cases[i].network]
        if not pool:
            continue
        members = [seed] + [planner.cases[i] for i in rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3))))]
        for member in members:
            member.network = True
            if member is not seed:
                member.path = seed.path
                member.travel = seed.travel + timedelta(days=rng.randrange(-20, 21))
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                for city, _country in seed.path.transit:
                    planner.link(members[a].index, members[b].index, "shared_transit", city)


BAD_KINDS = {"csv": ("date", "phone", "missing_id"), "ndjson": ("date", "phone", "missing_id"),
             "xlsx": ("date", "phone", "missing_id", "dangling")}


def plant_bad_rows(planner: Planner) -> None:
    """About one row in 500 per file shape made bad (at least one of each kind), always an ordinary person's
    row, spread one per case over cases with no planted link first (a rejected NDJSON line then loses no
    planted record), then over the others."""
    rng = planner.rng
    for shape, kinds in BAD_KINDS.items():
        cases = [c for c in planner.cases if c.system.shape == shape and not c.network]
        clean = [c for c in cases if not planner.used[c.index]]
        others = [c for c in cases if planner.used[c.index]]
        rng.shuffle(clean)
        rng.shuffle(others)
        wanted = max(len(kinds), round(sum(c.size for c in cases) / 500)) if cases else 0
        placed = 0
        for group in (clean, others):
            for _ in range(len(kinds)):
                for case in group:
                    if placed == wanted:
                        break
                    kind = kinds[placed % len(kinds)]
                    ordinary = case.size - planner.used[case.index]
                    if kind == "dangling" or sum(k != "dangling" for k in case.bad) < ordinary:
                        case.bad.append(kind)
                        placed += 1
