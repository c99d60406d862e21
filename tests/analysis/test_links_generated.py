"""Cross-case links on a generated scenario against its planted truth (``truth/case_links.csv``)."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest

from linkgraph.analysis import links as links_module
from linkgraph.analysis.links import cross_case_links
from tests.analysis.conftest import Generated

#: The generator's link kinds, as ``links --kind`` names them.
TRUTH_KIND = {"same_person": "person", "same_document": "document", "same_phone": "phone", "shared_transit": "route"}


def _pairs(links: list) -> set[tuple[str, str, str]]:
    return {(link.kind, a, b) for link in links for a, b in combinations(link.case_ids, 2)}


def test_links_find_the_planted_links_and_little_else(generated: Generated) -> None:
    with generated.target.view() as view:
        links = cross_case_links(view)
    reported = _pairs(links)
    planted = {(TRUTH_KIND[r["kind"]], *sorted((r["case_a"], r["case_b"]))) for r in generated.truth_links}
    planted_pairs = {tuple(sorted((r["case_a"], r["case_b"]))) for r in generated.truth_links}
    recall = len(planted & reported) / len(planted)
    precision = sum((a, b) in planted_pairs for _, a, b in reported) / len(reported)
    print(f"links on {len(planted)} planted links: recall {recall:.1%}, precision {precision:.1%}")
    assert recall >= 0.9 and precision >= 0.9
    assert len({link.id for link in links}) == len(links)
    for link in links:
        assert all(side.country and side.records for side in link.cases), link


def test_links_command_prints_json_csv_and_writes_the_result(generated: Generated, tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "linkgraph")
    out = tmp_path / "links.json"
    done = subprocess.run([cli, "--store", generated.target.uri, "links", "--kind", "document", "--format", "json",
                           "--out", str(out)], capture_output=True, text=True, timeout=300, env=generated.target.run_env)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    with generated.target.view() as view:
        expected = [link.to_json() for link in cross_case_links(view, kinds=["document"])]
    assert json.loads(json.dumps(expected)) == printed and printed
    assert json.loads(out.read_text())["links"] == printed and oct(out.stat().st_mode & 0o777) == "0o600"
    also = tmp_path / "links-of-csv.json"  # --out writes the whole result whatever is printed
    done = subprocess.run([cli, "--store", generated.target.uri, "links", "--kind", "document", "--format", "csv",
                           "--out", str(also)], capture_output=True, text=True, timeout=300, env=generated.target.run_env)
    lines = done.stdout.splitlines()
    assert lines[0] == "id,kind,label,shared,cases,status,score,evidence" and len(lines) == len(printed) + 1
    assert json.loads(also.read_text())["links"] == printed
    table = subprocess.run([cli, "--store", generated.target.uri, "links", "--min-cases", "2"],
                           capture_output=True, text=True, timeout=300, env=generated.target.run_env)
    assert table.returncode == 0 and table.stdout.splitlines()[0].split() == [
        "id", "kind", "label", "shared", "cases", "status", "score", "evidence"]


@pytest.mark.parametrize("read_by_scope", [True, False], ids=["scope-read", "store-wide-read"])
def test_links_of_some_cases_are_the_store_wide_links_touching_them(generated: Generated, read_by_scope: bool,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Scoped to a few cases (as nightly detection asks), the engine reads only their entities and must
    find exactly the store-wide links that touch them; a scope of more cases than ``SCOPE_READ_MAX``
    (a full detect's) is read store-wide and filtered, with the same result."""
    if not read_by_scope:
        monkeypatch.setattr(links_module, "SCOPE_READ_MAX", 0)
    with generated.target.view() as view:
        every = cross_case_links(view)
        linked = sorted({case for link in every if link.kind in ("document", "phone") for case in link.case_ids})
        # persons: a scope's identities are grown from its own persons (person_links), so take cases
        # whose person links span three or more cases too
        persons = sorted({case for link in every if link.kind == "person" for case in link.case_ids})
        wide = sorted({link.case_ids[-1] for link in every if link.kind == "person" and len(link.case_ids) >= 3})
        # routes: each case of a route link alone, so that its journey is the earlier of a pair and the later
        routes = sorted({case for link in every if link.kind == "route" for case in link.case_ids})
        assert len(linked) >= 4 and len(persons) >= 4 and wide and len(routes) >= 2
        for scope in (linked[:1], linked[1:4], persons[:1], persons[-3:], wide[:2], *([case] for case in routes)):
            scoped = cross_case_links(view, cases=scope)
            assert [link.to_json() for link in scoped] == [
                link.to_json() for link in every if set(scope) & set(link.case_ids)], scope
