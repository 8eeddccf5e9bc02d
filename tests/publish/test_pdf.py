"""Specifications for printing a report page to an A4 PDF with headless Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_harness import latin_only_fontconfig, require_chromium
from PIL import Image

from assessment.publish import pdf
from assessment.publish.ledger import LEDGER
from assessment.report.district import ReportPaths, render_report

SAMPLE = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
# A4 in PostScript points (210 mm x 297 mm); Chromium rounds to 1/100 pt or so.
A4_POINTS = (595.28, 841.89)
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page\b")
EMBEDDED_FONT_NAME = re.compile(rb"/FontName\s*/[A-Z]{6}\+AssessmentSansSC-Regular")


def compact(text: str) -> str:
    """``text`` without any whitespace, to compare page text whatever the layout."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf_path: Path) -> list[str]:
    """The text of each page of ``pdf_path`` (pdftotext splits pages with form feeds)."""
    run = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    )
    return run.stdout.split("\f")[:-1]


def tag_texts(page: str, tag: str) -> list[str]:
    """Texts of every ``<tag>`` element of ``page`` (markup stripped, whitespace removed)."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", page, re.S)
    return [compact(html.unescape(re.sub(r"<[^>]*>", "", item))) for item in found]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> ReportPaths:
    return render_report(SAMPLE, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def printed(report: ReportPaths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The sample report printed where Chromium sees no Chinese font at all."""
    chromium = require_chromium()
    fontconfig = latin_only_fontconfig(tmp_path_factory.mktemp("fontconfig"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FONTCONFIG_FILE", str(fontconfig))
        yield pdf.html_to_pdf(report.html, report.folder / "report.pdf", chromium=chromium)


@pytest.mark.browser
def test_report_prints_to_a_pdf_whose_every_page_is_a4(printed: Path) -> None:
    data = printed.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(data)]
    assert len(boxes) == len(PAGE_OBJECT.findall(data)) > 1
    for width, height in boxes:
        assert width == pytest.approx(A4_POINTS[0], abs=1)
        assert height == pytest.approx(A4_POINTS[1], abs=1)


@pytest.mark.browser
def test_pdf_draws_chinese_with_the_embedded_font_without_any_system_chinese_font(printed: Path) -> None:
    assert EMBEDDED_FONT_NAME.search(printed.read_bytes())


@pytest.mark.browser
def test_printed_pdf_leaves_no_temporary_file_beside_it(printed: Path) -> None:
    """Only the ownership ledger (which names the files the tool wrote) may sit beside the outputs."""
    assert sorted(p.name for p in printed.parent.iterdir() if p.name.startswith(".")) == [LEDGER]


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_a_table_longer_than_a_page_repeats_its_header(report: ReportPaths, printed: Path) -> None:
    page = report.html.read_text(encoding="utf-8")
    headers = [h for h in tag_texts(page, "thead") if h]
    printed_text = compact("".join(page_texts(printed)))
    repeated = [h for h in headers if printed_text.count(h) > compact(page).count(h)]
    assert repeated


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_every_printed_page_renders_as_a_non_blank_a4_image(printed: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(printed), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == len(PAGE_OBJECT.findall(printed.read_bytes()))
    for path in images:
        with Image.open(path) as image:
            width, height = image.size
            assert width / height == pytest.approx(210 / 297, abs=0.01)
            darkest, _ = image.convert("L").getextrema()
            assert darkest < 128, path.name


def test_find_chromium_prefers_the_chromium_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert pdf.find_chromium() == str(fake)


def test_a_chromium_variable_naming_nothing_is_an_error_not_a_fallback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "absent"))
    with pytest.raises(pdf.ChromiumNotFoundError, match="CHROMIUM="):
        pdf.find_chromium()


def test_missing_chromium_says_in_chinese_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(pdf, "CHROMIUM_CANDIDATES", (str(tmp_path / "chromium"), "no-such-chromium-xyz"))
    with pytest.raises(pdf.ChromiumNotFoundError) as raised:
        pdf.find_chromium()
    assert str(raised.value) == (
        "未找到 Chromium：请安装（Debian/Ubuntu：apt-get install chromium）或用环境变量 CHROMIUM 指定其路径"
    )
    page = tmp_path / "report.html"
    page.write_text("<html><body>报告</body></html>", encoding="utf-8")
    with pytest.raises(pdf.ChromiumNotFoundError):
        pdf.html_to_pdf(page, tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()


def test_a_failed_print_keeps_the_previous_pdf_and_explains_why(tmp_path: Path) -> None:
    failing = tmp_path / "failing-chromium"
    failing.write_text("#!/bin/sh\necho 'renderer crashed' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    page = tmp_path / "report.html"
    page.write_text("<html><body>报告</body></html>", encoding="utf-8")
    previous = tmp_path / "report.pdf"
    previous.write_bytes(b"%PDF-1.4 previous")
    with pytest.raises(pdf.PdfError, match=r"未能.*打印为 PDF（退出码 3）：renderer crashed"):
        pdf.html_to_pdf(page, previous, chromium=str(failing))
    assert previous.read_bytes() == b"%PDF-1.4 previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing-chromium", "report.html", "report.pdf"]


def test_printing_a_missing_page_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(pdf.PdfError, match="找不到报告页面"):
        pdf.html_to_pdf(tmp_path / "absent.html", tmp_path / "report.pdf", chromium="/bin/true")
