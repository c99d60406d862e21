"""``search``: fuzzy, transliteration-aware search over names, numbers, addresses and places.

The text is turned into the same Latin name key the ingest stores (``name_key``: any script,
transliterated with unidecode), candidates come from the store's full-text index (fuzzy terms, and
consonant-skeleton prefixes so that "Mohamed El Amrani" reaches an Arabic "محمد العمراني" whose key has
no vowels), and rapidfuzz ranks them. Phones are also found by their trailing digits. Only what the
principal may see is searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linkgraph.errors import UsageError

if TYPE_CHECKING:
    from linkgraph.access.view import View

#: Labels searched when no --type is given, and their searchable captions (the model's full-text index).
SEARCHED = ("Person", "Organisation", "Document", "Phone", "Email", "Account", "Vehicle", "Location", "Case")
#: Labels searched for a text without digits (numbers, plates and case references hold digits).
WORDS = ("Person", "Organisation", "Email", "Location")
_VOWELS = re.compile(r"[aeiouy\s]+")
_REPEATS = re.compile(r"(.)\1+")
_TERM = re.compile(r"^[a-z0-9]+$")
MAX_TEXT = 200


@dataclass(frozen=True)
class Found:
    """One search result: the entity, how well it matches (0-100), and the visible cases naming it."""

    label: str
    key: str
    caption: str
    score: float
    cases: tuple[str, ...]


def skeleton(key: str) -> str:
    """A name key's consonant skeleton without spaces: "mohamed el amrani" and the Arabic "mhmd lmrny"
    both give "mhmdlmrn" (vowels are not written in Arabic, Hebrew...; doubled letters collapse)."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", key))


def _fuzzy(token: str) -> tuple[str, int, bool]:
    """A full-text term allowing 0 to 3 edits, more for longer words ("mohamed" reaches "muhammad")."""
    return token, 0 if len(token) <= 3 else 1 if len(token) <= 5 else 2 if len(token) == 6 else 3, False


def _terms(key: str) -> list[tuple[str, int, bool]]:
    tokens = [t for t in key.split() if _TERM.match(t)][:12]
    terms = [_fuzzy(t) for t in tokens] + [_fuzzy(a + b) for a, b in zip(tokens, tokens[1:])]
    bones = [skeleton(t) for t in tokens] + [skeleton(a + b) for a, b in zip(tokens, tokens[1:])]
    terms += [(b, 0, True) for b in bones if len(b) >= 3 and _TERM.match(b)]
    return list(dict.fromkeys(terms))


def _scan(view: View, label: str, key: str, limit: int) -> list[list[object]]:
    """Names containing a word's first four letters or its consonant skeleton: a slower scan used when the
    full-text index answers nothing (seen on embedded stores whose Person index came back empty)."""
    pieces = sorted({t[:4] for t in key.split() if len(t) >= 3} | {skeleton(t) for t in key.split() if len(skeleton(t)) >= 3})
    if not pieces:
        return []
    return view.read(
        f"MATCH (node:{label}) WHERE any(p IN $pieces WHERE coalesce(node.name_key, toLower(node.name), '') CONTAINS p) "
        "AND ($everything OR any(k IN coalesce(node.cases, []) WHERE k IN $visible)) "
        "RETURN id(node), labels(node)[0], node.key, node.name, node.name_key, "
        "[k IN coalesce(node.cases, []) WHERE $everything OR k IN $visible], 0.0 LIMIT $limit",
        {"pieces": pieces, "limit": limit}).rows


def search(view: View, text: str, *, types: list[str] | None = None, limit: int = 20) -> list[Found]:
    """Entities matching ``text``, best first (at most ``limit``), of the ``types`` labels (default all)."""
    from rapidfuzz import fuzz

    from linkgraph.ingest.normalise.names import name_key

    labels = list(types or (SEARCHED if any(ch.isdigit() for ch in text) else WORDS))
    unknown = [t for t in labels if t not in SEARCHED]
    if unknown:
        raise UsageError(f"search --type {unknown[0]!r}: use one of {', '.join(SEARCHED)}")
    key = name_key(text[:MAX_TEXT])
    if not key:
        raise UsageError("search needs some letters or digits")
    terms = _terms(key)
    rows = []
    if terms:
        for label in labels:
            found = view.fulltext(label, terms, limit * 5).rows
            if not found and label in ("Person", "Organisation"):
                found = _scan(view, label, key, limit * 5)
            rows += found
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 6 and "Phone" in labels:
        rows += view.read("MATCH (node:Phone) WHERE node.key ENDS WITH $digits AND ($everything OR any(k IN "
                          "coalesce(node.cases, []) WHERE k IN $visible)) RETURN id(node), 'Phone', node.key, "
                          "node.number, null, [k IN coalesce(node.cases, []) WHERE $everything OR k IN $visible], 1.0 "
                          "LIMIT $limit", {"digits": digits[-9:], "limit": limit}).rows
    bone = skeleton(key)
    best: dict[tuple[str, str], Found] = {}
    for _, label, node_key, caption, node_name_key, cases, _score in rows:
        theirs = node_name_key or name_key(str(caption or node_key))
        score = max(fuzz.token_sort_ratio(key, theirs), fuzz.ratio(bone, skeleton(theirs)) * 0.95,
                    fuzz.partial_ratio(key.replace(" ", ""), theirs.replace(" ", "")) * 0.9 if len(key) >= 6 else 0)
        found = Found(label, node_key, str(caption or node_key), round(score, 1), tuple(cases or ()))
        if (label, node_key) not in best or best[(label, node_key)].score < found.score:
            best[(label, node_key)] = found
    return sorted(best.values(), key=lambda f: (-f.score, f.label, f.key))[:limit]


def resolve_entity(view: View, text: str, *, strong: float = 90.0) -> str:
    """The key of the one entity ``text`` names: a visible entity with that key, else the only search result
    scoring ``strong`` or more. Raise ``UsageError`` listing the candidates when there is none or several."""
    if view.read("MATCH (n {key: $key}) WHERE NOT n:Record AND ($everything OR any(k IN coalesce(n.cases, []) "
                 "WHERE k IN $visible) OR any(l IN labels(n) WHERE l IN $open_labels)) RETURN n.key LIMIT 1",
                 {"key": text}).rows:
        return text
    found = search(view, text, limit=10) if any(ch.isalnum() for ch in text) else []
    sure = [f for f in found if f.score >= strong]
    exact = [f for f in sure if f.score >= 100.0]
    if len(sure) == 1 or len(exact) == 1:
        return (exact or sure)[0].key
    listed = "; ".join(f"{f.label} {f.key} ({f.caption}, {f.score:.0f})" for f in (sure or found)[:10])
    raise UsageError(f"{text!r} does not name one entity you may see"
                     + (f"; candidates: {listed}" if listed else "") + "; give a key")
