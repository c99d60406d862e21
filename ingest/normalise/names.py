"""Person names: the spelling an analyst reads, and a matching key that survives script and order.

The key is built in a fixed way: NFKC; Arabic short-vowel marks dropped; other scripts transliterated
to Latin by ``unidecode``; diacritics folded; lower case; apostrophes and the transliteration marks
unidecode emits (`` ` `` for ain, ``~``, ``@``) dropped; hyphens and other punctuation turned into
spaces; given names first, then the surname; single spaces.

What transliteration cannot do
------------------------------
``unidecode`` maps letter by letter; it does not know how a name is said, nor the spelling a country
uses for it. So the key makes the same written name equal across scripts, not the same name equal
across spellings:

* Arabic is written without short vowels, and unidecode gives the consonant skeleton:
  ``محمد`` becomes ``mhmd``, never ``mohamed``; ``العمراني`` becomes ``lmrny`` (article included).
  Mohamed / Muhammad / Mohammed and ``mhmd`` are left to fuzzy and phonetic matching
  (``phonetic_key`` gives all four the same code). Vowel marks are dropped before transliteration
  so that a vowelled and an unvowelled copy of the same Arabic name get one key.
* Cyrillic and Greek follow one scheme each: ``Алексей`` gives ``aleksei`` (not alexey / alexei),
  ``Δημήτριος`` gives ``demetrios`` (not dimitrios), ``Ђорђевић`` gives ``djordjevitsh`` while the
  Latin ``Đorđević`` gives ``dordevic``. unidecode is also case-sensitive in places (capital Xi
  gives ``Ks``, small xi ``x``), so names are lower-cased before, not after, transliteration.
* Which token is the surname is read from commas, capitals and the declared order, not known: a
  wrong split changes ``parts`` but the key keeps the tokens in the order given first, surname last.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

import jellyfish
from unidecode import unidecode

from .base import Invalid, Result, Value
from .codes import text_of

NameOrder = Literal["given_first", "surname_first", "auto"]
_ORDERS = ("given_first", "surname_first", "auto")

# Harakat, tanwin, shadda, sukun, superscript alef and Quranic marks: pronunciation aids that are
# written in some copies of a name and not in others.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# Apostrophes of every kind, and the marks unidecode uses for letters with no Latin equivalent.
_DROPPED = re.compile("['`´‘’ʼʻ\"~@^]")
_NOT_ALNUM = re.compile(r"[\W_]+")

# Lower-case particles that belong to the surname after them: "Mohamed el AMRANI", "Jan van der Berg".
_PARTICLES = frozenset(
    {"al", "el", "ul", "bin", "ben", "ibn", "abu", "abd", "van", "von", "der", "den", "de", "del",
     "della", "di", "da", "do", "dos", "das", "du", "la", "le", "los", "las", "ter", "ten"}
)


def name_key(text: str) -> str:
    """Return the matching key of a name fragment, keeping its token order.

    Parameters
    ----------
    text : str
        Any spelling in any script, e.g. ``"Владимир Петров"`` or ``"Jean-Pierre O'Brien"``.

    Returns
    -------
    str
        ``"vladimir petrov"``, ``"jean pierre obrien"``; empty when there is no letter or digit.
    """
    # Lower-case before transliterating: unidecode gives Greek capital Xi "Ks" but small xi "x".
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).lower()
    latin = _DROPPED.sub("", unidecode(text)).lower()
    return _NOT_ALNUM.sub(" ", latin).strip()


def phonetic_key(name_key: str) -> str:
    """Return the Metaphone code of each token of a name key, space-separated.

    Parameters
    ----------
    name_key : str
        A key from ``normalise_name`` (lower-case Latin, single spaces), e.g. ``"mohamed el amrani"``.

    Returns
    -------
    str
        ``"MHMT ELMRN"``-style codes, one per token (empty tokens dropped); ``""`` for an empty key.
    """
    # Metaphone rather than NYSIIS or Soundex: it drops vowels after the first letter, and vowels are
    # exactly what transliterations disagree on, so "mohamed", "muhammad", "mohammed" and the Arabic
    # skeleton "mhmd" all give MHMT, and "aleksei"/"alexey", "dimitrios"/"demetrios" agree too.
    # NYSIIS keeps vowel positions (MAHANAD vs MND) and Soundex keeps only one letter and three digits.
    return " ".join(code for token in name_key.split() if (code := jellyfish.metaphone(token)))


def _is_caps(token: str) -> bool:
    """Whether a token is written in capitals (two letters at least, so initials do not count)."""
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _has_letter(token: str) -> bool:
    return any(ch.isalpha() for ch in token)


def _caps_split(tokens: list[str]) -> tuple[list[str], list[str]] | None:
    """Split on capitals when some tokens are ALL CAPS and others are not: the capitals are the surname.

    A lower-case particle right before a capitalised token joins the surname ("el AMRANI").
    Returns ``None`` when capitals say nothing (all caps, none, or a script without case).
    """
    caps = [_is_caps(token) for token in tokens]
    others_have_letters = any(_has_letter(token) for token, cap in zip(tokens, caps) if not cap)
    if not any(caps) or not others_have_letters:
        return None
    for i in range(len(tokens) - 2, -1, -1):
        if not caps[i] and caps[i + 1] and tokens[i].lower() in _PARTICLES and tokens[i].islower():
            caps[i] = True
    surname = [token for token, cap in zip(tokens, caps) if cap]
    given = [token for token, cap in zip(tokens, caps) if not cap]
    return given, surname


def _given_first_split(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The last token and the particles before it are the surname: "Mohamed El Amrani"."""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].lower() in _PARTICLES:
        start -= 1
    return tokens[:start], tokens[start:]


def _surname_first_split(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The first token, after any leading particles, is the surname: "El Amrani Mohamed"."""
    end = 0
    while end < len(tokens) - 2 and tokens[end].lower() in _PARTICLES:
        end += 1
    return tokens[end + 1 :], tokens[: end + 1]


def _name_value(given: str, surname: str, display: str) -> Result:
    """Build the ``Value`` from display parts, or ``Invalid`` when there is nothing to match on."""
    given_key, surname_key = name_key(given), name_key(surname)
    key = " ".join(part for part in (given_key, surname_key) if part)
    if not any(ch.isalpha() for ch in key):
        return Invalid(f"a name needs at least one letter: {display!r}")
    parts: dict[str, str | int | float | bool | None] = {
        "given": given, "surname": surname, "given_key": given_key, "surname_key": surname_key,
    }
    return Value(key=key, display=display, parts=parts)


def normalise_name(raw: object, order: NameOrder = "given_first") -> Result:
    """Clean a full name written in one field and build its matching key.

    Parameters
    ----------
    raw : object
        The name as the source wrote it: ``"Mohamed El Amrani"``, ``"EL AMRANI Mohamed"``,
        ``"EL AMRANI, Mohamed"``, ``"محمد العمراني"``.
    order : {"given_first", "surname_first", "auto"}
        How the source writes names. A comma always means ``SURNAME, Given``. Under ``surname_first``
        and ``auto``, when some tokens are ALL CAPS and others are not, the capitals are the surname
        wherever they stand. Otherwise ``surname_first`` reads the first token as the surname and
        ``given_first`` and ``auto`` read the last one (each with its particles: el, van, de, ...).
        A name of one token is a surname.

    Returns
    -------
    Value or Invalid
        ``display`` is the spelling as written (NFKC, whitespace collapsed, never transliterated);
        ``key`` is given names then surname, transliterated, folded and lower-cased;
        ``parts`` holds ``given``, ``surname`` (display spelling) and ``given_key``, ``surname_key``.
        ``Invalid`` when the text is empty or has no letter, has more than one comma, or ``order`` is
        unknown.
    """
    if order not in _ORDERS:
        return Invalid(f"unknown name order {order!r} (expected one of {', '.join(_ORDERS)})")
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    if text.count(",") > 1:
        return Invalid(f"a name may hold one comma (SURNAME, Given), not several: {text!r}")
    if "," in text:
        surname, _, given = (part.strip() for part in text.partition(","))
        return _name_value(given, surname, ", ".join(part for part in (surname, given) if part))
    tokens = text.split(" ")
    split = _caps_split(tokens) if order != "given_first" else None
    if split is None:
        split = _surname_first_split(tokens) if order == "surname_first" else _given_first_split(tokens)
    given_tokens, surname_tokens = split
    return _name_value(" ".join(given_tokens), " ".join(surname_tokens), text)


def normalise_name_parts(given: object, surname: object) -> Result:
    """Clean a name a source keeps in two columns and build its matching key.

    Parameters
    ----------
    given : object
        Given name(s), e.g. ``"Mohamed"``; may be empty.
    surname : object
        Surname, e.g. ``"EL AMRANI"``; may be empty, but not together with ``given``.

    Returns
    -------
    Value or Invalid
        As ``normalise_name``: ``display`` is ``"given surname"`` as written, ``key`` given then
        surname. ``Invalid`` when both are empty or neither holds a letter.
    """
    given_text, surname_text = text_of(given) or "", text_of(surname) or ""
    display = " ".join(part for part in (given_text, surname_text) if part)
    if not display:
        return Invalid("empty value")
    return _name_value(given_text, surname_text, display)
