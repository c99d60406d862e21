"""Store selection: a directory path means the embedded FalkorDB store, a Bolt URI means Neo4j.

``--store`` / ``LINKGRAPH_STORE`` (default ``./linkgraph-data``). Neo4j credentials come from
``LINKGRAPH_NEO4J_USER``, ``LINKGRAPH_NEO4J_PASSWORD`` (or the file named by ``LINKGRAPH_NEO4J_PASSWORD_FILE``)
and ``LINKGRAPH_NEO4J_DATABASE``, never the command line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from linkgraph.errors import UsageError

if TYPE_CHECKING:
    from linkgraph.store.base import QueryResult, Store

DEFAULT_STORE = "./linkgraph-data"
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

__all__ = ["DEFAULT_STORE", "QueryResult", "Store", "open_store", "describe_store"]


def __getattr__(name: str) -> Any:
    """Import the store interface on first use, so that the command line and the server's watchdog
    (a ``linkgraph.store`` submodule) start without networkx, the model and the drivers."""
    if name in ("QueryResult", "Store"):
        from linkgraph.store import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def describe_store(uri: str) -> tuple[str, str]:
    """Return ``(backend, location)`` for a store URI without opening it; raise ``UsageError`` for an unknown
    scheme or a URI that holds credentials (which the message does not repeat)."""
    match = _SCHEME.match(uri)
    if match is None:
        return "falkordb", str(Path(uri).expanduser().absolute())
    scheme = match.group(1).lower()
    if "@" in uri[match.end():].split("/", 1)[0]:  # user[:password]@host: never repeated, not even in this error
        raise UsageError(f"--store {scheme}://...: the store URI holds a user name or password; give the URI without "
                         "them and set LINKGRAPH_NEO4J_USER and LINKGRAPH_NEO4J_PASSWORD instead")
    if scheme in NEO4J_SCHEMES:
        return "neo4j", uri
    if scheme == "file":
        return "falkordb", str(Path(uri[len("file://"):]).absolute())
    raise UsageError(
        f"unknown store scheme {scheme!r}: use a directory path for the embedded store "
        f"or one of {', '.join(s + '://' for s in NEO4J_SCHEMES)}"
    )


def _neo4j_password() -> str:
    """The Neo4j password: ``LINKGRAPH_NEO4J_PASSWORD``, else the first line of the file named by
    ``LINKGRAPH_NEO4J_PASSWORD_FILE`` (a secret mounted by the service manager); never the command line."""
    if os.environ.get("LINKGRAPH_NEO4J_PASSWORD"):
        return os.environ["LINKGRAPH_NEO4J_PASSWORD"]
    path = os.environ.get("LINKGRAPH_NEO4J_PASSWORD_FILE")
    if not path:
        return ""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[0] if Path(path).stat().st_size else ""
    except (OSError, IndexError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read the Neo4j password file named by LINKGRAPH_NEO4J_PASSWORD_FILE: "
                         f"{getattr(error, 'strerror', None) or type(error).__name__}") from None


def open_store(uri: str | None = None, create: bool = False) -> Store:
    """Open the store named by ``uri`` (or ``LINKGRAPH_STORE``, or ``./linkgraph-data``).

    ``create`` allows a missing embedded store directory to be created. Raises ``UsageError`` for an
    unknown scheme, ``NotAStore`` for a directory that is not a store, ``StoreUnavailable`` when the
    server cannot be reached.
    """
    uri = uri or os.environ.get("LINKGRAPH_STORE") or DEFAULT_STORE
    backend, location = describe_store(uri)
    if backend == "neo4j":
        from linkgraph.store.neo4j import Neo4jStore  # the driver is imported by this backend only

        return Neo4jStore(
            location,
            user=os.environ.get("LINKGRAPH_NEO4J_USER", "neo4j"),
            password=_neo4j_password(),
            database=os.environ.get("LINKGRAPH_NEO4J_DATABASE") or None,
        )
    from linkgraph.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(location), create=create)
