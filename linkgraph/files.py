"""Output files and folders the user names: created private, never through a symlink, checked up front.

Every file linkgraph writes for the user (rejects, pairs, exports, reports) holds case data, so it is
created with mode 0600 (folders 0700) and opened with ``O_NOFOLLOW``: a symlink planted where the
file should go is refused instead of having its target overwritten. A missing folder is a user error
reported in one line before any work starts.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import IO, Any

from linkgraph.errors import UsageError


def state_dir() -> Path:
    """Where linkgraph keeps per-user state that belongs to no store directory (a Neo4j store's trained
    model and audit log): ``$XDG_STATE_HOME/linkgraph``, by default ``~/.local/state/linkgraph``."""
    return Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "linkgraph"


def store_file(store: Any, name: str, folder: str) -> Path:
    """A file of ``store``'s own (the trained model, the kept person frame): ``<store>/<name>`` for the
    embedded store; for a server, ``<state_dir>/<folder>/<stem>-<hash><suffix>``, named after a hash of
    the URI and database, never the working directory, so two Neo4j databases never share one."""
    if store.backend == "falkordb":
        return Path(store.location) / name
    digest = hashlib.sha1(f"{store.location}\x1f{getattr(store, 'database', None) or ''}".encode()).hexdigest()[:16]
    stem, dot, suffix = name.partition(".")
    return state_dir() / folder / f"{stem}-{digest}{dot}{suffix}"


def ensure_folder(folder: Path) -> Path:
    """Create ``folder`` (mode 0700, parents too) unless it exists; return it.

    Raise ``UsageError`` when it is a file, a symlink, or cannot be created.
    """
    if folder.is_symlink():
        raise UsageError(f"{folder} is a symlink; name a real folder for the output")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the folder {folder}: {error.strerror}") from None
    return folder


def check_output(path: Path) -> Path:
    """Check that ``path`` can be written as a new or replaced file; return it. Nothing is created.

    Raise ``UsageError`` when its folder does not exist or is not writable, or ``path`` is a folder or
    a symlink.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"cannot write {path}: the folder {folder} does not exist")
    if path.is_symlink():
        raise UsageError(f"refusing to write {path}: it is a symlink")
    if path.is_dir():
        raise UsageError(f"cannot write {path}: it is a folder")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"cannot write {path}: the folder {folder} is not writable")
    return path


def open_private(path: Path, mode: str = "w", newline: str | None = "") -> IO[str]:
    """Open ``path`` for writing text, created 0600 (an existing file is truncated and made 0600).

    Raise ``UsageError`` when ``path`` is a symlink or cannot be opened.
    """
    check_output(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror}") from None
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, mode, encoding="utf-8", newline=newline)


def sha256_of(path: Path) -> str:
    """The SHA-256 of the file ``path``, as hex (what the audit log records for a written output)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` (UTF-8, mode 0600, never through a symlink), replacing what was there."""
    with open_private(path) as handle:
        handle.write(text)
