"""The shapes analysis results take, shared by ``links``, ``detect``, reports and exports.

A ``CrossCaseLink`` is one thing that ties two or more cases together: a shared entity (document,
phone, e-mail, account, vehicle, address), a resolved person (an identity joining persons of several
cases), a shared transit or origin point of routes within a date window, or a contact between persons
of different cases. ``ResultGraph`` is the subgraph an analysis returns (``--out FILE.json``), which the
report command draws. ``RawLink`` is a link before the provenance of its sides is attached, as the
finders of each kind (``links``, ``route_links``) return it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from linkgraph.access.view import Hit

#: The kinds of cross-case link, as ``linkgraph links --kind`` names them.
LINK_KINDS = ("person", "document", "phone", "email", "account", "vehicle", "address", "route", "contact")
#: The cases of node ``{v}`` the principal may see, as a Cypher expression (``$everything``, ``$visible``: the view's).
SEEN_CASES = "[k IN coalesce({v}.cases, []) WHERE $everything OR k IN $visible]"
#: (entity key, case) -> ("source file:line (record id)", ingest run) of the records behind it.
Provenance = dict[tuple[str, str], list[tuple[str, str]]]


@dataclass(frozen=True)
class CaseSide:
    """One case a link touches: its reference, owner country, and the provenance of its side."""

    case: str
    country: str | None
    entities: tuple[str, ...] = ()  # keys of the case's entities on this side (persons holding the passport...)
    records: tuple[str, ...] = ()  # provenance: "source file:line (record id)" of the facts on this side


@dataclass(frozen=True)
class CrossCaseLink:
    """A link between two or more cases.

    ``id`` is stable across runs (a hash of kind and what is shared), so nightly detection can tell a
    new link from one already raised. ``shared`` is the shared entity key (or identity id, or place
    key); ``shared_keys`` the keys of the entities shared when there are several (a route link's
    places, which ``shared`` joins with " & "), else empty; ``label`` its analyst-readable caption;
    ``evidence`` the sentences behind it (for persons, the SAME_AS evidence; ``status`` says whether
    the identity rests on accepted links or candidates).
    """

    id: str
    kind: str
    shared: str
    label: str
    cases: tuple[CaseSide, ...]
    evidence: tuple[str, ...] = ()
    status: str = "confirmed"  # "confirmed" (shared key, accepted link) or "candidate"
    score: float = 1.0
    first_seen_run: str | None = None
    shared_keys: tuple[str, ...] = ()

    @property
    def case_ids(self) -> tuple[str, ...]:
        """The references of the cases linked, sorted."""
        return tuple(sorted(side.case for side in self.cases))

    def to_json(self) -> dict[str, Any]:
        """A plain dict with stable keys, for ``--format json`` and the alert files."""
        return asdict(self)


@dataclass
class ResultGraph:
    """Nodes and relationships an analysis returns, as plain dicts (node ``id`` is ``Label:key``).

    Node dicts: ``id``, ``label``, ``key``, ``caption``, ``cases``, ``props``; relationship dicts:
    ``source``, ``target``, ``type``, ``props``. ``hits`` holds the restricted-match markers (hit/no-hit)
    at the boundary of what the principal may see.
    """

    nodes: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)
    hits: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape written by ``--out FILE.json``."""
        return {"nodes": self.nodes, "relationships": self.relationships, "hits": self.hits}


@dataclass
class LinkReport:
    """What ``find_links`` found: the links, and the markers for matches in hidden cases."""

    links: list[CrossCaseLink] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


def link_id(kind: str, shared: str, *extra: str) -> str:
    """The stable id of a link: a short hash of its kind and what is shared (plus, for route and contact
    links, the cases, because one place or one person ties many different groups of cases)."""
    text = "\x1f".join((kind, shared, *extra))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class RawLink:
    """A link before its provenance is attached: case -> keys of the entities on that side."""

    kind: str
    shared: str
    label: str
    sides: dict[str, set[str]]
    evidence: tuple[str, ...] = ()
    status: str = "confirmed"
    score: float = 1.0
    id_extra: tuple[str, ...] = ()
    shared_keys: tuple[str, ...] = ()

    def link(self, countries: dict[str, str | None], provenance: Provenance) -> CrossCaseLink:
        sides = tuple(CaseSide(case, countries.get(case), tuple(sorted(keys)),
                               tuple(sorted({rec for key in keys for rec, _ in
                                             provenance.get((key, case), [])})))
                      for case, keys in sorted(self.sides.items()))
        return CrossCaseLink(link_id(self.kind, self.shared, *self.id_extra), self.kind, self.shared, self.label,
                             sides, self.evidence, self.status, round(self.score, 4), shared_keys=self.shared_keys)
