"""Run the reading half of an ingest (read, normalise, deduplicate) in a forked child process.

Python runs one thread at a time, and reading and normalising take about as much CPU as the database
server spends writing. In a child process they use the second core while this process and the server
write. The child is forked, so it starts at once with the files already checked and opened; it talks
only through a pipe (never through the parent's store connection, which it inherits and leaves alone):

- child -> parent ``("chunk", item)``: the next prepared item, in order;
- child -> parent ``("lookup", question)`` and parent -> child the answer: the child asks what only the
  store knows (whether the ids a link table names exist) and waits;
- child -> parent ``("error", exception)`` or ``("done", None)`` at the end.

Where fork is unavailable, ``fork_available`` is False and the caller runs the same generator in-process.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from linkgraph.errors import LinkgraphError

COLLECT_EVERY = 20

Lookup = Callable[[Any], Any]
Producer = Callable[[Lookup], Iterator[Any]]


def fork_available() -> bool:
    """True where a child can be forked (Linux): elsewhere fork is missing or unsafe with system libraries."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _thread_count() -> int:
    """Threads of this process as the kernel sees them (DuckDB's, a driver's), not only Python's."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def fork_safe() -> bool:
    """True when a child may be forked now: fork exists and this process runs one thread only.

    A fork taken while another thread holds a lock (the allocator's, a library's) can deadlock the
    child, so with threads running (a nightly job that resolved before it ingests) the caller reads
    in-process instead.
    """
    return fork_available() and _thread_count() == 1


class ReaderProcess:
    """Runs ``produce(lookup)`` in a forked child; ``items(lookup)`` yields what it produces, in order.

    Parameters
    ----------
    produce : callable
        Takes a lookup function and yields picklable items. In the child, the lookup sends its question
        to the parent, which answers it with the ``lookup`` given to ``items``.
    """

    def __init__(self, produce: Producer) -> None:
        context = multiprocessing.get_context("fork")
        self._conn, child_end = context.Pipe()
        self._process = context.Process(target=_run_child, args=(produce, child_end, self._conn), daemon=True,
                                        name="linkgraph-ingest-reader")
        self._process.start()
        child_end.close()

    def items(self, lookup: Lookup) -> Iterator[Any]:
        """Yield the child's items in order, answering its lookups with ``lookup``; re-raise its error."""
        while True:
            try:
                kind, payload = self._conn.recv()
            except EOFError:
                self._process.join()
                raise RuntimeError(f"the ingest reader process ended unexpectedly (exit code {self._process.exitcode})") from None
            if kind == "chunk":
                yield payload
            elif kind == "lookup":
                self._conn.send(lookup(payload))
            elif kind == "error":
                raise payload
            else:
                return

    def stop(self) -> None:
        """End the child (at once when it is still working, after an error here) and release the pipe."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()


def _run_child(produce: Producer, conn: Connection, parent_end: Connection) -> None:
    # The fork copied the parent's end of the pipe too: close it, or a send to a parent that was killed
    # would wait for ever on a pipe this process itself still holds open, instead of failing.
    parent_end.close()
    # The parent owns the run: it turns SIGTERM and Ctrl-C into a recorded failure and then terminates
    # this child, which must simply die (the parent's SIGTERM handler, inherited by the fork, would
    # instead raise here and block on a pipe nobody reads any more).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    sender = _Sender(conn)

    def lookup(question: Any) -> Any:
        sender.send(("lookup", question))
        return conn.recv()

    # The child allocates millions of short-lived dicts and lists and makes no reference cycles, so
    # reference counting frees its garbage: the cyclic collector, which would scan the live objects
    # again and again, only runs every COLLECT_EVERY items, to bound what a stray cycle could hold.
    gc.disable()
    try:
        for count, item in enumerate(produce(lookup), start=1):
            sender.send(("chunk", item))
            if count % COLLECT_EVERY == 0:
                gc.collect()
        sender.send(("done", None))
    except BaseException as error:  # handed to the parent, which raises it
        sender.send(("error", _transferable(error)))
    sender.finish()
    # Leave at once: the child has closed its own files, and the standard streams it would flush on a
    # normal exit may have been locked by another thread of the parent at the moment of the fork.
    os._exit(0)


class _Sender:
    """Sends the child's messages, in order, from a thread of its own, so the child reads on while the
    parent takes in the last item (a chunk is a megabyte or more: many turns of the pipe, each waiting
    for the parent to be scheduled). One message waits at most; a parent that is gone ends the child."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.outbox: queue.Queue[tuple[str, Any] | None] = queue.Queue(maxsize=1)
        self.thread = threading.Thread(target=self._run, name="linkgraph-reader-sender", daemon=True)
        self.thread.start()

    def send(self, message: tuple[str, Any]) -> None:
        """Queue ``message`` (blocks while one waits)."""
        self.outbox.put(message)

    def finish(self) -> None:
        """Wait until every queued message is sent."""
        self.outbox.put(None)
        self.thread.join()

    def _run(self) -> None:
        try:
            while (message := self.outbox.get()) is not None:
                self.conn.send(message)
        except OSError:  # the parent is gone (killed, or stopped this run): nobody to tell
            os._exit(0)
        except BaseException as error:  # a message that cannot cross the pipe: the parent raises why
            with contextlib.suppress(OSError):
                self.conn.send(("error", _transferable(error)))
            os._exit(0)


def _transferable(error: BaseException) -> BaseException:
    """``error`` as it can cross the pipe: a bug carries the child's traceback as a note (a user-facing
    ``LinkgraphError`` needs none), and one that cannot be pickled becomes a RuntimeError saying what it was."""
    if not isinstance(error, LinkgraphError):
        error.add_note("in the ingest reader process:\n" + "".join(traceback.format_exception(error)))
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return RuntimeError("".join(traceback.format_exception(error)))
