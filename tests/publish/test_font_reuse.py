"""A page's web font is made once per set of characters: a rule this process made, or found
in a page the tool provably wrote, is reused byte for byte (`fonts.remember_fonts`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.publish import fonts
from assessment.publish.ledger import record_file


@pytest.fixture(autouse=True)
def no_rules_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with an empty cache of rules."""
    monkeypatch.setattr(fonts, "_RULES", type(fonts._RULES)())


def _page(folder: Path, text: str) -> Path:
    page = folder / "report.html"
    page.write_text(f"<html><head><style>\n{fonts.web_font_face_css(text)}\n</style></head><body>{text}</body></html>", "utf-8")
    return page


def test_the_same_characters_give_the_same_key_in_any_order_and_other_characters_another() -> None:
    assert fonts.subset_key("龙湾区达标") == fonts.subset_key("达标区湾龙龙")
    assert fonts.subset_key("龙湾区达标") != fonts.subset_key("龙湾区未达标")
    assert fonts.subset_key("") == fonts.subset_key("0123")  # ASCII is always in the subset


def test_a_rule_found_in_a_page_the_tool_wrote_is_reused_and_equals_one_made_afresh(tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = "龙湾区：总得分 95.5，达标"
    page = _page(tmp_path, text)
    record_file(page)
    fresh = fonts.web_font_face_css(text)
    monkeypatch.setattr(fonts, "_RULES", type(fonts._RULES)())
    fonts.remember_fonts(page)
    monkeypatch.setattr(fonts, "web_font_woff2", lambda text: pytest.fail("the font was made again"))
    assert fonts.web_font_face_css("达标，总得分 12.5：龙湾区") == fresh


def test_a_page_the_tool_cannot_prove_it_wrote_is_not_trusted(tmp_path: Path) -> None:
    text = "鹿城区"
    page = _page(tmp_path, text)
    record_file(page)
    forged = page.read_text("utf-8").replace("base64,", "base64,AAAA", 1)
    page.write_text(forged, "utf-8")  # someone's edit: the ledger no longer has these bytes
    fonts._RULES.clear()
    fonts.remember_fonts(page)
    assert fonts._RULES == {}
    assert "base64,AAAA" not in fonts.web_font_face_css(text)


def test_a_process_keeps_only_a_few_rules() -> None:
    for n in range(fonts.RULES_KEPT + 3):
        fonts.web_font_face_css(chr(0x4E00 + n))
    assert len(fonts._RULES) == fonts.RULES_KEPT
