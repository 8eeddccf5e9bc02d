"""The README's screenshots show the pages as they are now: tools/screenshots.py draws them again
from the bundled samples and each differs from the picture in docs/ in under 1% of its pixels (the
summary's generation time is the one text that changes between runs).

A change to the report's look fails here until `python tools/screenshots.py` redraws docs/.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from browser_harness import require_chromium
from PIL import Image, ImageChops
from tool_scripts import tool_script

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ("report-pass.png", "report-fail.png", "summary.png")
#: A pixel counts as changed when its grey level moves by more than this (anti-aliasing moves less).
VISIBLE = 32
MAX_CHANGED_SHARE = 0.01
#: What draws the pictures besides Chromium: docs/ is drawn with these at their locked versions.
DRAWING_PACKAGES = ("matplotlib", "pillow", "pandas", "nbconvert", "fonttools")


def changed_share(first: Path, second: Path) -> float:
    a, b = Image.open(first).convert("L"), Image.open(second).convert("L")
    assert a.size == b.size, f"{first.name}: {a.size} against {b.size}"
    changed = ImageChops.difference(a, b).point(lambda level: 255 if level > VISIBLE else 0)
    return changed.histogram()[255] / (a.size[0] * a.size[1])


def versions_off_the_lock() -> list[str]:
    """The drawing packages installed at another version than requirements.lock pins (the
    lowest-versions run): anti-aliasing and layout may then move more pixels than a redraw."""
    pinned = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", (ROOT / "requirements.lock").read_text("utf-8"), re.MULTILINE)
    )
    pinned = {name.lower().replace("_", "-"): version for name, version in pinned.items()}
    return [f"{name} {metadata.version(name)}" for name in DRAWING_PACKAGES if metadata.version(name) != pinned[name]]


def test_the_readme_shows_every_screenshot_the_tool_draws():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert sorted(re.findall(r"\(docs/([\w-]+\.png)\)", readme)) == sorted(SHOTS * 2)


def test_the_screenshots_in_docs_are_the_pages_as_drawn_now(tmp_path):
    require_chromium()  # the tool finds the same browser (find_chromium)
    if off := versions_off_the_lock():
        pytest.skip(f"docs/ is drawn at the locked versions; here {', '.join(off)}")
    assert tool_script("screenshots").main(tmp_path) == 0
    for name in SHOTS:
        share = changed_share(ROOT / "docs" / name, tmp_path / name)
        assert share < MAX_CHANGED_SHARE, f"docs/{name} is out of date ({share:.1%} of its pixels differ): redraw it"
