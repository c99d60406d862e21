"""Name forms derived for matching, beyond the key the ingest normaliser writes.

Arabic script writes no short vowels, so a name entered in Arabic reaches the store as its
consonants (``محمد`` is ``mhmd``, ``الطرابلسي`` is ``ltrblsy``: unidecode, letter by letter, article
included), while the same name typed by a clerk in Latin letters carries vowels (``mohamed``, ``el
trabelsi``). No spelling similarity joins them. ``consonant_skeleton`` reduces both to what Arabic
writes for certain, the consonants: vowels and the letters that also stand for long vowels (``w``,
``y``) dropped, the article dropped, a letter written twice counted once, and a few spellings of one
sound made one (``q``/``k``, ``ch``/``sh``, ``dj``/``g``/``j``).

The skeleton throws most of a Latin name away, so resolution compares skeletons only when one side is
written without vowels (``written_without_vowels``): then the skeleton is all that side has.
"""

from __future__ import annotations

import re

__all__ = ["ARTICLES", "consonant_skeleton", "without_article", "written_without_vowels"]

#: The Arabic article as Latin spellings write it, alone or assimilated to the next consonant
#: (``el``, ``al``, ``es saidi``, ``ad din``); written as a word of its own before the name proper.
ARTICLES = frozenset({
    "al", "el", "ul", "il", "as", "es", "ad", "ed", "at", "et", "ar", "er", "an", "en", "az", "ez",
    "ash", "esh", "adh", "ath", "az",
})

_VOWELS = re.compile(r"[aeiou]")
# Egyptian and Gulf spellings write ج as g ("gamal" for jamal); Arabic script has no other g.
_SAME_SOUND = (("ch", "sh"), ("dj", "j"), ("g", "j"), ("q", "k"))
_NOT_SKELETON = re.compile(r"[aeiouwy]|[^a-z]")
_DOUBLED = re.compile(r"(.)\1+")


def written_without_vowels(key: str) -> bool:
    """Whether the name key ``key`` has letters but no vowel (a, e, i, o, u), as Arabic transliterated
    letter by letter has (``mhmd``, ``ly``, ``hsyn``)."""
    return any(ch.isalpha() for ch in key) and _VOWELS.search(key) is None


def without_article(key: str) -> str:
    """The name key ``key`` without a leading Arabic article written as a word of its own
    ("el alaoui" -> "alaoui"; "elena" and a lone "al" are kept).

    Examples
    --------
    >>> without_article("el alaoui"), without_article("es saidi"), without_article("alaoui")
    ('alaoui', 'saidi', 'alaoui')
    """
    article, _, rest = key.partition(" ")
    return rest if article in ARTICLES and rest else key


def consonant_skeleton(key: str) -> str | None:
    """Return the consonants of the name key ``key`` that Arabic script would write, or None if none.

    Examples
    --------
    >>> consonant_skeleton("el trabelsi"), consonant_skeleton("ltrblsy")
    ('trbls', 'trbls')
    >>> consonant_skeleton("youssef"), consonant_skeleton("ywsf")
    ('sf', 'sf')
    >>> consonant_skeleton("alaoui"), consonant_skeleton("llwy")
    ('l', 'l')
    """
    text = without_article(key).replace(" ", "")
    if written_without_vowels(text) and text.startswith("l"):
        # ال written joined to the name: "lmrny" is al-amrani. "ly" (Ali) keeps its l: nothing but
        # the article would be left.
        stripped = _reduce(text[1:])
        if stripped:
            return stripped
    return _reduce(text) or None


def _reduce(text: str) -> str:
    for spelling, sound in _SAME_SOUND:
        text = text.replace(spelling, sound)
    return _DOUBLED.sub(r"\1", _NOT_SKELETON.sub("", text))
