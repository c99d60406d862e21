"""Person records for the matching tests: a tiny factory, a generated background, and reading pairs.

The background is a few hundred case-file records: a third of the people recorded twice, the copy
varied as clerks vary it, and the model trained on it (fixtures ``background`` and ``model``, which a
test module imports to use); each test adds a few records of its own and scores those.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from linkgraph.resolve.matching import PERSON_COLUMNS, ResolutionModel, train

VARIANTS = {
    "mohamed": ["muhammad", "mohammed"],
    "ahmed": ["ahmad"],
    "yusuf": ["youssef", "yousef"],
    "omar": ["umar"],
    "sergei": ["sergey"],
    "aleksandr": ["alexander"],
    "oluwaseun": ["oluwasegun"],
    "fatima": ["fatma"],
    "aisha": ["aicha"],
    "olena": ["elena"],
    "chioma": ["chiomah"],
    "maria": ["mariya"],
}
SEX = {"fatima": "F", "aisha": "F", "olena": "F", "chioma": "F", "maria": "F"}
COMMON_SURNAMES = ["el amrani", "ben ali", "okafor", "kovalenko"]
SYLLABLES = ["ka", "ra", "mo", "di", "ne", "lo", "su", "ba", "te", "vi", "ga", "ri", "ol", "an", "ek", "ov"]


def person(
    ref: str,
    given: str | None,
    surname: str | None,
    year: int | None = None,
    month: int | None = None,
    day: int | None = None,
    *,
    sex: str | None = None,
    nationality: str | None = None,
    docs: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    region: str | None = None,
) -> dict[str, object]:
    """One row of a person frame, as a case-file source would give it (no address)."""
    return {
        "ref": ref,
        "source": ref.split(":")[0],
        "given_key": given,
        "surname_key": surname,
        "name_key": " ".join(part for part in (given, surname) if part),
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
        "sex": sex,
        "nationality": nationality,
        "doc_keys": list(docs),
        "phone_keys": list(phones),
        "address_key": None,
        "postcode": None,
        "locality": None,
        "region": region,
    }


def frame_of(*rows: dict[str, object]) -> pd.DataFrame:
    """A person frame with the input dtypes."""
    frame = pd.DataFrame(list(rows), columns=list(PERSON_COLUMNS))
    for column in ("birth_year", "birth_month", "birth_day"):
        frame[column] = frame[column].astype("Int64")
    return frame


def background_frame(seed: int = 3, people: int = 330) -> pd.DataFrame:
    """Generated case-file records: a third of the people recorded twice, the copy varied (one in seven
    with the names in the other order)."""
    rng, order_rng, script_rng = random.Random(seed), random.Random(seed + 1), random.Random(seed + 2)
    rare = sorted({"".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(150)})
    rows = []
    for number in range(people):
        given = rng.choice(list(VARIANTS))
        surname = rng.choice(COMMON_SURNAMES) if rng.random() < 0.25 else rng.choice(rare)
        year, month, day = rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28)
        sex, nationality = SEX.get(given, "M"), rng.choice(["MAR", "NGA", "UKR", "SYR", "ESP"])
        region = rng.choice(["andalucia", "catalonia", "madrid", "valencia", "galicia", "murcia"])
        docs = (f"passport|{nationality}|P{rng.randrange(10**7):07d}",) if rng.random() < 0.5 else ()
        phones = (f"+34{rng.randrange(10**9):09d}",) if rng.random() < 0.4 else ()
        facts = {"sex": sex, "nationality": nationality, "docs": docs, "phones": phones, "region": region}
        rows.append(person(f"bg_a:{number}", given, surname, year, month, day, **facts))
        if rng.random() < 0.35:
            copy_given = rng.choice(VARIANTS[given]) if rng.random() < 0.5 else given
            copy_surname = _misspelt(rng, surname) if rng.random() < 0.3 else surname
            dates = [(year, None, None), (year, month, None), (year, month, day)]
            copy_date = rng.choices(dates, weights=[6, 3, 11])[0]
            if order_rng.random() < 0.15:  # recorded surname first, half the time with a middle name
                copy_given, copy_surname = copy_surname, copy_given
                if order_rng.random() < 0.5:
                    copy_surname += " " + order_rng.choice(rare)
            if nationality in ("MAR", "SYR") and script_rng.random() < 0.3:
                copy_given, copy_surname = _from_arabic_script(copy_given), _from_arabic_script(copy_surname)
            rows.append(
                person(
                    f"bg_b:{number}",
                    copy_given,
                    copy_surname,
                    *copy_date,
                    sex=sex if rng.random() < 0.8 else None,
                    nationality=nationality if rng.random() < 0.9 else None,
                    docs=docs if rng.random() < 0.6 else (),
                    phones=phones if rng.random() < 0.5 else (),
                    region=region if rng.random() < 0.85 else rng.choice(["madrid", None]),
                )
            )
    return frame_of(*rows)


def _from_arabic_script(name: str) -> str:
    """The name as its key reads when entered in Arabic script: the article joined, short vowels
    unwritten, long ones as w and y ("el amrani" as "lmrny", "yusuf" as "ywsf")."""
    name = name.replace("el ", "l").replace("ou", "w").replace("u", "w")
    name = name[:-1] + "y" if name.endswith("i") else name
    return "".join(ch for ch in name if ch not in "aeio")


def _misspelt(rng: random.Random, surname: str) -> str:
    """The surname as another clerk wrote it: words run together, or one letter dropped."""
    if " " in surname and rng.random() < 0.5:
        return surname.replace(" ", "")
    i = rng.randrange(1, len(surname) - 1)
    return surname[:i] + surname[i + 1 :]


@pytest.fixture(scope="module")
def background() -> pd.DataFrame:
    """The generated background records."""
    return background_frame()


@pytest.fixture(scope="module")
def model(background: pd.DataFrame) -> ResolutionModel:
    """The model trained on the background."""
    return train(background)


def score(model: ResolutionModel, background: pd.DataFrame, *rows: dict[str, object]) -> pd.DataFrame:
    """Pairs among ``rows`` (and between them and the background), at any probability."""
    frame = pd.concat([background, frame_of(*rows)], ignore_index=True)
    return model.predict(frame, threshold=0.0, new_refs={str(row["ref"]) for row in rows})


def pair(pairs: pd.DataFrame, left: str, right: str) -> pd.Series:
    found = pairs[(pairs["left_ref"] == min(left, right)) & (pairs["right_ref"] == max(left, right))]
    assert len(found) == 1, f"pair {left} / {right} was not scored"
    return found.iloc[0]


def weight(pair: pd.Series, prefix: str) -> float:
    """The signed weight of the one evidence sentence of ``pair`` starting with ``prefix``."""
    [sentence] = [s for s in pair["evidence"] if s.startswith(prefix)]
    return float(sentence.rsplit(", ", 1)[1])


