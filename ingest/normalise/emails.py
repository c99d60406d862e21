"""E-mail addresses: trimmed and lower-cased, checked to be ``local@domain.tld`` shaped.

Lower-casing the local part is not what RFC 5321 says, but no mail provider a case file will meet
treats ``Ali.K@`` and ``ali.k@`` as two mailboxes, and two keys for one mailbox would hide a link.
Addresses copied from advertisements are often written ``name[at]mail[dot]com``; the bracketed forms
are undone, bare " at " is not (it is also a word).
"""

from __future__ import annotations

import re

from .base import Invalid, Result, Value
from .codes import text_of

_OBFUSCATED_AT = re.compile(r"\s*[\[({<]\s*at\s*[\])}>]\s*")
_OBFUSCATED_DOT = re.compile(r"\s*[\[({<]\s*dot\s*[\])}>]\s*")
_LOCAL = re.compile(r"[^\s@\"(),:;<>\[\]\\]+")
_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
_TLD = re.compile(r"[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59}")


def normalise_email(raw: object) -> Result:
    """Clean an e-mail address.

    Parameters
    ----------
    raw : object
        ``" Ali.K@Example.COM "``, ``"mailto:ali.k@example.com"``, ``"<ali.k@example.com>"``,
        ``"ali.k[at]example[dot]com"``.

    Returns
    -------
    Value or Invalid
        ``Value(key="ali.k@example.com", display="ali.k@example.com")``; ``Invalid`` when the text is
        not ``local@domain.tld`` shaped (no ``@``, two ``@``, spaces, no dot in the domain, ...).
    """
    text = text_of(raw)
    if text is None:
        return Invalid("empty value")
    address = _OBFUSCATED_DOT.sub(".", _OBFUSCATED_AT.sub("@", text.lower()))
    address = address.removeprefix("mailto:").strip().removeprefix("<").removesuffix(">")
    local, at, domain = address.rpartition("@")
    labels = domain.split(".")
    shaped = (
        at == "@"
        and _LOCAL.fullmatch(local) is not None
        and len(local) <= 64
        and not local.startswith(".")
        and not local.endswith(".")
        and ".." not in local
        and len(labels) >= 2
        and all(_LABEL.fullmatch(label) for label in labels)
        and _TLD.fullmatch(labels[-1]) is not None
    )
    if not shaped:
        return Invalid(f"not an e-mail address (expected name@domain.tld): {text!r}")
    return Value(key=address, display=address)
