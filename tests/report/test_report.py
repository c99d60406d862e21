"""``linkgraph report``: one offline file, escaped hostile data, redaction, access and audit."""

from __future__ import annotations

import hashlib
import html
import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from linkgraph.analysis.model import ResultGraph
from linkgraph.report.content import links_in_graph
from linkgraph.report.html import script_json
from linkgraph.report.layout import cap_graph
from conftest import StoreTarget
from tests.report.conftest import B_ONLY, IMG, SCRIPT


def linkgraph(target: StoreTarget, *args: str, user: str | None = None) -> subprocess.CompletedProcess:
    """The CLI as a real subprocess, as the test's login (administrator) or ``--as user``."""
    cli = str(Path(sys.executable).parent / "linkgraph")
    options = ["--as", user] if user else []
    return subprocess.run([cli, "--store", target.uri, *options, *args], capture_output=True, text=True, timeout=300,
                          env=target.run_env)


def data_of(page: str) -> dict:
    """The JSON block the page draws from."""
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def admin_report(report_store: StoreTarget, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("admin") / "report.html"
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "--case", "ES-2024-300", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


def test_the_report_is_one_private_file_that_asks_the_network_for_nothing(admin_report: Path) -> None:
    page = admin_report.read_text(encoding="utf-8")
    assert stat.S_IMODE(admin_report.stat().st_mode) == 0o600
    assert not re.search(r"<(link|iframe|object|embed|img)\b", page, re.I)
    assert not re.search(r"<script[^>]*\ssrc=", page, re.I)
    assert "default-src 'none'" in page
    assert "vis-network" in page and "Apache" in page and "MIT" in page


def test_hostile_values_are_text_in_tables_and_in_the_data_block(admin_report: Path) -> None:
    page = admin_report.read_text(encoding="utf-8")
    assert IMG not in page and SCRIPT not in page
    assert html.escape(IMG) in page  # the hostile suspect's name, in the link table
    data = data_of(page)
    tooltips = "\n".join(n["title"] for n in data["nodes"])
    assert IMG in tooltips  # shown as text by textContent, never parsed as HTML
    # the data block, vis-network, the page's own script (the browser test counts document.scripts too)
    assert len(re.findall(r"^<script", page, re.M)) == 3


def test_the_script_json_block_cannot_close_itself() -> None:
    text = script_json({"a": SCRIPT + "&\u2028\u2029"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": SCRIPT + "&\u2028\u2029"}


def test_the_link_table_shows_the_shared_passport_and_the_same_as_links(admin_report: Path) -> None:
    page = admin_report.read_text(encoding="utf-8")
    table = page[page.index('<table class="links">'):]
    table = table[: table.index("</table>")]
    assert "passport|NGA|NG1234567" in html.unescape(table) or "NG1234567" in html.unescape(table)
    assert "ES-2024-117, ES-2024-300" in table
    assert "candidate (0.91)" in table


def test_victims_are_pseudonyms_by_default_and_named_only_when_asked(report_store: StoreTarget, admin_report: Path,
                                                                     tmp_path: Path) -> None:
    page = admin_report.read_text(encoding="utf-8")
    for secret in ("Blessing", "Okafor", "ops:A2", "1999-01-01", "2348031234567"):
        assert secret not in page, secret
    assert "Victim 1" in page and "redaction: victims" in page
    plain = tmp_path / "plain.html"
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "--redact", "none", "-o", str(plain))
    assert done.returncode == 0, done.stderr
    text = plain.read_text(encoding="utf-8")
    assert "Blessing Okafor" in text and "redaction: NONE" in text


def test_user_a_sees_a_marker_not_operation_b(report_store: StoreTarget, tmp_path: Path) -> None:
    out = tmp_path / "ana.html"
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "--redact", "none", "-o", str(out), user="ana")
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert [s for s in B_ONLY if s in page] == []
    assert "restricted match: document passport|NGA|NG1234567 also appears in a case owned by NGA" in html.unescape(page)


def test_a_hidden_case_is_refused_like_a_missing_one(report_store: StoreTarget, tmp_path: Path) -> None:
    hidden = linkgraph(report_store, "report", "--case", "NG-2025-031", "-o", str(tmp_path / "a.html"), user="ana")
    missing = linkgraph(report_store, "report", "--case", "XX-0000-000", "-o", str(tmp_path / "a.html"), user="ana")
    assert hidden.returncode == missing.returncode == 2
    assert hidden.stderr.replace("NG-2025-031", "X") == missing.stderr.replace("XX-0000-000", "X")
    assert not (tmp_path / "a.html").exists()


def test_without_the_export_capability_no_file_is_written(report_store: StoreTarget, tmp_path: Path) -> None:
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "-o", str(tmp_path / "r.html"), user="noexport")
    assert done.returncode == 1 and "may not export" in done.stderr and not (tmp_path / "r.html").exists()


def test_a_report_of_a_detection_run_shows_its_alerts_and_their_evidence(report_store: StoreTarget, tmp_path: Path) -> None:
    done = linkgraph(report_store, "detect")
    run = done.stdout.split(" detect ")[1].split(":")[0]
    page = tmp_path / "alerts.html"
    made = linkgraph(report_store, "report", "--alerts", run, "-o", str(page))
    assert made.returncode == 0, made.stderr
    text = page.read_text()
    assert f"alerts of {run}:" in text and "[high]" in text
    ids = {node["id"] for node in data_of(text)["nodes"]}
    assert "Document:passport|NGA|NG1234567" in ids
    unknown = linkgraph(report_store, "report", "--alerts", "detect-none", "-o", str(tmp_path / "r.html"))
    assert unknown.returncode == 2 and "no alert of that detection run" in unknown.stderr


def test_the_alerts_paragraph_comes_from_the_describer_the_caller_hands_in() -> None:
    """The report does not import detection (which sits above it): the CLI and detect hand in
    ``alerts_paragraph``; a library caller handing in none gets a pointer to ``alerts list``."""
    from linkgraph.report.build import alerts_text

    asked = []
    assert alerts_text(None, "detect-1", lambda view, run: asked.append(run) or f"2 alerts of {run}") == "2 alerts of detect-1"
    assert asked == ["detect-1"]
    assert alerts_text(None, "detect-1", None) == "The alerts of detection run detect-1: linkgraph alerts list shows them."
    assert alerts_text(None, None, lambda view, run: asked.append(run) or "x").startswith("No alerts in this report")
    assert asked == ["detect-1"]


def test_a_symlink_in_place_of_the_report_is_refused(report_store: StoreTarget, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_text("keep")
    (tmp_path / "r.html").symlink_to(target)
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "-o", str(tmp_path / "r.html"))
    assert done.returncode == 2 and "symlink" in done.stderr and target.read_text() == "keep"


def test_the_report_is_in_the_audit_log_with_its_sha256(report_store: StoreTarget, admin_report: Path) -> None:
    records = json.loads(linkgraph(report_store, "audit", "--format", "json").stdout)
    mine = [r for r in records if r.get("output") == str(admin_report.resolve())]
    assert mine and mine[-1]["sha256"] == hashlib.sha256(admin_report.read_bytes()).hexdigest()


def test_links_file_is_read_again_through_the_view(report_store: StoreTarget, tmp_path: Path) -> None:
    links = tmp_path / "links.json"
    links.write_text(json.dumps([
        {"id": "x", "kind": "document", "shared": "passport|NGA|NG1234567", "label": "NG1234567",
         "cases": [{"case": "ES-2024-117", "country": "ESP", "entities": ["ops:A1"], "records": []},
                   {"case": "NG-2025-031", "country": "NGA", "entities": ["ops:B1"], "records": []}]},
        {"id": "y", "kind": "document", "shared": "passport|NGA|NG1234567", "label": "NG1234567",
         "cases": [{"case": "ES-2024-117", "country": "ESP", "entities": ["ops:A1"], "records": []},
                   {"case": "ES-2024-300", "country": "ESP", "entities": ["ops:H1"], "records": []}]}]))
    out = tmp_path / "r.html"
    done = linkgraph(report_store, "report", "--links", str(links), "-o", str(out), user="ana")
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert [s for s in B_ONLY if s in page] == [] and "ES-2024-300" in page


def test_above_the_cap_leaves_become_counted_groups_and_the_report_says_so() -> None:
    graph = ResultGraph()
    graph.nodes = [{"id": "Case:C1", "label": "Case", "key": "C1", "caption": "C1", "cases": ["C1"], "props": {}, "records": []},
                   {"id": "Case:C2", "label": "Case", "key": "C2", "caption": "C2", "cases": ["C2"], "props": {}, "records": []},
                   {"id": "Document:d", "label": "Document", "key": "d", "caption": "d", "cases": ["C1", "C2"],
                    "props": {}, "records": []}]
    for i in range(300):
        graph.nodes.append({"id": f"Phone:{i}", "label": "Phone", "key": str(i), "caption": str(i), "cases": ["C1"],
                            "props": {}, "records": []})
        graph.nodes.append({"id": f"Person:{i}", "label": "Person", "key": f"p{i}", "caption": f"p{i}", "cases": ["C1"],
                            "props": {}, "records": []})
        graph.relationships.append({"source": f"Person:{i}", "target": f"Phone:{i}", "type": "USES", "props": {}, "records": []})
        graph.relationships.append({"source": f"Person:{i}", "target": f"Phone:{(i + 1) % 300}", "type": "USES",
                                    "props": {}, "records": []})
    graph.nodes.append({"id": "Person:x", "label": "Person", "key": "x", "caption": "x", "cases": ["C2"], "props": {}, "records": []})
    graph.relationships.append({"source": "Person:x", "target": "Document:d", "type": "HOLDS", "props": {}, "records": []})
    graph.nodes.append({"id": "Person:y", "label": "Person", "key": "y", "caption": "y", "cases": ["C2"], "props": {}, "records": []})
    for i in range(40):
        graph.nodes.append({"id": f"Email:{i}", "label": "Email", "key": f"e{i}", "caption": f"e{i}", "cases": ["C2"],
                            "props": {}, "records": []})
        graph.relationships.append({"source": "Person:y", "target": f"Email:{i}", "type": "USES", "props": {}, "records": []})
    links = links_in_graph(graph)
    shown, notes = cap_graph(graph, links, cap=100)
    ids = {n["id"] for n in shown.nodes}
    assert len(shown.nodes) <= 100 and {"Document:d", "Person:x", "Case:C1", "Case:C2"} <= ids
    assert "group:Person:y:Email" in ids and "40 Email" in [n["caption"] for n in shown.nodes]
    assert notes[0] == "40 leaf entities collapsed into 1 counted groups"
    # 645 entities: 40 e-mails became one group; of the other 605, 99 fit beside the group
    assert notes[1].startswith("506 entities further from the cross-case links left out")


def test_pseudonyms_replace_whole_keys_only_and_ids_stay_distinct() -> None:
    from linkgraph.report.content import redact_victims

    def person(key: str, name: str) -> dict:
        return {"id": f"Person:{key}", "label": "Person", "key": key, "caption": name, "cases": ["C1"],
                "props": {"name": name}, "records": [f"src f.csv:1 (record {key[-3:]}), case C1"]}

    graph = ResultGraph([person("s:R4", "Ann Lee"), person("s:R43", "Bo Ray"),
                         {"id": "Offence:o", "label": "Offence", "key": "o", "caption": "o", "cases": ["C1"],
                          "props": {}, "records": []}],
                        [{"source": "Person:s:R4", "target": "Offence:o", "type": "INVOLVED_IN",
                          "props": {"role": "victim"}, "records": []},
                         {"source": "Person:s:R43", "target": "Offence:o", "type": "INVOLVED_IN",
                          "props": {"role": "suspect", "note": "seen with Ann Lee (s:R4), not s:R43's friend"}, "records": []}])
    redacted, _ = redact_victims(graph, [])
    ids = [n["id"] for n in redacted.nodes]
    assert ids == ["Person:Victim 1", "Person:s:R43", "Offence:o"]
    assert redacted.relationships[1]["props"]["note"] == "seen with Victim 1 (Victim 1), not s:R43's friend"
    assert "Ann Lee" not in json.dumps(redacted.to_json())


def test_two_documents_of_one_victim_get_two_pseudonyms() -> None:
    from linkgraph.report.content import redact_victims

    def node(label: str, key: str) -> dict:
        return {"id": f"{label}:{key}", "label": label, "key": key, "caption": key, "cases": ["C1"], "props": {},
                "records": []}

    graph = ResultGraph([node("Person", "s:V"), node("Document", "passport|X|1"), node("Document", "id|X|2"),
                         node("Offence", "o")],
                        [{"source": "Person:s:V", "target": "Offence:o", "type": "INVOLVED_IN", "props": {"role": "victim"},
                          "records": []}] +
                        [{"source": "Person:s:V", "target": f"Document:{k}", "type": "HOLDS", "props": {}, "records": []}
                         for k in ("passport|X|1", "id|X|2")])
    redacted, _ = redact_victims(graph, [])
    assert sorted(n["id"] for n in redacted.nodes) == ["Document:Victim 1 document", "Document:Victim 1 document 2",
                                                        "Offence:o", "Person:Victim 1"]
