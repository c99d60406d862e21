"""The two outcomes of every normaliser: a ``Value`` or an ``Invalid`` with the reason.

Normalisers are pure functions ``normalise_x(raw, **options) -> Value | Invalid``; they never raise for
bad input, so a bad value becomes a rejects-file row with its reason instead of a traceback in a loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Value:
    """A cleaned value.

    key:     the matching / identity form (deterministic, e.g. ``passport|ESP|X1234567``).
    display: what an analyst reads (original spelling kept where it matters, e.g. names).
    parts:   extra typed facts the mapping may store as properties (e.g. ``{"year": 1987, "precision": "year"}``).
    """

    key: str
    display: str
    parts: dict[str, str | int | float | bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid:
    """A value that could not be cleaned; ``reason`` is one sentence an analyst understands."""

    reason: str


Result = Value | Invalid
