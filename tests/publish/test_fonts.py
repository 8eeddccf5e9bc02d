"""Specifications for the bundled CJK font and its matplotlib registration."""

from __future__ import annotations

import base64
import io
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from matplotlib.figure import Figure
from tool_scripts import tool_script

from assessment.publish import fonts

REPO_ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIR = Path("/work/shared/source")
COUNTY_CSV = SOURCE_DIR / "zhejiang-county-units.csv"
WORK_PLAN = SOURCE_DIR / "longwan-2022-work-plan.txt"
DEBIAN_NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

CHART_TITLE = "机构设置规范化 龙湾区 瓯海区 鄞州区 衢江区 达标 未达标 得分（分）"
RUBRIC_WORDS = (
    "生态环境保护综合行政执法机构规范化建设",
    "机构设置规范化",
    "人员配备",
    "装备配备标准化",
    "制度建设",
    "执法规范化",
    "信息化建设",
    "得分（分）",
    "满分",
    "总分",
    "达标",
    "未达标",
    "优秀、良好、合格、不合格",
    "龙湾区、瓯海区、鄞州区、衢江区",
    "温州市生态环境局龙湾分局",
    "“评估说明”：第一项；第二项……",
    "《工作方案》〔2022〕99号",
    "百分比 85.5% ± 1",
)


@pytest.fixture(autouse=True)
def isolated_rc_params() -> Iterator[None]:
    """Keep rcParams changes made by register_cjk_font inside each test."""
    with matplotlib.rc_context():
        yield


def render_png(title: str, labels: list[str]) -> bytes:
    """Render a small bar chart with Chinese text to PNG bytes.

    Any warning is promoted to an error so that matplotlib's
    "Glyph ... missing from font(s)" warning fails the caller.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = Figure(figsize=(6, 3))
        axes = figure.add_subplot()
        axes.bar(labels, range(1, len(labels) + 1))
        axes.set_title(title)
        axes.set_ylabel("得分（分）")
        axes.set_xlabel("区县")
        axes.set_ylim(-5, len(labels) + 1)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bundled_cmap() -> dict[int, str]:
    """Return the bundled font's Unicode character map."""
    return TTFont(fonts.bundled_font_path()).getBestCmap()


def uncovered(text: str, cmap: dict[int, str]) -> set[str]:
    """Return the printable characters of ``text`` missing from ``cmap``."""
    return {c for c in text if c.isprintable() and ord(c) not in cmap}


def test_bundled_font_path_points_to_a_packaged_otf_with_its_licence() -> None:
    path = fonts.bundled_font_path()
    assert path.is_file()
    assert path.suffix == ".otf"
    assert path.parent.parts[-4:] == ("assessment", "publish", "data", "fonts")
    licence = (path.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Reserved Font Name 'Source'" in licence


def test_bundled_font_is_small_enough_to_ship_in_the_wheel() -> None:
    assert fonts.bundled_font_path().stat().st_size < 4_000_000


def test_bundled_font_is_renamed_away_from_the_reserved_and_original_names() -> None:
    font = TTFont(fonts.bundled_font_path())
    names = {record.nameID: record.toUnicode() for record in font["name"].names}
    assert names[1] == "Assessment Sans SC"
    assert names[6] == "AssessmentSansSC-Regular"
    for name_id in (1, 3, 4, 6):
        assert "Noto" not in names[name_id]
        assert "Source" not in names[name_id]
    cff = font["CFF "].cff
    assert cff.fontNames == ["AssessmentSansSC-Regular"]
    assert cff.topDictIndex[0].FamilyName == "Assessment Sans SC"


def test_register_cjk_font_returns_the_bundled_family_name() -> None:
    assert fonts.register_cjk_font() == "Assessment Sans SC"


def test_register_cjk_font_is_idempotent() -> None:
    fonts.register_cjk_font()
    first_chain = list(matplotlib.rcParams["font.family"])
    fonts.register_cjk_font()
    path = fonts.bundled_font_path()
    entries = [e for e in font_manager.fontManager.ttflist if Path(e.fname) == path]
    assert len(entries) == 1
    assert list(matplotlib.rcParams["font.family"]) == first_chain
    sans_serif = list(matplotlib.rcParams["font.sans-serif"])
    assert len(sans_serif) == len(set(sans_serif))


def test_register_cjk_font_sets_a_fallback_chain_of_installed_families_only() -> None:
    family = fonts.register_cjk_font()
    chain = list(matplotlib.rcParams["font.family"])
    known = {entry.name for entry in font_manager.fontManager.ttflist}
    assert chain[0] == family
    assert chain[-1] == "DejaVu Sans"
    assert set(chain) <= known
    assert matplotlib.rcParams["font.sans-serif"][: len(chain)] == chain
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_chart_with_chinese_text_renders_without_missing_glyph_warnings() -> None:
    fonts.register_cjk_font()
    png = render_png(CHART_TITLE, ["龙湾区", "瓯海区", "鄞州区", "衢江区"])
    assert png.startswith(b"\x89PNG")


def test_bundled_font_alone_renders_chinese_without_any_system_font() -> None:
    family = fonts.register_cjk_font()
    matplotlib.rcParams["font.family"] = [family]
    png = render_png(CHART_TITLE, ["达标", "未达标", "满分 100"])
    assert png.startswith(b"\x89PNG")


def test_sans_serif_generic_family_still_renders_chinese_after_registration() -> None:
    fonts.register_cjk_font()
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    assert render_png(CHART_TITLE, ["龙湾区"]).startswith(b"\x89PNG")


def test_missing_glyphs_are_detected_when_no_cjk_font_is_used() -> None:
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"]
    with pytest.raises(UserWarning, match="missing from font"):
        render_png(CHART_TITLE, ["龙湾区"])


def test_subset_covers_all_of_gb2312() -> None:
    cmap = bundled_cmap()
    missing = []
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                character = bytes((lead, trail)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if ord(character) not in cmap:
                missing.append(character)
    assert missing == []


def test_subset_covers_every_rubric_word() -> None:
    cmap = bundled_cmap()
    assert uncovered("".join(RUBRIC_WORDS) + CHART_TITLE, cmap) == set()


def test_subset_covers_ascii_latin1_and_full_width_forms() -> None:
    cmap = bundled_cmap()
    wanted = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0xFF01, 0xFF5F), 0x3001, 0x3002]
    assert [hex(c) for c in wanted if c not in cmap] == []


@pytest.mark.skipif(not COUNTY_CSV.is_file(), reason=f"{COUNTY_CSV} not available")
def test_subset_covers_every_character_of_the_county_list() -> None:
    text = COUNTY_CSV.read_text(encoding="utf-8")
    assert uncovered(text, bundled_cmap()) == set()


@pytest.mark.skipif(not WORK_PLAN.is_file(), reason=f"{WORK_PLAN} not available")
def test_subset_covers_every_character_of_the_longwan_work_plan() -> None:
    text = WORK_PLAN.read_text(encoding="utf-8")
    assert uncovered(text, bundled_cmap()) == set()


def drawn_glyphs(font: TTFont, code_points: list[int]) -> dict[int, tuple[int, list[tuple[str, tuple]]]]:
    """Each character's advance width and outline as drawn (pen operations): what a renderer draws."""
    cmap = font.getBestCmap()
    glyph_set = font.getGlyphSet()
    drawn = {}
    for code_point in code_points:
        name = cmap[code_point]
        pen = RecordingPen()
        glyph_set[name].draw(pen)
        drawn[code_point] = (font["hmtx"][name][0], pen.value)
    return drawn


def font_names(font: TTFont) -> dict[int, str]:
    """The name table's records by name ID (the font's identity and licence notice)."""
    return {record.nameID: record.toUnicode() for record in font["name"].names}


@pytest.mark.skipif(
    not all(p.is_file() for p in (DEBIAN_NOTO_CJK, DEBIAN_COPYRIGHT, COUNTY_CSV, WORK_PLAN)),
    reason="Debian fonts-noto-cjk or the source documents are not available",
)
def test_make_cjk_font_rebuilds_the_committed_font_glyph_for_glyph(tmp_path: Path) -> None:
    """The committed font is what the tool makes from Debian's Noto Sans CJK: every wanted character is
    covered, drawn with the same outline and advance, under the same names, with the same licence.

    Bytes are not compared: the fontTools subsetter's closure differs between the versions pyproject.toml
    allows (4.50 keeps a variation-sequence cmap and ten more glyphs and maps two fewer extra characters),
    while what a renderer draws for the characters the tool asks for does not.
    """
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "make_cjk_font.py"), str(DEBIAN_NOTO_CJK),
         "--license-source", str(DEBIAN_COPYRIGHT), "--text-file", str(COUNTY_CSV), "--text-file", str(WORK_PLAN),
         "--output-dir", str(tmp_path)],
        check=True, capture_output=True,
    )
    committed = TTFont(fonts.bundled_font_path())
    rebuilt = TTFont(tmp_path / fonts.bundled_font_path().name)
    tool = tool_script("make_cjk_font")
    source = TTFont(DEBIAN_NOTO_CJK, fontNumber=tool.find_font_number(DEBIAN_NOTO_CJK, tool.SOURCE_POSTSCRIPT_NAME))
    source_cmap = source.getBestCmap()
    # Characters Noto Sans CJK SC itself lacks (some GB2312 symbols) cannot be in any subset of it.
    wanted = [c for c in tool.wanted_code_points([COUNTY_CSV, WORK_PLAN]) if c in source_cmap]
    assert uncovered("".join(map(chr, wanted)), rebuilt.getBestCmap()) == set()
    assert uncovered("".join(map(chr, wanted)), committed.getBestCmap()) == set()
    assert drawn_glyphs(rebuilt, wanted) == drawn_glyphs(committed, wanted)
    assert font_names(rebuilt) == font_names(committed)
    assert rebuilt["CFF "].cff.fontNames == committed["CFF "].cff.fontNames
    assert (tmp_path / "OFL.txt").read_text(encoding="utf-8") == (
        fonts.bundled_font_path().parent / "OFL.txt"
    ).read_text(encoding="utf-8")


def woff2_cmap(data: bytes) -> dict[int, str]:
    """The character map of a WOFF2 font given as bytes."""
    font = TTFont(io.BytesIO(data))
    assert font.flavor == "woff2"
    return font.getBestCmap()


def test_web_font_covers_the_text_ascii_and_chinese_punctuation_and_nothing_else() -> None:
    cmap = woff2_cmap(fonts.web_font_woff2("龙湾区 达标"))
    wanted = set("龙湾区达标") | set(fonts.ALWAYS_SUBSET)
    assert {chr(code) for code in cmap} == {c for c in wanted if ord(c) in bundled_cmap()}
    assert set("0123456789，。（）：、") <= {chr(code) for code in cmap}


def test_web_font_keeps_the_bundled_family_name() -> None:
    font = TTFont(io.BytesIO(fonts.web_font_woff2("报告")))
    assert font["name"].getDebugName(1) == fonts.WEB_FONT_FAMILY


def test_web_font_subsets_are_independent_and_deterministic() -> None:
    first = fonts.web_font_woff2("鄞州区")
    second = fonts.web_font_woff2("衢江区")
    assert ord("衢") in woff2_cmap(second) and ord("鄞") not in woff2_cmap(second)
    assert fonts.web_font_woff2("鄞州区") == first


def test_web_font_for_every_rubric_word_stays_small() -> None:
    rubric = (REPO_ROOT / "assessment" / "rubric" / "data" / "zhejiang-2022.yaml").read_text(encoding="utf-8")
    css = fonts.web_font_face_css(rubric)
    assert len(css) < 300_000


def test_web_font_face_rule_embeds_woff2_as_a_data_url() -> None:
    css = fonts.web_font_face_css("达标")
    assert css.startswith("@font-face {")
    assert f'font-family: "{fonts.WEB_FONT_FAMILY}";' in css
    encoded = css.split("base64,", 1)[1].split(")", 1)[0]
    assert ord("达") in woff2_cmap(base64.b64decode(encoded))


def test_web_font_is_compressed_at_the_chosen_brotli_quality_and_leaves_fonttools_as_it_was(monkeypatch) -> None:
    from fontTools.ttLib import woff2

    real = woff2.brotli
    fast = fonts.web_font_woff2("温州市鹿城区综合行政执法")
    monkeypatch.setattr(fonts, "WOFF2_BROTLI_QUALITY", 11)
    best = fonts.web_font_woff2("温州市鹿城区综合行政执法")
    assert woff2.brotli is real
    assert len(best) < len(fast)  # the quality reached the writer
    assert woff2_cmap(best) == woff2_cmap(fast)  # same glyphs, only the compression differs
