"""Make matplotlib render Chinese text on any machine.

Report charts carry Chinese titles, labels and district names.  A fresh
machine (a CI runner, a colleague's laptop) often has no CJK font at all, in
which case matplotlib silently draws empty boxes.  The package therefore
ships a subset of Noto Sans CJK SC (renamed "Assessment Sans SC", see
``assessment/data/fonts/README.md``) and registers it with matplotlib.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_FILENAME = "AssessmentSansSC-Regular.otf"

# Installed CJK families worth falling back to for characters outside the
# bundled subset (rare hanzi beyond GB2312), in order of preference.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
)

# matplotlib's own font, always available; covers symbols such as U+2212.
LAST_RESORT_FAMILY = "DejaVu Sans"


def bundled_font_path() -> Path:
    """Return the path of the bundled CJK font inside the installed package.

    Resolved through importlib.resources so that it works for editable and
    regular (wheel) installs alike; it fails loudly when the package data was
    not installed, which is the typical packaging mistake.
    """
    resource = resources.files("assessment") / "data" / "fonts" / FONT_FILENAME
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled CJK font missing at {path}; is assessment/data/** declared as package data?"
        )
    return path


def installed_cjk_families() -> list[str]:
    """Return the preferred system CJK families that matplotlib knows about.

    Only families that exist are returned because naming a missing family in
    ``font.family`` makes matplotlib warn on every text draw.
    """
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return [family for family in SYSTEM_CJK_FAMILIES if family in known]


def _ensure_font_added(path: Path) -> None:
    """Add ``path`` to matplotlib's font manager unless it is already there."""
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))


def register_cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and make it the default.

    ``font.family`` becomes a fallback chain (matplotlib >= 3.6 falls back per
    glyph): the bundled font first so output looks the same everywhere, then
    any installed CJK family for characters the subset lacks, then DejaVu
    Sans.  The chain is also put in front of ``font.sans-serif`` so that code
    or styles resetting the family to "sans-serif" keep rendering Chinese.
    ``axes.unicode_minus`` is turned off because CJK fonts lack U+2212 and
    the ASCII hyphen is what Chinese reports use anyway.

    Safe to call repeatedly; returns the bundled family name.
    """
    path = bundled_font_path()
    _ensure_font_added(path)
    family = font_manager.get_font(path).family_name
    chain = [family, *installed_cjk_families(), LAST_RESORT_FAMILY]
    sans_serif = [name for name in matplotlib.rcParams["font.sans-serif"] if name not in chain]
    matplotlib.rcParams["font.family"] = chain
    matplotlib.rcParams["font.sans-serif"] = [*chain, *sans_serif]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
