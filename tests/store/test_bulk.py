"""Bulk rows as tables: column order follows each row's own order, and values all rows share travel once."""

from __future__ import annotations

import pytest

from linkgraph.store.bulk import column_order, cypher_name, tabulate


def test_a_column_first_seen_later_keeps_its_place_in_the_row_order() -> None:
    rows = [{"key": 1, "name": 1, "records": 1}, {"key": 2, "name": 2, "birth_date": 2, "records": 2}]
    assert column_order(rows) == ["key", "name", "birth_date", "records"]


def test_the_order_does_not_depend_on_which_rows_share_a_batch() -> None:
    full = {"key": 1, "name": 1, "birth_date": 1, "records": 1}
    sparse = {"key": 2, "name": 2, "records": 2}
    assert column_order([sparse, full]) == column_order([full, sparse]) == list(full)


def test_values_every_row_shares_become_parameters() -> None:
    table = tabulate([{"key": "a", "source": "es", "n": 1}, {"key": "b", "source": "es", "n": 1.0}])
    assert table.shared == {"source": "es"}
    assert table.rows == [["a", 1], ["b", 1.0]]
    assert table.properties() == "{`key`: r[0], `source`: $s0, `n`: r[1]}"
    assert table.parameters() == {"s0": "es"}


def test_a_missing_property_is_sent_as_null() -> None:
    table = tabulate([{"key": "a", "name": "Ana"}, {"key": "b"}])
    assert table.rows == [["a", "Ana"], ["b", None]]


@pytest.mark.parametrize("name", ["", "a`b"])
def test_a_name_that_cannot_be_quoted_is_refused(name: str) -> None:
    with pytest.raises(ValueError):
        cypher_name(name)
