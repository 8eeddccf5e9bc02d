"""Regenerate the screenshots in docs/: a passing and a failing district report and the
municipal summary, made from the bundled Wenzhou samples and drawn by headless Chromium
with no Chinese system font (the page's embedded font draws every character).

    python tools/screenshots.py [FOLDER]

The README links these files; re-run after a change to the report's look (a browser test
draws them again and compares: tests/browser/test_screenshots_browser.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from assessment.batch.run import run_batch
from assessment.publish.pdf import OFFLINE_FLAGS, find_chromium

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data_templates" / "examples" / "wenzhou-2022"
DOCS = ROOT / "docs"
#: A4 proportions at a width a desktop browser shows the page in.
WINDOW = "1100,1556"
LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")


def latin_only_fontconfig(folder: Path) -> Path:
    """A fonts.conf offering only fonts without Chinese glyphs, as on a bare intranet PC."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f"<dir>{LATIN_FONTS}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return conf


def screenshot(chromium: str, page: Path, png: Path, fontconfig: Path, profile: Path) -> None:
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig)}
    subprocess.run(
        [chromium, "--headless", *OFFLINE_FLAGS, f"--user-data-dir={profile}", "--hide-scrollbars",
         f"--window-size={WINDOW}", f"--screenshot={png}", page.as_uri()],
        check=True, env=env, capture_output=True, timeout=120,
    )


def main(docs: Path = DOCS) -> int:
    """Draw the three screenshots into `docs` (the README's folder unless a test asks for another)."""
    chromium = find_chromium()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "out"
        outcome = run_batch(SAMPLES, out, jobs=2, progress=False)
        year = out / "2022"
        manifest = json.loads((year / "manifest.json").read_text("utf-8"))
        scores = {
            d["district"]: json.loads((year / d["folder"] / "scores.json").read_text("utf-8"))
            for d in manifest["districts"] if d["status"] == "ok"
        }
        passing = max((s for s in scores.values() if s["passed"]), key=lambda s: s["total"])
        failing = min((s for s in scores.values() if not s["passed"]), key=lambda s: s["total"])
        fontconfig = latin_only_fontconfig(work)
        docs.mkdir(parents=True, exist_ok=True)
        shots = {
            "report-pass.png": year / passing["district"] / "report.html",
            "report-fail.png": year / failing["district"] / "report.html",
            "summary.png": year / "summary.html",
        }
        for name, page in shots.items():
            screenshot(chromium, page, docs / name, fontconfig, work / "profile")
            print(f"{docs / name}: {page.relative_to(out)}")
        return 0 if outcome.exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS))
