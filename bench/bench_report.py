"""A case-meeting report of a 2,000-node neighbourhood: generated in at most 5 s, drawn at once in Chromium.

Writes 1,000 person rows over 20 cases (passports and phones shared across cases, so there are
cross-case links), ingests them with the need-to-know test mapping into a fresh embedded store,
then times ``write_report`` over all 20 cases (reading through the view, layout in Python, HTML),
prints the node count and file size, and opens the file in headless Debian Chromium (when
``/usr/bin/chromium`` and playwright are there) to print the time to the first drawn frame.
Targets: report at most 5 s; first frame at most 10 s (pyvis 0.3.2 defaults needed 219 s to settle).

Run: ``python bench/bench_report.py [--rows N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from linkgraph.access.view import open_view  # noqa: E402
from linkgraph.ingest.mapping import load_mapping  # noqa: E402
from linkgraph.ingest.pipeline import ingest_files  # noqa: E402
from linkgraph.report.build import write_report  # noqa: E402
from linkgraph.store.embedded import EmbeddedStore  # noqa: E402
from linkgraph.store.server import kill_server  # noqa: E402

MAPPING = Path(__file__).resolve().parents[1] / "tests" / "access" / "fixtures" / "cases.yaml"
COLUMNS = ["case_ref", "case_country", "operation", "handling", "person_id", "full_name", "birth_date", "role",
           "passport_no", "passport_country", "phone", "offence_type"]


def write_rows(path: Path, rows: int, cases: int, seed: int = 3) -> None:
    """Synthetic case rows: a tenth of passports and phones reappear in another case."""
    rng = random.Random(seed)
    given = ["Amina", "Blessing", "Chidi", "Daniel", "Esther", "Farid", "Grace", "Hassan", "Ifeoma", "Jamal"]
    family = ["Okafor", "Eze", "Mensah", "Diallo", "Bello", "Haddad", "Adeyemi", "Kamara", "Toure", "Nwosu"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            case = i % cases
            passport = f"P{rng.randrange(rows // 10):07d}" if rng.random() < 0.1 else f"Q{i:07d}"
            phone = f"+234803{rng.randrange(rows // 10):07d}" if rng.random() < 0.1 else f"+234805{i:07d}"
            writer.writerow([f"ES-2024-{case:03d}", "ESP", "OP-BENCH", "H2", f"R{i}",
                             f"{rng.choice(given)} {rng.choice(family)}", f"19{rng.randrange(50, 99)}-01-0{rng.randrange(1, 9)}",
                             rng.choice(["suspect", "suspect", "victim", "witness"]), passport, "NGA", phone, "trafficking"])


def first_frame_seconds(report: Path) -> float | None:
    """Seconds from navigation to vis-network's first drawn frame in headless Chromium, or None."""
    if not Path("/usr/bin/chromium").exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(report.resolve().as_uri())
        page.wait_for_selector("body[data-drawn='1']", timeout=120_000)
        drawn = page.evaluate("window.linkgraphDrawn") / 1000.0
        browser.close()
    return drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=700, help="Person rows (700 make ~2,000 entities).")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the store and report in this folder.")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="lg-bench-report-"))
    root.mkdir(parents=True, exist_ok=True)
    store_dir = root / "store"
    try:
        rows = root / "rows.csv"
        write_rows(rows, args.rows, args.cases)
        started = time.perf_counter()
        with EmbeddedStore(store_dir) as store:
            ingest_files(store, [rows], load_mapping(str(MAPPING)), rejects_path=root / "rejects.csv")
        print(f"ingested {args.rows:,} rows in {time.perf_counter() - started:.1f} s")
        out = root / "report.html"
        with open_view(str(store_dir), command="bench report") as view:
            cases = view.visible_cases()
            started = time.perf_counter()
            written = write_report(view, out, cases=cases, hops=1)
            took = time.perf_counter() - started
        print(f"report of {len(cases)} cases: {written.nodes:,} entities, {written.links:,} cross-case links, "
              f"generated in {took:.2f} s (target <= 5 s); file {out.stat().st_size / 1e6:.2f} MB")
        for note in written.notes:
            print(f"  {note}")
        drawn = first_frame_seconds(out)
        print("first drawn frame in headless Chromium: " + (f"{drawn:.2f} s (target <= 10 s)" if drawn is not None
                                                             else "not measured (no /usr/bin/chromium or playwright)"))
    finally:
        kill_server(store_dir)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
