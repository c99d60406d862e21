"""Each route's way, origins and first travel date, kept on the ``Route`` node by the writes that change them.

Route links (``analysis.route_links``) compare routes by their way (the set of origin and transit
places) and their first dated journey. Worked out from the relationships each time, that is a walk of
``TRAVELLED``, ``FROM`` and ``VIA``: on a store of a million rows it was 34 s of a 70 s nightly detect
for one new case, most of it finding the routes on the new case's ways through hubs that thousands of
routes pass. So ingest keeps three properties on every route whose relationships it writes:

- ``WAY``: the sorted keys of its ``FROM`` and ``VIA`` places, joined by ``FIELD_SEPARATOR`` (range
  indexed: the routes on one way are one index seek); an empty text when it has none;
- ``ORIGINS``: the keys of its ``FROM`` places;
- ``FIRST_TRAVEL``: the first date it was travelled (``TRAVELLED.date``) as text, absent when no journey
  on it is dated.

A kill between two writes must not leave a route with a way that looks right and is not. Before a
chunk writes a route's relationships it sets ``STALE`` on the route to a token of its own; afterwards
one statement works the three properties out again and clears the mark if it still holds that token
(an ingest writing the same route in the meantime keeps it stale until its own refresh). The reader
works out a route with a mark, or without ``WAY`` (a store written before, or routes written by other
means than ingest), from its relationships, as before. Each ingest run starts by refreshing such routes
(``repair``): on a store written before, that fills in every route once.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from linkgraph.store.base import BATCH_SIZE, FIELD_SEPARATOR, NodeId, Store, batches

__all__ = ["FIRST_TRAVEL", "KEPT", "ORIGINS", "ROUTE_RELATIONSHIPS", "STALE", "WAY", "mark_stale", "new_token", "places_of",
           "refresh", "repair"]

WAY = "way"
ORIGINS = "origins"
FIRST_TRAVEL = "first_travel"
STALE = "way_stale"
#: The properties kept here: the engine's, not facts of a case (reports and exports leave them out).
KEPT = (WAY, ORIGINS, FIRST_TRAVEL, STALE)
#: The relationships a route's way, origins and first travel date are worked out from.
ROUTE_RELATIONSHIPS = frozenset({"FROM", "VIA", "TRAVELLED"})


def new_token() -> str:
    """A token of one writer's marks (see the module docstring)."""
    return secrets.token_hex(8)


def places_of(way: str) -> frozenset[str]:
    """The place keys of a stored ``WAY``."""
    return frozenset(way.split(FIELD_SEPARATOR)) if way else frozenset()


def mark_stale(store: Store, routes: Sequence[NodeId], token: str) -> None:
    """Mark the ``routes`` (handles) stale with ``token``, before their relationships are written."""
    store.write_batches(f"UNWIND $rows AS id MATCH (r) WHERE {store.id_function}(r) = id SET r.{STALE} = $token",
                        batches(list(routes)), {"token": token})


def _refresh_statement(id_function: str) -> str:
    # Sorted in the query (collect keeps the order of an ORDER BY before it, on both backends) so that
    # the work-out and the write are one statement: a concurrent writer cannot slip between them.
    return (
        f"UNWIND $rows AS id MATCH (r:Route) WHERE {id_function}(r) = id "
        "OPTIONAL MATCH (r)-[v:VIA|FROM]->(l:Location) "
        "WITH r, l.key AS place, type(v) AS kind ORDER BY place "
        "WITH r, collect(DISTINCT place) AS places, "
        "collect(DISTINCT CASE WHEN kind = 'FROM' THEN place END) AS origins "
        "OPTIONAL MATCH (:Person)-[t:TRAVELLED]->(r) "
        "WITH r, places, origins, min(t.date) AS first "
        f"SET r.{WAY} = reduce(s = '', p IN places | s + CASE WHEN s = '' THEN '' ELSE $separator END + p), "
        f"r.{ORIGINS} = origins, r.{FIRST_TRAVEL} = toString(first) "
        f"WITH r WHERE r.{STALE} = $token SET r.{STALE} = null"
    )


def refresh(store: Store, routes: Sequence[NodeId], token: str) -> None:
    """Work out the way, origins and first travel date of the ``routes`` (handles) from their relationships,
    and clear their stale mark where it is still ``token``'s."""
    store.write_batches(_refresh_statement(store.id_function), batches(list(routes)),
                        {"token": token, "separator": FIELD_SEPARATOR})


def repair(store: Store) -> int:
    """Refresh every route that is marked stale or has no way yet; return how many there were."""
    routes: list[Any] = [row[0] for row in store.read(
        f"MATCH (r:Route) WHERE r.{WAY} IS NULL OR r.{STALE} IS NOT NULL RETURN {store.id_function}(r)").rows]
    if routes:
        token = new_token()
        for page in batches(routes, BATCH_SIZE * 10):
            mark_stale(store, page, token)
            refresh(store, page, token)
    return len(routes)

