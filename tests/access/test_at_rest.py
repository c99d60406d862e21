"""At rest: every file of an embedded store is readable by its owner only."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_file_of_a_used_store_is_private(store_dir: Path, tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "linkgraph")
    subprocess.run([cli, "--store", str(store_dir), "ingest", str(FIXTURES / "operation_a.csv"), "--mapping",
                    str(FIXTURES / "cases.yaml")], check=True, capture_output=True, timeout=120)
    subprocess.run([cli, "--store", str(store_dir), "status"], check=True, capture_output=True, timeout=120)
    found = {}
    for path in [store_dir, *store_dir.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISSOCK(mode):
            assert stat.S_IMODE(mode) & 0o077 == 0, path
            continue
        found[str(path.relative_to(store_dir))] = oct(stat.S_IMODE(mode))
    expected_dirs = {name for name, _ in found.items() if (store_dir / name).is_dir()}
    assert {name: mode for name, mode in found.items() if name not in expected_dirs} == {
        name: "0o600" for name in found if name not in expected_dirs}
    assert all(found[name] == "0o700" for name in expected_dirs)
    assert {"linkgraph-store.json", "falkordb.log", "audit.jsonl", "server.lock"} <= set(found)
    assert any(name.startswith("data/") for name in found)
