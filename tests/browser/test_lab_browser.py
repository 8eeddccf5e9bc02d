"""The report in JupyterLab, as an analyst uses it: `tools/lab.sh`'s settings, the district notebook
opened in Chromium and run top to bottom.

Lab shows the notebook without the page template, so these check what the template would
otherwise give alone: the report's own look (the verdict badge, the banner, the cards, the
tables) is the page's, computed by the same browser from the same stylesheet; no placeholder
text shows; and Lab's interface is in Chinese. Lab runs on a copy of the notebook, with its
user settings, workspaces and runtime files in a temporary folder, so neither the checkout nor
the developer's own Jupyter setup is touched or consulted.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Page, sync_playwright

from assessment.publish.html import notebook_to_html
from assessment.publish.pdf import OFFLINE_FLAGS
from tests.browser_harness import require_chromium

pytest.importorskip("jupyterlab", reason="JupyterLab is the [lab] extra")

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "district_report.ipynb"
TOKEN = "assessment-lab-test"
START_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 240_000

# What the report's look is made of, element by element: colours, borders, alignment and
# layout. Sizes are left out: Lab's root font size is not the page's, so rem lengths differ.
LOOK = {
    ".verdict": ("display", "color", "background-color", "border-top-style", "border-top-color",
                 "border-top-left-radius", "font-weight", "white-space"),
    ".sample-banner": ("color", "background-color", "border-left-style", "border-left-color", "font-weight"),
    ".figures": ("display", "flex-wrap"),
    ".figure": ("border-top-style", "border-top-color", "text-align"),
    "ul.conditions": ("list-style-type",),
    "table": ("border-collapse", "table-layout", "border-top-style", "border-top-color"),
    "thead th": ("background-color", "text-align"),
    "tbody td:not(.num)": ("text-align", "vertical-align", "background-color"),
    "tbody td.num": ("text-align", "white-space"),
}

# The computed style of the first element matching each selector inside `root`, or null.
COMPUTED_LOOK = """
([root, look]) => Object.fromEntries(Object.entries(look).map(([selector, properties]) => {
    const element = document.querySelector(root + " " + selector);
    if (!element) return [selector, null];
    const style = getComputedStyle(element);
    return [selector, Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]))];
}))
"""


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its URL (with the token) and the folder it serves."""

    url: str
    root: Path


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """`jupyter lab` headless on a free port, started as tools/lab.sh starts it (the project's
    settings from tools/jupyter), serving a copy of notebooks/ beside the sample data."""
    home = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO_ROOT / "notebooks", home / "notebooks")
    (home / "data_templates").symlink_to(REPO_ROOT / "data_templates")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(REPO_ROOT / "tools" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--notebook-dir={home / 'notebooks'}",
         # Offline like the reports: no PyPI extension manager, no update check. CI runs as root.
         "--LabApp.extension_manager=readonly", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if os.geteuid() == 0 else [])],
        env=env, stdout=subprocess.DEVNULL, stderr=(home / "lab.log").open("w"),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(home / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield Lab(url, home / "notebooks")
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass(frozen=True)
class RanNotebook:
    """What Lab showed once the notebook ran: the menu bar, the notebook's text, the look of the
    report's elements in Lab and in the HTML page made from the notebook Lab saved."""

    menu_bar: list[str]
    notebook_text: str
    empty_output_heights: list[float]
    look_in_lab: dict
    look_on_page: dict


# Marks the outputs that draw nothing for a person: no text and no element but <style> and an
# empty <pre> (the plan's data record, the stylesheet). Text content, not layout: cells outside
# the window are not laid out until scrolled to.
MARK_EMPTY_OUTPUTS = """
() => {
    const outputs = [...document.querySelectorAll('.jp-OutputArea-child')].filter((child) => {
        const output = child.querySelector('.jp-OutputArea-output');
        if (!output) return false;
        const drawn = [...output.querySelectorAll('*')].filter((e) => !['STYLE', 'PRE', 'DIV'].includes(e.tagName));
        const text = [...output.querySelectorAll('pre')].map((e) => e.textContent).join('').trim();
        return drawn.length === 0 && text === '';
    });
    outputs.forEach((child) => child.setAttribute('data-drawn-nothing', ''));
    return outputs.length;
}
"""


def output_heights(page: Page, mark: str) -> list[float]:
    """The heights, laid out on screen, of the outputs the script ``mark`` marks."""
    assert page.evaluate(mark) > 0
    heights = []
    for output in page.locator("[data-drawn-nothing]").all():
        output.scroll_into_view_if_needed()
        box = output.bounding_box()
        assert box is not None
        heights.append(box["height"])
    return heights


def run_all_cells(page: Page) -> None:
    """Run every cell from Lab's own menu (运行 → 运行所有单元格) and wait until the last has run."""
    page.locator(".lm-MenuBar-item", has_text="运行").first.click()
    page.locator(".lm-Menu-item", has_text="运行所有单元格").first.click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent);
            return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p));
        }""",
        timeout=RUN_TIMEOUT_MS,
    )


@pytest.fixture(scope="module")
def ran(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> RanNotebook:
    chromium = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=list(OFFLINE_FLAGS))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            page.wait_for_selector("#jp-main-statusbar >> text=/空闲|Idle/")
            menu_bar = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
            # Cleared first, so nothing the notebook was committed with can pass for this run's output.
            page.locator(".lm-MenuBar-item", has_text="编辑").first.click()
            page.locator(".lm-Menu-item", has_text="清除所有单元格的输出").first.click()
            run_all_cells(page)
            page.wait_for_selector(".jp-Notebook .verdict")
            notebook = page.locator(".jp-Notebook")
            notebook_text = notebook.text_content() or ""  # all cells, laid out or not
            empty_output_heights = output_heights(page, MARK_EMPTY_OUTPUTS)
            look_in_lab = page.evaluate(COMPUTED_LOOK, [".jp-Notebook", LOOK])
            page.keyboard.press("Control+s")
            page.wait_for_function("() => !document.querySelector('.jp-mod-dirty')")
            saved = nbformat.read(lab.root / NOTEBOOK, as_version=4)
            html_path = tmp_path_factory.mktemp("page") / "report.html"
            html_path.write_text(notebook_to_html(saved, "龙湾区"), encoding="utf-8")
            page.goto(html_path.as_uri())
            look_on_page = page.evaluate(COMPUTED_LOOK, ["main.report", LOOK])
        finally:
            browser.close()
    return RanNotebook(menu_bar, notebook_text, empty_output_heights, look_in_lab, look_on_page)


def test_lab_interface_is_in_chinese(ran: RanNotebook) -> None:
    assert ran.menu_bar[:2] == ["文件", "编辑"]
    assert {"运行", "内核", "帮助"} <= set(ran.menu_bar)


def test_the_report_looks_in_lab_as_it_does_on_the_page(ran: RanNotebook) -> None:
    assert all(ran.look_on_page.values()), ran.look_on_page  # every element is on the page to compare with
    assert ran.look_in_lab == ran.look_on_page


def test_the_verdict_badge_in_lab_is_a_coloured_bordered_badge(ran: RanNotebook) -> None:
    badge = ran.look_in_lab[".verdict"]
    assert badge["display"] == "inline-block"
    assert badge["border-top-style"] == "solid"
    assert badge["background-color"] not in ("rgba(0, 0, 0, 0)", "transparent")
    assert badge["border-top-color"] == badge["color"]


def test_no_placeholder_or_empty_box_shows_in_lab(ran: RanNotebook) -> None:
    assert "达标路径数据" not in ran.notebook_text
    assert all(height < 4 for height in ran.empty_output_heights), ran.empty_output_heights
