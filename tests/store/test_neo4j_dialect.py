"""What only Neo4j can show: READ sessions refused by the server, routing URIs, id seeks, no deprecated syntax.

These use the suite's Neo4j (``neo4j_env``, tests/conftest.py) and a driver of their own where they
look at what the server says about a statement (plans, notifications).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import neo4j
import pytest

from linkgraph.errors import ReadOnlyViolation
from linkgraph.model import load_model
from linkgraph.named_queries import list_queries, load_query
from linkgraph.store import bulk
from linkgraph.store.neo4j import Neo4jStore

from conftest import empty_neo4j


@pytest.fixture
def env(neo4j_env: dict[str, str]) -> dict[str, str]:
    empty_neo4j(neo4j_env)
    return neo4j_env


@pytest.fixture
def driver(env: dict[str, str]) -> Iterator[neo4j.Driver]:
    """A driver that keeps the server's notifications (the store's own switches them off)."""
    with neo4j.GraphDatabase.driver(env["uri"], auth=(env["LINKGRAPH_NEO4J_USER"], env["LINKGRAPH_NEO4J_PASSWORD"]),
                                    notifications_min_severity="INFORMATION", warn_notification_severity="OFF") as opened:
        yield opened


def open_store(env: dict[str, str], uri: str | None = None) -> Neo4jStore:
    return Neo4jStore(uri or env["uri"], env["LINKGRAPH_NEO4J_USER"], env["LINKGRAPH_NEO4J_PASSWORD"],
                      env["LINKGRAPH_NEO4J_DATABASE"] or None)


def test_a_write_in_a_read_is_refused_by_the_server_itself(env: dict[str, str]) -> None:
    # Neo4jStore.read has no check of its own: the statement reaches the server in a READ session.
    with open_store(env) as store:
        with pytest.raises(ReadOnlyViolation):
            store.read("CREATE (:Person {key: 'x'})")
        assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 0
        store.write("CREATE (:Person {key: 'x'})")  # the same statement is fine as a write
        assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 1


def test_a_routing_uri_reads_what_it_just_wrote(env: dict[str, str]) -> None:
    routed = env["uri"].replace("bolt://", "neo4j://", 1)
    with open_store(env, routed) as store:
        store.init_schema()
        store.upsert_nodes("Person", [{"key": "es:1", "props": {"name": "Ana"}, "records": ["r1"], "cases": ["C"]}])
        assert store.read("MATCH (p:Person {key: 'es:1'}) RETURN p.name").scalar() == "Ana"
        with pytest.raises(ReadOnlyViolation):
            store.read("MATCH (p:Person) SET p.name = 'x'")


def plan_operators(plan: dict) -> set[str]:
    names = {plan["operatorType"].split("@")[0]}
    for child in plan.get("children", []):
        names |= plan_operators(child)
    return names


def explain(driver: neo4j.Driver, cypher: str, params: dict | None = None) -> neo4j.ResultSummary:
    with driver.session(database=None) as session:
        return session.run(f"EXPLAIN {cypher}", params or {}).consume()


def test_lookups_by_handle_are_id_seeks(driver: neo4j.Driver, env: dict[str, str]) -> None:
    with open_store(env) as store:
        store.init_schema()
        table = bulk.tabulate([{"key": "a", "name": "Ana"}])
        statements = [bulk.relationship_create_statement("HOLDS", table, store.id_function),
                      bulk.node_merge_statement(store.id_function, ("records", "cases")),
                      bulk.relationship_merge_statement("HOLDS", store.id_function),
                      bulk.add_cases_statement(store.id_function)]
    for statement in statements:
        operators = plan_operators(explain(driver, statement, {"rows": [], **table.parameters()}).plan)
        assert "NodeByElementIdSeek" in operators, (statement, operators)
        assert "AllNodesScan" not in operators, (statement, operators)


def deprecations(summary: neo4j.ResultSummary) -> list[str]:
    return [status.status_description for status in summary.gql_status_objects
            if "deprecat" in status.status_description.lower()]


def test_no_statement_uses_syntax_that_neo4j_5_deprecates(driver: neo4j.Driver, env: dict[str, str]) -> None:
    from linkgraph.resolve import person_reader as reader

    handle = "elementId"
    statements = [query.text_for("neo4j") for query in list_queries()]
    for match in ("MATCH (p:Person)", "MATCH (p:Resolving)"):
        statements += [reader._persons_query(reader._person_fields(), match).replace(reader._IN_PAGE, ""),
                       *(q.replace(reader._IN_PAGE, "") for q in reader._held_queries(match).values())]
    statements += [f"MATCH (n)--(m) WHERE {handle}(n) IN $ids RETURN DISTINCT {handle}(m)",
                   f"MATCH (a)-[r]->(b) RETURN {handle}(a), {handle}(b), type(r), properties(r) ORDER BY {handle}(r)"]
    found = {statement: deprecations(explain(driver, statement)) for statement in statements}
    assert {s: d for s, d in found.items() if d} == {}
    assert deprecations(explain(driver, "MATCH (n) RETURN id(n)"))  # the check itself sees a deprecation


def test_named_queries_seed_by_key_through_an_index_not_a_scan(driver: neo4j.Driver, env: dict[str, str]) -> None:
    with open_store(env) as store:
        store.init_schema()
    for name in ("provenance", "relationship_provenance"):
        operators = plan_operators(explain(driver, load_query(name).text_for("neo4j")).plan)
        assert "AllNodesScan" not in operators, (name, operators)
        [seeded] = re.findall(r"MATCH \(n:([\w|]+) \{key: \$key\}\)", load_query(name).text_for("neo4j"))
        assert seeded.split("|") == [label for label in load_model().labels if label != "Record"], name
    for name in ("entity_profile", "neighbourhood"):  # case data only, as their common text
        operators = plan_operators(explain(driver, load_query(name).text_for("neo4j")).plan)
        assert "AllNodesScan" not in operators, (name, operators)
        [seeded] = re.findall(r"\(n:([\w|]+) \{key: \$key\}\)", load_query(name).text_for("neo4j"))
        assert set(seeded.split("|")) == set(load_model().entities) - {"Alert"}, name


def test_a_driver_configuration_error_is_one_line_and_exit_1(python: str) -> None:
    done = subprocess.run([python, "-m", "linkgraph", "--store", "bolt://127.0.0.1:1?region=eu", "status"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_driver_loads_without_pandas_sends_numpy_numbers_and_leaves_pandas_importable(
        python: str, env: dict[str, str]) -> None:
    # pandas cost a Neo4j command 0.9 s of its 2.1 s (store.neo4j); numpy numbers still go as parameters.
    code = ("import sys, numpy\n"
            "from linkgraph.store.neo4j import Neo4jStore\n"
            "print('pandas' in sys.modules, 'pyarrow' in sys.modules)\n"
            "with Neo4jStore(*sys.argv[1:4], sys.argv[4] or None) as store:\n"
            "    print(store.read('RETURN $n + 1, $x * 2', {'n': numpy.int64(41), 'x': numpy.float64(1.5)}).rows)\n"
            "import pandas, pyarrow\n"
            "print(pandas.DataFrame({'a': [1]}).shape, pyarrow.array([1]).type)")
    done = subprocess.run([python, "-c", code, env["uri"], env["LINKGRAPH_NEO4J_USER"], env["LINKGRAPH_NEO4J_PASSWORD"],
                           env["LINKGRAPH_NEO4J_DATABASE"]], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["False False", "[[42, 3.0]]", "(1, 1) int64"]


def cli_env(env: dict[str, str], tmp_path) -> dict[str, str]:
    import os

    return {**os.environ, **{k: v for k, v in env.items() if k != "uri"}, "XDG_STATE_HOME": str(tmp_path / "state")}


def test_cypher_on_a_routing_uri_reads_in_a_read_session_that_the_server_keeps_read_only(
        env: dict[str, str], python: str, tmp_path) -> None:
    # Neo4jStore.read has no write check of its own (test_a_write_in_a_read_is_refused_by_the_server_itself):
    # on a neo4j:// URI the driver routes the READ session to a reader, and the server refuses the write.
    routed = env["uri"].replace("bolt://", "neo4j://", 1)
    run_env = cli_env(env, tmp_path)
    done = subprocess.run([python, "-m", "linkgraph", "--store", routed, "cypher", "CREATE (:Person {key: 'x'})"],
                          capture_output=True, text=True, timeout=120, env=run_env)
    assert done.returncode == 1 and "only reads" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    with open_store(env) as store:
        assert store.read("MATCH (p:Person) RETURN count(p)").scalar() == 0


def test_every_session_of_a_store_shares_one_bookmark_manager(env: dict[str, str]) -> None:
    # On a cluster a read must see the write the same command just made: the write's bookmark has to
    # reach the next session. The manager collects bookmarks only if every session is given it.
    with open_store(env) as store:
        assert not store._bookmarks.get_bookmarks()
        store.write("CREATE (:Person {key: 'b1'})")
        first = set(store._bookmarks.get_bookmarks())
        assert first
        assert store.read("MATCH (p:Person {key: 'b1'}) RETURN count(p)").scalar() == 1
        store.write("CREATE (:Person {key: 'b2'})")
        assert set(store._bookmarks.get_bookmarks()) and set(store._bookmarks.get_bookmarks()) != first


def test_server_notifications_reach_neither_stderr_nor_stdout(driver: neo4j.Driver, env: dict[str, str],
                                                              python: str, tmp_path) -> None:
    statement = "MATCH (n:NoSuchLabel)-[:NO_SUCH_TYPE]->(m) RETURN n.no_such_property AS x"
    said = [s for s in explain(driver, statement).gql_status_objects if s.is_notification]
    assert said  # the server does say something about it
    done = subprocess.run([python, "-m", "linkgraph", "--store", env["uri"], "cypher", statement, "--format", "json"],
                          capture_output=True, text=True, timeout=120, env=cli_env(env, tmp_path))
    assert (done.returncode, done.stderr, done.stdout.strip()) == (0, "", "[]")


def test_a_lost_session_is_one_line_store_unavailable(env: dict[str, str]) -> None:
    from neo4j.exceptions import ConfigurationError, SessionExpired

    from linkgraph.errors import StoreUnavailable

    with open_store(env) as store:
        lost = store._driver_error(SessionExpired("Failed to read from defunct connection"))
        other = store._driver_error(ConfigurationError("bad setting"))
    assert isinstance(lost, StoreUnavailable) and str(lost) == (
        f"Neo4j at {env['uri']} became unreachable (SessionExpired)")
    assert not isinstance(other, StoreUnavailable) and "\n" not in str(other) and "ConfigurationError" in str(other)
