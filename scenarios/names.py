"""Name regions built from the pools in ``_names_data``, and the spelling noise police files show.

A ``Region`` holds the given names, family names and middle names (fathers' names or patronymics) of
one origin area; ``REGION_OF`` says which region a nationality's people draw their names from.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from linkgraph.scenarios import _names_data as d


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One name with its Latin spellings (reference spelling first) and its original-script form."""

    spellings: tuple[str, ...]
    script: str | None = None


@dataclass(frozen=True)
class Region:
    """The name pools of one origin area; ``family_f[i]`` is the feminine form of ``family[i]``."""

    key: str
    given_m: tuple[NameEntry, ...]
    given_f: tuple[NameEntry, ...]
    family: tuple[NameEntry, ...]
    family_f: tuple[NameEntry, ...]
    middle_m: tuple[NameEntry, ...]
    middle_f: tuple[NameEntry, ...]
    middle_rate: float
    surnames: int = 1
    script: str | None = None


def parse_pool(text: str) -> tuple[NameEntry, ...]:
    """Parse a pool string (``"A/B=script, C"``) into name entries."""
    entries = []
    for raw in text.replace("\n", " ").split(","):
        raw = raw.strip()
        if not raw:
            continue
        latin, _, script = raw.partition("=")
        spellings = tuple(s.strip() for s in latin.split("/") if s.strip())
        entries.append(NameEntry(spellings, script.strip() or None))
    return tuple(entries)


def _slavic_feminine(entry: NameEntry) -> NameEntry:
    """Russian-style surnames in -ov/-ev/-in take -a for women; Ukrainian -enko/-uk/-yk do not change."""
    if not entry.spellings[0].endswith(("ov", "ev", "in")):
        return entry
    script = entry.script + "а" if entry.script else None
    return NameEntry(tuple(s + "a" for s in entry.spellings), script)


def _region(
    key: str,
    given_m: str,
    given_f: str,
    family: str,
    *,
    middle_rate: float,
    middle_m: str | None = None,
    middle_f: str | None = None,
    family_f: str | None = None,
    surnames: int = 1,
    script: str | None = None,
) -> Region:
    males = parse_pool(given_m)
    fam = parse_pool(family)
    fam_f = parse_pool(family_f) if family_f else fam
    if key == "slavic":
        fam_f = tuple(_slavic_feminine(e) for e in fam)
    if len(fam_f) != len(fam):
        raise ValueError(f"region {key}: feminine surnames not aligned with masculine ones")
    return Region(
        key=key,
        given_m=males,
        given_f=parse_pool(given_f),
        family=fam,
        family_f=fam_f,
        middle_m=parse_pool(middle_m) if middle_m else males,
        middle_f=parse_pool(middle_f) if middle_f else males,
        middle_rate=middle_rate,
        surnames=surnames,
        script=script,
    )


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        _region("nigerian", d.NIGERIAN_GIVEN_M, d.NIGERIAN_GIVEN_F, d.NIGERIAN_FAMILY, middle_rate=0.25,
                middle_f=d.NIGERIAN_GIVEN_F),
        _region("sahel", d.SAHEL_GIVEN_M, d.SAHEL_GIVEN_F, d.SAHEL_FAMILY, middle_rate=0.15),
        _region("horn", d.HORN_GIVEN_M, d.HORN_GIVEN_F, d.HORN_FAMILY, middle_rate=0.55),
        _region("arabic", d.ARABIC_GIVEN_M, d.ARABIC_GIVEN_F, d.ARABIC_FAMILY, middle_rate=0.5, script="Arabic"),
        _region("maghreb", d.MAGHREB_GIVEN_M, d.MAGHREB_GIVEN_F, d.MAGHREB_FAMILY, middle_rate=0.15,
                script="Arabic"),
        _region("afghan", d.AFGHAN_GIVEN_M, d.AFGHAN_GIVEN_F, d.AFGHAN_FAMILY, middle_rate=0.2),
        _region("bengali", d.BENGALI_GIVEN_M, d.BENGALI_GIVEN_F, d.BENGALI_FAMILY, middle_rate=0.2),
        _region("vietnamese", d.VIETNAMESE_GIVEN_M, d.VIETNAMESE_GIVEN_F, d.VIETNAMESE_FAMILY, middle_rate=0.85,
                middle_m=d.VIETNAMESE_MIDDLE_M, middle_f=d.VIETNAMESE_MIDDLE_F),
        _region("chinese", d.CHINESE_GIVEN_M, d.CHINESE_GIVEN_F, d.CHINESE_FAMILY, middle_rate=0.0),
        _region("albanian", d.ALBANIAN_GIVEN_M, d.ALBANIAN_GIVEN_F, d.ALBANIAN_FAMILY, middle_rate=0.1),
        _region("slavic", d.SLAVIC_GIVEN_M, d.SLAVIC_GIVEN_F, d.SLAVIC_FAMILY, middle_rate=0.6,
                middle_m=d.SLAVIC_MIDDLE_M, middle_f=d.SLAVIC_MIDDLE_F, script="Cyrillic"),
        _region("greek", d.GREEK_GIVEN_M, d.GREEK_GIVEN_F, d.GREEK_FAMILY, middle_rate=0.1,
                middle_f=d.GREEK_GIVEN_F, family_f=d.GREEK_FAMILY_F, script="Greek"),
        _region("turkish", d.TURKISH_GIVEN_M, d.TURKISH_GIVEN_F, d.TURKISH_FAMILY, middle_rate=0.1,
                middle_f=d.TURKISH_GIVEN_F),
        _region("romanian", d.ROMANIAN_GIVEN_M, d.ROMANIAN_GIVEN_F, d.ROMANIAN_FAMILY, middle_rate=0.2,
                middle_f=d.ROMANIAN_GIVEN_F),
        _region("spanish", d.SPANISH_GIVEN_M, d.SPANISH_GIVEN_F, d.SPANISH_FAMILY, middle_rate=0.3,
                middle_f=d.SPANISH_GIVEN_F, surnames=2),
        _region("italian", d.ITALIAN_GIVEN_M, d.ITALIAN_GIVEN_F, d.ITALIAN_FAMILY, middle_rate=0.1,
                middle_f=d.ITALIAN_GIVEN_F),
        _region("french", d.FRENCH_GIVEN_M, d.FRENCH_GIVEN_F, d.FRENCH_FAMILY, middle_rate=0.3,
                middle_f=d.FRENCH_GIVEN_F),
        _region("german", d.GERMAN_GIVEN_M, d.GERMAN_GIVEN_F, d.GERMAN_FAMILY, middle_rate=0.2,
                middle_f=d.GERMAN_GIVEN_F),
        _region("dutch", d.DUTCH_GIVEN_M, d.DUTCH_GIVEN_F, d.DUTCH_FAMILY, middle_rate=0.3,
                middle_f=d.DUTCH_GIVEN_F),
        _region("maltese", d.MALTESE_GIVEN_M, d.MALTESE_GIVEN_F, d.MALTESE_FAMILY, middle_rate=0.1,
                middle_f=d.MALTESE_GIVEN_F),
    )
}

REGION_OF: dict[str, str] = {
    "NGA": "nigerian", "GHA": "nigerian",
    "SEN": "sahel", "MLI": "sahel", "GIN": "sahel", "CIV": "sahel", "GMB": "sahel",
    "ERI": "horn", "ETH": "horn",
    "SYR": "arabic", "IRQ": "arabic", "EGY": "arabic", "LBY": "arabic", "SDN": "arabic",
    "MAR": "maghreb", "DZA": "maghreb", "TUN": "maghreb",
    "AFG": "afghan", "PAK": "afghan",
    "BGD": "bengali",
    "VNM": "vietnamese",
    "CHN": "chinese",
    "ALB": "albanian",
    "UKR": "slavic", "RUS": "slavic",
    "GRC": "greek",
    "TUR": "turkish",
    "ROU": "romanian",
    "ESP": "spanish",
    "ITA": "italian",
    "FRA": "french", "BEL": "french",
    "DEU": "german", "AUT": "german",
    "NLD": "dutch",
    "MLT": "maltese",
}
"""Nationality (ISO alpha-3) -> name region."""


@lru_cache(maxsize=None)
def _zipf_cum_weights(n: int) -> tuple[float, ...]:
    return tuple(accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(n)))


def pick(rng: random.Random, n: int) -> int:
    """Index into a pool of ``n`` names, the first entries most often (Zipf-like, like real name counts)."""
    return rng.choices(range(n), cum_weights=_zipf_cum_weights(n))[0]


_NEIGHBOURS = {
    "a": "esq", "e": "arwi", "i": "euoy", "o": "uip", "u": "oiy", "y": "ie", "s": "zad", "z": "s",
    "m": "n", "n": "m", "c": "kx", "k": "ch", "d": "t", "t": "dr", "r": "te", "l": "k", "h": "g",
    "g": "h", "b": "vp", "v": "bf", "f": "v", "p": "b", "w": "v", "j": "y", "x": "ks", "q": "k",
}


def typo(rng: random.Random, name: str) -> str:
    """One keying error in a name (substitution, deletion, transposition or doubling), first letter kept."""
    if len(name) < 4:
        return name + name[-1]
    for _ in range(8):
        i = rng.randrange(1, len(name))
        kind = rng.randrange(4)
        c = name[i]
        if kind == 0 and c.lower() in _NEIGHBOURS:
            out = name[:i] + rng.choice(_NEIGHBOURS[c.lower()]) + name[i + 1:]
        elif kind == 1 and c.isalpha():
            out = name[:i] + name[i + 1:]
        elif kind == 2 and i + 1 < len(name) and name[i + 1].isalpha() and c.isalpha():
            out = name[:i] + name[i + 1] + c + name[i + 2:]
        elif c.isalpha():
            out = name[:i] + c + name[i:]
        else:
            continue
        if out != name:
            return out
    return name + name[-1]
