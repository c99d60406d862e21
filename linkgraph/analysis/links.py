"""Cross-case links (provisional core: shared strong identifiers and resolved persons).

Written through the view: only cases the principal may see appear.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from linkgraph.analysis.model import CaseSide, CrossCaseLink
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD

if TYPE_CHECKING:
    from linkgraph.access.view import View

_SHARED = {"document": "Document", "phone": "Phone", "email": "Email", "account": "Account", "vehicle": "Vehicle"}

_ENTITY_LINKS = """
MATCH (p:Person)-[]->(n:{label})
WHERE ($everything OR any(c IN coalesce(p.cases, []) WHERE c IN $visible))
WITH n, p, [c IN coalesce(p.cases, []) WHERE $everything OR c IN $visible] AS cases
UNWIND cases AS case
WITH n, case, collect(DISTINCT p.key) AS persons
WITH n, collect([case, persons]) AS sides
WHERE size(sides) >= $min_cases AND ($scope IS NULL OR any(s IN sides WHERE s[0] IN $scope))
RETURN n.key, sides
"""

_PERSON_LINKS = """
MATCH (a:Person)-[s:SAME_AS]-(b:Person)
WHERE (s.status = 'accepted' OR (s.status = 'candidate' AND s.probability >= $threshold))
  AND ($everything OR (any(c IN coalesce(a.cases, []) WHERE c IN $visible)
                       AND any(c IN coalesce(b.cases, []) WHERE c IN $visible)))
  AND a.key < b.key
RETURN a.key, b.key, [c IN coalesce(a.cases, []) WHERE $everything OR c IN $visible],
       [c IN coalesce(b.cases, []) WHERE $everything OR c IN $visible], s.status, s.probability, s.evidence
"""


def _link_id(kind: str, shared: str) -> str:
    return hashlib.sha1(f"{kind}\x1f{shared}".encode("utf-8")).hexdigest()[:16]


def _countries(view: View) -> dict[str, str | None]:
    rows = view.read("MATCH (c:Case) WHERE $everything OR c.key IN $visible "
                     "RETURN c.key, coalesce(c.country_key, c.country)").rows
    return {key: country for key, country in rows}


def cross_case_links(view: View, *, cases: list[str] | None = None, kinds: list[str] | None = None,
                     min_cases: int = 2, since: str | None = None, window_days: int = 90,
                     threshold: float = DEFAULT_THRESHOLD) -> list[CrossCaseLink]:
    """Links between ``min_cases`` or more cases the principal may see, touching ``cases`` when given."""
    countries = _countries(view)
    found: list[CrossCaseLink] = []
    for kind, label in _SHARED.items():
        if kinds and kind not in kinds:
            continue
        rows = view.read(_ENTITY_LINKS.replace("{label}", label), {"min_cases": min_cases, "scope": cases}).rows
        for key, sides in rows:
            found.append(CrossCaseLink(_link_id(kind, key), kind, key, key, tuple(
                CaseSide(case, countries.get(case), tuple(sorted(persons))) for case, persons in sorted(sides))))
    if not kinds or "person" in kinds:
        found += _person_links(view, countries, cases, threshold)
    return sorted(found, key=lambda link: (link.kind, link.shared))


def _person_links(view: View, countries: dict[str, str | None], scope: list[str] | None,
                  threshold: float) -> list[CrossCaseLink]:
    links = []
    for left, right, left_cases, right_cases, status, probability, evidence in view.read(
            _PERSON_LINKS, {"threshold": threshold}).rows:
        sides = {case: [left] for case in left_cases}
        for case in right_cases:
            sides.setdefault(case, []).append(right)
        if len(sides) < 2 or (scope is not None and not set(sides) & set(scope)):
            continue
        shared = f"{left}={right}"
        links.append(CrossCaseLink(_link_id("person", shared), "person", shared, f"{left} and {right}", tuple(
            CaseSide(case, countries.get(case), tuple(sorted(keys))) for case, keys in sorted(sides.items())),
            tuple(evidence or ()), "confirmed" if status == "accepted" else "candidate", float(probability)))
    return links
