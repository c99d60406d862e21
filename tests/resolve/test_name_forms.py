"""Name forms for matching: the consonants a name written in Arabic script and its Latin spelling share."""

from __future__ import annotations

import pytest

from linkgraph.resolve.name_forms import consonant_skeleton, without_article, written_without_vowels
from linkgraph.resolve.person_frame import person_frame, prepare_person_frame

# (Latin spelling a clerk typed, the key of the same name entered in Arabic script, their consonants)
SAME_NAME = [
    ("mohamed", "mhmd", "mhmd"),
    ("mohammed", "mhmd", "mhmd"),
    ("youssef", "ywsf", "sf"),
    ("el trabelsi", "ltrblsy", "trbls"),
    ("trabelsi", "ltrblsy", "trbls"),
    ("el alaoui", "llwy", "l"),
    ("es saidi", "lsydy", "sd"),
    ("al najjar", "lnjr", "njr"),
    ("el khatib", "lkhtyb", "khtb"),
    ("hussein", "hsyn", "hsn"),
    ("ali", "ly", "l"),
    ("darwiche", "drwysh", "drsh"),
    ("qasim", "qsm", "ksm"),
    ("gamal", "jml", "jml"),
]


@pytest.mark.parametrize(("latin", "arabic", "consonants"), SAME_NAME)
def test_a_latin_spelling_and_the_arabic_script_key_share_their_consonants(latin, arabic, consonants):
    assert consonant_skeleton(latin) == consonants
    assert consonant_skeleton(arabic) == consonants


@pytest.mark.parametrize(("key", "expected"), [("mhmd", True), ("ly bll", True), ("mohamed", False), ("", False)])
def test_a_key_without_vowels_is_recognised(key, expected):
    assert written_without_vowels(key) is expected


def test_different_names_keep_different_consonants():
    assert consonant_skeleton("karim") != consonant_skeleton("kamal")
    assert consonant_skeleton("") is None


def test_the_prepared_frame_carries_the_consonants_of_each_name_part():
    frame = person_frame([{"ref": "it:1", "source": "it", "given_key": "mhmd", "surname_key": "ltrblsy"},
                          {"ref": "es:2", "source": "es", "given_key": "mohamed", "surname_key": "el trabelsi"}])
    prepared = prepare_person_frame(frame).to_pydict()
    assert prepared["given_skeleton"] == ["mhmd", "mhmd"]
    assert prepared["surname_skeleton"] == ["trbls", "trbls"]


@pytest.mark.parametrize(("key", "expected"), [("el alaoui", "alaoui"), ("es saidi", "saidi"), ("al najjar", "najjar"),
                                                ("alaoui", "alaoui"), ("elena", "elena"), ("al", "al")])
def test_the_arabic_article_written_as_a_word_is_left_out_of_the_surname_core(key, expected):
    assert without_article(key) == expected
