"""Reports with a municipal review (复核), checked evidence (佐证材料) and --pdf: what the
reader gets in report.html and scores.json, and what a bad review or a missing Chromium does."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from browser_harness import require_chromium

from assessment.cli.app import main
from assessment.report.district import ReportPaths, render_report

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data_templates" / "examples"
SAMPLE = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"
REVIEWS = EXAMPLES / "wenzhou-2022-reviews"
EVIDENCE = EXAMPLES / "wenzhou-2022-evidence"
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]")
A4_POINTS = (595.28, 841.89)  # 210 mm x 297 mm


def page_text(path: Path) -> str:
    """The visible text of a report page, whitespace collapsed."""
    page = path.read_text("utf-8")
    page = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> ReportPaths:
    return render_report(SAMPLE, tmp_path_factory.mktemp("reviewed"), review=REVIEWS, evidence=EVIDENCE)


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> ReportPaths:
    return render_report(SAMPLE, tmp_path_factory.mktemp("plain"))


def test_reviewed_report_leads_with_the_reviewed_verdict_and_the_self_assessed_one_beside_it(reviewed):
    text = page_text(reviewed.html)
    lead = text[: text.index("一、达标条件")]
    assert "核定结论： 未达标 （自评结论：达标（示范单位））" in lead
    assert "自评与核定对比" in lead
    assert "总得分 102.3 98.3 105" in lead  # 项目, 自评分, 核定分, 满分


def test_reviewed_report_has_a_review_section_with_every_correction_and_its_reason(reviewed):
    review = json.loads((REVIEWS / "龙湾区.review.json").read_text("utf-8"))
    text = page_text(reviewed.html)
    section = text[text.index("四、复核意见") : text.index("五、佐证材料核查")]
    for change in review["changes"]:
        assert change["reason"] in section
    assert "1→0" in section  # the effect of a correction on the criterion's points


def test_checked_evidence_section_lists_evidence_and_flags_missing_evidence(reviewed):
    text = page_text(reviewed.html)
    section = text[text.index("五、佐证材料核查") : text.index("六、失分清单")]
    assert "已找到" in section
    assert "缺少佐证" in section  # the sample folder lacks one listed file on purpose
    assert "文件不存在" in section
    table = section[section.index("指标 得分 佐证材料") :]
    assert table.index("缺少佐证") < table.index("已找到")  # what a reader must act on comes first


def test_sections_follow_in_reading_order_with_review_and_evidence_numbered_after_the_scores(reviewed, plain):
    headings = ["一、达标条件", "二、得分图表", "三、类别与指标得分", "四、复核意见", "五、佐证材料核查", "六、失分清单",
                "七、达标路径", "八、未计分的创建要求", "九、提示与口径说明", "十、与往年比较", "十一、上年整改落实情况",
                "十二、数据来源与版本"]
    for paths in (reviewed, plain):
        text = page_text(paths.html)
        at = [text.index(h) for h in headings]
        assert at == sorted(at) and text.index("结论") < at[0]


def test_a_district_without_its_own_evidence_folder_gets_one_line_not_a_row_per_criterion(tmp_path):
    evidence = tmp_path / "佐证材料"
    (evidence / "瓯海区").mkdir(parents=True)  # a batch's folder holding other districts only
    text = page_text(render_report(SAMPLE, tmp_path / "out", evidence=evidence).html)
    section = text[text.index("五、佐证材料核查") : text.index("六、失分清单")]
    assert "找到0项" in section and "缺少佐证" in section
    assert "佐证材料 核查结果" not in section  # the header of the table a folder would show


def test_reviewed_scores_json_holds_reviewed_totals_the_self_assessment_and_provenance(reviewed):
    scores = json.loads(reviewed.scores.read_text("utf-8"))
    assert (scores["total"], scores["passed"]) == (98.3, False)
    assert (scores["self"]["total"], scores["self"]["passed"]) == (102.3, True)
    assert len(scores["review"]["changes"]) == 3
    review_bytes = (REVIEWS / "龙湾区.review.json").read_bytes()
    assert reviewed.provenance == {
        "input_sha256": hashlib.sha256(SAMPLE.read_bytes()).hexdigest(),
        "review_sha256": hashlib.sha256(review_bytes).hexdigest(),
        "review": "龙湾区.review.json",  # a file name, never where it lies: manifests and scores.json are shared
        "evidence_count": scores["evidence"]["count"],
    }
    assert scores["evidence"]["count"] > 0


def test_reviewed_reports_sources_name_the_review_file_beside_the_input(reviewed):
    text = page_text(reviewed.html)
    sources = text[text.index("数据来源与版本"):]
    digest = hashlib.sha256((REVIEWS / "龙湾区.review.json").read_bytes()).hexdigest()
    assert f"复核文件 龙湾区.review.json 复核文件SHA-256 {digest}" in sources
    assert str(REVIEWS) not in sources  # a file name, not this machine's folders


def test_report_without_review_or_evidence_says_so_in_one_line_each(plain):
    text = page_text(plain.html)
    assert "核定" not in text
    assert "四、复核意见 未提供复核文件：本报告按自评值计分。 五、佐证材料核查 未提供佐证材料目录：本报告未核查佐证材料。" in text
    assert "self" not in json.loads(plain.scores.read_text("utf-8"))


def test_review_of_another_file_is_refused_with_its_location_and_nothing_is_written(tmp_path, capsys):
    review = json.loads((REVIEWS / "龙湾区.review.json").read_text("utf-8"))
    review["input_sha256"] = "0" * 64
    bad = tmp_path / "龙湾区.review.json"
    bad.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out), "--review", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "$.input_sha256" in err and "不符" in err
    assert not out.exists()


def test_a_review_folder_s_files_that_review_none_of_the_inputs_are_named_as_batch_names_them(tmp_path, capsys):
    """`report --review DIR` uses the district's own review whatever its name, and says which
    files it passed over (another district's review, a file whose header cannot be read)."""
    folder = tmp_path / "复核"
    folder.mkdir()
    shutil.copy(REVIEWS / "龙湾区.review.json", folder / "随便起的名字.json")
    shutil.copy(REVIEWS / "鹿城区.review.json", folder / "鹿城区.review.json")
    (folder / "复核意见.xlsx").write_bytes(b"not a workbook")
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out), "--review", str(folder)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "已跳过：复核意见.xlsx（复核文件中的地区、年度无法读取，无法确定所属地区）" in err
    assert "已跳过：鹿城区.review.json（复核文件所属的“鹿城区 2022年”没有对应的填报文件，未使用）" in err
    assert not any("随便起的名字" in line for line in err)
    assert json.loads((out / "2022" / "龙湾区" / "scores.json").read_text("utf-8"))["total"] == 98.3


def test_damaged_previous_scores_are_named_in_the_comparison_section(tmp_path):
    previous = tmp_path / "previous"
    (previous / "2021" / "龙湾区").mkdir(parents=True)
    (previous / "2021" / "龙湾区" / "scores.json").write_text("{ not json", encoding="utf-8")
    paths = render_report(SAMPLE, tmp_path / "out", previous_root=previous)
    text = page_text(paths.html)
    comparison = text[text.index("十、与往年比较") : text.index("十一、")]
    assert "无法读取" in comparison and "未作同比比较" in comparison
    assert "未提供往年得分" not in comparison
    assert paths.warnings


def test_pdf_without_chromium_exits_2_with_the_reason_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-chromium"))
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out), "--pdf"]) == 2
    assert "未找到 Chromium" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.browser
def test_report_pdf_prints_the_published_page_on_a4(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", require_chromium())
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out), "--pdf"]) == 0
    pdf = out / "2022" / "龙湾区" / "report.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = {(float(w), float(h)) for w, h in MEDIA_BOX.findall(data)}
    assert boxes and all(abs(w - A4_POINTS[0]) < 1 and abs(h - A4_POINTS[1]) < 1 for w, h in boxes), boxes
    assert f"已打印PDF：{pdf}" in capsys.readouterr().out


def test_review_folder_without_the_districts_review_reports_the_self_assessment(tmp_path):
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    shutil.copy(REVIEWS / "瓯海区.review.json", reviews)
    paths = render_report(SAMPLE, tmp_path / "out", review=reviews)
    assert "self" not in json.loads(paths.scores.read_text("utf-8"))
    assert paths.provenance["review_sha256"] is None


def test_the_embedded_font_draws_every_character_of_the_page(reviewed, plain):
    """No glyph is left to whatever font the reader's machine has (✓ ✗ ⌈ ⌉ were)."""
    from fontTools.ttLib import TTFont

    from assessment.publish.fonts import bundled_font_path

    cmap = TTFont(bundled_font_path()).getBestCmap()
    for paths in (reviewed, plain):
        text = page_text(paths.html)
        assert {c for c in text if c.isprintable() and not c.isspace() and ord(c) not in cmap} == set()
