"""Whether a store keeps the bound of its ``SAME_AS`` links on their start nodes (``store.base.SAME_AS_BOUND``).

Resolution's writes keep it (``same_as``) and the review reads seek by it (``review``); a store resolved
before it was kept is marked once its bound has been filled in.
"""

from __future__ import annotations

from typing import Any, Protocol

from linkgraph.store.base import SAME_AS_BOUND, QueryResult


class Reader(Protocol):
    """A store or a view: anything that reads."""

    def read(self, query: str, params: dict[str, Any] | None = None) -> QueryResult: ...

__all__ = ["bound_mark", "keeps_bound", "raise_bound"]


def bound_mark(label: str) -> str:
    """The key of the ``StoreMark`` saying every ``label`` node starting ``SAME_AS`` links carries ``SAME_AS_BOUND``."""
    return f"{SAME_AS_BOUND}:{label}"


def keeps_bound(store: Reader, label: str) -> bool:
    """Whether every ``label`` node starting ``SAME_AS`` links carries ``SAME_AS_BOUND`` (see ``store.base``)."""
    return bool(store.read("MATCH (m:StoreMark {key: $key}) RETURN count(m)", {"key": bound_mark(label)}).scalar())


def raise_bound(node: str, probability: str) -> str:
    """The Cypher ``SET`` item raising ``node``'s bound to ``probability`` (an expression) when that is higher:
    the bound is never lowered."""
    bound = f"{node}.{SAME_AS_BOUND}"
    return f"{bound} = CASE WHEN {bound} IS NULL OR {bound} < {probability} THEN {probability} ELSE {bound} END"
