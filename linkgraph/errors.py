"""One exception root for every error a user can cause; the CLI turns each into one line and an exit code.

Bugs are not ``LinkgraphError`` and stay tracebacks.
"""

from __future__ import annotations


class LinkgraphError(Exception):
    """Root of every user-facing linkgraph error. ``exit_code`` is what the CLI exits with."""

    exit_code: int = 1


class UsageError(LinkgraphError):
    """The command was asked for something malformed (unknown store scheme, bad parameter)."""

    exit_code = 2


class InvalidModel(LinkgraphError):
    """A schema file under ``linkgraph/schema`` is malformed (a bug in the project, shown plainly)."""


class InvalidMapping(LinkgraphError):
    """A source mapping file is malformed; the message lists every problem with its line."""

    exit_code = 2


class InvalidPolicy(LinkgraphError):
    """A policy file is malformed; the message lists every problem with its line."""

    exit_code = 2


class AccessDenied(LinkgraphError):
    """The principal may not do what was asked (unknown user, ``--as`` without admin, no raw Cypher...)."""


class AuditBroken(LinkgraphError):
    """The audit log does not verify: a record was edited, removed or reordered."""


class InvalidData(LinkgraphError):
    """An input file cannot be read at all (encoding, format, missing column, empty)."""


class StoreError(LinkgraphError):
    """The store could not be opened or a query against it failed."""


class KeyConflict(StoreError):
    """A write was refused because a node with one of its keys exists already (uniqueness constraint).

    Each backend recognises its own engine's refusal and raises this, so callers never read messages.
    """


class StoreUnavailable(StoreError):
    """The store's server cannot be reached (Neo4j down, embedded server failed to start)."""


class NotAStore(StoreError):
    """A directory given as the store exists but is not a linkgraph store, or cannot be read."""


class ReadOnlyViolation(StoreError):
    """A query sent through the read-only path tried to write."""


class QueryNotFound(UsageError):
    """A named query does not exist in ``queries/``."""


class InvalidQuery(LinkgraphError):
    """A named query file is malformed (its header declares an unknown parameter type)."""


class NotFound(LinkgraphError):
    """An entity, pair or alert named by the user does not exist."""
