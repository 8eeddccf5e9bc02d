"""Open HTML reports in headless Chromium with the network cut off.

Tests use this to prove that a generated report renders on a machine without
internet access: every request that is not file: or data: is blocked and
recorded, failed loads and console errors are collected, and the rendered
text and images are returned for assertions.

It drives Debian's Chromium through Python Playwright; ``playwright install``
is never needed (nor possible offline).  Test modules launch one browser per
module::

    @pytest.fixture(scope="module")
    def offline_browser():
        with OfflineBrowser.launch(require_chromium()) as browser:
            yield browser
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Request, Route, sync_playwright

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LOCAL_SCHEMES = ("file:", "data:")
SRC_PREFIX_LENGTH = 64
PAGE_TIMEOUT_MS = 30_000

# Reads every <img> once the load event has fired.
_IMAGES_SCRIPT = """
(prefixLength) => Array.from(document.images, (img) => [
    (img.currentSrc || img.src).slice(0, prefixLength),
    img.naturalWidth,
    img.complete,
])
"""


class ImageState(NamedTuple):
    """An <img> after page load: a broken image has natural_width 0."""

    src_prefix: str
    natural_width: int
    complete: bool


class FailedRequest(NamedTuple):
    """A request that did not succeed, with the browser's or our reason."""

    url: str
    reason: str


@dataclass
class PageCheck:
    """What a reader would get when opening the page offline."""

    title: str
    text: str
    images: list[ImageState]
    failed_requests: list[FailedRequest]
    console_errors: list[str]


@dataclass
class _PageEvents:
    """Collects request failures and errors while a page loads."""

    failed: dict[str, str] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)

    def block_remote(self, route: Route) -> None:
        """Let file: and data: through; abort and record everything else."""
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
            return
        self.failed.setdefault(url, "blocked: network access is disabled")
        route.abort("blockedbyclient")

    def on_request_failed(self, request: Request) -> None:
        self.failed.setdefault(request.url, request.failure or "failed")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_page_error(self, error: Error) -> None:
        self.console_errors.append(f"uncaught: {error.message}")


def chromium_path() -> str | None:
    """Return the Chromium executable to use, or None when there is none.

    ``$CHROMIUM`` wins when set, so CI images with Chromium elsewhere work.
    """
    override = os.environ.get("CHROMIUM")
    candidates = (override,) if override else CHROMIUM_CANDIDATES
    for candidate in candidates:
        resolved = shutil.which(candidate)
        if resolved:
            return resolved
    return None


def require_chromium() -> str:
    """Return the Chromium path, or skip locally / fail in CI without one.

    A developer machine without Chromium may skip browser tests, but in CI a
    missing browser means the offline guarantee is not being checked, which
    must not pass silently.
    """
    path = chromium_path()
    if path is not None:
        return path
    message = "Chromium not found (set $CHROMIUM or install the chromium package)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class OfflineBrowser:
    """A headless Chromium whose pages can only load file: and data: URLs."""

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    @classmethod
    @contextmanager
    def launch(cls, executable: str) -> Iterator[OfflineBrowser]:
        """Start Chromium once; close it and Playwright on exit."""
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
            )
            try:
                yield cls(browser)
            finally:
                browser.close()

    def open_offline(self, html_path: Path) -> PageCheck:
        """Load ``html_path`` via file://, wait for the load event and inspect it.

        Each call uses a fresh browser context so that nothing (cache,
        service workers) leaks between pages.
        """
        events = _PageEvents()
        context = self._browser.new_context(service_workers="block")
        try:
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            context.route("**/*", events.block_remote)
            page = context.new_page()
            page.on("requestfailed", events.on_request_failed)
            page.on("console", events.on_console)
            page.on("pageerror", events.on_page_error)
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            images = page.evaluate(_IMAGES_SCRIPT, SRC_PREFIX_LENGTH)
            return PageCheck(
                title=page.title(),
                text=page.evaluate("document.body.innerText"),
                images=[ImageState(*image) for image in images],
                failed_requests=[FailedRequest(*item) for item in events.failed.items()],
                console_errors=list(events.console_errors),
            )
        finally:
            context.close()
