"""The reading half of an ingest in a forked child: items in order, errors raised here, no orphan left."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time
from collections.abc import Callable, Iterator

import pytest

from linkgraph.ingest.reader_process import ReaderProcess, fork_available
from linkgraph.errors import InvalidData

pytestmark = pytest.mark.skipif(not fork_available(), reason="needs fork (Linux)")


def numbers_asking_the_parent(lookup: Callable[[int], int]) -> Iterator[int]:
    for n in range(3):
        yield lookup(n)


def test_items_arrive_in_order_and_lookups_are_answered_by_the_parent() -> None:
    reader = ReaderProcess(numbers_asking_the_parent)
    try:
        assert list(reader.items(lambda n: n * 10)) == [0, 10, 20]
    finally:
        reader.stop()


def failing(lookup: Callable[[int], int]) -> Iterator[int]:
    yield 1
    raise InvalidData("x.csv: line 3: not valid JSON")


def test_an_error_in_the_child_is_raised_in_the_parent() -> None:
    reader = ReaderProcess(failing)
    try:
        with pytest.raises(InvalidData, match="line 3"):
            list(reader.items(lambda n: n))
    finally:
        reader.stop()


def unpicklable(lookup: Callable[[int], int]) -> Iterator[object]:
    yield 1
    yield lambda: None


def test_an_item_that_cannot_cross_the_pipe_is_an_error_in_the_parent_not_a_hang() -> None:
    reader = ReaderProcess(unpicklable)
    try:
        with pytest.raises(Exception, match="pickle"):
            list(reader.items(lambda n: n))
    finally:
        reader.stop()


def many_chunks_with_a_lookup_between(lookup: Callable[[int], int]) -> Iterator[object]:
    for n in range(5):
        yield "x" * 1_000_000
    yield lookup(7)
    yield "done"


def test_a_lookup_reaches_the_parent_after_every_item_sent_before_it() -> None:
    received: list[object] = []
    reader = ReaderProcess(many_chunks_with_a_lookup_between)
    try:
        for item in reader.items(lambda n: len(received) * 100 + n):
            received.append(item)
    finally:
        reader.stop()
    assert received[5:] == [507, "done"]


ENDLESS = textwrap.dedent("""
    import itertools
    from linkgraph.ingest.reader_process import ReaderProcess
    def produce(lookup):
        for n in itertools.count():
            yield "x" * 100_000
    reader = ReaderProcess(produce)
    print(reader._process.pid, flush=True)
    next(reader.items(lambda q: q))
    input()
""")


def test_a_killed_parent_leaves_no_reader_process_behind(python: str) -> None:
    parent = subprocess.Popen([python, "-c", ENDLESS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.1)
    assert not _alive(child), "the reader process outlived its killed parent"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().split(") ", 1)[1][0] != "Z"
