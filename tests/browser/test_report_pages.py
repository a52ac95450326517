"""The two report pages in a real browser (Debian's headless Chromium): the styregruppe's page for
the demo database (with two months of history, an organisation, KOMBIT's dialogue, defects and
an exit workspace) and
KOMBIT's national page for 50 kommuner. No console error, no request beyond the file, every
chart with a size, the traffic lights readable (WCAG AA, computed), A4 pages in print with no
table row cut by a page edge. The screenshots are kept (artifacts/browser) and are the README's.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kigo_tui.bundle.aggregate import aggregate
from kigo_tui.domain.sla_settings import SlaSettings
from kigo_tui.report.kommune import kommune_html, read_kommune_data
from kigo_tui.report.national import national_html
from kigo_tui.storage.store import Store
from tests.support.browser import ARTIFACTS, Browser, check_pdf, table_rows
from tests.support.fixed import FIXED_TODAY
from tests.support.national import days, earlier, write_inbox
from tests.support.report_data import enrich, lived_in

pytestmark = pytest.mark.browser

README_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "img"
"""`KIGO_README_SHOTS=1 pytest tests/browser/test_report_pages.py` copies the screenshots here."""
README_HEIGHT = 1500
"""The README shows the top of each page (the whole page is kept as an artifact)."""


@pytest.fixture(scope="module")
def kommune_page(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    folder = tmp_path_factory.mktemp("kommune")
    db = folder / "demo.db"
    shutil.copyfile(demo_template, db)
    lived_in(db, FIXED_TODAY)  # two months of history: a burn-down and a "since" line to show
    store = Store.open(str(db))
    try:
        enrich(store, FIXED_TODAY)
        html = kommune_html(read_kommune_data(store, FIXED_TODAY, SlaSettings()))
    finally:
        store.close()
    path = folder / "kigo-rapport-461.html"
    path.write_text(html, "utf-8")
    return path


@pytest.fixture(scope="module")
def national_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("indbakke")
    write_inbox(inbox, 50, FIXED_TODAY)
    earlier(inbox, "101", FIXED_TODAY - days(14), level=2, seed=7)
    earlier(inbox, "157", FIXED_TODAY - days(14), level=0, seed=9)
    (inbox / "kigo-status-999-2026-11-23.zip").write_bytes(b"ikke et bundt")
    path = inbox.parent / "national.html"
    path.write_text(national_html(aggregate([inbox], FIXED_TODAY)), "utf-8")
    return path


def check_in_browser(chromium: Browser, path: Path, name: str) -> None:
    report = chromium.load(path, ".light")
    assert report.problems() == []
    assert report.console_errors == [] and report.external_requests == []
    assert report.svgs and all(s.renders for s in report.svgs)
    assert report.contrasts, "the page has traffic lights"
    assert all(c.passes and not c.uncertain for c in report.contrasts), [
        c.describe() for c in report.contrasts if not c.passes
    ]
    assert {c.background.hex() for c in report.contrasts} >= {"#b3261e"}

    assert chromium.print_overflow(path) == []  # nothing cut at the paper's right edge

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = chromium.print_pdf(path)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    tables = table_rows(path.read_text("utf-8"))
    checked = check_pdf(pdf, tables)
    assert checked.problems() == []
    assert checked.rows_checked == sum(len(t.rows) for t in tables) > 20
    assert len(checked.page_sizes) > 1
    shot = chromium.screenshot(path, ARTIFACTS / f"{name}.png")
    assert shot.read_bytes().startswith(b"\x89PNG")
    top = chromium.screenshot(path, ARTIFACTS / f"{name}-top.png", height=README_HEIGHT)
    if os.environ.get("KIGO_README_SHOTS"):
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(top, README_IMAGES / f"{name}.png")


def test_the_styregruppe_page_in_a_browser(chromium: Browser, kommune_page: Path) -> None:
    check_in_browser(chromium, kommune_page, "rapport-kommune")


def test_the_national_page_in_a_browser(chromium: Browser, national_page: Path) -> None:
    check_in_browser(chromium, national_page, "rapport-national")
