"""The index page of a batch's output as a reader uses it in Chromium, offline (file://, every
other request blocked): each link opens a file of the folder, a click on a column header sorts
the districts (figures by value, names in pinyin order), typing in the filter hides the rows
that do not match, the keyboard does what the mouse does, and without scripts the whole table
is there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from browser_harness import REVIEWED_CITY, OfflineBrowser, require_chromium

pytestmark = pytest.mark.browser

DISTRICTS = REVIEWED_CITY  # three reviewed, one not
#: Their names in pinyin order (cāng, lóng, lù, ōu): how a Chinese reader sorts 地区.
PINYIN_ORDER = ["苍南县", "龙湾区", "鹿城区", "瓯海区"]

ROWS = """() => Array.from(document.querySelectorAll('#districts tbody tr'))
    .filter((tr) => !tr.hidden && tr.offsetParent !== null)
    .map((tr) => Array.from(tr.cells, (td) => td.textContent.trim()))"""
HEADERS = "() => Array.from(document.querySelectorAll('#districts thead th'), (th) => th.textContent.trim())"
LINKS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)"


@pytest.fixture(scope="module")
def output(reviewed_city) -> Path:
    return reviewed_city


@pytest.fixture(scope="module")
def browser():
    with OfflineBrowser.launch(require_chromium()) as launched:
        yield launched


def _column(page, name: str) -> list[str]:
    headers = page.evaluate(HEADERS)
    return [row[headers.index(name)] for row in page.evaluate(ROWS)]


def _header(page, name: str):
    return page.locator("#districts thead th", has_text=name)


@pytest.mark.parametrize("index", ["index.html", "2022/index.html"])
def test_every_link_opens_a_file_of_the_folder_and_nothing_is_fetched(browser, output, index):
    with browser.interact_offline(output / index) as (page, check):
        links = page.evaluate(LINKS)
        assert len(links) == len(DISTRICTS) + (2 if index == "index.html" else 1)  # reports, summary (and year index)
        for link in links:
            target = Path(unquote(urlparse(link).path))
            assert link.startswith("file://") and target.is_file(), link
            assert target.resolve().is_relative_to(output.resolve())
        page.get_by_role("link", name="查看报告").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/report.html") and "自评估" in page.title()
    assert check.failed_requests == [] and check.console_errors == []


def test_a_click_on_a_score_header_sorts_by_value_ascending_then_descending(browser, output):
    with browser.interact_offline(output / "2022" / "index.html") as (page, check):
        _header(page, "自评分").click()
        ascending = [float(v) for v in _column(page, "自评分")]
        assert ascending == sorted(ascending) and len(ascending) == len(DISTRICTS)
        assert _header(page, "自评分").get_attribute("aria-sort") == "ascending"
        _header(page, "自评分").click()
        assert [float(v) for v in _column(page, "自评分")] == sorted(ascending, reverse=True)
        assert _header(page, "自评分").get_attribute("aria-sort") == "descending"
        _header(page, "核定分").click()  # the unreviewed district (—) goes last, whichever the direction
        assert _column(page, "核定分")[-1] == "—"
    assert check.console_errors == []


def test_names_sort_in_pinyin_order_and_the_keyboard_sorts_as_a_click_does(browser, output):
    with browser.interact_offline(output / "2022" / "index.html") as (page, check):
        _header(page, "地区").locator("button").focus()
        page.keyboard.press("Enter")
        assert _column(page, "地区") == PINYIN_ORDER
        page.keyboard.press("Space")
        assert _column(page, "地区") == PINYIN_ORDER[::-1]
    assert check.console_errors == []


def test_typing_in_the_filter_hides_the_rows_that_do_not_match_and_the_verdict_choice_narrows_them(browser, output):
    with browser.interact_offline(output / "2022" / "index.html") as (page, check):
        assert len(page.evaluate(ROWS)) == len(DISTRICTS)
        page.get_by_role("searchbox").fill("龙湾")
        assert _column(page, "地区") == ["龙湾区"]
        assert page.locator("#shown").text_content() == f"显示1个，共{len(DISTRICTS)}个"
        page.get_by_role("searchbox").fill("")
        verdicts = _column(page, "结论")
        page.get_by_role("combobox").select_option("未达标")
        assert _column(page, "结论") == ["未达标"] * verdicts.count("未达标") and "未达标" in verdicts
        assert len(page.evaluate(ROWS)) < len(DISTRICTS)
    assert check.console_errors == []


def test_without_scripts_the_page_is_the_whole_table_and_no_dead_controls(browser, output):
    with browser.interact_offline(output / "index.html", javascript=False) as (page, _):
        assert sorted(_column(page, "地区")) == sorted(DISTRICTS)
        assert not page.get_by_role("searchbox").is_visible()
