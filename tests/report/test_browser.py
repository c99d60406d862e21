"""The report in a real browser: Debian's Chromium, headless, every request outside the file blocked.

Playwright drives ``/usr/bin/chromium`` (``make`` installs it when missing and it can); playwright never
downloads a browser of its own. Skipped, with the reason, when Chromium or playwright is absent.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.report.conftest import IMG
from conftest import StoreTarget
from tests.report.test_report import linkgraph

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="no /usr/bin/chromium (make installs it as root: apt-get install chromium)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report_file(report_store: StoreTarget, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "report.html"
    done = linkgraph(report_store, "report", "--case", "ES-2024-117", "--case", "ES-2024-300", "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def opened(browser: Any, report_file: Path) -> Iterator[dict[str, Any]]:
    """The report opened in a fresh page; what it asked for, logged and showed is recorded."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    seen: dict[str, Any] = {"requests": [], "console": [], "errors": [], "dialogs": [], "page": page}
    own = report_file.resolve().as_uri()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == own:
            request_route.continue_()
        else:
            seen["requests"].append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: seen["console"].append((m.type, m.text)))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(own)
    page.wait_for_selector("body[data-drawn='1']", timeout=30_000)
    yield seen
    page.close()


def test_it_loads_without_console_errors_or_page_errors(opened: dict[str, Any]) -> None:
    assert [text for kind, text in opened["console"] if kind == "error"] == []
    assert opened["errors"] == []


def test_no_request_leaves_the_file(opened: dict[str, Any]) -> None:
    assert opened["requests"] == []


def test_the_network_canvas_is_drawn(opened: dict[str, Any], tmp_path: Path) -> None:
    page = opened["page"]
    page.locator("#network canvas").screenshot(path=str(tmp_path / "network.png"))
    assert (tmp_path / "network.png").stat().st_size > 1000
    painted = page.evaluate("""() => { const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return [n, c.width * c.height]; }""")
    assert painted[0] > 0.001 * painted[1], painted  # not a blank canvas


def test_the_injected_payloads_did_not_run(opened: dict[str, Any]) -> None:
    page = opened["page"]
    assert opened["dialogs"] == []
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert IMG in page.inner_text("table.links")


def test_the_tables_match_the_store(opened: dict[str, Any], report_store: StoreTarget) -> None:
    import json

    done = linkgraph(report_store, "query", "provenance", "-p", "key=passport|NGA|NG1234567", "--format", "json")
    cases = sorted({row["case_id"] for row in json.loads(done.stdout)})
    rows = opened["page"].locator("table.links tbody tr").all_inner_texts()
    passport = [r for r in rows if "NG1234567" in r and r.startswith("document")]
    assert len(passport) == 1 and ", ".join(cases) in passport[0]
    summary = opened["page"].inner_text("aside table")
    assert all(case in summary for case in ("ES-2024-117", "ES-2024-300"))


def test_the_printed_pdf_holds_the_link_table(opened: dict[str, Any]) -> None:
    pdf = opened["page"].pdf(format="A4")
    text = _pdf_text(pdf)
    assert "Cross-case links" in text and "ES-2024-117" in text and "NG1234567" in text


def _pdf_text(pdf: bytes) -> str:
    """The text of a Chromium PDF, through pypdf when present, else from its uncompressed strings."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pytest.skip("pypdf is not installed to read the printed report")
    return html.unescape("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))

