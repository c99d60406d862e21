"""The policy file: checked with every problem and its line; each rule of who sees what."""

from __future__ import annotations

from pathlib import Path

import pytest

from linkgraph.access.policy import Grant, load_policy
from linkgraph.errors import InvalidPolicy


def test_a_valid_policy_loads_with_all_granting_every_capability_but_admin(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("users:\n  ana: {countries: [ESP, ITA], operations: [OP-MARE], handling_max: H2}\n"
                    "  night-job: {all: true}\n")
    policy = load_policy(path)
    assert policy.users["ana"].countries == frozenset({"ESP", "ITA"})
    job = policy.users["night-job"]
    assert (job.all, job.cypher, job.export, job.ingest, job.admin) == (True, True, True, True, False)


def test_every_problem_is_reported_at_once_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("users:\n"
                    "  ana:\n"
                    "    countries: [Spain]\n"
                    "    handling_max: H5\n"
                    "    cypher: true\n"
                    "    exprot: true\n")
    with pytest.raises(InvalidPolicy) as caught:
        load_policy(path)
    assert str(caught.value).splitlines() == [
        f"{path}:3: user 'ana': countries are ISO 3166 alpha-3 codes (ESP), not Spain",
        f"{path}:4: user 'ana': handling_max must be one of H0, H1, H2, H3, not 'H5'",
        f"{path}:6: user 'ana': unknown setting 'exprot' (did you mean 'export'?)",
        f"{path}:5: user 'ana': cypher: true needs all: true (raw Cypher cannot be filtered by case)",
    ]


@pytest.mark.parametrize(("grant", "case", "expected"), [
    (Grant("a", countries=frozenset({"ESP"})), ("ES-1", "ESP", None, "H2"), True),
    (Grant("a", countries=frozenset({"ESP"})), ("NG-1", "NGA", None, "H0"), False),
    (Grant("a", countries=frozenset({"ESP"}), handling_max="H1"), ("ES-1", "ESP", None, "H2"), False),
    (Grant("a", countries=frozenset({"ESP"}), handling_max="H1"), ("ES-1", "ESP", None, None), True),
    (Grant("a", operations=frozenset({"OP-MARE"})), ("IT-1", "ITA", "OP-MARE", "H1"), True),
    (Grant("a", countries=frozenset({"ESP"}), handling_max="H3"), ("ES-1", "ESP", None, "H3"), False),
    (Grant("a", cases=frozenset({"ES-1"})), ("ES-1", "ESP", None, "H3"), True),
    (Grant("a", all=True), ("XX-1", None, None, "H3"), True),
])
def test_who_sees_a_case(grant: Grant, case: tuple, expected: bool) -> None:
    assert grant.may_see(*case) is expected


def test_policy_check_exits_2_with_the_lines(tmp_path: Path, python: str) -> None:
    import subprocess

    path = tmp_path / "p.yaml"
    path.write_text("usres:\n  ana: {}\n")
    done = subprocess.run([python, "-m", "linkgraph", "policy", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Error: {path}:1: a policy file has a 'users:' mapping of user name to settings"
