"""The shapes analysis results take, shared by ``links``, ``detect``, reports and exports.

A ``CrossCaseLink`` is one thing that ties two or more cases together: a shared entity (document,
phone, e-mail, account, vehicle, address), a resolved person (an identity joining persons of several
cases), a shared transit or origin point of routes within a date window, or a contact between persons
of different cases. ``ResultGraph`` is the subgraph an analysis returns (``--out FILE.json``), which the
report command draws.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: The kinds of cross-case link, as ``linkgraph links --kind`` names them.
LINK_KINDS = ("person", "document", "phone", "email", "account", "vehicle", "address", "route", "contact")


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
    key); ``label`` its analyst-readable caption; ``evidence`` the sentences behind it (for persons,
    the SAME_AS evidence; ``status`` says whether the identity rests on accepted links or candidates).
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
