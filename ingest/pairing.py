"""Which instances of a relationship's two ends belong together in one nested record: those whose array
positions agree on every array they share (a suspect's documents go to that suspect only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Instance", "by_shared_arrays"]


@dataclass
class Instance:
    """One instance of an entity in a record: the array indexes that led to it, its scopes, its key."""

    position: tuple[tuple[str, int], ...]
    scopes: tuple[Any, ...]
    key: str = ""


def by_shared_arrays(sources: list[Instance], targets: list[Instance]) -> Callable[[Instance], list[Instance]]:
    """For a source instance, the targets that agree with it on every array both descend through (arrays
    after the first they do not share are independent), in order.

    All instances of one entity walk the same arrays, so the shared ones are the leading arrays the
    first source and the first target have in common; the targets are grouped by their indexes in those.
    """
    if not sources or not targets:
        return lambda a: targets
    shared = 0
    for (name_a, _), (name_b, _) in zip(sources[0].position, targets[0].position):
        if name_a != name_b:
            break
        shared += 1
    if not shared:
        return lambda a: targets
    groups: dict[tuple[tuple[str, int], ...], list[Instance]] = {}
    for b in targets:
        groups.setdefault(b.position[:shared], []).append(b)
    return lambda a: groups.get(a.position[:shared], [])
