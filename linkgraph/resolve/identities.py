"""Identities: one stable id for every cluster of persons that resolution links.

A cluster is a connected component of accepted ``SAME_AS`` links and of candidate links at or above
the threshold. Its id survives new records: a cluster keeps the id most of its persons already hold,
and only a join of two identities or a split by a rejection changes anyone's id, each reported as a
sentence for the ``ResolutionRun``.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import networkx as nx

from linkgraph.collector import collector_paused
from linkgraph.resolve.bound import in_force
from linkgraph.resolve.defaults import DEFAULT_THRESHOLD
from linkgraph.resolve.same_as import RESOLVED_LABELS
from linkgraph.store.base import BATCH_SIZE, Store, batches

__all__ = ["assign_identities"]


def _new_identity(seed: str, used: set[str]) -> str:
    """A fresh identity id derived from ``seed`` (a member key), not in ``used``."""
    text, attempt = seed, 0
    while True:
        identity = "ID-" + hashlib.sha1(text.encode()).hexdigest()[:10]
        if identity not in used:
            return identity
        attempt += 1
        text = f"{seed}\x1f{attempt}"


@collector_paused()  # components of every link in force: many long-lived tuples, no cycles
def assign_identities(store: Store, threshold: float = DEFAULT_THRESHOLD, label: str = "Person") -> tuple[list[str], int]:
    """Give every cluster of linked persons (or other ``label`` nodes: organisations) one stable
    ``identity`` id; return (changes, cluster count).

    Clusters are the connected components of accepted links and of candidate links at or above
    ``threshold``. A cluster keeps the id most of its persons already hold; when several clusters
    claim one id, the cluster holding more of its persons gets it. Joins, splits and persons leaving
    an identity are returned as sentences; a new cluster of persons without ids is not a change.
    """
    if label not in RESOLVED_LABELS:
        raise ValueError(f"identities are drawn for {', '.join(RESOLVED_LABELS)}, not {label!r}")
    links = store.read(in_force(store, label) + "RETURN a.key, b.key", {"threshold": threshold}).rows
    current: dict[str, str] = dict(store.read(f"MATCH (p:{label}) WITH p WHERE p.identity IS NOT NULL "
                                              "RETURN p.key, p.identity").rows)
    graph = nx.Graph()
    graph.add_edges_from(links)
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    held = [Counter(current[m] for m in members if m in current) for members in components]
    claims = sorted((-count, -len(components[index]), identity, index)
                    for index, counts in enumerate(held) for identity, count in counts.items())
    chosen: dict[int, str] = {}
    taken: set[str] = set()
    for _, _, identity, index in claims:
        if index not in chosen and identity not in taken:
            chosen[index] = identity
            taken.add(identity)
    used = set(current.values()) | taken
    changes: list[str] = []
    target: dict[str, str] = {}
    for index, members in enumerate(components):
        if index not in chosen:
            chosen[index] = _new_identity(members[0], used)
            used.add(chosen[index])
        identity = chosen[index]
        for other, count in sorted(held[index].items()):
            if other == identity:
                continue
            if other in taken:
                changes.append(f"{count} {label.lower()}(s) moved from {other} to {identity}")
            else:
                changes.append(f"{other} joined into {identity}")
        for member in members:
            target[member] = identity
    dropped = sorted(k for k in current if k not in target)
    changed = [{"key": k, "identity": v} for k, v in target.items() if current.get(k) != v]
    store.write_batches(f"UNWIND $rows AS r MATCH (p:{label} {{key: r.key}}) SET p.identity = r.identity",
                        batches(changed, BATCH_SIZE))
    store.write_batches(f"UNWIND $rows AS k MATCH (p:{label} {{key: k}}) REMOVE p.identity",
                        batches(dropped, BATCH_SIZE))
    changes.extend(f"{k} left {current[k]}" for k in dropped)
    return changes, len(components)
