"""A district report opened in headless Chromium with the network off reads complete,
and on a machine without any Chinese font its Chinese is still drawn with real glyphs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_harness import DrawnText, OfflineBrowser, PageCheck, latin_only_fontconfig, require_chromium

from assessment import api
from assessment.publish.fonts import WEB_FONT_FAMILY
from assessment.report.district import ReportPaths, render_report
from assessment.util.formatting import fmt

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"

FONT_FACE = re.compile(r"@font-face\s*{[^}]*}")
EMBEDDED_FONT = re.compile(r"url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)")
HAS_HAN = r"/[\u4e00-\u9fff]/.test(element.textContent)"
# Elements a reader must be able to read: the title, a table cell, a 失分清单 line.
ELEMENTS = {
    "title": "document.querySelector('.report-title, h1')",
    "table cell": f"Array.from(document.querySelectorAll('main table tbody td')).find((element) => {HAS_HAN})",
    "lost-points line": f"""(() => {{
        const found = document.evaluate(
            "//h2[contains(., '失分清单')]/following::*[self::td or self::li]",
            document, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        for (let i = 0; i < found.snapshotLength; i++) {{
            const element = found.snapshotItem(i);
            if ({HAS_HAN}) return element;
        }}
        return null;
    }})()""",
}


def han_count(text: str) -> int:
    """Number of Chinese characters (CJK unified ideographs) in ``text``."""
    return sum(1 for character in text if "\u4e00" <= character <= "\u9fff")


def han_drawn_by_embedded_font(element: DrawnText) -> bool:
    """Whether every Chinese character of ``element`` was drawn by the embedded web font.

    Layout counts each glyph under the font that drew it, so if the embedded
    font has drawn at least as many glyphs as there are Chinese characters, and
    other fonts no more than the remaining characters, no Chinese character
    was left to a font without Chinese glyphs.
    """
    han = han_count(element.text)
    embedded = sum(f.glyphs for f in element.fonts if f.custom and f.family == WEB_FONT_FAMILY)
    others = sum(f.glyphs for f in element.fonts if not (f.custom and f.family == WEB_FONT_FAMILY))
    return han > 0 and embedded >= han and others <= len(element.text) - han


@pytest.fixture(scope="module")
def latin_only_browser(tmp_path_factory):
    """A Chromium that sees no Chinese font at all, whatever this machine has installed."""
    fontconfig = latin_only_fontconfig(tmp_path_factory.mktemp("fontconfig"))
    with OfflineBrowser.launch(require_chromium(), fontconfig=fontconfig) as browser:
        yield browser


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> ReportPaths:
    return render_report(SAMPLE, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def page(latin_only_browser, report) -> PageCheck:
    return latin_only_browser.open_offline(report.html)


@pytest.fixture(scope="module")
def drawn(latin_only_browser, report) -> dict[str, DrawnText]:
    return latin_only_browser.fonts_drawing(report.html, ELEMENTS)


@pytest.fixture(scope="module")
def drawn_without_embedded_font(latin_only_browser, report, tmp_path_factory) -> dict[str, DrawnText]:
    """The same page with its @font-face removed: the negative control."""
    html = report.html.read_text(encoding="utf-8")
    stripped = tmp_path_factory.mktemp("no-font") / "report.html"
    stripped.write_text(FONT_FACE.sub("", html), encoding="utf-8")
    return latin_only_browser.fonts_drawing(stripped, ELEMENTS)


def test_page_title_and_text_show_the_district_and_total(page):
    result = api.score_path(SAMPLE)
    assert page.title == "龙湾区 2022年 规范化建设自评估报告"
    assert "龙湾区" in page.text
    assert re.search(rf"{re.escape(fmt(result.total))}\s*总得分（满分", page.text)  # the figures row
    assert "失分清单" in page.text
    assert "示例数据" in page.text


def test_every_chart_image_is_embedded_and_decodes(page):
    charts = [image for image in page.images if image.src_prefix.startswith("data:image/png;base64,")]
    assert len(charts) >= 3
    assert all(image.complete and image.natural_width > 0 for image in page.images)


def test_page_needs_no_network_and_logs_no_error(page):
    assert page.failed_requests == []
    assert page.console_errors == []


def test_chinese_is_drawn_with_the_embedded_font_where_no_chinese_font_is_installed(drawn):
    for name, element in drawn.items():
        assert han_drawn_by_embedded_font(element), (name, element)


def test_without_the_embedded_font_the_same_check_finds_chinese_drawn_without_chinese_glyphs(
    drawn_without_embedded_font,
):
    for name, element in drawn_without_embedded_font.items():
        assert han_count(element.text) > 0, name
        assert not han_drawn_by_embedded_font(element), (name, element)
        assert all(not font.custom for font in element.fonts), (name, element)


def test_embedded_font_adds_less_than_300_kb_to_the_page(report):
    (encoded,) = EMBEDDED_FONT.findall(report.html.read_text(encoding="utf-8"))
    assert len(encoded) < 300_000
