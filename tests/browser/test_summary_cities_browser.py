"""The summary page of units from several cities, as Chromium draws it offline: the roll-up by
city comes above the ranking, its tables stay inside the page's column, its chart loads, and
the ranking names each unit's city. The notebook runs with its parameters, as a batch runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_harness import OfflineBrowser, require_chromium
from test_summary_browser import NARROW_HEADERS, TABLE_OVERFLOW

from assessment.batch.summary_step import default_summary_notebook
from assessment.inputs.units import cities, city_of
from assessment.inputs.workbook import write_workbook
from assessment.publish.html import notebook_to_html
from assessment.publish.kernels import run_notebook
from assessment.report.summary import CITY_EQUIPMENT_TABLE, CITY_PLANS_TABLE, CITY_TABLE
from assessment.rubric.loader import default_rubric
from assessment.samples import province_inputs

pytestmark = pytest.mark.browser

#: Two counties of each of the 11 cities: every row of the roll-up, at a fraction of the 90.
PER_CITY = 2

HEADINGS = "() => Array.from(document.querySelectorAll('main h2, main h3'), (h) => h.textContent.trim())"
HEADERS = """() => Array.from(document.querySelectorAll('main table'),
    (table) => Array.from(table.querySelectorAll('thead th'), (th) => th.textContent.trim()))"""


@pytest.fixture(scope="module")
def province_page(tmp_path_factory) -> Path:
    rubric = default_rubric()
    data = tmp_path_factory.mktemp("province")
    taken: dict[str, int] = {}
    for inp in province_inputs(rubric):
        city = city_of(inp.district, inp.level)
        if taken.setdefault(city or "", 0) < PER_CITY:
            taken[city or ""] += 1
            write_workbook(inp, rubric, data / f"{inp.district}.xlsx")
    executed = run_notebook(default_summary_notebook(), None, {"inputs_dir": str(data)})
    page = data.parent / "summary.html"
    page.write_text(notebook_to_html(executed, "全省汇总"), "utf-8")
    return page


@pytest.fixture(scope="module")
def browser():
    with OfflineBrowser.launch(require_chromium()) as launched:
        yield launched


def test_the_roll_up_by_city_comes_above_the_ranking(browser, province_page):
    headings = browser.evaluate_offline(province_page, HEADINGS)
    assert headings.index("各地市汇总") < headings.index(CITY_EQUIPMENT_TABLE) < headings.index(CITY_PLANS_TABLE) \
        < headings.index("排名")
    check = browser.open_offline(province_page)
    assert not check.failed_requests and not check.console_errors
    assert check.images and all(image.complete and image.natural_width > 0 for image in check.images)  # the chart too
    for city in cities():
        assert check.text.count(city) >= 4, city  # its rows in the three tables and its units in the ranking
    assert CITY_TABLE in check.text and "未知地市" not in check.text
    tables = browser.evaluate_offline(province_page, HEADERS)
    assert tables[0][:2] == ["地市", "单位数"]
    ranking = next(headers for headers in tables if headers[:2] == ["排名", "地区"])
    assert ranking[2] == "地市"


@pytest.mark.parametrize("media", ["screen", "print"])
def test_every_table_of_the_province_page_stays_inside_the_page_column(browser, province_page, media):
    assert browser.evaluate_offline(province_page, TABLE_OVERFLOW, media=media) == []


def test_no_column_header_of_the_province_page_is_squeezed(browser, province_page):
    assert browser.evaluate_offline(province_page, NARROW_HEADERS) == []
