"""`path` ends at reference places but never passes through one: two strangers who travelled via the
same city are not connected; the same two sharing a phone are. On both backends."""

from __future__ import annotations


import pytest

from linkgraph.access.view import open_view
from linkgraph.analysis.graph import paths

WRITE = """
CREATE (a:Person {key: 'es:A', name: 'Ana', cases: ['C1'], records: []}),
       (b:Person {key: 'it:B', name: 'Bruno', cases: ['C2'], records: []}),
       (ra:Route {key: 'es:RA', cases: ['C1'], records: []}), (rb:Route {key: 'it:RB', cases: ['C2'], records: []}),
       (l:Location {key: 'LBY|tripoli', place: 'Tripoli'}),
       (:Case {key: 'C1', cases: ['C1'], records: []}), (:Case {key: 'C2', cases: ['C2'], records: []}),
       (a)-[:TRAVELLED {date: '2024-01-01'}]->(ra)-[:VIA {seq: 1}]->(l),
       (b)-[:TRAVELLED {date: '2024-01-02'}]->(rb)-[:VIA {seq: 1}]->(l)
"""


@pytest.fixture
def strangers(target, monkeypatch: pytest.MonkeyPatch) -> str:
    for name, value in target.env.items():
        monkeypatch.setenv(name, value)
    store = target.open()
    try:
        store.init_schema()
        store.write(WRITE)
    finally:
        store.close()
    return target.uri


def test_a_shared_city_is_no_path_a_shared_phone_is(strangers: str) -> None:
    with open_view(strangers, command="test") as view:
        _, through_city = paths(view, "es:A", "it:B", max_hops=6)
        _, from_city = paths(view, "es:A", "LBY|tripoli", max_hops=6)
    assert through_city == []
    assert from_city == [["Person:es:A", "Route:es:RA", "Location:LBY|tripoli"]]
    store = open_view(strangers, command="test")
    with store as view:
        view.writer("all").write("MATCH (a:Person {key: 'es:A'}), (b:Person {key: 'it:B'}) "
                                 "CREATE (a)-[:USES]->(:Phone {key: '+34600111222', number: '+34600111222', "
                                 "cases: ['C1', 'C2'], records: []})<-[:USES]-(b)")
    with open_view(strangers, command="test") as view:
        _, found = paths(view, "es:A", "it:B", max_hops=6)
    assert found == [["Person:es:A", "Phone:+34600111222", "Person:it:B"]]
