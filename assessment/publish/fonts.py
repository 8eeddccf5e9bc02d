"""Make charts and report pages render Chinese text on any machine.

Report charts carry Chinese titles, labels and district names.  A fresh
machine (a CI runner, a colleague's laptop) often has no CJK font at all, in
which case matplotlib silently draws empty boxes.  The package therefore
ships a subset of Noto Sans CJK SC (renamed "Assessment Sans SC", see
``assessment/publish/data/fonts/README.md``) and registers it with matplotlib; HTML
reports embed a per-page subset of the same font as a web font.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.publish.ledger import wrote

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

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
    resource = resources.files("assessment.publish") / "data" / "fonts" / FONT_FILENAME
    path = Path(str(resource))
    if not path.is_file():
        raise FileNotFoundError(
            f"bundled CJK font missing at {path}; is assessment/publish/data/** declared as package data?"
        )
    return path


def installed_cjk_families() -> list[str]:
    """Return the preferred system CJK families that matplotlib knows about.

    Only families that exist are returned because naming a missing family in
    ``font.family`` makes matplotlib warn on every text draw.
    """
    from matplotlib import font_manager  # charts only: an HTML export needs no matplotlib

    known = {entry.name for entry in font_manager.fontManager.ttflist}
    return [family for family in SYSTEM_CJK_FAMILIES if family in known]


def _ensure_font_added(path: Path) -> None:
    """Add ``path`` to matplotlib's font manager unless it is already there."""
    from matplotlib import font_manager

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
    import matplotlib
    from matplotlib import font_manager

    path = bundled_font_path()
    _ensure_font_added(path)
    family = font_manager.get_font(path).family_name
    chain = [family, *installed_cjk_families(), LAST_RESORT_FAMILY]
    sans_serif = [name for name in matplotlib.rcParams["font.sans-serif"] if name not in chain]
    matplotlib.rcParams["font.family"] = chain
    matplotlib.rcParams["font.sans-serif"] = [*chain, *sans_serif]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family


# --------------------------------------------------------------------------- web font
#
# An HTML report is read on machines that may have no Chinese font (a fresh
# intranet PC, a Linux server printing to PDF).  The page names the reader's
# usual Chinese fonts first and this family last; the exporter embeds the
# bundled font under this name, subset to the characters the page uses, so
# the fallback costs tens of kilobytes instead of megabytes.

WEB_FONT_FAMILY = "Assessment Sans SC"

# Always kept in the subset, whatever the page's text: ASCII (digits, Latin,
# punctuation) and the punctuation and symbols of Chinese prose, so a few
# characters added later (by CSS, a page number) never fall back to tofu.
ALWAYS_SUBSET = "".join(map(chr, range(0x20, 0x7F))) + (
    "\u00a0\u00b7\u00d7\u00f7\u2014\u2018\u2019\u201c\u201d\u2026\u2264\u2265\u3000"
    "、。〈〉《》「」『』【】〔〕〖〗！％（），－．／：；＜＝＞？［］～"
)


@lru_cache(maxsize=1)
def _bundled_font() -> TTFont:
    """The bundled font, parsed once per process; callers subset a deep copy."""
    from fontTools.ttLib import TTFont  # web fonts only: charts need matplotlib alone

    font = TTFont(bundled_font_path(), recalcBBoxes=False, recalcTimestamp=False)
    font.ensureDecompiled()
    return font


def web_font_woff2(text: str) -> bytes:
    """Return the bundled font as WOFF2, reduced to the glyphs ``text`` needs.

    Characters the font does not have are skipped (the browser falls back to
    a system font for them).  Subroutines are inlined: the CFF outlines then
    compress about 5 % smaller with Brotli.  The font-wide bounding box is
    kept from the full font, a superset that needs no recalculation.  About
    0.15 s and about 100 KB for a district report's ~560 distinct characters
    (see WOFF2_BROTLI_QUALITY).
    Deterministic: the same text gives the same bytes.
    """
    from fontTools import subset

    font = copy.deepcopy(_bundled_font())
    options = subset.Options(flavor="woff2", desubroutinize=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text + ALWAYS_SUBSET))))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff2"
    with _brotli_quality(WOFF2_BROTLI_QUALITY):
        font.save(buffer)
    return buffer.getvalue()


#: Brotli quality of the embedded WOFF2. fontTools always uses 11, which took ~0.3 s of a
#: page's ~0.4 s font (0.7 s on a busy machine) for a few percent of bytes: measured on 709
#: characters, quality 11 gives 92.9 KB in 0.72 s, 10 gives 93.6 KB in 0.24 s, 9 gives
#: 100.7 KB in 0.04 s. The glyphs are the same; only the compression differs.
WOFF2_BROTLI_QUALITY = 9
_BROTLI_LOCK = threading.Lock()


class _BrotliAt:
    """The brotli module as fontTools' WOFF2 writer uses it, compressing at `quality`."""

    def __init__(self, module: Any, quality: int) -> None:
        self._module, self._quality = module, quality

    def compress(self, data: bytes, **options: Any) -> bytes:
        return self._module.compress(data, **{**options, "quality": self._quality})

    def __getattr__(self, name: str) -> Any:  # MODE_FONT, MODE_TEXT, decompress, …
        return getattr(self._module, name)


@contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    """fontTools' WOFF2 writer compressing at `quality` while inside (it has no option)."""
    from fontTools.ttLib import woff2

    with _BROTLI_LOCK:
        real = woff2.brotli
        woff2.brotli = _BrotliAt(real, quality)
        try:
            yield
        finally:
            woff2.brotli = real


def web_font_face_css(text: str) -> str:
    """Return a ``@font-face`` rule embedding the bundled font for ``text`` as a data: URL.

    ``font-display: block`` because the font is inline: it is ready at once,
    and a page printed to PDF must never be captured with a fallback font.
    The rule carries its `subset_key` in a comment; one this process made or found in a
    page the tool wrote (`remember_fonts`) is reused rather than made again.
    """
    key = subset_key(text)
    with _RULES_LOCK:
        rule = _RULES.get(key)
    if rule is None:
        encoded = base64.b64encode(web_font_woff2(text)).decode("ascii")
        rule = (
            f"@font-face {{ /* subset {key} */"
            f' font-family: "{WEB_FONT_FAMILY}";'
            f' src: url(data:font/woff2;base64,{encoded}) format("woff2");'
            " font-weight: 400; font-style: normal; font-display: block;"
            " }"
        )
    _remember(key, rule)
    return rule


#: How many rules a process keeps (a page's is ~130 KB): the pages of a re-run are made
#: one after another, each right after its previous version was read.
RULES_KEPT = 8
_RULES: OrderedDict[str, str] = OrderedDict()
_RULES_LOCK = threading.Lock()
_RULE = re.compile(r"@font-face \{ /\* subset ([0-9a-f]{64}) \*/[^}]*\}")


def _remember(key: str, rule: str) -> None:
    with _RULES_LOCK:
        _RULES[key] = rule
        _RULES.move_to_end(key)
        while len(_RULES) > RULES_KEPT:
            _RULES.popitem(last=False)


@lru_cache(maxsize=1)
def _maker() -> str:
    """Everything besides the characters that decides a web font's bytes: the bundled font's
    content, the subsetter's and the compressor's versions and the compression quality."""
    import brotli
    import fontTools

    font = hashlib.sha256(bundled_font_path().read_bytes()).hexdigest()
    return f"{font}|fontTools {fontTools.version}|brotli {brotli.__version__}|quality {WOFF2_BROTLI_QUALITY}"


def subset_key(text: str) -> str:
    """The sha256 of what the web font for `text` is made from: equal keys, equal bytes."""
    characters = "".join(sorted(set(text + ALWAYS_SUBSET)))
    return hashlib.sha256(f"{_maker()}|{characters}".encode()).hexdigest()


def remember_fonts(page: Path) -> None:
    """Keep the font rules of `page` for this process when the tool provably wrote it as it
    is (its folder's ledger has its sha256): a re-run whose page shows the same characters
    (most do: figures are digits, always in the subset) then reuses its font rather than
    subsetting and compressing it again (~0.1 s a page). Anything else is ignored."""
    try:
        if not page.is_file() or not wrote(page):
            return
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    for match in _RULE.finditer(text):
        if match.group(1) not in _RULES:
            _remember(match.group(1), match.group(0))
