"""Print a report page to an A4 PDF with headless Chromium.

A report is filed on paper, so `report --pdf` and `batch --pdf` also publish a
PDF.  The page's own print stylesheet (assessment/publish/templates/report) sets the
A4 size, margins, page breaks and repeated table headers; Chromium is used
because it is the browser that lays the page out exactly as a reader sees it,
and it embeds the page's web font, so the PDF is readable without any Chinese
font on the printing machine.  Nothing is fetched from the network: the page
is self-contained and Chromium runs with background networking off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assessment.publish.ledger import record_file
from assessment.util.console import CommandError
from assessment.util.errors import AssessmentError
from assessment.util.fsutil import atomic_write_bytes

CHROMIUM_ENV = "CHROMIUM"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
NOT_FOUND_MESSAGE = "未找到 Chromium：请安装（Debian/Ubuntu：apt-get install chromium）或用环境变量 CHROMIUM 指定其路径"
PRINT_TIMEOUT_SECONDS = 120
# No sandbox (containers, root), no GPU, and nothing that phones home while a page is
# open; the offline browser tests launch Chromium with the same switches.
OFFLINE_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# The page's print stylesheet numbers the pages; Chromium's own header and footer
# (date, file:// URL) would only leak the path of the file on the printing machine.
# "--print-to-pdf-no-header" is the same switch's name before Chromium 113.
PRINT_FLAGS = ("--headless", *OFFLINE_FLAGS, "--no-pdf-header-footer", "--print-to-pdf-no-header")


class PdfError(AssessmentError, RuntimeError):
    """The PDF could not be printed; the message says why, in Chinese."""


class ChromiumNotFoundError(PdfError):
    """No Chromium to print with; the message says how to install one."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(NOT_FOUND_MESSAGE + (f"（{detail}）" if detail else ""))


def find_chromium() -> str:
    """Return the Chromium executable to print with.

    ``$CHROMIUM`` wins; when it is set but names nothing runnable that is an
    error rather than a silent fallback, so a misconfigured machine is noticed.
    Otherwise the usual Debian, Ubuntu and Google names are tried in order.
    """
    override = os.environ.get(CHROMIUM_ENV)
    if override:
        resolved = shutil.which(override)
        if resolved is None:
            raise ChromiumNotFoundError(f"CHROMIUM={override} 不是可执行文件")
        return resolved
    for candidate in CHROMIUM_CANDIDATES:
        resolved = shutil.which(candidate)
        if resolved is not None:
            return resolved
    raise ChromiumNotFoundError()


def _print_command(chromium: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """Chromium's command line printing ``html`` into ``pdf`` with a throwaway profile.

    A private ``--user-data-dir`` lets several reports print in parallel
    (batch workers) without fighting over the user's profile lock.
    """
    return [
        chromium,
        *PRINT_FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]


def html_to_pdf(html_path: Path | str, pdf_path: Path | str, *, chromium: str | None = None) -> Path:
    """Print the report page ``html_path`` to ``pdf_path`` (A4, per the page's print CSS).

    The PDF is written aside and moved into place only when Chromium produced
    a complete file, so an existing PDF is never left half-written.  Raises
    :class:`ChromiumNotFoundError` when there is no Chromium (``chromium``
    overrides the search), :class:`PdfError` when printing fails.  Returns
    ``pdf_path``.
    """
    html = Path(html_path)
    target = Path(pdf_path)
    if not html.is_file():
        raise PdfError(f"无法打印 PDF：找不到报告页面 {html}")
    executable = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="assessment-pdf-") as scratch:
        printed = Path(scratch) / "report.pdf"
        command = _print_command(executable, html, printed, Path(scratch) / "profile")
        try:
            run = subprocess.run(
                command,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=PRINT_TIMEOUT_SECONDS,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError as error:
            raise ChromiumNotFoundError(f"{executable} 无法运行") from error
        except subprocess.TimeoutExpired as error:
            raise PdfError(f"打印 PDF 超时（{PRINT_TIMEOUT_SECONDS} 秒）：{html}") from error
        data = printed.read_bytes() if printed.is_file() else b""
        if run.returncode != 0 or not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
            detail = (run.stderr or "").strip().splitlines()[-3:]
            raise PdfError(
                f"Chromium 未能把 {html} 打印为 PDF（退出码 {run.returncode}）" + ("：" + " / ".join(detail) if detail else "")
            )
    atomic_write_bytes(target, data)
    return target


def chromium_or_error() -> str:
    """The Chromium `--pdf` prints with; CommandError (exit 2) with the Chinese reason when
    there is none, checked before any work so that nothing is changed."""
    try:
        return find_chromium()
    except ChromiumNotFoundError as exc:
        raise CommandError(str(exc)) from None


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print a published page to `pdf` (A4) and record it in the folder's ledger (the next run
    may replace it); CommandError when Chromium cannot print it."""
    try:
        printed = html_to_pdf(html, pdf)
        record_file(printed)
        return printed
    except PdfError as exc:
        raise CommandError(str(exc)) from None
