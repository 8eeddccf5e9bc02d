"""Specifications for the district workbook: the template, a filled copy, and reading it back."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import zipfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.model import Cell, DistrictInput, InputError, Location, Person, Problem
from assessment.inputs.validate import validate
from assessment.inputs.workbook import read_workbook, template_bytes, workbook_content, write_template, write_workbook
from assessment.inputs.workbook.layout import (
    ANSWER_COLUMNS,
    CITY_ONLY_HINT,
    EQUIPMENT_COLUMNS,
    EXTRA_ROWS,
    GUIDANCE,
    ROSTER_HINT,
    SHEET_ANSWERS,
    SHEET_EQUIPMENT,
    SHEET_GUIDE,
    SHEET_INFO,
    SHEET_ROSTER,
)
from assessment.inputs.xlsx_inspect import UNREADABLE
from assessment.rubric.equipment import ExtraEquipment
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric

COMMITTED_TEMPLATE = Path(__file__).resolve().parents[2] / "data_templates" / "评估填报模板.xlsx"
VALUE_COLUMN = "D"  # 填报值 in the layout the writer uses
QUANTITY_COLUMN = "G"  # 实有数量


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return default_rubric()


@pytest.fixture
def template(tmp_path: Path, rubric: Rubric) -> Path:
    path = tmp_path / "龙湾区.xlsx"
    write_template(rubric, path)
    return path


def edit(path: Path, change: Callable[[Workbook], object]) -> Path:
    """Open, change and save a workbook, as an analyst would in Excel."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def row_of(ws: Worksheet, key: str, column: int = 1) -> int:
    """The row whose cell in `column` (1 = A) holds `key`."""
    for row in ws.iter_rows(min_row=1):
        if row[column - 1].value == key:
            return row[0].row
    raise AssertionError(f"{key} not found in {ws.title}")


def fill_info(wb: Workbook, district: str = "龙湾区", level: str = "县级") -> None:
    ws = wb[SHEET_INFO]
    for label, value in (
        ("地区", district),
        ("层级", level),
        ("年度", 2024),
        ("核定编制数", 40),
        ("实际到岗执法人员数", 34),
    ):
        ws.cell(row=row_of(ws, label), column=2, value=value)


def answer(wb: Workbook, cid: str, value: object, number_format: str | None = None) -> int:
    ws = wb[SHEET_ANSWERS]
    row = row_of(ws, cid)
    cell = ws[f"{VALUE_COLUMN}{row}"]
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    return row


def problems_of(path: Path, rubric: Rubric) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        validate(read_workbook(path, rubric), rubric)
    return caught.value.problems


# ----------------------------------------------------------------------------- the template


def test_template_has_instructions_first_then_the_four_data_sheets(template: Path) -> None:
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == [SHEET_GUIDE, SHEET_INFO, SHEET_ANSWERS, SHEET_EQUIPMENT, SHEET_ROSTER]
    assert wb.properties.creator == "assessment"


def test_instructions_name_the_rubric_version_and_the_sample_flag(template: Path, rubric: Rubric) -> None:
    text = "\n".join(str(c.value) for c in openpyxl.load_workbook(template)[SHEET_GUIDE]["A"] if c.value)
    assert rubric.id in text and rubric.version in text
    assert "示例数据" in text and "必须填“否”" in text


def test_template_info_sheet_lists_required_facts_with_guidance_and_dropdowns(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_INFO]
    labels = [c.value for c in ws["A"]][1:]
    assert labels[:5] == ["地区", "层级", "年度", "核定编制数", "实际到岗执法人员数"]
    assert labels[5:] == ["填报单位", "填报人", "联系电话", "填报日期", "示例数据"]
    assert all(ws.cell(row=r, column=3).value for r in range(2, 12))
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists[f"B{row_of(ws, '层级')}"] == '"县级,市级"'
    assert lists[f"B{row_of(ws, '示例数据')}"] == '"是,否"'


def test_template_has_one_answer_row_per_answerable_id_in_rubric_order(template: Path, rubric: Rubric) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_ANSWERS]
    headers = [c.value for c in ws[1]]
    assert headers == [c.header for c in ANSWER_COLUMNS]
    for required in (
        "编号",
        "指标",
        "评分细则",
        "填报值",
        "佐证材料",
        "备注",
        "类别",
        "二级指标",
        "责任科室",
        "填报说明",
    ):
        assert required in headers
    ids = [c.value for c in ws["A"]][1:]
    assert ids == list(rubric.answerable())
    assert ids[0].startswith("e01") and ids[-1].startswith("v_")
    names = {row[0].value: (row[1].value, row[2].value) for row in ws.iter_rows(min_row=2)}
    for cid, criterion in rubric.criteria.items():
        if cid in names:
            assert names[cid] == (criterion.name, criterion.source)


def test_template_guidance_says_how_to_fill_each_type_and_when_it_may_be_skipped(
    template: Path, rubric: Rubric
) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_ANSWERS]
    guide = {row[0].value: row[4].value for row in ws.iter_rows(min_row=2)}
    for cid, kind in rubric.answerable().items():
        criterion = rubric.criteria.get(cid)
        if criterion is None:
            assert "直接否决" in guide[cid]
            continue
        assert guide[cid].startswith(GUIDANCE[kind])
        assert (CITY_ONLY_HINT in guide[cid]) == criterion.city_only
        roster_rate = criterion.rule.roster_measure() is not None
        assert (ROSTER_HINT in guide[cid]) == roster_rate
    assert CITY_ONLY_HINT in guide["s02_duties_integrated"]
    assert ROSTER_HINT in guide["s06_certified_rate"]


def test_flag_value_cells_have_a_yes_no_dropdown_and_others_do_not(template: Path, rubric: Rubric) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_ANSWERS]
    validations = ws.data_validations.dataValidation
    for cid, kind in rubric.answerable().items():
        coordinate = f"{VALUE_COLUMN}{row_of(ws, cid)}"
        lists = [dv.formula1 for dv in validations if coordinate in dv.sqref]
        assert lists == (['"是,否"'] if kind == "flag" else []), cid


def test_equipment_sheet_lists_rubric_items_with_their_rule_and_leaves_standard_blank(
    template: Path, rubric: Rubric
) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_EQUIPMENT]
    assert [c.value for c in ws[1]] == [c.header for c in EQUIPMENT_COLUMNS]
    rows = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value}
    assert list(rows) == [e.id for e in rubric.equipment]
    assert rows["portable_scanner"][4] == "1台/3人"
    assert rows["sampler"][4] == "县级3部/市级2部"
    assert rows["drone"][4] == "1架"
    assert all(values[5] is None for values in rows.values())  # 标准数量: the engine computes it
    first_extra = len(rubric.equipment) + 2
    (category_list,) = ws.data_validations.dataValidation
    assert category_list.formula1 == '"现场执法辅助设备,通讯与办公设备"'
    assert str(category_list.sqref) == f"B{first_extra}:B{first_extra + EXTRA_ROWS - 1}"


def test_roster_sheet_has_its_headers_and_dropdowns_but_no_people(template: Path) -> None:
    ws = openpyxl.load_workbook(template)[SHEET_ROSTER]
    assert [c.value for c in ws[1]] == ["姓名", "学历", "专业类别", "是否持证", "是否应持证", "法律职业资格"]
    assert ws.max_row == 1
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2"] == '"博士研究生,硕士研究生,本科,大专,高中及以下"'
    assert lists["C2"] == '"法学类,生态环境相关,其他"'
    assert lists["D2"] == lists["E2"] == lists["F2"] == '"是,否"'


def test_template_bytes_are_the_same_on_every_run(rubric: Rubric) -> None:
    assert template_bytes(rubric) == template_bytes(rubric)


def test_committed_template_equals_a_freshly_generated_one_by_content(tmp_path: Path, rubric: Rubric) -> None:
    fresh = tmp_path / "fresh.xlsx"
    write_template(rubric, fresh)
    assert COMMITTED_TEMPLATE.is_file(), f"missing {COMMITTED_TEMPLATE}"
    assert workbook_content(COMMITTED_TEMPLATE) == workbook_content(fresh), (
        "data_templates/评估填报模板.xlsx is stale; regenerate it with "
        "assessment.inputs.workbook.write_template(default_rubric(), path)"
    )


def test_write_template_replaces_the_file_and_leaves_no_temporary_files(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "模板.xlsx"
    path.write_text("old")
    write_template(rubric, path)
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]
    assert path.read_bytes() == template_bytes(rubric)


def test_blank_template_reads_without_problems_and_validation_asks_for_the_facts(
    template: Path, rubric: Rubric
) -> None:
    raw = read_workbook(template, rubric)
    assert raw.problems == []
    assert raw.roster is None and raw.extra_equipment == []
    assert set(raw.answers) == set(rubric.answerable()) and all(c.blank for c in raw.answers.values())
    assert raw.district == Cell(None, Location(str(template), SHEET_INFO, 2, "B", "地区"))
    messages = {(p.location.row, p.message) for p in problems_of(template, rubric)}
    assert (2, "缺少地区") in messages
    assert (6, "缺少实际到岗执法人员数") in messages


# ----------------------------------------------------------------------------- round trip


def filled_input() -> DistrictInput:
    roster = (
        Person("张三", "本科", "法学类", True, True, False),
        Person("李四", "硕士研究生", "生态环境相关", True, True, True),
        Person("王五", "本科", "其他", False, True, False),
        Person("赵六", "高中及以下", "其他", False, False, False),
    )
    return DistrictInput(
        district="龙湾区",
        level="county",
        year=2024,
        authorized=40,
        on_duty=34,
        answers={
            "e01_equipment_plan": True,
            "e02_finance_coordination": False,
            "e08_optional_transport": 2,
            "s03_claim_rate": Fraction(175, 2),
            "s03_coverage_rate": Fraction(100),
            "s05_college_rate": Fraction(75),  # 3 of the 4 people below
            "s19_records_per_person": Fraction(5, 4),
            "s24_commendations": 0,
            "b_promoted_provincial": True,
            "v_leader_criticism": False,
        },
        equipment={"vehicle": 7, "drone": 1, "desktop_pc": 30},
        extra_equipment=(
            ExtraEquipment("field", "便携式气体检测仪", 3, 4, Fraction(12000)),
            ExtraEquipment("office", "打印机", 2, 1),
        ),
        roster=roster,
        info={"填报单位": "温州市生态环境局龙湾分局", "填报人": "陈明", "联系电话": "0577-12345678", "审核人": "林华"},
        evidence={"e01_equipment_plan": "龙环〔2024〕1号"},
        remarks={"s03_claim_rate": "应领40项，已领35项"},
        prices={"vehicle": Fraction(250000), "drone": Fraction(181005, 10)},
        sample=True,
    )


def test_filled_workbook_reads_back_to_an_equal_district_input(tmp_path: Path, rubric: Rubric) -> None:
    inp = filled_input()
    path = tmp_path / "龙湾区.xlsx"
    write_workbook(inp, rubric, path)
    raw = read_workbook(path, rubric)
    assert raw.problems == []
    got = validate(raw, rubric)
    assert got.path == str(path)
    assert got.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert dataclasses.replace(got, path=inp.path, sha256=inp.sha256) == inp


def test_filled_workbook_writes_flags_as_words_and_rates_as_plain_numbers(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "龙湾区.xlsx"
    write_workbook(filled_input(), rubric, path)
    ws = openpyxl.load_workbook(path)[SHEET_ANSWERS]
    ids = ("e01_equipment_plan", "s03_claim_rate", "s03_coverage_rate")
    value = {cid: ws[f"{VALUE_COLUMN}{row_of(ws, cid)}"] for cid in ids}
    assert value["e01_equipment_plan"].value == "是"
    assert value["s03_claim_rate"].value == 87.5 and value["s03_claim_rate"].number_format == "General"
    assert value["s03_coverage_rate"].value == 100 and isinstance(value["s03_coverage_rate"].value, int)


def test_workbook_without_roster_keeps_an_empty_roster_sheet(tmp_path: Path, rubric: Rubric) -> None:
    inp = dataclasses.replace(filled_input(), roster=None, answers={"s03_claim_rate": Fraction(90)})
    path = tmp_path / "x.xlsx"
    write_workbook(inp, rubric, path)
    assert SHEET_ROSTER in openpyxl.load_workbook(path).sheetnames
    assert validate(read_workbook(path, rubric), rubric).roster is None


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hundredths=st.integers(min_value=0, max_value=10_000))
def test_any_rate_with_two_decimals_survives_the_round_trip(tmp_path: Path, rubric: Rubric, hundredths: int) -> None:
    rate = Fraction(hundredths, 100)
    inp = dataclasses.replace(filled_input(), answers={"s15_problem_rate": rate}, roster=None)
    path = tmp_path / "rate.xlsx"
    write_workbook(inp, rubric, path)
    assert validate(read_workbook(path, rubric), rubric).answers == {"s15_problem_rate": rate}


# ----------------------------------------------------------------------------- what analysts type


def test_percent_formatted_cell_holding_085_reads_as_85(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        fill_info(wb)
        rows["claim"] = answer(wb, "s03_claim_rate", 0.85, "0%")
        rows["coverage"] = answer(wb, "s03_coverage_rate", 1, "0.0%")

    edit(template, change)
    raw = read_workbook(template, rubric)
    assert raw.answers["s03_claim_rate"] == Cell(
        0.85,
        Location(str(template), SHEET_ANSWERS, rows["claim"], VALUE_COLUMN, "填报值"),
        percent_format=True,
        display="85%",
    )
    answers = validate(raw, rubric).answers
    assert answers["s03_claim_rate"] == 85
    assert answers["s03_coverage_rate"] == 100


def test_full_width_percent_and_check_marks_are_accepted(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb, district="瓯海区", level="市级")
        answer(wb, "s03_claim_rate", "８５％")
        answer(wb, "e01_equipment_plan", "√")
        answer(wb, "e02_finance_coordination", "×")
        answer(wb, "e03_in_budget", "有")
        answer(wb, "e09_equipment_database", "无")
        answer(wb, "e10_dispatched", "３")

    got = validate(read_workbook(edit(template, change), rubric), rubric)
    assert got.level == "city"
    assert got.answers == {
        "s03_claim_rate": 85,
        "e01_equipment_plan": True,
        "e02_finance_coordination": False,
        "e03_in_budget": True,
        "e09_equipment_database": False,
        "e10_dispatched": 3,
    }


def test_formula_without_a_cached_value_is_a_problem_asking_to_save_in_excel(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}
    edit(template, lambda wb: rows.setdefault("row", answer(wb, "e10_dispatched", "=1+2")))
    raw = read_workbook(template, rubric)
    assert raw.answers["e10_dispatched"].value is None
    (problem,) = [p for p in raw.problems if p.location.row == rows["row"]]
    assert (problem.location.sheet, problem.location.column) == (SHEET_ANSWERS, VALUE_COLUMN)
    assert "公式“=1+2”" in problem.message and "请在Excel或WPS中打开该文件、保存后再提交" in problem.message


def test_info_labels_are_found_in_any_order_and_unknown_labels_become_info(tmp_path: Path, rubric: Rubric) -> None:
    wb = Workbook()
    info = wb.active
    info.title = SHEET_INFO
    for row in (
        ("　年度：", 2024),
        ("ＲＥＭＡＲＫ", "自由文本"),
        (" 地区 ", "龙湾区"),
        ("层级", "县级"),
        ("实际到岗执法人员数", 34),
        ("核定编制数", 40),
        ("示例数据", "否"),
    ):
        info.append(row)
    wb.create_sheet(SHEET_ANSWERS).append(["编号", "填报值", "佐证材料", "备注"])
    wb.create_sheet(SHEET_EQUIPMENT).append(["编号", "类别", "名称", "标准数量", "实有数量"])
    path = tmp_path / "minimal.xlsx"
    wb.save(path)
    raw = read_workbook(path, rubric)
    assert raw.problems == []
    assert raw.year == Cell(2024, Location(str(path), SHEET_INFO, 1, "B", "年度"))
    assert raw.district is not None and raw.district.location.row == 3
    assert set(raw.info) == {"REMARK"}
    got = validate(raw, rubric)
    assert (got.district, got.year, got.on_duty, got.sample) == ("龙湾区", 2024, 34, False)
    assert got.info == {"REMARK": "自由文本"}


def test_columns_are_found_by_header_text_in_any_order_with_extra_columns(tmp_path: Path, rubric: Rubric) -> None:
    wb = openpyxl.load_workbook(COMMITTED_TEMPLATE)
    fill_info(wb)
    answers = wb.create_sheet("answers")
    answers.append(["自己的列", " 备注 ", "填报值", "编号", "佐证材料", "指标"])
    answers.append(["x", "说明", "是", "e01_equipment_plan", "方案文件", "制定方案"])
    equipment = wb.create_sheet("equipment")
    equipment.append(["实有数量", "单价(元)", "名称", "标准数量", "编号", "类别"])
    equipment.append([7, 250000, "执法车辆", None, "vehicle", "执法车辆"])
    equipment.append([2, 3000, "打印机", 1, None, "通讯与办公设备"])
    del wb[SHEET_ANSWERS], wb[SHEET_EQUIPMENT]
    answers.title, equipment.title = SHEET_ANSWERS, SHEET_EQUIPMENT
    path = tmp_path / "reordered.xlsx"
    wb.save(path)
    raw = read_workbook(path, rubric)
    assert raw.problems == []
    assert raw.answers["e01_equipment_plan"].location == Location(str(path), SHEET_ANSWERS, 2, "C", "填报值")
    assert raw.prices["vehicle"].location.column == "B"
    got = validate(raw, rubric)
    assert got.answers == {"e01_equipment_plan": True}
    assert (got.evidence, got.remarks) == ({"e01_equipment_plan": "方案文件"}, {"e01_equipment_plan": "说明"})
    assert got.equipment == {"vehicle": 7} and got.prices == {"vehicle": 250000}
    assert got.extra_equipment == (ExtraEquipment("office", "打印机", 1, 2, Fraction(3000)),)


def test_extra_equipment_rows_are_read_with_blank_cells_kept_for_validation(template: Path, rubric: Rubric) -> None:
    first_extra = len(rubric.equipment) + 2

    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_EQUIPMENT]
        ws[f"B{first_extra}"], ws[f"C{first_extra}"], ws[f"F{first_extra}"] = "现场执法辅助设备", "气体检测仪", 3
        ws[f"C{first_extra + 2}"] = "无类别的设备"

    raw = read_workbook(edit(template, change), rubric)
    assert len(raw.extra_equipment) == 2
    blank_quantity = raw.extra_equipment[0].quantity
    assert blank_quantity == Cell(
        None, Location(str(template), SHEET_EQUIPMENT, first_extra, QUANTITY_COLUMN, "实有数量")
    )
    problems = {(p.location.row, p.location.column, p.message) for p in problems_of(template, rubric)}
    assert (first_extra, QUANTITY_COLUMN, "缺少补充装备实有数量") in problems
    assert (first_extra + 2, "B", "缺少补充装备类别") in problems


def test_roster_rows_are_read_and_blank_rows_skipped(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_ROSTER]
        ws.append(["张三", "本科", "法学类", "是", "是", "否"])
        ws.append([None] * 6)
        ws.append(["李四", "大专", "其他", "否", "是", None])

    raw = read_workbook(edit(template, change), rubric)
    assert raw.roster is not None and len(raw.roster) == 2
    assert raw.roster[1].cells["姓名"].location == Location(str(template), SHEET_ROSTER, 4, "A", "姓名")
    got = validate(raw, rubric)
    assert got.roster == (
        Person("张三", "本科", "法学类", True, True, False),
        Person("李四", "大专", "其他", False, True, False),
    )


def test_merged_evidence_cells_are_read_from_their_first_row(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_ANSWERS]
        rows["first"] = answer(wb, "s01_group_established", "是")
        answer(wb, "s01_head_is_leader", "是")
        ws[f"F{rows['first']}"] = "龙环〔2024〕3号"
        ws.merge_cells(f"F{rows['first']}:F{rows['first'] + 1}")

    got = validate(read_workbook(edit(template, change), rubric), rubric)
    assert got.evidence == {"s01_group_established": "龙环〔2024〕3号"}
    assert got.answers == {"s01_group_established": True, "s01_head_is_leader": True}


# ----------------------------------------------------------------------------- structural problems


def test_missing_sheet_is_a_problem_naming_the_sheet(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb)
        del wb[SHEET_EQUIPMENT]

    raw = read_workbook(edit(template, change), rubric)
    assert raw.problems == [Problem(Location(str(template), sheet=SHEET_EQUIPMENT), "缺少工作表「装备台账」")]
    assert raw.problems[0] in problems_of(template, rubric)


def test_missing_roster_sheet_is_not_a_problem(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        del wb[SHEET_ROSTER]

    raw = read_workbook(edit(template, change), rubric)
    assert raw.problems == [] and raw.roster is None


def test_missing_header_is_a_problem_on_row_1_of_its_sheet(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        ws = wb[SHEET_ANSWERS]
        ws[f"{VALUE_COLUMN}1"] = "数值"
        ws["F1"] = None  # 佐证材料

    raw = read_workbook(edit(template, change), rubric)
    assert raw.problems == [
        Problem(Location(str(template), SHEET_ANSWERS, 1), "缺少表头「填报值」"),
        Problem(Location(str(template), SHEET_ANSWERS, 1), "缺少表头「佐证材料」"),
    ]
    assert raw.answers == {}


def test_missing_required_label_is_left_to_validation(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb)
        wb[SHEET_INFO].delete_rows(4)  # 年度

    raw = read_workbook(edit(template, change), rubric)
    assert raw.problems == [] and raw.year is None
    assert Problem(Location(str(template)), "缺少年度") in problems_of(template, rubric)


def test_duplicate_id_is_a_problem_naming_both_rows(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_ANSWERS]
        rows["first"] = answer(wb, "s01_group_established", "是")
        ws.append(["s01_group_established", None, None, "否"])
        rows["second"] = ws.max_row

    raw = read_workbook(edit(template, change), rubric)
    (problem,) = raw.problems
    assert problem.location == Location(str(template), SHEET_ANSWERS, rows["second"], "A", "编号")
    assert f"第{rows['first']}行与第{rows['second']}行" in problem.message
    assert raw.answers["s01_group_established"].value == "是"


def test_value_without_an_id_is_a_problem_that_suggests_the_id(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        ws = wb[SHEET_ANSWERS]
        rows["row"] = answer(wb, "s01_group_established", "是")
        ws[f"A{rows['row']}"] = None
        ws.append([None, None, None, None, "只有佐证没有值的行被忽略"])

    raw = read_workbook(edit(template, change), rubric)
    (problem,) = raw.problems
    assert problem.location == Location(str(template), SHEET_ANSWERS, rows["row"], "A", "编号")
    assert "缺少编号" in problem.message and "s01_group_established" in problem.message


def test_unknown_id_is_passed_to_validation_which_reports_it(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb)
        wb[SHEET_ANSWERS].append(["s99_invented", None, None, "是"])

    raw = read_workbook(edit(template, change), rubric)
    assert raw.problems == [] and raw.answers["s99_invented"].value == "是"
    assert any(p.message.startswith("指标编号“s99_invented”不在评分细则中") for p in problems_of(template, rubric))


# ----------------------------------------------------------------------------- bad values


def test_rate_above_100_names_the_sheet_row_and_value_column(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        fill_info(wb)
        rows["row"] = answer(wb, "s03_claim_rate", "120%")

    (problem,) = problems_of(edit(template, change), rubric)
    assert problem.location == Location(str(template), SHEET_ANSWERS, rows["row"], VALUE_COLUMN, "填报值")
    assert f"工作表「指标填报」 第{rows['row']}行 D列（填报值）" in str(problem)
    assert "“120%”" in problem.message


def test_bad_equipment_quantity_and_bad_flag_are_located_exactly(template: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_EQUIPMENT]
        rows["vehicle"] = row_of(ws, "vehicle")
        ws[f"{QUANTITY_COLUMN}{rows['vehicle']}"] = "三辆"
        rows["flag"] = answer(wb, "e01_equipment_plan", "也许")
        wb[SHEET_INFO]["B3"] = "省级"

    problems = problems_of(edit(template, change), rubric)
    located = {(p.location.sheet, p.location.row, p.location.column) for p in problems}
    assert located == {
        (SHEET_EQUIPMENT, rows["vehicle"], QUANTITY_COLUMN),
        (SHEET_ANSWERS, rows["flag"], VALUE_COLUMN),
        (SHEET_INFO, 3, "B"),
    }


# ----------------------------------------------------------------------------- unreadable files


def _zip_without_workbook() -> bytes:
    """Fixed bytes (a dated member): pytest-xdist's workers each collect the parameters and
    must find the same ones."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("hello.txt", date_time=(2022, 12, 31, 0, 0, 0)), "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.xlsx", template_bytes(default_rubric())[:5000]),
        ("other-zip.xlsx", _zip_without_workbook()),
        ("encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        ("legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        ("text.xlsx", "地区,龙湾区\n年度,2024\n".encode()),
        ("empty.xlsx", b""),
    ],
    ids=["truncated.xlsx", "other-zip.xlsx", "encrypted.xlsx", "legacy.xls", "text.xlsx", "empty.xlsx"],
)
def test_unreadable_file_raises_one_problem_not_a_traceback(
    tmp_path: Path, rubric: Rubric, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_workbook(path, rubric)
    (problem,) = caught.value.problems
    assert problem.location == Location(str(path))
    assert problem.message.startswith("无法读取工作簿：") and problem.message.endswith(UNREADABLE)


def test_encrypted_file_is_named_as_such(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(InputError, match="加密"):
        read_workbook(path, rubric)


def test_missing_file_raises_input_error(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "不存在.xlsx"
    with pytest.raises(InputError) as caught:
        read_workbook(path, rubric)
    assert caught.value.problems == [Problem(Location(str(path)), "无法读取文件：文件不存在")]


def test_info_numbers_and_dates_are_read_as_the_text_the_sheet_shows(template: Path, rubric: Rubric) -> None:
    def change(wb: Workbook) -> None:
        fill_info(wb)
        ws = wb[SHEET_INFO]
        ws[f"B{row_of(ws, '联系电话')}"] = 13800000000
        ws[f"B{row_of(ws, '填报日期')}"] = datetime.datetime(2024, 3, 31)

    info = validate(read_workbook(edit(template, change), rubric), rubric).info
    assert (info["联系电话"], info["填报日期"]) == ("13800000000", "2024-03-31")


def test_every_sheet_of_the_template_prints_a4_landscape_one_page_wide_and_wrapped_rows_have_heights(rubric):
    from assessment.util.xlsx import DEFAULT_FONT_SIZE, line_count, row_height

    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(rubric)))
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not cell.alignment.wrap_text:
                    continue
                size = float(cell.font.sz or DEFAULT_FONT_SIZE)
                lines = line_count(str(cell.value), ws.column_dimensions[cell.column_letter].width, size)
                assert ws.row_dimensions[cell.row].height >= row_height(lines, size), f"{ws.title}!{cell.coordinate}"
    # headers repeated on every page; 编号 and 指标 stay in view beside the values typed
    assert wb["指标填报"].print_title_rows == "$1:$1" and wb["指标填报"].freeze_panes == "C2"
    assert wb["填报说明"].print_title_rows is None  # instructions have no header row
