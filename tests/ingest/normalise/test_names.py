"""Names: display keeps the spelling, the key survives script, case, punctuation and order."""

from __future__ import annotations

import pytest

from linkgraph.ingest.normalise.base import Invalid, Value
from linkgraph.ingest.normalise.names import name_key, normalise_name, normalise_name_parts, phonetic_key


@pytest.mark.parametrize(
    ("raw", "options", "key", "display"),
    [
        ("Mohamed El Amrani", {}, "mohamed el amrani", "Mohamed El Amrani"),
        ("  Mohamed   El  Amrani ", {}, "mohamed el amrani", "Mohamed El Amrani"),
        ("EL AMRANI, Mohamed", {}, "mohamed el amrani", "EL AMRANI, Mohamed"),
        ("EL AMRANI ,Mohamed", {"order": "given_first"}, "mohamed el amrani", "EL AMRANI, Mohamed"),
        ("EL AMRANI Mohamed", {"order": "surname_first"}, "mohamed el amrani", "EL AMRANI Mohamed"),
        ("Mohamed EL AMRANI", {"order": "surname_first"}, "mohamed el amrani", "Mohamed EL AMRANI"),
        ("EL AMRANI Mohamed", {"order": "auto"}, "mohamed el amrani", "EL AMRANI Mohamed"),
        ("El Amrani Mohamed", {"order": "surname_first"}, "mohamed el amrani", "El Amrani Mohamed"),
        ("EL AMRANI Mohamed", {"order": "given_first"}, "el amrani mohamed", "EL AMRANI Mohamed"),
        ("José María de la Cruz", {}, "jose maria de la cruz", "José María de la Cruz"),
        ("Jean-Pierre O'Brien", {}, "jean pierre obrien", "Jean-Pierre O'Brien"),
        ("Łukasz Wałęsa-Øberg", {}, "lukasz walesa oberg", "Łukasz Wałęsa-Øberg"),
        ("Ｍｏｈａｍｅｄ", {}, "mohamed", "Mohamed"),
        ("Владимир Петров", {}, "vladimir petrov", "Владимир Петров"),
        ("ПЕТРОВ Владимир", {"order": "auto"}, "vladimir petrov", "ПЕТРОВ Владимир"),
        ("Νίκος Παπαδόπουλος", {}, "nikos papadopoulos", "Νίκος Παπαδόπουλος"),
        ("ΠΑΠΑΔΟΠΟΥΛΟΣ Νίκος", {"order": "surname_first"}, "nikos papadopoulos", "ΠΑΠΑΔΟΠΟΥΛΟΣ Νίκος"),
        ("محمد العمراني", {}, "mhmd lmrny", "محمد العمراني"),
    ],
)
def test_name_key_and_display(raw: str, options: dict[str, str], key: str, display: str) -> None:
    result = normalise_name(raw, **options)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


@pytest.mark.parametrize(
    ("raw", "order"),
    [
        ("EL AMRANI, Mohamed", "given_first"),
        ("EL AMRANI, Mohamed", "surname_first"),
        ("El Amrani, Mohamed", "auto"),
        ("Mohamed EL AMRANI", "surname_first"),
        ("Mohamed EL AMRANI", "auto"),
        ("EL AMRANI Mohamed", "surname_first"),
        ("EL AMRANI Mohamed", "auto"),
        ("Mohamed el AMRANI", "auto"),
        ("Mohamed El Amrani", "given_first"),
        ("Mohamed El-Amrani", "given_first"),
        ("MOHAMED EL AMRANI", "given_first"),
        ("mohamed el amrani", "auto"),
    ],
)
def test_every_way_of_writing_mohamed_el_amrani_gives_one_key(raw: str, order: str) -> None:
    result = normalise_name(raw, order=order)
    assert isinstance(result, Value)
    assert result.key == "mohamed el amrani"


@pytest.mark.parametrize(
    ("foreign", "latin"),
    [
        ("Владимир Петров", "Vladimir Petrov"),
        ("Сергей Иванов", "Sergei Ivanov"),
        ("Наталья", "Natalia"),  # unidecode gives Natal'ia; the apostrophe is dropped
        ("Νίκος Παπαδόπουλος", "Nikos Papadopoulos"),
        ("Γιώργος", "Giorgos"),
        ("يوسف", "ywsf"),  # Arabic gives the consonant skeleton, not "Youssef"
        ("Đorđević", "Dordevic"),
    ],
)
def test_other_scripts_transliterate_to_the_latin_key(foreign: str, latin: str) -> None:
    assert name_key(foreign) == name_key(latin)


@pytest.mark.parametrize(
    ("foreign", "usual_latin"),
    [
        ("محمد", "Mohamed"),
        ("Алексей", "Alexey"),
        ("Δημήτριος", "Dimitrios"),
        ("Ђорђевић", "Đorđević"),
    ],
)
def test_transliteration_does_not_reach_the_usual_latin_spelling(foreign: str, usual_latin: str) -> None:
    assert name_key(foreign) != name_key(usual_latin)


def test_arabic_with_and_without_vowel_marks_gives_one_key() -> None:
    assert name_key("مُحَمَّد") == name_key("محمد") == "mhmd"


def test_arabic_alef_with_and_without_hamza_gives_one_key() -> None:
    assert name_key("أحمد") == name_key("احمد") == "hmd"


def test_greek_capitals_transliterate_like_lower_case() -> None:
    assert name_key("ΑΛΕΞΑΝΔΡΟΣ") == name_key("Αλέξανδρος") == "alexandros"


@pytest.mark.parametrize(
    ("raw", "order", "given", "surname"),
    [
        ("Mohamed El Amrani", "given_first", "Mohamed", "El Amrani"),
        ("EL AMRANI, Mohamed", "given_first", "Mohamed", "EL AMRANI"),
        ("Mohamed EL AMRANI", "surname_first", "Mohamed", "EL AMRANI"),
        ("Mohamed el AMRANI", "auto", "Mohamed", "el AMRANI"),
        ("Amrani Mohamed Ali", "surname_first", "Mohamed Ali", "Amrani"),
        ("de la Cruz María", "surname_first", "María", "de la Cruz"),
        ("Jan van der Berg", "given_first", "Jan", "van der Berg"),
        ("J. SMITH", "auto", "J.", "SMITH"),
        ("Mohamed", "given_first", "", "Mohamed"),
        ("SMITH,", "given_first", "", "SMITH"),
    ],
)
def test_given_and_surname_parts(raw: str, order: str, given: str, surname: str) -> None:
    result = normalise_name(raw, order=order)
    assert isinstance(result, Value)
    assert (result.parts["given"], result.parts["surname"]) == (given, surname)


def test_parts_carry_keys_of_given_and_surname() -> None:
    result = normalise_name("ΠΑΠΑΔΟΠΟΥΛΟΣ Νίκος", order="auto")
    assert isinstance(result, Value)
    assert result.parts == {
        "given": "Νίκος", "surname": "ΠΑΠΑΔΟΠΟΥΛΟΣ", "given_key": "nikos", "surname_key": "papadopoulos",
    }


def test_without_capitals_auto_reads_given_name_first() -> None:
    result = normalise_name("Amrani Mohamed", order="auto")
    assert isinstance(result, Value)
    assert result.parts["surname"] == "Mohamed"


@pytest.mark.parametrize(
    ("given", "surname", "key", "display"),
    [
        ("Mohamed", "EL AMRANI", "mohamed el amrani", "Mohamed EL AMRANI"),
        ("  Mohamed ", None, "mohamed", "Mohamed"),
        (None, "Petrov", "petrov", "Petrov"),
        ("Владимир", "Петров", "vladimir petrov", "Владимир Петров"),
    ],
)
def test_name_from_two_columns(given: str | None, surname: str | None, key: str, display: str) -> None:
    result = normalise_name_parts(given, surname)
    assert isinstance(result, Value)
    assert (result.key, result.display) == (key, display)


def test_two_columns_and_one_field_give_the_same_key() -> None:
    two = normalise_name_parts("Mohamed", "EL AMRANI")
    one = normalise_name("EL AMRANI, Mohamed")
    assert isinstance(two, Value) and isinstance(one, Value)
    assert two.key == one.key


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("mohamed el amrani", "MHMT EL AMRN"),
        ("muhammad", "MHMT"),
        ("mohammed", "MHMT"),
        ("mhmd", "MHMT"),
        ("aleksei ivanov", "ALKS IFNF"),
        ("alexey ivanoff", "ALKS IFNF"),
        ("", ""),
    ],
)
def test_phonetic_key(name: str, code: str) -> None:
    assert phonetic_key(name) == code


def test_arabic_skeleton_and_latin_spelling_share_a_phonetic_key() -> None:
    assert phonetic_key(name_key("محمد")) == phonetic_key(name_key("Muhammad"))


@pytest.mark.parametrize(
    ("raw", "options", "reason"),
    [
        ("", {}, "empty value"),
        ("   ", {}, "empty value"),
        (None, {}, "empty value"),
        ("!!! ---", {}, "at least one letter"),
        ("05/03/1987", {}, "at least one letter: '05/03/1987'"),
        ("EL AMRANI, Mohamed, Ali", {}, "one comma"),
        ("Mohamed", {"order": "family_first"}, "unknown name order 'family_first'"),
    ],
)
def test_invalid_names(raw: str | None, options: dict[str, str], reason: str) -> None:
    result = normalise_name(raw, **options)
    assert isinstance(result, Invalid)
    assert reason in result.reason


@pytest.mark.parametrize(
    ("given", "surname", "reason"),
    [(None, None, "empty value"), ("", " ", "empty value"), ("-", "?", "at least one letter")],
)
def test_invalid_name_columns(given: str | None, surname: str | None, reason: str) -> None:
    result = normalise_name_parts(given, surname)
    assert isinstance(result, Invalid)
    assert reason in result.reason
