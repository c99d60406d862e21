"""Organisation resolution against the store: read organisations, score new pairs, write ``SAME_AS`` links.

The same contract as persons (``service``): nothing is merged; each pair scored at or above
``PAIR_FLOOR`` is a ``SAME_AS`` link between two ``Organisation`` nodes with its probability, weight,
evidence, status and history; analysts' decisions survive re-runs; identities are drawn over
accepted links and candidates at the threshold. The scoring is ``organisations`` (rules, no model).

Incremental as persons are: each organisation's name, country and town are fingerprinted, and only
pairs touching an organisation whose fingerprint changed since it was last resolved are scored.
Which properties hold the country and the town is read from the data model (``Organisation``
properties flagged ``resolution``: a ``country`` typed one, a text one feeding ``locality``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import pandas as pd

from linkgraph.ingest.normalise.codes import fold
from linkgraph.resolve.defaults import PAIR_FLOOR
from linkgraph.resolve.identities import assign_identities
from linkgraph.resolve.model_columns import organisation_fields
from linkgraph.resolve.organisations import OrganisationRecord, score_organisations
from linkgraph.resolve.same_as import mark_resolved, withdraw_stale, write_pairs
from linkgraph.store.base import Store

__all__ = ["OrganisationSummary", "organisation_fields", "read_organisations", "resolve_organisations"]

LABEL = "Organisation"



@dataclass
class OrganisationSummary:
    """What organisation resolution did in one run: organisations read (``new``: changed since last
    resolved), pairs scored and stored (p >= ``PAIR_FLOOR``), of them at or above the threshold
    (``pairs``), rejected pairs reopened, candidates withdrawn, identities and their changes."""

    organisations: int = 0
    new: int = 0
    stored: int = 0
    pairs: int = 0
    reopened: int = 0
    withdrawn: int = 0
    identities: int = 0
    identity_changes: list[str] = field(default_factory=list)
    seconds: float = 0.0


def read_organisations(store: Store) -> tuple[list[OrganisationRecord], dict[str, str]]:
    """Every ``Organisation`` with a name, as resolution reads it, and the fingerprints of those changed
    since they were last resolved (key -> new fingerprint)."""
    fields = organisation_fields()
    rows = store.read(f"MATCH (o:{LABEL}) WITH o WHERE {fields['name']} IS NOT NULL "
                      f"RETURN o.key, {fields['name']}, {fields['country']}, {fields['locality']}, o.source, "
                      "o.resolved_fingerprint").rows
    records, changed = [], {}
    for key, name, country, locality, source, previous in rows:
        record = OrganisationRecord(str(key), str(name), str(country or "").upper(), fold(str(locality or "")),
                                    str(source or ""))
        records.append(record)
        fingerprint = hashlib.sha1("\x1f".join((record.name, record.country, record.locality)).encode()).hexdigest()[:16]
        if previous != fingerprint:
            changed[record.key] = fingerprint
    return records, changed


def resolve_organisations(store: Store, run_id: str, threshold: float) -> OrganisationSummary:
    """Score the organisation pairs touching new or changed organisations, write them as ``SAME_AS``
    links (decisions kept), withdraw the candidates now below ``PAIR_FLOOR``, mark the organisations
    resolved and draw identities at ``threshold``; return what was done."""
    clock = time.perf_counter()
    summary = OrganisationSummary()
    records, changed = read_organisations(store)
    summary.organisations, summary.new = len(records), len(changed)
    if changed and len(records) >= 2:
        everything = len(changed) == len(records)
        scored = score_organisations(records, PAIR_FLOOR, None if everything else set(changed))
        frame = pd.DataFrame([(p.left, p.right, p.probability, p.match_weight, p.evidence) for p in scored],
                             columns=["left_ref", "right_ref", "probability", "match_weight", "evidence"])
        summary.stored = len(frame)
        summary.pairs = int((frame["probability"] >= threshold).sum())
        summary.reopened = write_pairs(store, frame, run_id, LABEL)
        summary.withdrawn = withdraw_stale(store, run_id, None if everything else sorted(changed), label=LABEL)
    if changed:
        mark_resolved(store, changed, LABEL)
    summary.identity_changes, summary.identities = assign_identities(store, threshold, LABEL)
    summary.seconds = time.perf_counter() - clock
    return summary
