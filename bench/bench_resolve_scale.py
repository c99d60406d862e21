"""Cost of person resolution at scale: 100,000 synthetic records from scratch, then 1,000 new ones.

The records are generated here with a seed: people from several naming traditions, each recorded
one or more times by different police sources, the copies varied the way case files vary them
(transliterations, typos, swapped given name and surname, year-only or year-and-month dates, day
and month swapped, documents and phones present or not). Targets: the full run (training and
prediction) in at most 120 s with peak RSS under 4 GB; 1,000 new records against 100,000 in at
most 15 s. Precision and recall against the generator's truth are printed for information.

Run: ``python bench/bench_resolve_scale.py [--records N] [--new N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import string
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.resolve.matching import DEFAULT_THRESHOLD, train  # noqa: E402

# Given names with spellings of the same name that transliteration produces.
GIVEN_NAMES: dict[str, tuple[str, list[str]]] = {
    "mohamed": ("M", ["muhammad", "mohammed", "mohamad"]),
    "ahmed": ("M", ["ahmad", "ahmet"]),
    "yusuf": ("M", ["youssef", "yousef", "yousuf"]),
    "ibrahim": ("M", ["ebrahim", "ibraheem"]),
    "omar": ("M", ["umar", "omer"]),
    "hussein": ("M", ["husain", "hossain", "hussain"]),
    "abdelrahman": ("M", ["abdulrahman", "abderrahmane"]),
    "mustafa": ("M", ["mostafa", "moustafa"]),
    "aleksandr": ("M", ["alexander", "oleksandr", "aleksander"]),
    "sergei": ("M", ["sergey", "serhiy"]),
    "dmitri": ("M", ["dmitry", "dmytro"]),
    "yuri": ("M", ["yury", "iouri", "jurij"]),
    "mikhail": ("M", ["michail", "mykhailo"]),
    "chukwuemeka": ("M", ["chukwuemeka"]),
    "oluwaseun": ("M", ["oluwaseun"]),
    "adebayo": ("M", ["adebayo"]),
    "emeka": ("M", ["emeka"]),
    "jose": ("M", ["josé", "jose"]),
    "juan": ("M", ["juan"]),
    "carlos": ("M", ["karlos"]),
    "luis": ("M", ["luiz", "lluis"]),
    "giuseppe": ("M", ["guiseppe"]),
    "marco": ("M", ["marko"]),
    "ali": ("M", ["aly"]),
    "hamza": ("M", ["hamsa"]),
    "bilal": ("M", ["belal"]),
    "tariq": ("M", ["tarek", "tarik"]),
    "khalid": ("M", ["khaled"]),
    "samir": ("M", ["sameer"]),
    "karim": ("M", ["kareem"]),
    "fatima": ("F", ["fatma", "fatimah", "fatema"]),
    "aisha": ("F", ["aicha", "ayesha", "aysha"]),
    "maryam": ("F", ["mariam", "meryem"]),
    "khadija": ("F", ["khadidja", "hatice"]),
    "zainab": ("F", ["zeinab", "zaynab"]),
    "olga": ("F", ["olha"]),
    "natalia": ("F", ["nataliya", "natalya"]),
    "elena": ("F", ["olena", "jelena", "yelena"]),
    "tatiana": ("F", ["tatyana", "tetiana"]),
    "svetlana": ("F", ["swetlana"]),
    "ngozi": ("F", ["ngozi"]),
    "chioma": ("F", ["chiomah"]),
    "blessing": ("F", ["blessing"]),
    "precious": ("F", ["precious"]),
    "maria": ("F", ["mariya", "marija"]),
    "ana": ("F", ["anna"]),
    "lucia": ("F", ["lucía", "loutsia"]),
    "sofia": ("F", ["sofiya", "sophia"]),
    "amina": ("F", ["aminah", "ameena"]),
    "salma": ("F", ["selma"]),
}
_SURNAME_WORDS = ["el", "al", "ben", "van", "de", "della"]
_SYLLABLES = [
    "ka", "ra", "mo", "ha", "di", "ne", "lo", "su", "ba", "te", "vi", "no", "ga", "ri", "ko", "ma", "sa",
    "ti", "ol", "an", "ek", "ov", "ski", "enk", "adi", "ani", "chu", "kwu", "ola", "ade", "yem", "zan",
    "ber", "gon", "tal", "mer", "vic", "dra", "sto", "lin", "pet", "ros", "hen", "dor", "ami", "rani",
]
_NATIONALITIES = ["MAR", "DZA", "NGA", "SYR", "UKR", "RUS", "ESP", "ITA", "AFG", "IRQ", "ERI", "SEN", "ALB"]
_ZIPF_200 = [1 / rank for rank in range(1, 201)]
_PERSON = r":p(\d+)-"
_SOURCES = ["es_police", "it_carabinieri", "nl_kmar", "ng_naptip", "interpol_i24", "ua_npu"]


@dataclass
class Person:
    """One true person: the facts every record of them is a variant of."""

    number: int
    given: str
    surname: str
    sex: str
    year: int
    month: int
    day: int
    nationality: str
    documents: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


def _surname_pool(rng: random.Random, size: int) -> list[str]:
    pool: set[str] = set()
    while len(pool) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3))))
        if rng.random() < 0.08:
            word = f"{rng.choice(_SURNAME_WORDS)} {word}"
        pool.add(word)
    return sorted(pool)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("substitute", "delete", "insert", "transpose"))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "substitute":
        return word[:i] + letter + word[i + 1 :]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + letter + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _surname(rng: random.Random, surnames: list[str]) -> str:
    """A surname: one in five from the 200 most common (Zipf: the first about 3% of people)."""
    if rng.random() < 0.2:
        return rng.choices(surnames[:200], weights=_ZIPF_200)[0]
    return rng.choice(surnames)


def _new_person(rng: random.Random, number: int, surnames: list[str]) -> Person:
    given = rng.choice(list(GIVEN_NAMES))
    nationality = rng.choice(_NATIONALITIES)
    person = Person(
        number=number,
        given=given,
        surname=_surname(rng, surnames),
        sex=GIVEN_NAMES[given][0],
        year=rng.randint(1950, 2010),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        nationality=nationality,
    )
    if rng.random() < 0.6:
        letter = rng.choice("ABCDEFGHKLMNPRSTX")
        person.documents.append(f"passport|{nationality}|{letter}{rng.randrange(10**7):07d}")
    if rng.random() < 0.25:
        person.documents.append(f"national_id|{nationality}|{rng.randrange(10**9):09d}")
    if rng.random() < 0.5:
        country_code = rng.choice(("34", "39", "31", "234", "380"))
        person.phones.append(f"+{country_code}{rng.randrange(10**9):09d}")
    return person


def person_record(rng: random.Random, person: Person, copy: int) -> dict[str, object]:
    """One source's record of ``person``; the first copy is faithful, later ones varied."""
    varied = copy > 0
    given, surname = person.given, person.surname
    year, month, day = person.year, person.month, person.day
    if varied:
        if rng.random() < 0.3:
            given = rng.choice(GIVEN_NAMES[person.given][1])
        if rng.random() < 0.15:
            given = _typo(rng, given)
        if rng.random() < 0.15:
            surname = _typo(rng, surname)
        if rng.random() < 0.05:
            given, surname = surname, given
        roll = rng.random()
        if roll < 0.2:
            month, day = None, None
        elif roll < 0.3:
            day = None
        elif roll < 0.33 and day <= 12:
            month, day = day, month
        elif roll < 0.38:
            day = min(28, max(1, day + rng.choice((-1, 1, 10, -10))))
    keep = 0.6 if varied else 0.9
    documents = [d for d in person.documents if rng.random() < keep]
    phones = [p for p in person.phones if rng.random() < keep]
    given = given.replace("é", "e").replace("í", "i")
    return {
        "ref": f"{rng.choice(_SOURCES)}:p{person.number}-c{copy}",
        "source": "",
        "given_key": given,
        "surname_key": surname,
        "name_key": f"{given} {surname}",
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "sex": _recorded(rng, person.sex, missing=0.2, wrong=0.01, values=("M", "F")),
        "nationality": _recorded(rng, person.nationality, missing=0.1, wrong=0.03, values=_NATIONALITIES),
        "doc_keys": documents,
        "phone_keys": phones,
        "address_key": None,
        "postcode": None,
        "locality": None,
        "region": None,
    }


def _recorded(
    rng: random.Random, value: str, *, missing: float, wrong: float, values: Sequence[str]
) -> str | None:
    """``value`` as a clerk records it: sometimes left out, sometimes wrong."""
    roll = rng.random()
    if roll < missing:
        return None
    if roll < missing + wrong:
        return rng.choice(values)
    return value


def synthetic_people(
    count: int, seed: int, first_number: int = 0, existing: list[Person] | None = None
) -> tuple[pd.DataFrame, list[Person]]:
    """Generate ``count`` person records and the people behind them.

    Refs are ``<source>:p<person>-c<copy>``; with ``existing``, about half the records are further
    copies of those people (for the incremental run).
    """
    rng = random.Random(seed)
    surnames = _surname_pool(random.Random(0), 6000)
    people: list[Person] = []
    rows: list[dict[str, object]] = []
    number = first_number
    while len(rows) < count:
        if existing and rng.random() < 0.5:
            person = rng.choice(existing)
            rows.append(person_record(rng, person, copy=1000 + len(rows)))
            continue
        person = _new_person(rng, number, surnames)
        number += 1
        people.append(person)
        copies = 1
        while rng.random() < 0.35 and copies < 5:
            copies += 1
        for copy in range(copies):
            rows.append(person_record(rng, person, copy))
    frame = pd.DataFrame(rows[:count])
    frame["source"] = frame["ref"].str.split(":").str[0]
    for column in ("birth_year", "birth_month", "birth_day"):
        frame[column] = frame[column].astype("Int64")
    return frame, people


def _truth_scores(pairs: pd.DataFrame, frame: pd.DataFrame) -> tuple[float, float]:
    """Precision and recall of ``pairs`` against the generator's truth (same ``p<person>``)."""
    sizes = frame["ref"].str.extract(_PERSON, expand=False).value_counts()
    true_pairs = int((sizes * (sizes - 1) // 2).sum())
    left = pairs["left_ref"].str.extract(_PERSON, expand=False)
    correct = int((left == pairs["right_ref"].str.extract(_PERSON, expand=False)).sum())
    precision = correct / len(pairs) if len(pairs) else 0.0
    return precision, correct / true_pairs if true_pairs else 0.0


def main() -> None:
    """Resolve ``--records`` synthetic records from scratch, then ``--new`` more incrementally."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    frame, people = synthetic_people(args.records, args.seed)
    started = time.perf_counter()
    model = train(frame)
    trained = time.perf_counter()
    pairs = model.predict(frame, threshold=DEFAULT_THRESHOLD)
    predicted = time.perf_counter()
    precision, recall = _truth_scores(pairs, frame)
    print(f"from scratch: {len(frame):,} records, {len(pairs):,} pairs at threshold {DEFAULT_THRESHOLD}")
    print(
        f"  training {trained - started:.1f} s + prediction {predicted - trained:.1f} s"
        f" = {predicted - started:.1f} s (target <= 120 s)"
    )
    print(f"  precision {precision:.4f}  recall {recall:.4f} (against the generator's truth)")

    new, _ = synthetic_people(args.new, args.seed + 1, first_number=10**7, existing=people)
    new["ref"] = "new_" + new["ref"]
    everything = pd.concat([frame, new], ignore_index=True)
    started = time.perf_counter()
    new_pairs = model.predict(everything, threshold=DEFAULT_THRESHOLD, new_refs=set(new["ref"]))
    elapsed = time.perf_counter() - started
    touching = new_pairs["left_ref"].str.startswith("new_") | new_pairs["right_ref"].str.startswith("new_")
    print(
        f"incremental: {len(new):,} new against {len(frame):,}: {len(new_pairs):,} pairs"
        f" in {elapsed:.1f} s (target <= 15 s)"
    )
    print(f"  every pair touches a new record: {bool(touching.all())}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB (target < 4,096 MiB)")


if __name__ == "__main__":
    main()
