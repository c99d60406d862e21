"""The review of SAME_AS links: the list an analyst works through, and her decisions.

Kept apart from ``service`` (scoring) so that ``linkgraph review list`` and ``review accept`` load no
DataFrame or Splink code: importing the scoring side cost 1.6 to 2.2 s, longer than the review read on a
store of a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from linkgraph.errors import NotFound, UsageError
from linkgraph.resolve.bound import ACCEPTED_BOUND, keeps_bound, raise_bound
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.resolve.model_columns import organisation_fields
from linkgraph.runs import FINISHED, new_run_id, now
from linkgraph.store.base import SAME_AS_BOUND

if TYPE_CHECKING:
    from linkgraph.access.view import View
    from linkgraph.store.base import Store

__all__ = ["KINDS", "Candidate", "decide", "last_threshold", "persons_linked_across", "review_list"]


@dataclass
class Candidate:
    """A SAME_AS link as the review list shows it. ``kind`` is ``person`` or ``organisation``; each side
    is ``{key, name, birth_date, cases, identity}`` for a person, ``{key, name, country, cases,
    identity}`` for an organisation."""

    id: str
    status: str
    probability: float
    left: dict[str, Any]
    right: dict[str, Any]
    evidence: list[str]
    decided_by: str | None = None
    decided_at: str | None = None
    history: list[str] = field(default_factory=list)
    kind: str = "person"


#: The kinds of SAME_AS link: label, and the property shown beside each side's name.
KINDS = {"person": ("Person", "birth_date"), "organisation": ("Organisation", "country")}

# Read through the view (linkgraph.access): a link is shown only when the principal sees both persons
# (organisations), and each one's case list only with the cases she may see.
_BOTH_VISIBLE = """($everything OR (any(c IN coalesce(a.cases, []) WHERE c IN $visible)
                     AND any(c IN coalesce(b.cases, []) WHERE c IN $visible)))"""

_LINK_COLUMNS = """
RETURN s.id, s.status, s.probability, s.evidence,
       a.key, a.name, {a_detail}, [c IN coalesce(a.cases, []) WHERE $everything OR c IN $visible], a.identity,
       b.key, b.name, {b_detail}, [c IN coalesce(b.cases, []) WHERE $everything OR c IN $visible], b.identity,
       s.decided_by, s.decided_at, s.history
"""

# Where the store keeps the bound (``store.base.SAME_AS_BOUND``), the links are sought from the nodes whose
# bound reaches the minimum (an index seek); else every link is walked. The columns are read for the
# links shown only (projected before the sort, they were read for every link at the threshold). On the
# 1,000,000-row store (213,425 links, 56,066 at the threshold; a slow machine) the read took 0.5 s
# against about 3 s, and the whole ``review list`` 1.3 s against 3.9 to 5.1 s.
_SEEK = "MATCH (a:{label}) WHERE a.{bound} >= $min MATCH (a)-[s:SAME_AS]->(b:{label})"
_WALK = "MATCH (a:{label})-[s:SAME_AS]->(b:{label})"

_REVIEW = """
{match}
WHERE s.status IN $statuses AND s.probability >= $min
  AND ($case IS NULL OR (($case IN a.cases OR $case IN b.cases) AND ($everything OR $case IN $visible)))
  AND """ + _BOTH_VISIBLE + """
WITH a, s, b ORDER BY s.probability DESC, s.id LIMIT $limit{columns}ORDER BY s.probability DESC, s.id
"""


def _links_from(view: View, label: str) -> str:
    """The MATCH of the ``label`` links ``(a)-[s:SAME_AS]->(b)`` that may score ``$min`` or more."""
    return (_SEEK if keeps_bound(view, label) else _WALK).format(label=label, bound=SAME_AS_BOUND)


def _link_columns(kind: str) -> str:
    """The RETURN clause of a review read of ``kind`` links (``a``, ``s``, ``b`` bound)."""
    if kind == "organisation":
        return _LINK_COLUMNS.format(a_detail=organisation_fields(node="a")["country"],
                                    b_detail=organisation_fields(node="b")["country"])
    return _LINK_COLUMNS.format(a_detail="a.birth_date", b_detail="b.birth_date")


def _link_match(kind: str) -> str:
    """The MATCH of the SAME_AS link ``$id`` between two nodes of ``kind``."""
    return f"MATCH (a:{KINDS[kind][0]})-[s:SAME_AS {{id: $id}}]->(b:{KINDS[kind][0]}) "


def _candidate(row: list[Any], kind: str = "person") -> Candidate:
    names = ("key", "name", KINDS[kind][1], "cases", "identity")

    def side(values: list[Any]) -> dict[str, Any]:
        return dict(zip(names, values))

    return Candidate(row[0], row[1], row[2], side(row[4:9]), side(row[9:14]), list(row[3] or []),
                     row[14], row[15], list(row[16] or []), kind)


def review_list(view: View, *, min_probability: float | None = None, case: str | None = None,
                statuses: tuple[str, ...] = ("candidate",), limit: int = 100,
                kinds: tuple[str, ...] = tuple(KINDS)) -> list[Candidate]:
    """Return the SAME_AS links of ``kinds`` (persons, organisations) with one of ``statuses`` scoring at
    least ``min_probability`` that ``view``'s principal may see (both sides), most probable first (at
    most ``limit``). ``min_probability`` defaults to the threshold of the latest resolve run: a lower one
    shows the stored pairs below it, without scoring anything again."""
    if min_probability is None:
        min_probability = last_threshold(view)
    found: list[Candidate] = []
    for kind in kinds:
        query = _REVIEW.format(match=_links_from(view, KINDS[kind][0]), columns=_link_columns(kind))
        rows = view.read(query, {"statuses": list(statuses), "min": min_probability, "case": case,
                                 "limit": limit}).rows
        found.extend(_candidate(r, kind) for r in rows)
    found = sorted(found, key=lambda c: (-c.probability, c.id))[:limit]
    view.note(rows=len(found), cases=[c for f in found for c in (f.left["cases"] or []) + (f.right["cases"] or [])])
    return found


# Either side of a link may be the one the principal sees: each link is read once, from its start node
# (sought by its bound where the store keeps it), and looked at both ways round.
_ACROSS_BOUNDARY = """
{match}
WHERE s.status IN $statuses AND s.probability >= $min
UNWIND [[a, b], [b, a]] AS sides
WITH sides[0] AS x, sides[1] AS y
WHERE any(c IN coalesce(x.cases, []) WHERE c IN $visible)
  AND ($case IS NULL OR ($case IN x.cases AND $case IN $visible))
  AND NOT any(c IN coalesce(y.cases, []) WHERE c IN $visible)
RETURN DISTINCT x.key ORDER BY x.key LIMIT $limit
"""


def persons_linked_across(view: View, *, min_probability: float | None = None, case: str | None = None,
                          statuses: tuple[str, ...] = ("candidate",), limit: int = 100,
                          kind: str = "person") -> list[str]:
    """Keys of persons (organisations, with ``kind``) the principal sees that have a SAME_AS link (of
    ``statuses``, at ``min_probability`` or above, by default the latest run's threshold) to one she may
    not see: those to show a restricted-match marker for."""
    if min_probability is None:
        min_probability = last_threshold(view)
    if view.principal.everything:  # nobody is across her boundary
        return []
    rows = view.read(_ACROSS_BOUNDARY.format(match=_links_from(view, KINDS[kind][0])),
                     {"statuses": list(statuses), "min": min_probability, "case": case, "limit": limit}).rows
    return [row[0] for row in rows]


def last_threshold(store: Store | View) -> float:
    """The threshold of the latest resolve run (identities are drawn at it), else the default."""
    found = store.read("MATCH (r:ResolutionRun) WHERE r.threshold IS NOT NULL AND r.status = $finished "
                       "RETURN r.threshold ORDER BY r.finished DESC LIMIT 1", {"finished": FINISHED}).scalar()
    return float(found) if found is not None else DEFAULT_THRESHOLD


def decide(view: View, link_id: str, status: str, threshold: float | None = None) -> Candidate:
    """Record the decision (``accepted`` or ``rejected``) of ``view``'s principal on link ``link_id``;
    identities follow.

    The link keeps who decided, when, and the evidence and probability the analyst saw; the identity
    changes the decision causes are recorded on a ``ResolutionRun`` of kind ``review``. Identities
    are drawn at ``threshold`` (default: that of the latest resolve run).

    The link may join two persons or two organisations. Raises ``UsageError`` for another status,
    ``NotFound`` when no SAME_AS link has that id or the principal may not see both persons (the two are told apart by nobody), ``AccessDenied`` when the
    policy does not let her review.
    """
    from linkgraph.resolve.identities import assign_identities
    from linkgraph.resolve.same_as import keep_bound, supporting

    if status not in ("accepted", "rejected"):
        raise UsageError(f"a decision is accepted or rejected, not {status!r}")
    store, user = view.writer("review"), view.principal.name
    kind, evidence = "person", []
    for kind in KINDS:
        evidence = view.read(_link_match(kind) + "WHERE " + _BOTH_VISIBLE + " RETURN s.evidence", {"id": link_id}).rows
        if evidence:
            break
    view.note(params={"link": link_id, "decision": status})
    if not evidence:
        raise NotFound(f"no SAME_AS link with id {link_id!r}: see `linkgraph review list`")
    decided_at, match = now(), _link_match(kind)
    # The record of the decision goes first: the nightly detect learns of decisions from these records
    # (a few nodes) instead of reading every link, so a review killed after the link's write is seen too.
    run = {"key": new_run_id("review"), "records": [], "cases": [],
           "props": {"kind": "review", "user": user, "time": decided_at, "link": link_id, "decision": status}}
    store.upsert_nodes("ResolutionRun", [run])
    keep_bound(store, KINDS[kind][0])
    # An accepted link is in force at every threshold: its start node's bound says so in the same write.
    raise_accepted = (", " + raise_bound("a", "$accepted")) if status == "accepted" else ""
    store.write(
        match + "SET s.status = $status, s.decided_by = $user, s.decided_at = $now, "
        "s.decided_evidence = $seen, s.decided_probability = s.probability, "
        "s.history = coalesce(s.history, []) + [$now + ' ' + $status + ' by ' + $user]" + raise_accepted,
        {"id": link_id, "status": status, "user": user, "now": decided_at, "accepted": ACCEPTED_BOUND,
         "seen": supporting(list(evidence[0][0] or []))})
    changes, identities = assign_identities(store, threshold if threshold is not None else last_threshold(store),
                                            KINDS[kind][0])
    store.upsert_nodes("ResolutionRun", [{**run, "props": {**run["props"], "identities": identities,
                                                          "identity_changes": changes}}])
    return _candidate(view.read(match + _link_columns(kind), {"id": link_id}).rows[0], kind)
