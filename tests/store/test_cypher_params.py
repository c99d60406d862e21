"""The fast parameter encoder writes what falkordb-py's own encoder writes (booleans as Cypher true/false).

Embedded-only: this is FalkorDB's parameter encoding; the Neo4j driver sends typed values over Bolt.
"""

from __future__ import annotations

import pytest
from falkordb.helpers import stringify_param_value

from linkgraph.store.cypher_params import encode, params_header

VALUES = [
    "plain", "", 'quote " inside', "back\\slash", "O'Brien", "line\nbreak", "Núñez محمد Петров", 0, -12, 3.25,
    None, ["a", 1, None, ["nested"]], {"key": "v", "n": 2, "list": ["x"], "inner": {"deep": "y"}},
    [{"key": "es:1", "props": {"name": 'a"b', "year": 1987}, "records": ["r1"], "cases": []}],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_encoding_matches_the_falkordb_client(value: object) -> None:
    assert encode(value) == stringify_param_value(value)


def test_booleans_are_cypher_literals() -> None:
    assert encode([True, False]) == "[true,false]"


def test_a_map_key_with_a_backtick_is_refused() -> None:
    with pytest.raises(ValueError, match="backtick"):
        encode({"a`b": 1})


def test_header_names_each_parameter() -> None:
    assert params_header({"rows": [1], "k": "x"}) == 'CYPHER `rows`=[1] `k`="x" '


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_the_json_path_reads_back_the_same_values(value: object, store_dir) -> None:
    from linkgraph.store.cypher_params import encode_fast
    from linkgraph.store.embedded import EmbeddedStore

    with EmbeddedStore(store_dir) as store:
        store.write("CREATE (:Person {key: 'seed'})")
        fast = store._db.connection.execute_command("GRAPH.RO_QUERY", "linkgraph", f"CYPHER v={encode_fast(value)} RETURN $v")
        slow = store._db.connection.execute_command("GRAPH.RO_QUERY", "linkgraph", f"CYPHER v={encode(value)} RETURN $v")
    assert fast[1] == slow[1]


def test_control_characters_take_the_slow_path() -> None:
    from linkgraph.store.cypher_params import encode_fast

    assert encode_fast(["ctl\x01x"]) == encode(["ctl\x01x"])
