"""What one source record asserts once a table of its mapping is applied (``transform``): nodes and
relationships with their case and references, or why the record was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["NodeOut", "Rejection", "RelOut", "RowOutput"]


@dataclass
class NodeOut:
    """A node the row asserts."""

    label: str
    key: str
    props: dict[str, Any]


@dataclass
class RelOut:
    """A relationship the row asserts; ``key`` tells apart two of one type between the same nodes."""

    type: str
    src_label: str
    src: str
    dst_label: str
    dst: str
    key: str
    props: dict[str, Any]


@dataclass
class RowOutput:
    """Everything one record asserts, with its case and the references it makes to other tables' entities."""

    nodes: list[NodeOut] = field(default_factory=list)
    rels: list[RelOut] = field(default_factory=list)
    case_id: str | None = None
    record_id: str | None = None
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (label, key, field label)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # bad values kept or dropped: (field, reason, action)


@dataclass
class Rejection:
    """Why a record was refused: the field (column) and the reason, several joined when several failed."""

    field: str
    reason: str
