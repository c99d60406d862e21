"""A hostile environment: credentials in a store URI are refused and never printed; a store directory
(or its files) owned by another user or writable by others is refused."""

from __future__ import annotations

import json
import os
import pwd
from pathlib import Path

import pytest
from hostile_support import dump, one_line, run, seed


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_password_in_the_store_uri_is_refused_and_never_printed(how: str, tmp_path: Path) -> None:
    uri = "bolt://admin:SECRET-PW@127.0.0.1:1"
    done = run("--store", uri, "status") if how == "option" else run("status", env={"LINKGRAPH_STORE": uri})
    line = one_line(done, 2, "bolt://...", "LINKGRAPH_NEO4J_PASSWORD")
    assert "SECRET" not in done.stdout + done.stderr and "admin" not in line


def _nobody() -> int:
    if os.geteuid() != 0:
        pytest.skip("giving a directory to another user needs root; these tests run as an ordinary user")
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        pytest.skip("this machine has no 'nobody' user to own the directory")


def test_a_store_directory_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "planted"
    directory.mkdir(mode=0o777)
    os.chmod(directory, 0o777)
    os.chown(directory, _nobody(), -1)
    line = one_line(run("--store", str(directory), "init"), 1, str(directory), "belongs to another user")
    assert "uid" in line
    assert list(directory.iterdir()) == []  # nothing created in it


def test_a_server_json_planted_by_another_user_is_refused(store_dir: Path, tmp_path: Path) -> None:
    before = seed(store_dir, tmp_path)
    planted = store_dir / "server.json"
    planted.write_text(json.dumps({"pid": 1, "socket": str(tmp_path / "their.sock")}))
    os.chown(planted, _nobody(), -1)
    one_line(run("--store", str(store_dir), "status"), 1, "server.json", "belongs to another user")
    planted.unlink()
    assert dump(store_dir) == before


def test_a_store_writable_by_others_is_refused_until_fixed(store_dir: Path, tmp_path: Path) -> None:
    before = seed(store_dir, tmp_path)
    os.chmod(store_dir, 0o777)
    one_line(run("--store", str(store_dir), "status"), 1, str(store_dir), "can be written by other users", "chmod go-w")
    os.chmod(store_dir, 0o700)
    assert run("--store", str(store_dir), "status").returncode == 0
    assert dump(store_dir) == before


def test_a_writable_file_inside_a_closed_store_folder_is_fine_and_refused_once_others_can_reach_it(
        store_dir: Path, tmp_path: Path) -> None:
    seed(store_dir, tmp_path)
    marker = store_dir / "linkgraph-store.json"
    os.chmod(marker, 0o666)  # as a umask of 000 would leave it: harmless while the folder is 0700
    assert run("--store", str(store_dir), "status").returncode == 0
    os.chmod(marker, 0o666)  # (starting the server made the store's files private again)
    os.chmod(store_dir, 0o755)
    one_line(run("--store", str(store_dir), "status"), 1, str(marker), "can be written by other users")
