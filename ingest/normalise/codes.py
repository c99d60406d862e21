"""Free text and the small closed vocabularies of a case file: sex, role in the case, handling code.

Also home of the two text helpers every other normaliser uses: ``text_of`` (whatever a reader hands
over, as clean text or ``None``) and ``fold`` (accent- and case-insensitive lookup form).
"""

from __future__ import annotations

import re
import unicodedata

from .base import Invalid, Result, Value

_NOT_WORD = re.compile(r"[\W_]+")


def text_of(raw: object) -> str | None:
    """Turn a raw cell into NFKC text with whitespace collapsed, or ``None`` when it is empty.

    Parameters
    ----------
    raw : object
        A string, a number from a spreadsheet reader (``612345678`` or ``612345678.0``), or ``None``.

    Returns
    -------
    str or None
        The text, stripped and with runs of whitespace turned into one space; ``None`` for ``None``,
        blank strings and NaN.
    """
    if raw is None:
        return None
    if isinstance(raw, float):
        if raw != raw:  # NaN: how pandas spells an empty cell
            return None
        text = str(int(raw)) if raw.is_integer() else str(raw)
    else:
        text = str(raw)
    if not text.isascii():  # ASCII text is its own NFKC form
        text = unicodedata.normalize("NFKC", text)
    # str.split() splits on exactly the characters \s matches (str.isspace), and is several times faster
    text = " ".join(text.split())
    return text or None


def fold(text: str) -> str:
    """Return the lookup form of ``text``: accents dropped, case-folded, punctuation turned into spaces.

    Parameters
    ----------
    text : str
        Any text, e.g. ``"Côte d'Ivoire"``.

    Returns
    -------
    str
        ``"cote d ivoire"``: only letters, digits and single spaces.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _NOT_WORD.sub(" ", bare).strip()


def normalise_text(raw: object) -> Result:
    """Clean free text: NFKC, whitespace collapsed.

    Parameters
    ----------
    raw : object
        Any cell value.

    Returns
    -------
    Value or Invalid
        ``Value(key=text, display=text)``; ``Invalid("empty value")`` when nothing is left.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    return Value(key=text, display=text)


def _table(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Invert ``{canonical: (alias, ...)}`` into ``{folded alias: canonical}``, refusing clashes."""
    lookup: dict[str, str] = {}
    for canonical, aliases in groups.items():
        for alias in (canonical, *aliases):
            folded = fold(alias)
            if lookup.setdefault(folded, canonical) != canonical:
                raise ValueError(f"alias {alias!r} given to both {lookup[folded]} and {canonical}")
    return lookup


# Single letters follow the forms they come from: M/H/V male (male, hombre/homme, varón), F/W female
# (female/femme, weiblich), X/D other (ICAO "unspecified", German "divers"). Spanish forms that write
# M for "mujer" exist, but M is male on every travel document (ICAO 9303), so M stays male here.
# Dutch forms write V for "vrouw" (female): the letter V stays male (Spanish varón); a Dutch source
# says so in its mapping with a value map (map: {v: F, m: M}). Words cover the languages of the
# generator's countries: en, es, fr, de, it, el, mt, nl.
_SEX = _table(
    {
        "M": ("m", "h", "v", "male", "man", "boy", "masculine", "masculin", "homme", "garcon", "hombre",
              "masculino", "varon", "nino", "mannlich", "maennlich", "mann",
              "maschio", "maschile", "uomo",  # it
              "άρρεν", "αρρεν", "άνδρας", "αρσενικό", "α",  # el (Α: άρρεν on Greek forms)
              "ragel", "maskil", "maskili",  # mt
              "mannelijk", "jongen"),  # nl
        "F": ("f", "w", "female", "woman", "girl", "feminine", "feminin", "femme", "fille", "mujer",
              "femenino", "femenina", "nina", "weiblich", "frau",
              "femmina", "femminile", "donna",  # it
              "θήλυ", "γυναίκα", "θηλυκό", "θ",  # el
              "mara", "femminil", "femminili",  # mt
              "vrouw", "vrouwelijk", "meisje"),  # nl
        "X": ("x", "d", "other", "non binary", "nonbinary", "unspecified", "diverse", "divers", "autre",
              "otro", "no binario", "indeterminado", "altro", "non specificato", "άλλο", "ieħor",
              "anders", "onbekend geslacht"),
    }
)

# The specific kinds of facilitator a source may name; kept as the role's ``detail``.
_FACILITATOR_WORDS = (
    "driver", "conductor", "conductora", "chauffeur", "forger", "document forger", "falsificador",
    "falsificadora", "faussaire", "money mule", "mule", "mula", "mule financiere", "recruiter",
    "reclutador", "reclutadora", "recruteur", "recruteuse",
)
_FACILITATOR_DETAILS = frozenset(fold(word) for word in _FACILITATOR_WORDS)

_ROLE = _table(
    {
        "suspect": ("suspected", "offender", "perpetrator", "accused", "defendant", "sospechoso",
                    "sospechosa", "investigado", "investigada", "imputado", "imputada", "mis en cause",
                    "auteur", "prevenu", "prevenue", "suspecte", "verdachtiger", "tatverdachtiger",
                    "beschuldigter", "verdachtige", "tatverdachtige", "beschuldigte",
                    "indagato", "indagata", "sospettato", "sospettata", "imputata", "imputato",
                    "ύποπτος", "ύποπτη", "κατηγορούμενος", "κατηγορουμένη",
                    "suspettat", "suspettata", "akkużat", "akkużata", "verdachte"),
        "victim": ("victima", "victime", "opfer", "injured party", "perjudicado", "perjudicada",
                   "geschadigter", "geschadigte", "vittima", "persona offesa", "parte lesa", "θύμα",
                   "παθών", "παθούσα", "vittma", "slachtoffer"),
        "witness": ("testigo", "temoin", "zeuge", "zeugin", "testimone", "μάρτυρας", "μάρτυς", "xhud",
                    "getuige"),
        "facilitator": ("facilitador", "facilitadora", "facilitateur", "facilitatrice", "facilitatore",
                        "διευκολυντής", "faċilitatur", "faċilitatriċi", "vermittler",
                        "tussenpersoon", *_FACILITATOR_WORDS),
    }
)

_HANDLING = re.compile(r"h?\s*[-_ ]?\s*([0-3])")


def normalise_sex(raw: object) -> Result:
    """Read a sex code or word (en, es, fr, de, it, el, mt, nl) as ``M``, ``F`` or ``X``.

    Parameters
    ----------
    raw : object
        E.g. ``"male"``, ``"F"``, ``"Mujer"``, ``"masculin"``, ``"W"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="F", display="F")``; ``Invalid`` for words not in the table, such as ``"unknown"``
        (a missing value is not the document code X).
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    code = _SEX.get(fold(text))
    if code is None:
        return Invalid(f"not a recognised sex (expected male, female or X, in en/es/fr/de/it/el/mt/nl): {text!r}")
    return Value(key=code, display=code)


def normalise_role(raw: object) -> Result:
    """Read a person's role in a case as ``suspect``, ``victim``, ``witness`` or ``facilitator``.

    Parameters
    ----------
    raw : object
        E.g. ``"Sospechoso"``, ``"victime"``, ``"témoin"``, ``"money mule"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="facilitator", display="facilitator", parts={"detail": "money mule"})``: ``detail``
        keeps the more specific word when the source gave one (driver, forger, recruiter, ...), else
        ``None``. ``Invalid`` for words not in the table.
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    folded = fold(text)
    role = _ROLE.get(folded)
    if role is None:
        return Invalid(f"not a recognised role (expected suspect, victim, witness or facilitator): {text!r}")
    detail = folded if role == "facilitator" and folded in _FACILITATOR_DETAILS else None
    return Value(key=role, display=role, parts={"detail": detail})



def normalise_handling_code(raw: object) -> Result:
    """Read a Europol handling code as ``H0`` .. ``H3``.

    Parameters
    ----------
    raw : object
        E.g. ``"H2"``, ``"h 1"``, ``"H-3"``, ``"0"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="H2", display="H2")``; ``Invalid`` for anything else (``"H4"``, ``"secret"``).
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    match = _HANDLING.fullmatch(text.lower())
    if match is None:
        return Invalid(f"not a handling code (expected H0, H1, H2 or H3): {text!r}")
    code = f"H{match.group(1)}"
    return Value(key=code, display=code)


_NUMBER = re.compile(r"[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)(?:e[+-]?\d+)?")


def normalise_number(raw: object, kind: str | None = None) -> Result:
    """Read a number (a typed header's ``age:int``, a weight, a duration) as an int or a float.

    Parameters
    ----------
    raw : object
        ``"42"``, ``"0.75"``, ``"0,75"`` (decimal comma), ``"1e3"``, or a number from a spreadsheet.
    kind : str, optional
        ``"int"``: a whole number only (``"3.0"`` is 3; ``"3.5"`` is refused), as neo4j-admin's
        ``int``/``long`` columns hold; ``"float"``: always stored as a float (``"3"`` is 3.0).
        Otherwise an int when it is written as one, else a float.

    Returns
    -------
    Value or Invalid
        ``Value(key="42", display=42)``: ``display`` is the int or float stored; ``Invalid`` for
        anything else (``"12 years"``, ``"1.000,5"``).
    """
    if isinstance(raw, bool):
        return Invalid(f"not a number: {raw!r}")
    number: int | float
    if isinstance(raw, (int, float)) and raw == raw:
        number = raw
    else:
        text = text_of(raw)
        if text is None:
            return Invalid("empty value")
        if not _NUMBER.fullmatch(text.lower()):
            return Invalid(f"not a number: {text!r}")
        plain = text.replace(",", ".")
        number = int(plain) if plain.lstrip("+-").isdigit() else float(plain)
    if kind == "int" and not isinstance(number, int):
        if number != number or number in (float("inf"), float("-inf")) or not number.is_integer():
            return Invalid(f"not a whole number: {raw!r} (the column holds integers)")
        number = int(number)
    elif kind == "float":
        number = float(number)
    return Value(key=str(number), display=number)  # type: ignore[arg-type]


_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def normalise_boolean(raw: object) -> Result:
    """Read a yes/no value (a neo4j-admin ``flag:boolean`` column) as True or False.

    Parameters
    ----------
    raw : object
        ``true``/``false`` in any case, ``yes``/``no``, ``y``/``n``, ``t``/``f``, ``1``/``0``, or a bool.

    Returns
    -------
    Value or Invalid
        ``Value(key="true", display=True)``; ``Invalid`` for anything else. neo4j-admin itself reads
        every value but ``true`` as false; a source's ``maybe`` is a bad value here, not a silent false.
    """
    if isinstance(raw, bool):
        return Value(key=str(raw).lower(), display=raw)  # type: ignore[arg-type]
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    word = text.strip().lower()
    if word in _TRUE:
        return Value(key="true", display=True)  # type: ignore[arg-type]
    if word in _FALSE:
        return Value(key="false", display=False)  # type: ignore[arg-type]
    return Invalid(f"not a boolean (true or false): {text!r}")
