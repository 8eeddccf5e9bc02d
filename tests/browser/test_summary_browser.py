"""The municipal summary of a reviewed city as Chromium lays it out: every table stays
inside the page's column, and no column header is squeezed to one character a line."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_harness import OfflineBrowser, require_chromium

from assessment.report.summary import REVIEW_TABLE

pytestmark = pytest.mark.browser


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
def summary_page(reviewed_city) -> Path:
    page = reviewed_city / "2022" / "summary.html"
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
