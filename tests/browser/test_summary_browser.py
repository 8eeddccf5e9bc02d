"""The municipal summary of a reviewed city as Chromium lays it out: every table stays
inside the page's column, and no column header is squeezed to one character a line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_harness import OfflineBrowser, require_chromium

from assessment.batch.run import run_batch
from assessment.report.summary import REVIEW_TABLE

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
DISTRICTS = ("龙湾区", "瓯海区", "鹿城区", "苍南县")  # three reviewed, one not

TABLE_OVERFLOW = """() => {
    const main = document.querySelector('main');
    const style = getComputedStyle(main);
    const right = main.getBoundingClientRect().right - parseFloat(style.paddingRight);
    // A table too wide for the sheet scrolls inside its box (div.table-scroll): that box is what shows.
    return Array.from(document.querySelectorAll('main table'),
        (table) => (table.closest('.table-scroll') || table).getBoundingClientRect().right - right)
        .filter((over) => over > 0.5);
}"""

NARROW_HEADERS = """() => Array.from(document.querySelectorAll('main thead th'), (th) => {
    const style = getComputedStyle(th);
    const content = th.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [th.textContent.trim(), content / parseFloat(style.fontSize)];
}).filter(([text, chars]) => text.length >= 2 && chars < 1.95)"""


@pytest.fixture(scope="module")
def summary_page(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("data")
    for name in DISTRICTS:
        shutil.copy(EXAMPLES / "wenzhou-2022" / f"{name}.xlsx", data)
    out = tmp_path_factory.mktemp("out")
    outcome = run_batch(data, out, jobs=2, progress=False, review=EXAMPLES / "wenzhou-2022-reviews")
    assert outcome.exit_code == 0
    page = out / "2022" / "summary.html"
    assert f"<h3>{REVIEW_TABLE}</h3>" in page.read_text("utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    with OfflineBrowser.launch(require_chromium()) as launched:
        yield launched


@pytest.mark.parametrize("media", ["screen", "print"])
def test_every_summary_table_stays_inside_the_page_column(browser, summary_page, media):
    assert browser.evaluate_offline(summary_page, TABLE_OVERFLOW, media=media) == []


def test_no_column_header_is_squeezed_to_one_character_a_line(browser, summary_page):
    assert browser.evaluate_offline(summary_page, NARROW_HEADERS) == []
