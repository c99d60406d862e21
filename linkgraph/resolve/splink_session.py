"""A private, in-memory DuckDB holding the prepared person table, and Splink linkers over it."""

from __future__ import annotations

import contextlib
import copy
import logging
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker
from splink.internals.splink_dataframe import SplinkDataFrame

#: Name of the prepared person table inside the session.
PEOPLE_TABLE = "people"


@contextlib.contextmanager
def open_session(prepared: pa.Table) -> Iterator[tuple[DuckDBAPI, SplinkDataFrame]]:
    """Yield a DuckDB-backed Splink database with ``prepared`` registered as ``people``.

    Splink's own log messages (progress, advice) are held back to errors for the duration: this is
    library code, and it runs from cron.
    """
    connection = duckdb.connect(":memory:")
    splink_logger = logging.getLogger("splink")
    level = splink_logger.level
    splink_logger.setLevel(logging.ERROR)
    try:
        db_api = DuckDBAPI(connection)
        people = db_api.register(prepared, table_name=PEOPLE_TABLE)
        yield db_api, people
    finally:
        splink_logger.setLevel(level)
        connection.close()


def new_linker(people: SplinkDataFrame, settings: dict[str, Any]) -> Linker:
    """Return a Splink linker over ``people`` with a private copy of ``settings``."""
    return Linker(people, copy.deepcopy(settings), log_level=None)
