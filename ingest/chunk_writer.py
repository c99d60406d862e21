"""The writing half of an ingest: chunks written in order on a background thread, and the store lookups
of link tables, which wait for it."""

from __future__ import annotations

import queue
import threading
from typing import TYPE_CHECKING

from linkgraph.ingest.chunk import Chunk
from linkgraph.store.base import NodeId, Store

if TYPE_CHECKING:
    from linkgraph.ingest.pipeline import IngestSummary

__all__ = ["ChunkWriter", "StoreLookup"]


class ChunkWriter:
    """Writes chunks in order on one background thread while the next chunks are prepared, counting what
    each wrote into its run's summary.

    The queue holds at most two chunks, so memory stays flat. The first error stops the writer and is raised by ``put``,
    ``drain`` or ``close``.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.error: BaseException | None = None
        self.chunks: queue.Queue[tuple[Chunk, IngestSummary] | None] = queue.Queue(maxsize=2)
        self.thread = threading.Thread(target=self._run, name="linkgraph-ingest-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.chunks.get()) is not None:
            try:
                if self.error is None:
                    chunk, summary = item
                    entities, relationships = chunk.write(self.store)
                    summary.entities_written += entities
                    summary.relationships_written += relationships
            except BaseException as error:  # handed to the main thread
                self.error = error
            finally:
                self.chunks.task_done()
        self.chunks.task_done()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def put(self, chunk: Chunk, summary: IngestSummary) -> None:
        """Queue ``chunk`` of the run of ``summary`` for writing (blocks while two chunks wait)."""
        self._check()
        self.chunks.put((chunk, summary))

    def drain(self) -> None:
        """Wait until every queued chunk is written."""
        self.chunks.join()
        self._check()

    def close(self) -> None:
        """Write what is queued and stop the thread."""
        self.drain()
        self.chunks.put(None)
        self.thread.join()
        self._check()

    def abandon(self) -> None:
        """Stop the thread after an error in the main thread (queued chunks are still written first)."""
        if self.thread.is_alive():
            self.chunks.put(None)
            self.thread.join()


class StoreLookup:
    """Answers the reference checks of link tables: which of the named keys the store holds, with handles.

    Link tables come after entity tables, and their ids must resolve to entities of the same run: so
    before answering, every entity-table chunk handed to the writer is written.
    """

    def __init__(self, store: Store, writer: ChunkWriter) -> None:
        self.store = store
        self.writer = writer
        self.entities_pending = False

    def handed_to_writer(self, link_table: bool) -> None:
        """Note a chunk handed to the writer (an entity-table chunk must be written before the next answer)."""
        self.entities_pending = self.entities_pending or not link_table

    def __call__(self, wanted: dict[str, set[str]]) -> dict[str, dict[str, NodeId]]:
        if self.entities_pending:
            self.writer.drain()
            self.entities_pending = False
        return {label: self.store.node_ids(label, keys) for label, keys in wanted.items()}
