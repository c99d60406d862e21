"""Shared by the hostile-input tests: the CLI as a real subprocess, and a full dump of a store to compare."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from linkgraph.store.bulk import MARKERS

from conftest import StoreTarget

FILES = Path(__file__).parent / "files"


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m linkgraph ARGS`` in a real process; its output and exit code."""
    return subprocess.run([sys.executable, "-m", "linkgraph", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, env={**os.environ, **(env or {})}, errors="backslashreplace")


def on(target: StoreTarget, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``linkgraph --store <target> ARGS`` with the target's credentials in the environment."""
    return run("--store", target.uri, *args, cwd=cwd, env=target.env)


def _target(where: StoreTarget | Path) -> StoreTarget:
    """A store directory given as a path is an embedded store."""
    return StoreTarget("embedded", str(where)) if isinstance(where, Path) else where


def one_line(done: subprocess.CompletedProcess, code: int, *needles: str) -> str:
    """Check the command failed with ``code`` and one clear line on stderr holding every needle; return it."""
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert not any(c in lines[0] for c in "\x00\x07\x1b\x7f\x9b"), repr(lines[0])
    return lines[0]


def dump(where: StoreTarget | Path) -> dict[str, list[Any]]:
    """Everything in the store: every node with its labels and properties, every relationship with its
    type, ends and properties, sorted, as text (a missing or empty store dumps empty). The audit log's
    head (``AuditEvent``) is left out: every command, a refused one too, is audited; so are the labels
    that only mark a person waiting for resolution (``MARKERS``)."""
    target = _target(where)
    if target.backend == "embedded" and not (Path(target.uri) / "linkgraph-store.json").exists():
        return {"nodes": [], "relationships": []}
    with target.open(create=False) as store:
        nodes = store.read("MATCH (n) WHERE NOT n:AuditEvent RETURN labels(n), properties(n)").rows
        rels = store.read("MATCH (a)-[r]->(b) RETURN type(r), properties(r), labels(a), a.key, labels(b), b.key").rows
    return {"nodes": sorted(repr(sorted(set(row[0]) - set(MARKERS))) + repr(sorted(row[1].items())) for row in nodes),
            "relationships": sorted(repr(row) for row in rels)}


def ingested(where: StoreTarget | Path, label: str = "Person") -> set[str]:
    """The source ids of the ``label`` nodes in the store."""
    with _target(where).open(create=False) as store:
        return {row[0] for row in store.read(f"MATCH (n:{label}) RETURN n.source_id").rows}


def last_run(where: StoreTarget | Path) -> dict[str, Any]:
    """The properties of the latest ingest run."""
    with _target(where).open(create=False) as store:
        rows = store.read("MATCH (r:IngestRun) RETURN properties(r) ORDER BY r.started DESC LIMIT 1").rows
    return rows[0][0]


def seed(where: StoreTarget | Path, tmp_path: Path) -> dict[str, list[Any]]:
    """Ingest one good file so the store holds something; return its dump."""
    target = _target(where)
    good = tmp_path / "good.csv"
    good.write_text("case_ref,person_id,name,note\nC-0,G1,Gus Good,kept\n", encoding="utf-8")
    done = on(target, "ingest", str(good), "--mapping", str(FILES / "people.yaml"),
               "--rejects", str(tmp_path / "seed-rejects.csv"))
    assert done.returncode == 0, done.stderr
    return dump(target)


def workbook(path: Path, rows: list[list[str]], dimension: str | None = None, pad: str = "",
             extra_rows: str = "") -> Path:
    """Write a minimal XLSX by hand (inline strings), so a test can put in it what no spreadsheet would:
    a lying ``dimension`` record, ``pad`` (a huge string) in the shared strings part, or ``extra_rows``
    (raw ``<row>`` XML) after the rows."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(column: int, row: int, text: str) -> str:
        return f'<c r="{chr(65 + column)}{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'

    sheet_rows = "".join(f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(values)) + "</row>"
                         for r, values in enumerate(rows, start=1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "") + f"<sheetData>{sheet_rows}{extra_rows}</sheetData></worksheet>",
    }
    if pad:
        parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst xmlns="{main}"><si><t>{pad}</t></si></sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path
