"""A private DuckDB holding the prepared person table, and Splink linkers over it.

DuckDB takes 80% of the machine's memory by default and keeps every intermediate table in memory:
on a store of 700,000 persons, Splink's blocked pairs (tens of millions of rows) drove one process
to 20 GB. The session caps DuckDB's memory (``memory_limit``) and gives it a private spill folder
(``temp_directory``), so a large store costs disk and time, never the memory other work on the
machine needs.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

#: Name of the prepared person table inside the session.
PEOPLE_TABLE = "people"

#: DuckDB's memory cap for resolution, overridable with ``LINKGRAPH_RESOLVE_MEMORY`` (DuckDB's own
#: syntax: ``2GB``, ``500MB``). 3 GB keeps a store of a million rows well inside a shared machine: the
#: Python side (person frame, prepared table, scored pairs in batches) adds under 2 GB on top. Past the
#: cap DuckDB spills to the session's temporary folder (``TMPDIR``) instead of failing.
DEFAULT_MEMORY_LIMIT = "3GB"

#: DuckDB optimizers turned off in a training session. Splink writes each query as a chain of CTEs
#: (pairs, comparison vectors, counts); DuckDB's ``cte_inlining`` folds them into one plan that evaluates
#: the comparison levels of training's bounded samples more slowly than the chain kept as written: off,
#: u from a million random pairs took 1.0 s instead of 1.6 s on sparse FEBRL4 and training on 100,000
#: persons 9.0 s instead of 11.5 s (``bench/bench_resolve_scale.py``), the same model out. Scoring keeps
#: it: off, scoring 200,000 persons of the 1,000,000-row store took 41.6 and 43.8 s against 38.0 and
#: 38.6 s (the same pairs; runs alternated). An optimizer this DuckDB lacks is skipped.
TRAINING_DISABLED_OPTIMIZERS = ("cte_inlining",)


@contextlib.contextmanager
def open_session(prepared: pa.Table, *, training: bool = False) -> Iterator[tuple[DuckDBAPI, SplinkDataFrame]]:
    """Yield a DuckDB-backed Splink database with ``prepared`` registered as ``people``.

    Splink's own log messages (progress, advice) are held back to errors for the duration: this is
    library code, and it runs from cron. DuckDB runs with ``DEFAULT_MEMORY_LIMIT`` and spills to a
    private temporary folder, removed on the way out. ``training``: a session for estimating the
    model, run without ``TRAINING_DISABLED_OPTIMIZERS``. Splink's SQL texts are parsed once per session
    (``_parsed_once``).
    """
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    with tempfile.TemporaryDirectory(prefix="linkgraph-resolve-") as spill:
        connection = duckdb.connect(":memory:", config={
            "memory_limit": os.environ.get("LINKGRAPH_RESOLVE_MEMORY") or DEFAULT_MEMORY_LIMIT,
            "temp_directory": spill,
        })
        if training:
            _disable_optimizers(connection, TRAINING_DISABLED_OPTIMIZERS)
        splink_logger.setLevel(logging.ERROR)
        try:
            with _parsed_once():
                db_api = DuckDBAPI(connection)
                people = db_api.register(prepared, table_name=PEOPLE_TABLE)
                yield db_api, people
        finally:
            splink_logger.setLevel(level)
            connection.close()


@contextlib.contextmanager
def _parsed_once() -> Iterator[None]:
    """Within the block, ``sqlglot.parse_one`` parses each distinct SQL text once and hands out copies.

    Splink parses the same column names and comparison conditions again for every linker it builds and
    every table whose columns it lists: a resolve of sparse FEBRL4 (10,000 persons) made 2,338 parses of
    143 distinct texts, 0.37 s of a 5.5 s run; with the cache the calls took 0.24 s, 0.13 s of it the
    process's first parses (sqlglot loading its dialect). Neither Splink nor sqlglot keeps a cache, so
    one is kept here, for the session only. Parsing is a function of the text and the dialect's
    name alone; each caller gets its own copy of the tree, because Splink rewrites trees in place. A
    call with a dialect object or parser options goes to sqlglot unchanged. Nested sessions share the
    outer cache; the original function is put back on the way out.
    """
    original = sqlglot.parse_one
    if getattr(original, "_linkgraph_cache", None) is not None:  # an outer session's cache is in place
        yield
        return
    parsed: dict[tuple[str, str | None, str | None, Any], Any] = {}  # text, dialects, into -> tree

    def parse_one(sql: Any, read: Any = None, dialect: Any = None, into: Any = None, **opts: Any) -> Any:
        plain = isinstance(sql, str) and not opts and all(v is None or isinstance(v, str) for v in (read, dialect))
        if not plain or not (into is None or isinstance(into, type)):
            return original(sql, read=read, dialect=dialect, into=into, **opts)
        key = (sql, read, dialect, into)
        if key not in parsed:
            parsed[key] = original(sql, read=read, dialect=dialect, into=into)
        return parsed[key].copy()

    parse_one._linkgraph_cache = parsed  # type: ignore[attr-defined]
    sqlglot.parse_one = parse_one
    try:
        yield
    finally:
        sqlglot.parse_one = original


def _disable_optimizers(connection: duckdb.DuckDBPyConnection, names: tuple[str, ...]) -> None:
    """Turn off the optimizers ``names`` that this DuckDB knows (the names are constants, not input)."""
    known = {name for (name,) in connection.execute("SELECT name FROM duckdb_optimizers()").fetchall()}
    off = [name for name in names if name in known]
    if off:
        connection.execute(f"SET disabled_optimizers = '{','.join(off)}'")


def new_linker(people: SplinkDataFrame, settings: dict[str, Any]) -> Linker:
    """Return a Splink linker over ``people`` with a private copy of ``settings``.

    Splink's settings validation is off: it only logs warnings (held back here, see ``open_session``)
    about columns the settings name and the table lacks, and costs 0.15 to 0.2 s per linker (parsing
    every comparison's SQL), while a training run builds several linkers. The settings come from
    ``comparisons`` over ``person_frame``'s fixed schema; a column missing from it fails the first
    query loudly instead.
    """
    return Linker(people, copy.deepcopy(settings), log_level=None, validate_settings=False)
