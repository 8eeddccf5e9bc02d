"""Specifications for the offline browser harness used by report tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import (
    LATIN_FONT_DIR,
    OfflineBrowser,
    PageCheck,
    chromium_path,
    latin_only_fontconfig,
    require_chromium,
)
from fontTools.ttLib import TTFont, TTLibError
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from assessment.publish.html import notebook_to_html
from assessment.util.fsutil import atomic_write_text

CHART_CELL = """\
import matplotlib.pyplot as plt
from assessment.publish.fonts import register_cjk_font

register_cjk_font()
fig, ax = plt.subplots(figsize=(4, 3))
ax.bar(["龙湾区", "鄞州区"], [88, 76])
ax.set_title("执法规范化 得分（分）")
plt.show()
"""

pytestmark = pytest.mark.browser

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}

BROKEN_PAGE = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>坏页面</title></head>
<body>
<p>远程资源</p>
<img src="https://example.com/x.png">
<img src="missing-local.png">
<script>console.error("boom")</script>
<script>throw new Error("kaput")</script>
</body></html>
"""


@pytest.fixture(scope="module")
def offline_browser() -> Iterator[OfflineBrowser]:
    """One Chromium for the whole module; tests are independent contexts."""
    with OfflineBrowser.launch(require_chromium()) as browser:
        yield browser


@pytest.fixture(scope="module")
def report_check(
    offline_browser: OfflineBrowser, tmp_path_factory: pytest.TempPathFactory
) -> PageCheck:
    """Open an exported, executed one-chart report offline."""
    notebook = new_notebook(
        cells=[new_markdown_cell("# 龙湾区评估报告\n\n结论：**达标**"), new_code_cell(CHART_CELL)],
        metadata={"kernelspec": KERNELSPEC},
    )
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    html_path = tmp_path_factory.mktemp("report") / "index.html"
    atomic_write_text(html_path, notebook_to_html(notebook, "龙湾区 评估报告"))
    return offline_browser.open_offline(html_path)


@pytest.fixture(scope="module")
def broken_check(
    offline_browser: OfflineBrowser, tmp_path_factory: pytest.TempPathFactory
) -> PageCheck:
    """Open a page that loads a remote image and logs errors."""
    html_path = tmp_path_factory.mktemp("broken") / "index.html"
    html_path.write_text(BROKEN_PAGE, encoding="utf-8")
    return offline_browser.open_offline(html_path)


def test_chromium_path_honours_the_chromium_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert chromium_path() == str(fake)
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "absent"))
    assert chromium_path() is None


def test_require_chromium_fails_instead_of_skipping_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "absent"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        require_chromium()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        require_chromium()


def test_exported_report_loads_without_any_failed_request(report_check: PageCheck) -> None:
    assert report_check.failed_requests == []
    assert report_check.console_errors == []


def test_exported_report_chart_is_decoded(report_check: PageCheck) -> None:
    assert len(report_check.images) == 1
    image = report_check.images[0]
    assert image.src_prefix.startswith("data:image/png;base64,")
    assert image.complete
    assert image.natural_width > 0


def test_exported_report_shows_its_chinese_text_and_title(report_check: PageCheck) -> None:
    assert report_check.title == "龙湾区 评估报告"
    assert "龙湾区评估报告" in report_check.text
    assert "结论：达标" in report_check.text


def test_remote_image_is_blocked_and_reported(broken_check: PageCheck) -> None:
    failed_urls = [request.url for request in broken_check.failed_requests]
    assert "https://example.com/x.png" in failed_urls
    remote = next(img for img in broken_check.images if img.src_prefix.startswith("https:"))
    assert remote.natural_width == 0


def test_missing_local_file_is_reported_as_failed(broken_check: PageCheck) -> None:
    assert any(r.url.endswith("/missing-local.png") for r in broken_check.failed_requests)


def test_console_errors_and_uncaught_exceptions_are_reported(broken_check: PageCheck) -> None:
    assert "boom" in broken_check.console_errors
    assert any("kaput" in error for error in broken_check.console_errors)


def test_text_of_a_broken_page_is_still_collected(broken_check: PageCheck) -> None:
    assert broken_check.title == "坏页面"
    assert "远程资源" in broken_check.text


def test_latin_only_fontconfig_offers_no_font_with_chinese_glyphs(tmp_path: Path) -> None:
    config = latin_only_fontconfig(tmp_path).read_text(encoding="utf-8")
    assert "<include" not in config  # no system configuration, hence no installed CJK font
    offered = [Path(line.strip()[5:-6]) for line in config.splitlines() if line.strip().startswith("<dir>")]
    assert offered in ([LATIN_FONT_DIR], [])
    for font_dir in offered:
        for font_file in sorted(font_dir.iterdir()):
            try:
                cmap = TTFont(font_file, fontNumber=0).getBestCmap()
            except TTLibError:
                continue
            assert ord("龙") not in cmap and ord("报") not in cmap, font_file
