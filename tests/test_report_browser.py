"""A district report opened in headless Chromium with the network off reads complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import OfflineBrowser, PageCheck, require_chromium

from assessment import api
from assessment.exact import fmt
from assessment.report import ReportPaths, render_report

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[1] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"


@pytest.fixture(scope="module")
def offline_browser():
    with OfflineBrowser.launch(require_chromium()) as browser:
        yield browser


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> ReportPaths:
    return render_report(SAMPLE, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def page(offline_browser, report) -> PageCheck:
    return offline_browser.open_offline(report.html)


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
