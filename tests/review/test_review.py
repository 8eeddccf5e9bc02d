"""The municipal review (复核): its contract, both forms, the template, and scoring both."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from assessment import api
from assessment.cli import review_template as review_template_command
from assessment.cli import score as score_command
from assessment.inputs.json_form import content_sha256
from assessment.inputs.model import InputError
from assessment.report.review_tables import review_opinions, review_statement, self_vs_reviewed
from assessment.review import (
    district_scores,
    load_review,
    manifest_record,
    parse_review,
    review_file_for,
    review_scores_dict,
    review_to_dict,
    reviewed_input,
)
from assessment.review.io import parse_json_review
from assessment.review.model import Note
from assessment.review.workbook import convert_review, is_review_file, review_workbook_bytes, write_review_template
from assessment.review.workbook_layout import SHEET_REVIEW, SHEET_REVIEW_INFO
from assessment.scoring.engine import score
from assessment.scoring.scores_json import SELF_KEYS

EXAMPLES = Path(__file__).parents[2] / "data_templates" / "examples"
LONGWAN = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"
LONGWAN_REVIEW = EXAMPLES / "wenzhou-2022-reviews" / "龙湾区.review.json"


@pytest.fixture(scope="module")
def longwan(rubric):
    return api.load(LONGWAN, rubric)


def _review(inp, changes, **fields):
    return {
        "district": inp.district,
        "year": inp.year,
        "input_sha256": inp.sha256,
        "reviewer": "王复核",
        "date": "2023-03-01",
        "changes": changes,
        **fields,
    }


def _parse(data, rubric, inp, text: str | None = None):
    raw = parse_json_review((text or json.dumps(data, ensure_ascii=False)).encode("utf-8"), "复核.json")
    return parse_review(raw, rubric, inp)


def _problems(data, rubric, inp, text: str | None = None) -> list[str]:
    with pytest.raises(InputError) as exc:
        _parse(data, rubric, inp, text)
    return [str(p) for p in exc.value.problems]


# ----------------------------------------------------------------------------- contract


def test_review_sample_files_are_valid_for_their_self_assessments(rubric):
    for path in sorted((EXAMPLES / "wenzhou-2022-reviews").glob("*.review.json")):
        district = path.name.removesuffix(".review.json")
        inp = api.load(EXAMPLES / "wenzhou-2022" / f"{district}.xlsx", rubric)
        review = load_review(path, rubric, inp)
        assert review.district == district and all(c.reason for c in review.changes)


def test_review_whose_sha256_does_not_match_the_input_is_invalid(rubric, longwan):
    data = _review(longwan, [], input_sha256="0" * 64)
    (problem,) = _problems(data, rubric, longwan)
    assert "JSON路径 $.input_sha256" in problem and "不符" in problem and longwan.sha256 in problem


def test_review_of_another_district_or_year_is_invalid(rubric, longwan):
    problems = _problems(_review(longwan, [], district="鹿城区", year=2021), rubric, longwan)
    assert any("$.district" in p and "鹿城区" in p for p in problems)
    assert any("$.year" in p and "2021" in p for p in problems)


def test_review_change_to_an_unknown_path_is_invalid(rubric, longwan):
    changes = [{"path": "answers.zz_nothing", "to": True, "reason": "x"}, {"path": "staff.name", "to": 1, "reason": "x"}]
    data = _review(longwan, changes)
    problems = _problems(data, rubric, longwan)
    assert any("$.changes[0].path" in p and "answers.zz_nothing" in p for p in problems)
    assert any("$.changes[1].path" in p for p in problems)


def test_review_change_to_a_computed_criterion_is_invalid(rubric, longwan):
    computed = next(cid for cid, c in rubric.criteria.items() if c.answer_type is None)
    (problem,) = _problems(_review(longwan, [{"path": f"answers.{computed}", "to": 1, "reason": "x"}]), rubric, longwan)
    assert "$.changes[0].path" in problem and "未知的路径" in problem


def test_review_change_without_a_reason_is_invalid(rubric, longwan):
    data = _review(
        longwan,
        [
            {"path": "answers.s12_annual_plan", "to": False},
            {"path": "equipment.vehicle", "to": 4, "reason": "   "},
        ],
    )
    problems = _problems(data, rubric, longwan)
    assert len(problems) == 2
    assert "缺少更正理由" in problems[0] and "年度现场检查计划并上报备案" in problems[0]
    assert "$.changes[1].reason" in problems[1]


def test_review_value_the_input_contract_forbids_is_invalid(rubric, longwan):
    data = _review(
        longwan,
        [
            {"path": "answers.s12_annual_plan", "to": "也许", "reason": "x"},
            {"path": "answers.s05_college_rate", "to": 120, "reason": "x"},
            {"path": "equipment.vehicle", "to": -1, "reason": "x"},
            {"path": "staff.on_duty", "to": 0, "reason": "x"},
            {"path": "answers.s07_roadshows", "to": 1.5, "reason": "x"},
        ],
    )
    problems = _problems(data, rubric, longwan)
    assert [p.split("JSON路径 ")[1].split("：")[0] for p in problems] == [f"$.changes[{i}].to" for i in range(5)]
    assert "应填“是”或“否”" in problems[0] and "0到100" in problems[1] and "不小于1" in problems[3]


def test_review_values_are_read_like_the_input_contract(rubric, longwan):
    review = _parse(
        _review(
            longwan,
            [
                {"path": "answers.s12_annual_plan", "to": "否", "reason": "未见备案回执"},
                {"path": "answers.s05_college_rate", "to": "85%", "reason": "学历证明不全"},
            ],
        ),
        rubric,
        longwan,
    )
    assert [c.to for c in review.changes] == [False, 85]


def test_review_json_refuses_duplicate_keys_non_finite_numbers_and_deep_nesting(rubric, longwan):
    text = json.dumps(_review(longwan, [{"path": "equipment.vehicle", "to": 4, "reason": "x"}]), ensure_ascii=False)
    duplicated = text.replace('"reason": "x"', '"reason": "x", "reason": "y"')
    assert any("$.changes[0].reason" in p and "重复" in p for p in _problems(None, rubric, longwan, duplicated))
    nan = text.replace('"to": 4', '"to": NaN')
    assert any("$.changes[0].to" in p for p in _problems(None, rubric, longwan, nan))
    deep = text.replace('"changes": [', '"changes": [' + "[" * 40 + "]" * 40 + ",")
    (problem,) = _problems(None, rubric, longwan, deep)
    assert "嵌套超过" in problem


def test_review_lists_every_problem_at_once(rubric, longwan):
    data = _review(
        longwan,
        [
            {"path": "answers.s12_annual_plan", "to": "也许", "reason": "x"},
            {"path": "equipment.vehicle", "to": 4, "reason": "x"},
            {"path": "equipment.vehicle", "to": 3, "reason": "y"},
        ],
        input_sha256="abc",
        date="2023/3/1",
        extra=1,
    )
    del data["reviewer"]
    problems = _problems(data, rubric, longwan)
    for expected in ("$.extra", "$.input_sha256", "缺少复核人", "$.date", "$.changes[0].to", "重复出现"):
        assert any(expected in p for p in problems), expected


def test_reviewed_input_applies_every_change_and_leaves_the_self_assessment_alone(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    reviewed = reviewed_input(longwan, review)
    assert reviewed.answers["s12_annual_plan"] is False and reviewed.equipment["vehicle"] == 4
    assert longwan.answers["s12_annual_plan"] is True and longwan.equipment["vehicle"] == 5


# ----------------------------------------------------------------------------- scoring both


def test_scores_keep_todays_keys_on_reviewed_values_and_add_self_and_review(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    both = review_scores_dict(rubric, longwan, review)
    today = api.scores_dict(score(rubric, longwan))
    assert set(today) <= set(both) and set(both) - set(today) == {"self", "review"}
    reviewed = score(rubric, reviewed_input(longwan, review))
    assert both["total"] == float(reviewed.total) and both["passed"] is False
    assert {k: both["self"][k] for k in SELF_KEYS} == {k: today[k] for k in SELF_KEYS}
    assert both["self"]["passed"] is True and both["self"]["title"] == "示范单位"
    assert both["review"]["reviewer"] == review.reviewer and both["review"]["date"] == "2023-03-01"
    assert both["provenance"]["review_sha256"] == review.sha256 and both["provenance"]["input_sha256"] == longwan.sha256


def test_review_change_records_its_criterion_and_points_before_and_after(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    changes = {c["path"]: c for c in review_scores_dict(rubric, longwan, review)["review"]["changes"]}
    plan = changes["answers.s12_annual_plan"]
    assert (plan["criterion"], plan["from"], plan["to"]) == ("年度现场检查计划并上报备案", True, False)
    assert (plan["points_before"], plan["points_after"]) == (1, 0) and plan["reason"]
    vehicle = changes["equipment.vehicle"]
    assert (vehicle["name"], vehicle["from"], vehicle["to"]) == ("执法车辆", 5, 4)
    assert vehicle["points_before"] > vehicle["points_after"]
    assert vehicle["criterion"] == rubric.criteria[vehicle["criterion_id"]].name


def test_review_accepting_everything_scores_as_the_self_assessment(rubric, longwan):
    review = _parse(_review(longwan, []), rubric, longwan)
    both = review_scores_dict(rubric, longwan, review)
    assert both["total"] == both["self"]["total"] and both["review"]["changes"] == []


def test_manifest_record_names_both_files_and_the_evidence_count(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    record = manifest_record(district_scores(rubric, longwan, review))
    assert record["input_sha256"] == longwan.sha256 and record["review_sha256"] == review.sha256
    assert record["evidence_count"] is None


# ----------------------------------------------------------------------------- workbook


def _filled_template(tmp_path: Path, rubric, inp) -> Path:
    path = tmp_path / "复核表.xlsx"
    write_review_template(inp, rubric, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_REVIEW]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    plan, vehicle, group = rows["answers.s12_annual_plan"], rows["equipment.vehicle"], rows["answers.s01_group_established"]
    ws[f"D{plan}"], ws[f"E{plan}"], ws[f"F{plan}"] = "否", "未见备案回执", "缺失"
    ws[f"D{vehicle}"], ws[f"E{vehicle}"] = 4, "=1辆车辆权属不符"
    ws[f"E{vehicle}"].data_type = "s"  # typed as text (a leading ' in Excel)
    ws[f"E{group}"], ws[f"F{group}"] = "文件齐全", "齐全"
    info = wb[SHEET_REVIEW_INFO]
    labels = {info.cell(row=r, column=1).value: r for r in range(2, info.max_row + 1)}
    info[f"B{labels['复核人']}"] = "王复核"
    info[f"B{labels['复核日期']}"] = "2023-03-01"
    wb.save(path)
    return path


def test_review_template_has_one_locked_self_value_row_per_answer_and_equipment_line(tmp_path, rubric, longwan):
    path = tmp_path / "t.xlsx"
    write_review_template(longwan, rubric, path)
    ws = openpyxl.load_workbook(path)[SHEET_REVIEW]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["编号", "指标/装备", "自评值", "核定值", "复核意见", "佐证核查"]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    assert len(rows) == len(rubric.answerable()) + 2 + len(rubric.equipment) + len(longwan.extra_equipment)
    plan, vehicle = rows["answers.s12_annual_plan"], rows["equipment.vehicle"]
    assert ws[f"B{plan}"].value == "年度现场检查计划并上报备案" and ws[f"C{plan}"].value == "是"
    assert ws[f"C{vehicle}"].value == 5 and ws[f"D{vehicle}"].value is None
    assert ws.protection.sheet is True
    assert ws[f"A{plan}"].protection.locked and ws[f"C{plan}"].protection.locked
    assert not any(ws[f"{col}{plan}"].protection.locked for col in "DEF")
    info = openpyxl.load_workbook(path)[SHEET_REVIEW_INFO]
    values = {info.cell(row=r, column=1).value: info.cell(row=r, column=2) for r in range(2, 8)}
    assert values["自评文件SHA-256"].value == content_sha256(longwan) and values["自评文件SHA-256"].protection.locked
    assert not values["复核人"].protection.locked and info.protection.sheet is True


def test_review_template_prefills_missing_evidence_where_points_are_claimed(tmp_path, rubric, longwan):
    listed = dataclasses.replace(longwan, evidence={"s12_annual_plan": "备案回执.pdf", "s12_monthly_plan": "月度计划.pdf"})
    folder = tmp_path / "佐证"
    folder.mkdir()
    (folder / "备案回执.pdf").write_bytes(b"%PDF-1.4 example")
    path = tmp_path / "t.xlsx"
    write_review_template(listed, rubric, path, folder)
    ws = openpyxl.load_workbook(path)[SHEET_REVIEW]
    check = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=6).value for r in range(2, ws.max_row + 1)}
    assert check["answers.s12_annual_plan"] is None  # listed and found
    assert check["answers.s12_monthly_plan"] == "缺失"  # listed, file missing
    assert check["answers.s01_group_established"] == "缺失"  # points, nothing listed
    assert check["equipment.vehicle"] is None
    unearned = next(cid for cid, r in score(rubric, longwan).criteria.items() if r.source == "answer" and r.points == 0)
    assert check[f"answers.{unearned}"] is None


def test_the_templates_own_suggestions_are_not_findings_only_what_the_reviewer_changed_or_annotated(
        tmp_path, rubric, longwan):
    """The sample review typed into a template made before the evidence arrived (an empty folder):
    the ~100 rows the template pre-filled 缺失 read back as nothing, the sample's corrections and
    note as themselves, and a pre-filled row the reviewer annotated or re-judged as a finding."""
    sample = load_review(LONGWAN_REVIEW, rubric, longwan)
    path = tmp_path / "复核表.xlsx"
    (tmp_path / "佐证").mkdir()
    write_review_template(longwan, rubric, path, tmp_path / "佐证")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_REVIEW]
    header = {c.value: c.column_letter for c in ws[1]}
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    prefilled = [p for p, r in rows.items() if ws[f"{header['佐证核查']}{r}"].value == "缺失"]
    assert len(prefilled) > 50 and all(ws[f"{header['核查提示']}{rows[p]}"].value.startswith("缺少佐证") for p in prefilled)
    for ch in sample.changes:
        ws[f"{header['核定值']}{rows[ch.path]}"] = "否" if ch.to is False else "是" if ch.to is True else ch.to
        ws[f"{header['复核意见']}{rows[ch.path]}"] = ch.reason
    for note in sample.notes:
        ws[f"{header['复核意见']}{rows[note.path]}"] = note.comment
        ws[f"{header['佐证核查']}{rows[note.path]}"] = note.evidence_check
    untouched = [p for p in prefilled if p not in {c.path for c in sample.changes} | {n.path for n in sample.notes}]
    annotated, rejudged = untouched[0], untouched[1]
    ws[f"{header['复核意见']}{rows[annotated]}"] = "确未提供"
    ws[f"{header['佐证核查']}{rows[rejudged]}"] = "齐全"
    info = wb[SHEET_REVIEW_INFO]
    labels = {info.cell(row=r, column=1).value: r for r in range(2, info.max_row + 1)}
    info[f"B{labels['复核人']}"], info[f"B{labels['复核日期']}"] = sample.reviewer, sample.date
    wb.save(path)

    read = load_review(path, rubric, longwan)
    assert [(c.path, c.to, c.reason) for c in read.changes] == [(c.path, c.to, c.reason) for c in sample.changes]
    assert all(c.evidence_check == ("缺失" if c.path in prefilled else None) for c in read.changes)  # left as suggested
    assert set(read.notes) == {*sample.notes, Note(annotated, "确未提供", "缺失"), Note(rejudged, None, "齐全")}
    shown = review_opinions(district_scores(rubric, longwan, read))
    assert len(shown) == len(sample.changes) + len(sample.notes) + 2


def test_review_workbook_reads_corrections_and_keeps_text_as_text(tmp_path, rubric, longwan):
    review = load_review(_filled_template(tmp_path, rubric, longwan), rubric, longwan)
    assert [(c.path, c.to, c.reason) for c in review.changes] == [
        ("answers.s12_annual_plan", False, "未见备案回执"),
        ("equipment.vehicle", 4, "=1辆车辆权属不符"),
    ]
    assert review.reviewer == "王复核" and review.date == "2023-03-01"
    again = tmp_path / "again.xlsx"
    convert_review(tmp_path / "复核表.xlsx", again, rubric, longwan)
    ws = openpyxl.load_workbook(again)[SHEET_REVIEW]
    formula_like = next(c for c in ws["E"] if c.value == "=1辆车辆权属不符")
    assert formula_like.data_type == "s"


def test_review_workbook_converts_to_json_and_back_losslessly(tmp_path, rubric, longwan):
    filled = _filled_template(tmp_path, rubric, longwan)
    first = load_review(filled, rubric, longwan)
    convert_review(filled, tmp_path / "r.json", rubric)
    assert load_review(tmp_path / "r.json", rubric, longwan) == first
    convert_review(tmp_path / "r.json", tmp_path / "r.xlsx", rubric, longwan)
    assert load_review(tmp_path / "r.xlsx", rubric, longwan) == first
    convert_review(tmp_path / "r.json", tmp_path / "alone.xlsx", rubric)  # without the self-assessment
    assert load_review(tmp_path / "alone.xlsx", rubric, longwan) == first
    assert {n.path: (n.comment, n.evidence_check) for n in first.notes}["answers.s01_group_established"] == ("文件齐全", "齐全")


def test_review_json_converts_to_workbook_and_back_losslessly_through_api_convert(tmp_path, rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    api.convert(LONGWAN_REVIEW, tmp_path / "r.xlsx", rubric)
    assert is_review_file(tmp_path / "r.xlsx") and not is_review_file(LONGWAN)
    api.convert(tmp_path / "r.xlsx", tmp_path / "r.json", rubric)
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == review_to_dict(review)


def test_review_workbook_correction_without_opinion_is_invalid_with_its_cell(tmp_path, rubric, longwan):
    path = tmp_path / "t.xlsx"
    write_review_template(longwan, rubric, path)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET_REVIEW]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "equipment.vehicle")
    ws[f"D{row}"] = "四辆"
    ws[f"D{row + 1}"] = 1
    wb.save(path)
    with pytest.raises(InputError) as exc:
        load_review(path, rubric, longwan)
    text = [str(p) for p in exc.value.problems]
    assert any(f"工作表「复核」 第{row}行 D列（核定值）" in t and "整数" in t for t in text)
    assert any(f"第{row + 1}行" in t and "缺少更正理由" in t for t in text)
    assert any("缺少复核人" in t and "复核信息" in t for t in text)


def test_review_workbook_bytes_are_reproducible(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    assert review_workbook_bytes(rubric, longwan, review) == review_workbook_bytes(rubric, longwan, review)


# ----------------------------------------------------------------------------- command line


def _score_args(files, review=None, evidence=None, as_json=True) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rubric", default=None)
    score_command.add_parser(parser.add_subparsers())
    argv = ["score", *(str(f) for f in files)] + (["--json"] if as_json else [])
    argv += ["--review", str(review)] if review else []
    argv += ["--evidence", str(evidence)] if evidence else []
    return parser.parse_args(argv)


def test_score_with_review_prints_reviewed_json_with_self_and_review(capsys):
    assert score_command.run(_score_args([LONGWAN], LONGWAN_REVIEW)) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["passed"] is False and out["self"]["passed"] is True and len(out["review"]["changes"]) == 3


def test_score_with_review_text_shows_self_and_reviewed_verdicts(capsys):
    assert score_command.run(_score_args([LONGWAN], LONGWAN_REVIEW, as_json=False)) == 0
    out = capsys.readouterr().out
    assert "自评分 102.3 → 核定分" in out and "核定结论 未达标" in out and "未见年度现场检查计划的备案回执" in out


def test_score_with_a_mismatched_review_exits_2_and_prints_nothing(tmp_path, capsys):
    data = json.loads(LONGWAN_REVIEW.read_text(encoding="utf-8"))
    data["input_sha256"] = "f" * 64
    bad = tmp_path / "bad.review.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert score_command.run(_score_args([LONGWAN], bad)) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "错误：" in captured.err and "input_sha256" in captured.err


def test_review_template_command_writes_the_workbook(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    parser.add_argument("--rubric", default=None)
    review_template_command.add_parser(parser.add_subparsers())
    out = tmp_path / "复核表.xlsx"
    args = parser.parse_args(["review-template", str(LONGWAN), str(out)])
    assert args.func(args) == 0
    assert SHEET_REVIEW in openpyxl.load_workbook(out).sheetnames and "已生成复核表" in capsys.readouterr().out


# ----------------------------------------------------------------------------- for the reports


def test_self_vs_reviewed_rows_put_both_scores_and_verdicts_side_by_side(rubric, longwan):
    scores = review_scores_dict(rubric, longwan, load_review(LONGWAN_REVIEW, rubric, longwan))
    rows = {r["项目"]: r for r in self_vs_reviewed(scores)}
    assert rows["总得分"]["自评分"] == 102.3 and rows["总得分"]["核定分"] == scores["total"] < 102.3
    assert rows["结论"]["自评分"] == "达标（示范单位）" and rows["结论"]["核定分"] == "未达标"
    assert rows["综合保障体系化"]["自评分"] > rows["综合保障体系化"]["核定分"]
    assert self_vs_reviewed(api.scores_dict(score(rubric, longwan))) == []


def test_review_opinions_list_each_correction_then_each_comment_by_name(rubric, longwan):
    scores = review_scores_dict(rubric, longwan, load_review(LONGWAN_REVIEW, rubric, longwan))
    first, *_, last = review_opinions(scores)
    shown = (first["项目"], first["自评值"], first["核定值"], first["得分变化"])
    assert shown == ("年度现场检查计划并上报备案", "是", "否", "1→0")
    assert (last["项目"], last["核定值"], last["佐证核查"]) == ("已建立领导小组", "认可", "齐全")


def test_review_file_that_is_not_a_workbook_or_lacks_its_sheets_is_invalid(tmp_path, rubric, longwan):
    broken = tmp_path / "复核.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="无法读取工作簿"):
        load_review(broken, rubric, longwan)
    empty = tmp_path / "空.xlsx"
    openpyxl.Workbook().save(empty)
    with pytest.raises(InputError) as exc:
        load_review(empty, rubric, longwan)
    text = "\n".join(str(p) for p in exc.value.problems)
    assert "缺少工作表「复核」" in text and "缺少工作表「复核信息」" in text


def test_review_json_without_changes_is_still_told_apart_from_an_input(tmp_path, rubric, longwan):
    data = _review(longwan, [])
    del data["changes"]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert is_review_file(path)
    with pytest.raises(InputError, match="缺少更正列表"):
        api.convert(path, tmp_path / "r.xlsx", rubric)
    assert not (tmp_path / "r.xlsx").exists()


def test_review_statement_names_the_review_applied(rubric, longwan):
    review = load_review(LONGWAN_REVIEW, rubric, longwan)
    text = review_statement(review_scores_dict(rubric, longwan, review))
    assert "龙湾区.review.json" in text and review.sha256 in text and "共更正3项" in text and "自评分102.3分" in text
    assert review_statement(api.scores_dict(score(rubric, longwan))) is None


def test_review_file_for_a_district_is_found_by_the_district_inside_and_must_be_unique(tmp_path):
    assert review_file_for(EXAMPLES / "wenzhou-2022-reviews", "龙湾区") == LONGWAN_REVIEW
    assert review_file_for(EXAMPLES / "wenzhou-2022-reviews", "乐清市") is None
    shutil.copy(LONGWAN_REVIEW, tmp_path / "复核-龙湾区.json")  # any file name: the header says whose
    assert review_file_for(tmp_path, "龙湾区", 2022) == tmp_path / "复核-龙湾区.json"
    assert review_file_for(tmp_path, "龙湾区", 2023) is None
    shutil.copy(LONGWAN_REVIEW, tmp_path / "龙湾区第二份.json")
    with pytest.raises(InputError, match="请只保留一份复核文件"):
        review_file_for(tmp_path, "龙湾区")
