"""What a store holds, summarised for ``linkgraph status`` and for scripts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from linkgraph.runs import interrupted_runs, run_counts

if TYPE_CHECKING:
    from linkgraph.store.base import Store


def status_report(store: Store) -> dict[str, Any]:
    """Return the store's backend, location, counts per label and relationship type, and case references.

    Keys: ``backend``, ``location``, ``cases`` (sorted case references), ``nodes`` ({label: n}),
    ``relationships`` ({type: n}), ``runs`` ({run label: {status: n}}, where ``interrupted`` counts
    runs left ``running`` by a process that is gone) and ``interrupted`` (those runs, oldest first).
    """
    counts = store.counts()
    cases = [row[0] for row in store.read("MATCH (c:Case) RETURN c.key ORDER BY c.key").rows]
    return {"backend": store.backend, "location": store.location, "cases": cases, **counts,
            "runs": run_counts(store), "interrupted": interrupted_runs(store)}
