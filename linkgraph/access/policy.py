"""The policy file: who may see which cases, and do what.

A policy names users; each user sees the cases of the countries and operations listed, up to a
handling code, plus cases granted by reference. Example::

    users:
      ana.garcia: {countries: [ESP, ITA], operations: [OP-MARE], handling_max: H2, export: true}
      night-job:  {all: true}
      admin:      {all: true, admin: true}

Handling codes (Europol's scheme): H0 no restriction, H1 law-enforcement use only, H2 not to be
shared further without the owner's consent, H3 restricted to named users. A user sees an H0-H2 case
whose owner country or operation is listed (or whose reference is in ``cases``), when the case's code
is at most ``handling_max``; an H3 case only when its reference is in the user's ``cases``. A case
with no handling code is treated as H1. ``all: true`` sees every case.

Capabilities: ``ingest`` (write case files, load watchlists), ``review`` (accept or reject SAME_AS links between
persons the user can see; default true), ``export`` (reports and exports), ``cypher`` (raw read-only
Cypher, which cannot be filtered, so it needs ``all``), ``admin`` (act ``--as`` another user, change a
case's handling, read the audit log). ``all: true`` grants every capability except ``admin``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkgraph.errors import InvalidPolicy
from linkgraph.yamlines import LineDict, load_with_lines

HANDLING_CODES = ("H0", "H1", "H2", "H3")
#: A case that carries no handling code is handled as law-enforcement use only.
DEFAULT_HANDLING = "H1"
_FLAGS = ("all", "admin", "ingest", "review", "export", "cypher")
_LISTS = ("countries", "operations", "cases")
_KEYS = (*_FLAGS, *_LISTS, "handling_max")
_COUNTRY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Grant:
    """What one user of the policy may see and do."""

    user: str
    all: bool = False
    admin: bool = False
    ingest: bool = False
    review: bool = True
    export: bool = False
    cypher: bool = False
    countries: frozenset[str] = frozenset()
    operations: frozenset[str] = frozenset()
    cases: frozenset[str] = frozenset()
    handling_max: str = "H2"

    def may_see(self, case: str, country: str | None, operation: str | None, handling: str | None) -> bool:
        """Whether this user may see case ``case`` with that owner country, operation and handling code."""
        if self.all:
            return True
        code = handling if handling in HANDLING_CODES else DEFAULT_HANDLING
        if code == "H3":
            return case in self.cases
        if case in self.cases:
            return True
        if HANDLING_CODES.index(code) > HANDLING_CODES.index(self.handling_max):
            return False
        return (country is not None and country in self.countries) or (
            operation is not None and operation in self.operations)


@dataclass(frozen=True)
class Policy:
    """The users of a policy file, by login name."""

    path: Path
    users: dict[str, Grant] = field(default_factory=dict)


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _grant(user: str, entry: Any, line: int, where: str, problems: list[str]) -> Grant | None:
    if not isinstance(entry, LineDict):
        problems.append(f"{where}:{line}: user {user!r}: expected a mapping such as {{countries: [ESP], handling_max: H2}}")
        return None
    values: dict[str, Any] = {}
    for key, value in entry.items():
        at = f"{where}:{entry.line_of(str(key))}"
        if key not in _KEYS:
            problems.append(f"{at}: user {user!r}: unknown setting {key!r}{_suggest(str(key), _KEYS)}")
        elif key in _FLAGS:
            if not isinstance(value, bool):
                problems.append(f"{at}: user {user!r}: {key} must be true or false, not {value!r}")
            else:
                values[key] = value
        elif key in _LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problems.append(f"{at}: user {user!r}: {key} must be a list of names, such as [ESP, ITA]")
                continue
            items = [v.strip() for v in value]
            if key == "countries":
                bad = [v for v in items if not _COUNTRY.match(v)]
                if bad:
                    problems.append(f"{at}: user {user!r}: countries are ISO 3166 alpha-3 codes (ESP), not {', '.join(bad)}")
            values[key] = frozenset(items)
        elif key == "handling_max":
            if value not in HANDLING_CODES:
                problems.append(f"{at}: user {user!r}: handling_max must be one of {', '.join(HANDLING_CODES)}, not {value!r}")
            else:
                values[key] = value
    if values.get("cypher") and not values.get("all"):
        problems.append(f"{where}:{entry.line_of('cypher')}: user {user!r}: cypher: true needs all: true "
                        "(raw Cypher cannot be filtered by case)")
    if values.get("all"):
        for capability in ("ingest", "review", "export", "cypher"):
            values.setdefault(capability, True)
    return Grant(user=user, **values)


def load_policy(path: Path) -> Policy:
    """Read and check the policy file ``path``; raise ``InvalidPolicy`` listing every problem with its line."""
    document = load_with_lines(path, InvalidPolicy, "policy")
    where = str(path)
    problems: list[str] = []
    if not isinstance(document, LineDict) or "users" not in document:
        raise InvalidPolicy(f"{where}:1: a policy file has a 'users:' mapping of user name to settings")
    for key in document:
        if key != "users":
            problems.append(f"{where}:{document.line_of(str(key))}: unknown top-level key {key!r}{_suggest(str(key), ('users',))}")
    users = document["users"]
    grants: dict[str, Grant] = {}
    if not isinstance(users, LineDict) or not users:
        problems.append(f"{where}:{document.line_of('users')}: 'users' must map at least one user name to settings")
    else:
        for user, entry in users.items():
            grant = _grant(str(user), entry, users.line_of(str(user)), where, problems)
            if grant is not None:
                grants[str(user)] = grant
    if problems:
        raise InvalidPolicy("\n".join(problems))
    return Policy(path, grants)
