"""The README's screenshots show the pages as they are now: tools/screenshots.py draws them again
from the bundled samples and each differs from the picture in docs/ in under 1% of its pixels (the
summary's generation time is the one text that changes between runs).

A change to the report's look fails here until `python tools/screenshots.py` redraws docs/.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from browser_harness import require_chromium
from PIL import Image, ImageChops

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ("report-pass.png", "report-fail.png", "summary.png")
#: A pixel counts as changed when its grey level moves by more than this (anti-aliasing moves less).
VISIBLE = 32
MAX_CHANGED_SHARE = 0.01


def screenshots_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "tools" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def changed_share(first: Path, second: Path) -> float:
    a, b = Image.open(first).convert("L"), Image.open(second).convert("L")
    assert a.size == b.size, f"{first.name}: {a.size} against {b.size}"
    changed = ImageChops.difference(a, b).point(lambda level: 255 if level > VISIBLE else 0)
    return changed.histogram()[255] / (a.size[0] * a.size[1])


def test_the_readme_shows_every_screenshot_the_tool_draws():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert sorted(re.findall(r"\(docs/([\w-]+\.png)\)", readme)) == sorted(SHOTS * 2)


def test_the_screenshots_in_docs_are_the_pages_as_drawn_now(tmp_path):
    require_chromium()  # the tool finds the same browser (find_chromium)
    assert screenshots_tool().main(tmp_path) == 0
    for name in SHOTS:
        share = changed_share(ROOT / "docs" / name, tmp_path / name)
        assert share < MAX_CHANGED_SHARE, f"docs/{name} is out of date ({share:.1%} of its pixels differ): redraw it"
