"""The 龙湾区 sample report as a reader gets it: printed to A4 by Chromium like a document, and
its tables on screen with figures right-aligned, ids and dates on one line and headers broken
between words.

The sample is printed with the municipal review and the evidence folder, the longest report
the samples make. Pages are measured in the PDF itself (pdftotext's word boxes): how many,
how full, and what ends each page.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest
from browser_harness import OfflineBrowser, require_chromium

from assessment.publish.pdf import html_to_pdf
from assessment.report.district import ReportPaths, render_report

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
SAMPLE = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"
MAX_PAGES = 14
#: The print stylesheet's top and bottom page margin (20 mm) in PostScript points.
MARGIN_POINTS = 20 / 25.4 * 72
FOOTER = re.compile(r"第\d+页")
XHTML = "{http://www.w3.org/1999/xhtml}"


class Line(NamedTuple):
    top: float
    bottom: float
    text: str  # without whitespace


class Page(NamedTuple):
    height: float
    lines: list[Line]  # top to bottom, the page number left out


def printed_pages(pdf: Path) -> list[Page]:
    """Each page of ``pdf`` as pdftotext lays out its text lines (``-bbox-layout``)."""
    run = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    root = ET.fromstring(run.stdout)
    pages = []
    for page in root.iter(f"{XHTML}page"):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            text = "".join(word.text or "" for word in line.iter(f"{XHTML}word"))
            if not FOOTER.fullmatch(text):
                lines.append(Line(float(line.get("yMin", 0)), float(line.get("yMax", 0)), text))
        pages.append(Page(float(page.get("height", 0)), sorted(lines)))
    return pages


def headings(page: str) -> set[str]:
    """The text of every heading (h1–h4) of a report page, whitespace removed."""
    found = re.findall(r"<(h[1-4])\b[^>]*>(.*?)</\1>", page, re.S)
    return {re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", text))) for _, text in found}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportPaths:
    return render_report(
        SAMPLE,
        tmp_path_factory.mktemp("print"),
        review=EXAMPLES / "wenzhou-2022-reviews",
        evidence=EXAMPLES / "wenzhou-2022-evidence",
    )


@pytest.fixture(scope="module")
def pages(report: ReportPaths) -> list[Page]:
    chromium = require_chromium()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    pdf = html_to_pdf(report.html, report.html.with_suffix(".pdf"), chromium=chromium)
    return printed_pages(pdf)


@pytest.fixture(scope="module")
def browser():
    with OfflineBrowser.launch(require_chromium()) as launched:
        yield launched


def test_the_sample_with_review_and_evidence_prints_in_at_most_14_a4_pages(pages):
    assert len(pages) <= MAX_PAGES


def test_every_page_but_the_last_is_at_least_a_quarter_full(pages):
    for number, page in enumerate(pages[:-1], start=1):
        body = page.height - 2 * MARGIN_POINTS
        filled = (max(line.bottom for line in page.lines) - MARGIN_POINTS) / body
        assert filled >= 0.25, f"page {number} is {filled:.0%} full"


def test_no_page_ends_with_a_heading(report, pages):
    titles = headings(report.html.read_text("utf-8"))
    assert {"四、复核意见", "十二、数据来源与版本"} <= titles
    for number, page in enumerate(pages, start=1):
        assert page.lines[-1].text not in titles, f"page {number} ends with the heading {page.lines[-1].text}"


# Per table, per column: whether most filled cells show a figure, and each cell's alignment.
# The pattern and the placeholders are the page's own (assessment.report.markup.FIGURE).
_COLUMNS_SCRIPT = r"""
() => {
  const figure = /^[+\-−]?\d+(?:\.\d+)?%?(?:→[+\-−]?\d+(?:\.\d+)?%?)?$/;
  const placeholders = new Set(["未填报", "—", ""]);
  const out = [];
  document.querySelectorAll("table").forEach((table, t) => {
    const head = Array.from(table.querySelectorAll("thead th"));
    const rows = Array.from(table.querySelectorAll("tbody tr"), (tr) => Array.from(tr.cells));
    head.forEach((th, k) => {
      const cells = rows.map((row) => row[k]).filter(Boolean);
      const filled = cells.filter((td) => !placeholders.has(td.innerText.trim()));
      const figures = filled.filter((td) => figure.test(td.innerText.trim()));
      out.push({
        table: t,
        header: th.innerText.replace(/\s+/g, ""),
        numeric: filled.length > 0 && 2 * figures.length > filled.length,
        header_align: getComputedStyle(th).textAlign,
        aligns: cells.map((td) => getComputedStyle(td).textAlign),
      });
    });
  });
  return out;
}
"""

# Lines a cell's text takes: its characters grouped by the top of their boxes.
_LINES_SCRIPT = r"""
(selector) => Array.from(document.querySelectorAll(selector), (cell) => {
  const lines = new Map();
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (/\s/.test(node.data[i])) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      const top = Math.round(rect.top);
      lines.set(top, (lines.get(top) || "") + node.data[i]);
    }
  }
  return Array.from(lines.keys()).sort((a, b) => a - b).map((top) => lines.get(top));
})
"""


def test_every_column_of_figures_is_right_aligned_with_its_header(browser, report):
    columns = browser.evaluate_offline(report.html, _COLUMNS_SCRIPT)
    numeric = [c for c in columns if c["numeric"]]
    assert {"自评分", "核定分", "满分", "得分", "失分", "预计增分", "完成后总分"} <= {c["header"] for c in numeric}
    for column in numeric:
        assert column["header_align"] == "right", column["header"]
        assert set(column["aligns"]) == {"right"}, column["header"]
    for column in columns:
        if not column["numeric"]:
            assert set(column["aligns"]) <= {"left"}, column["header"]


def test_ids_dates_and_figures_never_wrap(browser, report):
    for media in ("screen", "print"):
        for selector in ("td.id", "td.date", "td.num"):
            cells = browser.evaluate_offline(report.html, f"({_LINES_SCRIPT})({selector!r})", media=media)
            assert any(cells), selector
            wrapped = [lines for lines in cells if len(lines) > 1]
            assert not wrapped, (media, selector, wrapped[:3])


def test_headers_break_only_between_words_three_characters_a_line_at_least(browser, report):
    for media in ("screen", "print"):
        headers = browser.evaluate_offline(report.html, f"({_LINES_SCRIPT})('thead th')", media=media)
        for lines in headers:
            if len(lines) > 1:
                assert min(len(line) for line in lines) >= 3, (media, lines)
        assert ["预计增分"] in headers and ["完成后总分"] in headers
