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

To prove a page is readable on a machine without Chinese fonts, launch the
browser with ``fontconfig=latin_only_fontconfig(folder)``: Chromium then sees
only a Latin font directory, whatever is installed, and
:meth:`OfflineBrowser.fonts_drawing` reports (through the DevTools protocol)
which font actually drew each element's glyphs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Route,
    sync_playwright,
)

from assessment.publish.pdf import OFFLINE_FLAGS, ChromiumNotFoundError, find_chromium

# Fonts without any Chinese glyph, offered to Chromium by latin_only_fontconfig.
LATIN_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
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


#: Four sample districts, three of them reviewed by the city (the sample reviews), one not:
#: the batch output the index and summary page tests open (tests/browser/conftest.py).
REVIEWED_CITY = ("龙湾区", "瓯海区", "鹿城区", "苍南县")

class ImageState(NamedTuple):
    """An <img> after page load: a broken image has natural_width 0."""

    src_prefix: str
    natural_width: int
    complete: bool


class FontUse(NamedTuple):
    """One font that drew glyphs of an element, as Chromium's layout reports it."""

    family: str
    custom: bool  # a web font from @font-face, not an installed font
    glyphs: int


class DrawnText(NamedTuple):
    """An element's text and the fonts its glyphs were drawn with."""

    text: str
    fonts: list[FontUse]


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


def latin_only_fontconfig(folder: Path) -> Path:
    """Write a fontconfig file offering only Latin fonts; return its path.

    Launch Chromium with it (``FONTCONFIG_FILE``) to see a page as on a
    machine without a Chinese font: no system configuration is included, so
    no installed CJK font can stand in for a missing web font.
    """
    folder.mkdir(parents=True, exist_ok=True)
    font_dirs = [LATIN_FONT_DIR] if LATIN_FONT_DIR.is_dir() else []
    lines = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        *(f"  <dir>{escape(str(font_dir))}</dir>" for font_dir in font_dirs),
        f"  <cachedir>{escape(str(folder / 'cache'))}</cachedir>",
        "</fontconfig>",
    ]
    path = folder / "fonts.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def chromium_path() -> str | None:
    """Return the Chromium executable to use, or None when there is none.

    The same search as the PDF printer (``$CHROMIUM`` first), so tests use
    the browser that users print with.
    """
    try:
        return find_chromium()
    except ChromiumNotFoundError:
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
    def launch(cls, executable: str, *, fontconfig: Path | None = None) -> Iterator[OfflineBrowser]:
        """Start Chromium once; close it and Playwright on exit.

        ``fontconfig`` replaces the system font configuration (see
        :func:`latin_only_fontconfig`).
        """
        env = dict(os.environ)
        if fontconfig is not None:
            env["FONTCONFIG_FILE"] = str(fontconfig)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=list(OFFLINE_FLAGS), env=env
            )
            try:
                yield cls(browser)
            finally:
                browser.close()

    @contextmanager
    def _offline_page(
        self, html_path: Path, events: _PageEvents, *, javascript: bool = True
    ) -> Iterator[tuple[BrowserContext, Page]]:
        """Load ``html_path`` via file:// in a fresh context and wait for the load event.

        A fresh context per page means nothing (cache, service workers) leaks
        between pages.
        """
        context = self._browser.new_context(service_workers="block", java_script_enabled=javascript)
        try:
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            context.route("**/*", events.block_remote)
            page = context.new_page()
            page.on("requestfailed", events.on_request_failed)
            page.on("console", events.on_console)
            page.on("pageerror", events.on_page_error)
            page.goto(html_path.resolve().as_uri(), wait_until="load")
            yield context, page
        finally:
            context.close()

    def open_offline(self, html_path: Path) -> PageCheck:
        """Load ``html_path`` offline and return what a reader would get."""
        events = _PageEvents()
        with self._offline_page(html_path, events) as (_, page):
            images = page.evaluate(_IMAGES_SCRIPT, SRC_PREFIX_LENGTH)
            return PageCheck(
                title=page.title(),
                text=page.evaluate("document.body.innerText"),
                images=[ImageState(*image) for image in images],
                failed_requests=[FailedRequest(*item) for item in events.failed.items()],
                console_errors=list(events.console_errors),
            )

    @contextmanager
    def interact_offline(self, html_path: Path, *, javascript: bool = True) -> Iterator[tuple[Page, PageCheck]]:
        """Load ``html_path`` offline and hand over the page, to click and type in as a reader
        does; the check's failed requests and console errors fill in while it is used.
        ``javascript=False`` opens it as a browser with scripts turned off would."""
        events = _PageEvents()
        with self._offline_page(html_path, events, javascript=javascript) as (_, page):
            check = PageCheck(page.title(), "", [], [], events.console_errors)
            yield page, check
            check.failed_requests.extend(FailedRequest(*item) for item in events.failed.items())

    def evaluate_offline(self, html_path: Path, expression: str, *, media: str = "screen") -> Any:
        """Load ``html_path`` offline as ``media`` ("screen" or "print") and evaluate ``expression``.

        ``expression`` is a JavaScript function or expression; its JSON-able
        result is returned, e.g. computed styles of the page's elements.
        """
        events = _PageEvents()
        with self._offline_page(html_path, events) as (_, page):
            page.emulate_media(media=media)
            return page.evaluate(expression)

    def fonts_drawing(self, html_path: Path, elements: Mapping[str, str]) -> dict[str, DrawnText]:
        """Return, for each named element, its text and the fonts that drew it.

        ``elements`` maps a name to a JavaScript expression evaluating to an
        element of the page.  Fonts come from the DevTools protocol
        (``CSS.getPlatformFontsForNode``): the platform fonts layout actually
        used, so a glyph drawn as a box by a font lacking it shows up under
        that font, not under the family the CSS asked for.
        """
        events = _PageEvents()
        with self._offline_page(html_path, events) as (context, page):
            page.evaluate("document.fonts.ready.then(() => true)")
            cdp = context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            cdp.send("DOM.getDocument", {"depth": -1})
            drawn = {}
            for name, expression in elements.items():
                handle = cdp.send("Runtime.evaluate", {"expression": expression})["result"]
                if handle.get("subtype") != "node":
                    raise LookupError(f"{name}: {expression} is not an element of {html_path}")
                node_id = cdp.send("DOM.requestNode", {"objectId": handle["objectId"]})["nodeId"]
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
                text = cdp.send(
                    "Runtime.callFunctionOn",
                    {
                        "objectId": handle["objectId"],
                        "functionDeclaration": "function () { return this.innerText; }",
                        "returnByValue": True,
                    },
                )["result"]["value"]
                drawn[name] = DrawnText(
                    text, [FontUse(f["familyName"], f["isCustomFont"], f["glyphCount"]) for f in fonts]
                )
            return drawn
