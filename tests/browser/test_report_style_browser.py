"""The report stylesheet as Chromium applies it: alignment, emphasis, and the A4 print rules.

The page is built from the HTML fragments of the report's class contract (see
assessment/publish/templates/report/static/report.css) and a pandas Styler table with
its generated id rules, exported like a report, and opened offline.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pandas as pd
import pytest
from browser_harness import OfflineBrowser, require_chromium
from matplotlib.figure import Figure
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from assessment.publish.html import notebook_to_html
from assessment.util.fsutil import atomic_write_text

pytestmark = pytest.mark.browser

HEAD = """\
<header class="report-head"><h1 class="report-title">自评估报告</h1><p class="report-meta">龙湾区 · 2022年 · 县级</p></header>
<div class="sample-banner">示例数据</div>
<p><span class="verdict verdict-pass">达标 · 示范单位</span><span class="verdict verdict-fail">未达标</span>
<span class="verdict verdict-pending">达标（待核）</span></p>
<div class="figures"><div class="figure"><div class="figure-value">87.5</div><div class="figure-label">总得分</div></div></div>
<ul class="conditions"><li class="met">√ 满足</li><li class="unmet">× 不满足</li></ul>
"""


def html_output(fragment: str) -> NotebookNode:
    return new_code_cell("", outputs=[new_output("display_data", data={"text/html": fragment})])


def styler_table() -> str:
    """A Styler table as tables.styled makes it: uuid-scoped left alignment, numbers classed num."""
    frame = pd.DataFrame({"指标": ["坚持党建引领", "推行职业保障"], "得分": ["3", "0.5"], "失分": ["1", "0.5"]})
    classes = pd.DataFrame({"指标": ["", ""], "得分": ["num", "num"], "失分": ["num", "num"]})
    styler = (
        frame.style.hide(axis="index")
        .set_uuid("lost")
        .set_table_styles([{"selector": "th, td", "props": "text-align: left; vertical-align: top"}])
        .set_td_classes(classes)
    )
    html = styler.to_html()
    return html.replace("<table ", '<table class="data" ', 1).replace("<tr>", '<tr class="loss">', 2)


def wide_chart() -> str:
    """A chart PNG three times wider than the page."""
    figure = Figure(figsize=(24, 3), dpi=100)
    figure.add_subplot().plot([0, 1], [1, 0])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure class="chart"><img alt="宽图" src="data:image/png;base64,{encoded}"><figcaption>图1</figcaption></figure>'


@pytest.fixture(scope="module")
def browser():
    with OfflineBrowser.launch(require_chromium()) as launched:
        yield launched


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    notebook = new_notebook(
        cells=[
            html_output(HEAD),
            new_markdown_cell("## 一、达标条件"),
            html_output(styler_table()),
            new_markdown_cell("## 二、得分图表"),
            html_output(wide_chart()),
            new_markdown_cell("## 三、失分清单"),
        ]
    )
    path = tmp_path_factory.mktemp("style") / "report.html"
    atomic_write_text(path, notebook_to_html(notebook, "样式"))
    return path


def computed(selector: str, properties: list[str]) -> str:
    """JavaScript returning the computed ``properties`` of every element matching ``selector``."""
    return (
        f"Array.from(document.querySelectorAll({selector!r}), (element) => {{"
        f" const style = getComputedStyle(element);"
        f" return {properties!r}.map((name) => style.getPropertyValue(name)); }})"
    )


def test_numbers_align_right_and_text_left_despite_the_stylers_id_rules(browser, page) -> None:
    assert browser.evaluate_offline(page, computed("td.num", ["text-align"])) == [["right"]] * 4
    assert browser.evaluate_offline(page, computed("td:not(.num)", ["text-align"])) == [["left"]] * 2
    assert browser.evaluate_offline(page, computed("th", ["text-align"])) == [["left"]] * 3


def test_lost_point_rows_and_failed_verdicts_stand_out_in_red(browser, page) -> None:
    (loss,) = {bg for (bg,) in browser.evaluate_offline(page, computed("tr.loss td", ["background-color"]))}
    plain = browser.evaluate_offline(page, computed("tbody tr:not(.loss) td", ["background-color"]))
    assert loss != "rgba(0, 0, 0, 0)" and all(bg == "rgba(0, 0, 0, 0)" for (bg,) in plain)
    colours = dict(
        zip(
            ["pass", "fail", "pending"],
            browser.evaluate_offline(page, computed(".verdict", ["color"])),
        )
    )
    red, green, _ = (int(v) for v in colours["fail"][0][4:-1].split(","))
    assert red > 2 * green
    assert len({c[0] for c in colours.values()}) == 3


def test_charts_never_overflow_the_page_column(browser, page) -> None:
    widths = browser.evaluate_offline(
        page,
        "[document.querySelector('figure.chart img').getBoundingClientRect().width,"
        " document.querySelector('main').clientWidth]",
    )
    image, column = widths
    assert 0 < image <= column


def test_print_runs_sections_on_and_keeps_each_heading_with_what_follows(browser, page) -> None:
    breaks = browser.evaluate_offline(page, computed("main > h2", ["break-before", "break-after"]), media="print")
    assert breaks == [["auto", "avoid"]] * 3


def test_print_never_splits_rows_or_charts_and_repeats_table_headers(browser, page) -> None:
    assert browser.evaluate_offline(page, computed("thead", ["display"]), media="print") == [["table-header-group"]]
    for selector in ("tr", "figure", "img"):
        values = browser.evaluate_offline(page, computed(selector, ["break-inside"]), media="print")
        assert values and all(value == ["avoid"] for value in values), selector
    assert browser.evaluate_offline(page, computed("img", ["max-width"]), media="print") == [["100%"]]
