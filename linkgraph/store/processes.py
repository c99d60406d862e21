"""Processes seen through ``/proc`` and signals: alive or not, what they are, how much memory they hold.

The embedded server's lifecycle (``server``) and its watchdog use these; the benchmarks read memory with them.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

__all__ = ["is_redis", "pid_alive", "proc_memory_mib", "wait_exit"]


def pid_alive(pid: int) -> bool:
    """Return whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie still answers kill(0)
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


def is_redis(pid: int) -> bool:
    """Whether process ``pid`` is a redis server (a recycled pid may now be anything)."""
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def wait_exit(pid: int, timeout: float = 60.0) -> bool:
    """Wait up to ``timeout`` seconds for process ``pid`` to end; return whether it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    return False


def proc_memory_mib(pid: int, field: str = "VmRSS") -> float:
    """Return ``field`` (``VmRSS``, ``VmHWM``) of process ``pid`` from ``/proc``, in MiB; 0 when unknown."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0
