"""The analyst's Excel workbook: the blank template, a filled copy of an input, and its reader.

One workbook per district is what analysts actually work with, so its layout is a public
contract (sheets 基本信息, 指标填报, 装备台账, optional 执法人员, and a 填报说明 sheet). The reader
finds rows by label and columns by header text, never by position, so analysts may reorder
columns, add their own and add info rows without breaking anything.

The reader only locates values: every value goes into `RawInput` exactly as typed, with its
file/sheet/row/column, and `assessment.inputs.validate` does all parsing. Only structural faults
(a missing sheet or header, a duplicated id, a value without an id) are reported here,
because only here is it known what the structure should have been.

Writing is deterministic (fixed document dates, fixed ZIP timestamps): regenerating the
committed template from an unchanged rubric gives the same file.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.limits import MAX_CELLS_PER_SHEET, read_limited
from assessment.inputs.model import (
    FACT_LABELS,
    INFO_HEADER_LABEL,
    LEVEL_NAMES,
    SAMPLE_LABEL,
    Cell,
    DistrictInput,
    InputError,
    Location,
    Problem,
    RawExtra,
    RawInput,
    RawPerson,
)
from assessment.inputs.roster import EDUCATION_LEVELS, MAJOR_CATEGORIES, MEASURE_NAMES
from assessment.inputs.values import DATE_TYPES, label_key, plain_number
from assessment.inputs.xlsx_inspect import UNREADABLE, PackageFacts, inspect_workbook
from assessment.rubric.equipment import EquipmentSpec, ExtraEquipment
from assessment.rubric.kinds import Threshold
from assessment.rubric.loader import Criterion, Rubric
from assessment.util.fsutil import atomic_write_bytes
from assessment.util.xlsx import set_text
from assessment.util.xlsx import workbook_bytes as workbook_bytes_of

SHEET_GUIDE = "填报说明"
SHEET_INFO = "基本信息"
SHEET_ANSWERS = "指标填报"
SHEET_EQUIPMENT = "装备台账"
SHEET_ROSTER = "执法人员"

#: Header of the 基本信息 sheet; its label cell is not an info item.
INFO_HEADER = (INFO_HEADER_LABEL, "填报内容", "填写说明")
#: The five facts every district must give: label → RawInput field, with guidance.
REQUIRED_INFO: tuple[tuple[str, str, str], ...] = (
    (FACT_LABELS["district"], "district", "必填。区县或设区市名称，如“龙湾区”"),
    (FACT_LABELS["level"], "level", "必填。下拉选择“县级”或“市级”；区县分局选“县级”"),
    (FACT_LABELS["year"], "year", "必填。评估年度，如2024"),
    (FACT_LABELS["authorized"], "authorized", "必填。执法机构核定编制人数（整数）"),
    (
        FACT_LABELS["on_duty"],
        "on_duty",
        "必填。实际到岗执法人员人数（整数）；编制到岗率和按人数配备的装备标准数量都按此计算",
    ),
)
#: Free-text facts the template offers; analysts may add rows of their own.
OPTIONAL_INFO: tuple[tuple[str, str], ...] = (
    ("填报单位", "填报单位全称"),
    ("填报人", "填报人姓名"),
    ("联系电话", "填报人联系电话"),
    ("填报日期", "如2024-03-31"),
)
SAMPLE_GUIDANCE = "真实填报填“否”（留空视为“否”）；“是”表示本工作簿为演示用的示例数据，报告将注明"

YES, NO = "是", "否"
GUIDANCE = {
    "flag": "填“是”或“否”",
    "rate": "填0–100的百分比，如85或85%",
    "count": "填次数/个数（整数）",
    "number": "填数值",
}
CITY_ONLY_HINT = "县级不做要求，县级单位可不填"
ROSTER_HINT = "已填执法人员名册的可不填，由名册计算"
VETO_GUIDANCE = "存在该情形填“是”（直接否决），不存在填“否”"

#: How many empty rows the equipment sheet offers for the analyst's own items.
EXTRA_ROWS = 20
EXTRA_NOTE = (
    "自本行起用于补充本表未列出的装备：编号留空，从下拉列表选择类别，填写名称、标准数量（按标准原文）和实有数量"
)
#: How many roster rows carry dropdowns beyond the people already written.
ROSTER_ROWS = 200



@dataclass(frozen=True)
class Column:
    """A column the writer lays out: header text, width in characters, and its look."""

    header: str
    width: float
    wrap: bool = False
    input: bool = False


ANSWER_ID, ANSWER_NAME, ANSWER_RULE, ANSWER_VALUE = "编号", "指标", "评分细则", "填报值"
ANSWER_GUIDE, ANSWER_EVIDENCE, ANSWER_REMARK = "填报说明", "佐证材料", "备注"
ANSWER_CATEGORY, ANSWER_INDICATOR, ANSWER_DEPARTMENT = "类别", "二级指标", "责任科室"
ANSWER_COLUMNS = (
    Column(ANSWER_ID, 26),
    Column(ANSWER_NAME, 32, wrap=True),
    Column(ANSWER_RULE, 48, wrap=True),
    Column(ANSWER_VALUE, 12, input=True),
    Column(ANSWER_GUIDE, 36, wrap=True),
    Column(ANSWER_EVIDENCE, 30, wrap=True, input=True),
    Column(ANSWER_REMARK, 20, wrap=True, input=True),
    Column(ANSWER_CATEGORY, 16, wrap=True),
    Column(ANSWER_INDICATOR, 28, wrap=True),
    Column(ANSWER_DEPARTMENT, 16, wrap=True),
)
#: Headers the reader needs in 指标填报 (编号 and 填报值 to read any answer at all).
ANSWER_REQUIRED = (ANSWER_ID, ANSWER_VALUE, ANSWER_EVIDENCE, ANSWER_REMARK)

EQ_ID, EQ_CATEGORY, EQ_NAME, EQ_UNIT, EQ_RULE = "编号", "类别", "名称", "单位", "配备标准"
EQ_REQUIRED, EQ_QUANTITY, EQ_PRICE, EQ_NOTE = "标准数量", "实有数量", "单价（元）", "说明"
EQUIPMENT_COLUMNS = (
    Column(EQ_ID, 18),
    Column(EQ_CATEGORY, 18),
    Column(EQ_NAME, 22, wrap=True),
    Column(EQ_UNIT, 8),
    Column(EQ_RULE, 18),
    Column(EQ_REQUIRED, 10),
    Column(EQ_QUANTITY, 10, input=True),
    Column(EQ_PRICE, 12, input=True),
    Column(EQ_NOTE, 46, wrap=True),
)
EQUIPMENT_REQUIRED = (EQ_ID, EQ_CATEGORY, EQ_NAME, EQ_REQUIRED, EQ_QUANTITY)

ROSTER_NAME, ROSTER_EDUCATION, ROSTER_MAJOR = "姓名", "学历", "专业类别"
ROSTER_CERTIFIED, ROSTER_CERT_REQUIRED, ROSTER_LEGAL = "是否持证", "是否应持证", "法律职业资格"
ROSTER_COLUMNS = (
    Column(ROSTER_NAME, 14, input=True),
    Column(ROSTER_EDUCATION, 14, input=True),
    Column(ROSTER_MAJOR, 16, input=True),
    Column(ROSTER_CERTIFIED, 12, input=True),
    Column(ROSTER_CERT_REQUIRED, 12, input=True),
    Column(ROSTER_LEGAL, 14, input=True),
)
#: 法律职业资格 may be left out: validation treats it as optional (否).
ROSTER_REQUIRED = (ROSTER_NAME, ROSTER_EDUCATION, ROSTER_MAJOR, ROSTER_CERTIFIED, ROSTER_CERT_REQUIRED)

_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)


# ----------------------------------------------------------------------------- writing


def template_bytes(rubric: Rubric) -> bytes:
    """The blank workbook for `rubric`, byte-for-byte the same on every run."""
    return workbook_bytes_of(_build(rubric, None))


def write_template(rubric: Rubric, path: Path) -> None:
    """Write the blank workbook; readers of `path` see the old or the new file, never half."""
    atomic_write_bytes(path, template_bytes(rubric))


def workbook_bytes(inp: DistrictInput, rubric: Rubric) -> bytes:
    """The workbook an analyst would have filled to give `inp`."""
    return workbook_bytes_of(_build(rubric, inp))


def write_workbook(inp: DistrictInput, rubric: Rubric, path: Path) -> None:
    """Write `inp` as a filled workbook (same layout as the template), atomically.

    Rates and numbers are written as plain numbers (85, 87.5), never in Excel percent format.
    A value with no finite decimal form (1/3) can only be written as the nearest float and
    will read back as that float's decimal value.
    """
    atomic_write_bytes(path, workbook_bytes(inp, rubric))


def _build(rubric: Rubric, inp: DistrictInput | None) -> Workbook:
    """The whole workbook; blank when `inp` is None."""
    wb = Workbook()
    guide = wb.active
    assert guide is not None, "a new openpyxl workbook always has one sheet"
    guide.title = SHEET_GUIDE
    _guide_sheet(guide, rubric)
    _info_sheet(wb.create_sheet(SHEET_INFO), inp)
    _answers_sheet(wb.create_sheet(SHEET_ANSWERS), rubric, inp)
    _equipment_sheet(wb.create_sheet(SHEET_EQUIPMENT), rubric, inp)
    _roster_sheet(wb.create_sheet(SHEET_ROSTER), inp)
    wb.active = 0
    return wb


def _number(value: int | Fraction) -> int | float:
    """An exact value as Excel can hold it: an int when whole, else a float."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def _yes_no(value: bool) -> str:
    return YES if value else NO


def list_validation(choices: Iterable[str], what: str) -> DataValidation:
    """A dropdown that warns about, but does not forbid, other spellings (√, 有, 85%…)."""
    items = ",".join(choices)
    return DataValidation(
        type="list",
        formula1=f'"{items}"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="请从下拉列表选择",
        error=f"{what}应为：{items.replace(',', '、')}",
    )


def header_row(ws: Worksheet, columns: Sequence[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"


def body_cell(ws: Worksheet, row: int, index: int, column: Column, value: Any = None) -> XlCell:
    cell = ws.cell(row=row, column=index)
    if isinstance(value, str):
        set_text(cell, value)  # the one xlsx cell policy: clean, shown as typed, never evaluated
    else:
        cell.value = value
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
    if column.input:
        cell.fill = INPUT_FILL
    return cell


def _guide_sheet(ws: Worksheet, rubric: Rubric) -> None:
    """Instructions in Chinese: what to fill where, where ids come from, how the rubric is read."""
    extras = "、".join(name for name, expected in rubric.equipment_categories.values() if expected is not None)
    lines: list[tuple[str, Font | None]] = [
        ("生态环境保护综合行政执法机构规范化建设评估 填报工作簿", TITLE_FONT),
        (f"评分依据：{rubric.name}（{rubric.source}）", None),
        (
            f"规则文件：{rubric.id}，版本 {rubric.version}。本工作簿中的指标编号和装备编号都来自该规则文件，"
            "程序按编号识别填报内容，请勿修改或删除编号。",
            None,
        ),
        ("", None),
        ("填报步骤", SECTION_FONT),
        (
            f"一、「{SHEET_INFO}」：在B列填写地区、层级、年度、核定编制数、实际到岗执法人员数（均为必填），"
            "以及填报单位、填报人、联系电话、填报日期。A列的项目名称请勿修改；如需补充其他信息，"
            "可在下方新增一行，A列写项目名称、B列写内容，报告中将一并列出。",
            None,
        ),
        (
            f"二、「{SHEET_ANSWERS}」：每行一个评分项，只在黄色的“填报值”“佐证材料”“备注”列填写。"
            "填报值的写法见“填报说明”列：是/否项从下拉列表选择“是”或“否”；百分比填0–100的数，如85或85%；"
            "次数、个数填整数，没有的填0。“佐证材料”写明佐证文件的名称或文号。留空的评分项按未填报计0分。"
            f"标有“{CITY_ONLY_HINT}”的项目，县级单位直接得分。",
            None,
        ),
        (
            f"三、「{SHEET_EQUIPMENT}」：逐项填写“实有数量”，可填“单价（元）”用于估算补齐费用。"
            "已列出装备的“标准数量”由程序按层级和实际到岗执法人员数计算，无需填写（计算口径见“配备标准”列）。"
            f"全国标准中本表未列出的{extras}，请在表格下方的空行中补充：“编号”留空，"
            "从下拉列表选择“类别”，填写名称、标准数量（按标准原文）和实有数量。",
            None,
        ),
        (
            f"四、「{SHEET_ROSTER}」（选填）：每名执法人员一行，学历、专业类别、是否持证等从下拉列表选择。"
            "填写了名册的，大专以上学历比例、法学类或生态环境相关专业比例、应持证人员持证率由程序按名册计算，"
            f"「{SHEET_ANSWERS}」中这几项可不填；如同时填写，须与名册计算结果一致。不填名册时请保持该表为空。",
            None,
        ),
        (
            f"五、「{SHEET_INFO}」中的“{SAMPLE_LABEL}”：真实填报必须填“否”（或留空）。"
            "“是”仅用于演示或培训用的示例数据，报告将注明为示例数据。",
            None,
        ),
        ("六、请勿修改工作表名称和各表第一行的表头；可以调整列的顺序或增加自己的列，程序按表头文字识别各列。", None),
        ("", None),
        ("比例项由名册计算时的口径", SECTION_FONT),
        *((f"· {text}", None) for text in MEASURE_NAMES.values()),
        ("", None),
        ("口径说明（规则文件对原文的理解）", SECTION_FONT),
        *((f"· {reading.text}", None) for reading in rubric.readings),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text or None)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 110


def _info_sheet(ws: Worksheet, inp: DistrictInput | None) -> None:
    columns = (
        Column(INFO_HEADER[0], 22),
        Column(INFO_HEADER[1], 30, input=True),
        Column(INFO_HEADER[2], 60, wrap=True),
    )
    header_row(ws, columns)
    level_rule = list_validation(LEVEL_NAMES.values(), "层级")
    sample_rule = list_validation((YES, NO), SAMPLE_LABEL)
    ws.add_data_validation(level_rule)
    ws.add_data_validation(sample_rule)

    fixed_labels = {label for label, _, _ in REQUIRED_INFO} | {SAMPLE_LABEL, INFO_HEADER[0]}
    rows: list[tuple[str, Any, str]] = []
    if inp is None:
        rows += [(label, None, guidance) for label, _, guidance in REQUIRED_INFO]
        rows += [(label, None, guidance) for label, guidance in OPTIONAL_INFO]
    else:
        facts = {
            "district": inp.district,
            "level": LEVEL_NAMES[inp.level],
            "year": inp.year,
            "authorized": inp.authorized,
            "on_duty": inp.on_duty,
        }
        rows += [(label, facts[field], guidance) for label, field, guidance in REQUIRED_INFO]
        rows += [(label, inp.info.get(label), guidance) for label, guidance in OPTIONAL_INFO]
        offered = {label for label, _ in OPTIONAL_INFO}
        rows += [(k, v, "") for k, v in inp.info.items() if k not in offered and k not in fixed_labels]
    sample = NO if inp is None else _yes_no(inp.sample)
    rows.append((SAMPLE_LABEL, sample, SAMPLE_GUIDANCE))

    for row, (label, value, guidance) in enumerate(rows, start=2):
        body_cell(ws, row, 1, columns[0], label).font = HEADER_FONT
        target = body_cell(ws, row, 2, columns[1], value)
        body_cell(ws, row, 3, columns[2], guidance or None)
        if label == "层级":
            level_rule.add(target.coordinate)
        elif label == SAMPLE_LABEL:
            sample_rule.add(target.coordinate)


def _answer_context(rubric: Rubric) -> dict[str, tuple[str, str, str, str]]:
    """id → (category, indicator, department, evidence asked for), for the analyst's orientation."""
    out: dict[str, tuple[str, str, str, str]] = {}
    for part in rubric.parts:
        for category in part.categories:
            for indicator in category.indicators:
                for c in indicator.criteria:
                    out[c.id] = (category.name, indicator.name, c.department, indicator.evidence)
    groups = {g.id: g.name for g in rubric.bonus.groups}
    for c in rubric.bonus.criteria:
        out[c.id] = (rubric.bonus.name, groups.get(c.group or "", ""), c.department, "")
    for v in rubric.veto.items:
        out[v.id] = (rubric.veto.name, "", rubric.veto.department, "")
    return out


def _guidance(kind: str, criterion: Criterion | None, evidence: str) -> str:
    """What to type in a row: the type's rule, then the hints that let an analyst skip it."""
    if criterion is None:
        parts = [VETO_GUIDANCE]
    else:
        parts = [GUIDANCE[kind]]
        if criterion.city_only:
            parts.append(CITY_ONLY_HINT)
        if isinstance(criterion.rule, Threshold) and criterion.rule.roster is not None:
            parts.append(ROSTER_HINT)
    if evidence:
        parts.append(f"佐证：{evidence}")
    return "；".join(parts)


def _answer_value(value: bool | int | Fraction | None) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return _yes_no(value)
    return _number(value)


def _answers_sheet(ws: Worksheet, rubric: Rubric, inp: DistrictInput | None) -> None:
    header_row(ws, ANSWER_COLUMNS)
    ws.freeze_panes = "C2"
    flag_rule = list_validation((YES, NO), ANSWER_VALUE)
    ws.add_data_validation(flag_rule)
    context = _answer_context(rubric)
    veto = {v.id: v for v in rubric.veto.items}
    answerable = rubric.answerable()
    for row, (cid, kind) in enumerate(answerable.items(), start=2):
        criterion = rubric.criteria.get(cid)
        category, indicator, department, evidence = context[cid]
        name, source = (criterion.name, criterion.source) if criterion else (veto[cid].name, veto[cid].source)
        values = {
            ANSWER_ID: cid,
            ANSWER_NAME: name,
            ANSWER_RULE: source,
            ANSWER_VALUE: None if inp is None else _answer_value(inp.answers.get(cid)),
            ANSWER_GUIDE: _guidance(kind, criterion, evidence),
            ANSWER_EVIDENCE: None if inp is None else inp.evidence.get(cid),
            ANSWER_REMARK: None if inp is None else inp.remarks.get(cid),
            ANSWER_CATEGORY: category,
            ANSWER_INDICATOR: indicator or None,
            ANSWER_DEPARTMENT: department,
        }
        for index, column in enumerate(ANSWER_COLUMNS, start=1):
            cell = body_cell(ws, row, index, column, values[column.header])
            if column.header == ANSWER_VALUE and kind == "flag":
                flag_rule.add(cell.coordinate)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(ANSWER_COLUMNS))}{len(answerable) + 1}"


def _standard_text(rubric: Rubric, item_id: str) -> str:
    """The requirement in words for both levels at once (the template does not know the level)."""
    spec = next(e for e in rubric.equipment if e.id == item_id)
    county, city = spec.rule_text("county"), spec.rule_text("city")
    if county == city:
        return county
    return f"{LEVEL_NAMES['county']}{county}/{LEVEL_NAMES['city']}{city}"


def _item_values(rubric: Rubric, spec: EquipmentSpec, inp: DistrictInput | None) -> dict[str, Any]:
    """A named item's row; 标准数量 stays blank because it depends on facts filled elsewhere."""
    basis = "按实际到岗执法人员数向上取整" if spec.per_staff is not None else "按层级固定数量"
    return {
        EQ_ID: spec.id,
        EQ_CATEGORY: rubric.equipment_categories[spec.category][0],
        EQ_NAME: spec.name,
        EQ_UNIT: spec.unit,
        EQ_RULE: _standard_text(rubric, spec.id),
        EQ_REQUIRED: None,
        EQ_QUANTITY: None if inp is None else inp.equipment.get(spec.id),
        EQ_PRICE: None if inp is None or spec.id not in inp.prices else _number(inp.prices[spec.id]),
        EQ_NOTE: f"标准数量由程序计算（{basis}），无需填写。原文：{spec.source}",
    }


def _extra_values(rubric: Rubric, extra: ExtraEquipment | None, first: bool) -> dict[str, Any]:
    """An analyst's own item (or an empty row for one), 编号 blank as the reader expects."""
    values: dict[str, Any] = {c.header: None for c in EQUIPMENT_COLUMNS}
    if first:
        # In 说明, not in 编号: anything in 编号 would be read as an item id.
        values[EQ_NOTE] = EXTRA_NOTE
    if extra is not None:
        values[EQ_CATEGORY] = rubric.equipment_categories[extra.category][0]
        values[EQ_NAME] = extra.name
        values[EQ_REQUIRED] = extra.required
        values[EQ_QUANTITY] = extra.quantity
        values[EQ_PRICE] = None if extra.unit_price is None else _number(extra.unit_price)
    return values


def _equipment_sheet(ws: Worksheet, rubric: Rubric, inp: DistrictInput | None) -> None:
    header_row(ws, EQUIPMENT_COLUMNS)
    ws.freeze_panes = "D2"
    extra_names = [name for name, expected in rubric.equipment_categories.values() if expected is not None]
    category_rule = list_validation(extra_names, "补充装备类别")
    ws.add_data_validation(category_rule)

    row = 2
    for spec in rubric.equipment:
        values = _item_values(rubric, spec, inp)
        for index, column in enumerate(EQUIPMENT_COLUMNS, start=1):
            cell = body_cell(ws, row, index, column, values[column.header])
            if column.header == EQ_REQUIRED:
                cell.fill = COMPUTED_FILL
        row += 1

    first_extra = row
    extras = () if inp is None else inp.extra_equipment
    for extra in (*extras, *([None] * EXTRA_ROWS)):
        values = _extra_values(rubric, extra, row == first_extra)
        for index, column in enumerate(EQUIPMENT_COLUMNS, start=1):
            cell = body_cell(ws, row, index, column, values[column.header])
            if column.header in (EQ_CATEGORY, EQ_NAME, EQ_REQUIRED):
                cell.fill = INPUT_FILL
        row += 1
    letter = get_column_letter(_index(EQUIPMENT_COLUMNS, EQ_CATEGORY))
    category_rule.add(f"{letter}{first_extra}:{letter}{row - 1}")


def _index(columns: Sequence[Column], header: str) -> int:
    """1-based column number of `header` in a layout the writer owns."""
    return next(i for i, c in enumerate(columns, start=1) if c.header == header)


def _roster_sheet(ws: Worksheet, inp: DistrictInput | None) -> None:
    header_row(ws, ROSTER_COLUMNS)
    people = () if inp is None or inp.roster is None else inp.roster
    last = len(people) + ROSTER_ROWS + 1
    choices = {
        ROSTER_EDUCATION: list_validation(EDUCATION_LEVELS, ROSTER_EDUCATION),
        ROSTER_MAJOR: list_validation(MAJOR_CATEGORIES, ROSTER_MAJOR),
        ROSTER_CERTIFIED: list_validation((YES, NO), ROSTER_CERTIFIED),
        ROSTER_CERT_REQUIRED: list_validation((YES, NO), ROSTER_CERT_REQUIRED),
        ROSTER_LEGAL: list_validation((YES, NO), ROSTER_LEGAL),
    }
    for header, rule in choices.items():
        letter = get_column_letter(_index(ROSTER_COLUMNS, header))
        rule.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(rule)
    for row, person in enumerate(people, start=2):
        values = {
            ROSTER_NAME: person.name,
            ROSTER_EDUCATION: person.education,
            ROSTER_MAJOR: person.major,
            ROSTER_CERTIFIED: _yes_no(person.certified),
            ROSTER_CERT_REQUIRED: _yes_no(person.cert_required),
            ROSTER_LEGAL: _yes_no(person.legal_qualification),
        }
        for index, column in enumerate(ROSTER_COLUMNS, start=1):
            body_cell(ws, row, index, column, values[column.header])


# ----------------------------------------------------------------------------- reading


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class NumberFormat:
    """What a cell's number format does to a number: the little of it that matters here.

    Only an unquoted, unescaped % scales by 100 (Excel's and WPS's rule): in `0.00"%"` or
    `0.00\\%` (LibreOffice writes the latter) the sign is literal text, so 0.85 shows as
    "0.85%" and means 0.85 %. Only the first section (positive numbers) is considered.
    """

    scales: bool
    literal_percent: bool
    places: int | None

    @classmethod
    def of(cls, code: str | None) -> NumberFormat:
        code = code or "General"
        scales = literal = digits = False
        places = 0
        i = 0
        while i < len(code) and code[i] != ";":
            char = code[i]
            if char == '"':
                close = code.find('"', i + 1)
                close = len(code) if close < 0 else close
                literal = literal or "%" in code[i + 1 : close]
                i = close
            elif char in "\\_*":
                literal = literal or (char == "\\" and code[i + 1 : i + 2] == "%")
                i += 1
            elif char == "[":
                i = max(code.find("]", i), i)
            elif char == "%":
                scales = True
            elif char in "0#?":
                digits = True
            elif char == "." and places == 0:
                while i + 1 < len(code) and code[i + 1] in "0#?":
                    places += 1
                    i += 1
            i += 1
        return cls(scales, literal, places if digits else None)

    def display(self, value: int | float) -> str:
        """The text a spreadsheet shows for `value` (decimal places and % as the format says)."""
        if isinstance(value, float) and not math.isfinite(value) or abs(value) >= 1e15:
            return repr(value)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if self.scales:
            number *= 100
        if self.places is not None:
            text = f"{number.quantize(Decimal(1).scaleb(-self.places), ROUND_HALF_UP):f}"
        else:
            text = plain_number(number)
        return text + ("%" if self.scales or self.literal_percent else "")


GENERAL = NumberFormat(scales=False, literal_percent=False, places=None)


def _date_text(value: datetime.date | datetime.time | datetime.timedelta) -> str:
    """A date cell as shown: 2024-03-31, 2024-03-31 08:30, 08:30:00."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.time() != datetime.time() else "%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _letter(xl: XlCell | MergedCell) -> str:
    """Column letter of any cell; merged-over cells (common in 佐证材料) lack `column_letter`."""
    return get_column_letter(xl.column)


class SheetReader:
    """Collects cells and structural problems of one workbook."""

    def __init__(self, wb: Workbook, file: str, rubric: Rubric, facts: PackageFacts) -> None:
        self.wb = wb
        self.file = file
        self.rubric = rubric
        self.facts = facts
        self.problems: list[Problem] = []
        self.sheets = {label_key(name): name for name in wb.sheetnames}

    def sheet(self, name: str, required: bool = True) -> Worksheet | None:
        actual = self.sheets.get(label_key(name))
        if actual is None:
            if required:
                self.problems.append(Problem(Location(self.file, sheet=name), f"缺少工作表「{name}」"))
            return None
        ws = self.wb[actual]
        # Reading goes row by row over the used range, which openpyxl fills with new cells:
        # one stray value in row 1,048,576 would create millions of them.
        if ws.max_row * ws.max_column > MAX_CELLS_PER_SHEET:
            corner = f"{get_column_letter(ws.max_column)}{ws.max_row}"
            self.problems.append(
                Problem(
                    Location(self.file, sheet=actual),
                    f"已用区域延伸到{corner}单元格，超过{MAX_CELLS_PER_SHEET:,}个单元格的上限，未读取："
                    "请删除表格下方和右侧多余的内容或格式后再提交",
                )
            )
            return None
        return ws

    def _repeated(self, ws: Worksheet, id_cell: Any, key: str, seen: dict[str, int], header: str, what: str) -> bool:
        """True (with a problem naming both rows) when `key` was already read on this sheet;
        otherwise remember its row. Only the first row of a repeated id is read."""
        if key in seen:
            self.problems.append(
                Problem(
                    Location(self.file, ws.title, id_cell.row, _letter(id_cell), header),
                    f"{what}「{key}」重复：第{seen[key]}行与第{id_cell.row}行，只读取第{seen[key]}行，请删除重复行",
                )
            )
            return True
        seen[key] = id_cell.row
        return False

    def _uncached(self, ws: Worksheet, xl: XlCell | MergedCell) -> str | None:
        """The formula of a cell that has one but no saved result (openpyxl reads it as blank)."""
        return self.facts.uncached_formulas.get((ws.title, f"{_letter(xl)}{xl.row}"))

    def cell(self, ws: Worksheet, xl: XlCell | MergedCell, header: str) -> Cell:
        """The raw value with its exact location, how it is displayed, and whether its format
        scales it by 100; a formula without a saved result is a problem, not a blank."""
        value = xl.value
        location = Location(self.file, ws.title, xl.row, _letter(xl), header)
        if value is None:
            formula = self._uncached(ws, xl)
            if formula is not None:
                self.problems.append(
                    Problem(
                        location,
                        f"该单元格是公式“={formula[:40]}”，但文件中没有保存计算结果（由程序生成或部分WPS版本保存的文件会这样）："
                        "请在Excel或WPS中打开该文件、保存后再提交",
                    )
                )
            return Cell(None, location)
        if isinstance(value, bool):
            return Cell(value, location, display="TRUE" if value else "FALSE")
        if isinstance(value, DATE_TYPES):
            return Cell(value, location, display=_date_text(value))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number_format = NumberFormat.of(xl.number_format)
            general = number_format == GENERAL  # shown as typed: the value quotes itself
            return Cell(value, location, number_format.scales, None if general else number_format.display(value))
        return Cell(value, location)

    def headers(self, ws: Worksheet, wanted: Sequence[str], required: Sequence[str]) -> dict[str, int]:
        """Column index (0-based) of each wanted header found in row 1; a missing required one is a problem.

        All missing headers are reported at once, so that one round of fixes is enough.
        """
        found: dict[str, int] = {}
        keys = {label_key(h): h for h in wanted}
        for xl in next(ws.iter_rows(min_row=1, max_row=1), ()):
            if is_blank(xl.value):
                continue
            header = keys.get(label_key(xl.value))
            if header is None:
                continue
            if header in found:
                first = get_column_letter(found[header] + 1)
                self.problems.append(
                    Problem(
                        Location(self.file, ws.title, 1, _letter(xl), header),
                        f"表头「{header}」重复（{first}列与{_letter(xl)}列），只读取{first}列",
                    )
                )
                continue
            found[header] = xl.column - 1
        for header in required:
            if header not in found:
                self.problems.append(Problem(Location(self.file, ws.title, 1), f"缺少表头「{header}」"))
        return found

    def info(self, raw: RawInput) -> None:
        ws = self.sheet(SHEET_INFO)
        if ws is None:
            return
        fields = {label_key(label): (label, field) for label, field, _ in REQUIRED_INFO}
        seen: dict[str, int] = {}
        for label_cell, value_cell in ws.iter_rows(min_row=1, max_col=2):
            if is_blank(label_cell.value):
                if not is_blank(value_cell.value):
                    self.problems.append(
                        Problem(
                            Location(self.file, ws.title, value_cell.row, "A"),
                            f"B列有内容“{value_cell.value}”，但A列缺少项目名称",
                        )
                    )
                continue
            label = label_key(label_cell.value)
            if label == INFO_HEADER[0]:
                continue
            if label in seen:
                self.problems.append(
                    Problem(
                        Location(self.file, ws.title, label_cell.row, "A", label),
                        f"项目「{label}」重复：第{seen[label]}行与第{label_cell.row}行，请只保留一行",
                    )
                )
                continue
            seen[label] = label_cell.row
            if label in fields:
                canonical, field = fields[label]
                setattr(raw, field, self.cell(ws, value_cell, canonical))
            elif label == SAMPLE_LABEL:
                raw.sample = self.cell(ws, value_cell, SAMPLE_LABEL)
            else:
                raw.info[label] = self.cell(ws, value_cell, label)

    def answers(self, raw: RawInput) -> None:
        ws = self.sheet(SHEET_ANSWERS)
        if ws is None:
            return
        columns = self.headers(ws, [c.header for c in ANSWER_COLUMNS], ANSWER_REQUIRED)
        if ANSWER_ID not in columns or ANSWER_VALUE not in columns:
            return
        names = {label_key(c.name): cid for cid, c in self.rubric.criteria.items()}
        names.update({label_key(v.name): v.id for v in self.rubric.veto.items})
        seen: dict[str, int] = {}
        for row in ws.iter_rows(min_row=2):
            id_cell, value_cell = row[columns[ANSWER_ID]], row[columns[ANSWER_VALUE]]
            if is_blank(id_cell.value):
                if not is_blank(value_cell.value):
                    self.problems.append(self._missing_id(ws, row, id_cell, columns, names))
                continue
            cid = label_key(id_cell.value)
            if self._repeated(ws, id_cell, cid, seen, ANSWER_ID, "编号"):
                continue
            raw.answers[cid] = self.cell(ws, value_cell, ANSWER_VALUE)
            for header, target in ((ANSWER_EVIDENCE, raw.evidence), (ANSWER_REMARK, raw.remarks)):
                if header in columns and not is_blank(row[columns[header]].value):
                    target[cid] = self.cell(ws, row[columns[header]], header)

    def _missing_id(
        self, ws: Worksheet, row: tuple[XlCell, ...], id_cell: XlCell, columns: dict[str, int], names: dict[str, str]
    ) -> Problem:
        """A value nobody can attribute; suggest the id when the row's 指标 names a criterion."""
        message = "有填报值但缺少编号，无法确定对应的评分项"
        if ANSWER_NAME in columns:
            guess = names.get(label_key(row[columns[ANSWER_NAME]].value or ""))
            if guess is not None:
                message += f"（按指标名称应为“{guess}”，请补上编号）"
        return Problem(Location(self.file, ws.title, id_cell.row, _letter(id_cell), ANSWER_ID), message)

    def equipment(self, raw: RawInput) -> None:
        ws = self.sheet(SHEET_EQUIPMENT)
        if ws is None:
            return
        columns = self.headers(ws, [c.header for c in EQUIPMENT_COLUMNS], EQUIPMENT_REQUIRED)
        if any(h not in columns for h in EQUIPMENT_REQUIRED):
            return
        extra_headers = (EQ_CATEGORY, EQ_NAME, EQ_REQUIRED, EQ_QUANTITY)
        seen: dict[str, int] = {}
        for row in ws.iter_rows(min_row=2):
            id_cell = row[columns[EQ_ID]]
            price_cell = row[columns[EQ_PRICE]] if EQ_PRICE in columns else None
            if is_blank(id_cell.value):
                cells = {h: self.cell(ws, row[columns[h]], h) for h in extra_headers}
                if all(c.blank for c in cells.values()):
                    continue
                price = None if price_cell is None else self.cell(ws, price_cell, EQ_PRICE)
                raw.extra_equipment.append(
                    RawExtra(cells[EQ_CATEGORY], cells[EQ_NAME], cells[EQ_REQUIRED], cells[EQ_QUANTITY], price)
                )
                continue
            item = label_key(id_cell.value)
            if self._repeated(ws, id_cell, item, seen, EQ_ID, "装备编号"):
                continue
            raw.equipment[item] = self.cell(ws, row[columns[EQ_QUANTITY]], EQ_QUANTITY)
            if price_cell is not None and not is_blank(price_cell.value):
                raw.prices[item] = self.cell(ws, price_cell, EQ_PRICE)

    def roster(self, raw: RawInput) -> None:
        ws = self.sheet(SHEET_ROSTER, required=False)
        if ws is None:
            return
        data_rows = [
            row for row in ws.iter_rows(min_row=2) if any(not is_blank(xl.value) or self._uncached(ws, xl) for xl in row)
        ]
        if not data_rows:
            return
        columns = self.headers(ws, [c.header for c in ROSTER_COLUMNS], ROSTER_REQUIRED)
        if any(h not in columns for h in ROSTER_REQUIRED):
            return
        people: list[RawPerson] = []
        for row in data_rows:
            cells = {h: self.cell(ws, row[i], h) for h, i in columns.items()}
            if all(c.blank for c in cells.values()):
                continue
            people.append(RawPerson(cells))
        raw.roster = people or None


def open_workbook(data: bytes, file: str) -> tuple[Workbook, PackageFacts]:
    """Check the package, then parse it once, turning every failure into one Chinese problem.

    openpyxl raises a zoo of exceptions on bad input (BadZipFile, KeyError for a missing
    part, XML parse errors, ValueError, TypeError…); to an analyst they all mean the same,
    and none of them should surface as a traceback, hence the broad catch.
    """
    facts = inspect_workbook(data, file)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (extensions, styles); not the analyst's concern.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(data), data_only=True), facts
    except Exception as exc:  # see the docstring: any parser failure means the same to an analyst
        raise InputError(
            [Problem(Location(file), f"无法读取工作簿：文件内容无法解析（{type(exc).__name__}）{UNREADABLE}")]
        ) from exc


def read_workbook(path: Path, rubric: Rubric) -> RawInput:
    """Every value of a district workbook with its location, plus the structural problems.

    Raises InputError when the file cannot be read as an .xlsx at all or exceeds the limits
    of `assessment.inputs.limits`. `rubric` serves only to suggest the id of a row whose value lost
    its id; ids are otherwise passed through for validation to judge.
    """
    file = str(path)
    data = read_limited(Path(path))
    wb, facts = open_workbook(data, file)
    raw = RawInput(path=file, sha256=hashlib.sha256(data).hexdigest())
    reader = SheetReader(wb, file, rubric, facts)
    reader.info(raw)
    reader.answers(raw)
    reader.equipment(raw)
    reader.roster(raw)
    raw.problems.extend(reader.problems)
    return raw


# ----------------------------------------------------------------------------- comparing


def workbook_content(path: Path) -> dict[str, Any]:
    """What a workbook says, independent of how it is zipped: sheets, values, formats, dropdowns.

    Used to check that the committed template is what the current rubric and code produce,
    without depending on byte-identical output across openpyxl versions.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    sheets: dict[str, Any] = {}
    for ws in wb.worksheets:
        cells: dict[str, Any] = {}
        formats: dict[str, str] = {}
        for row in ws.iter_rows():
            for xl in row:
                if xl.value is not None:
                    cells[xl.coordinate] = xl.value
                if xl.number_format != "General":
                    formats[xl.coordinate] = xl.number_format
        validations = sorted(
            (dv.type or "", dv.formula1 or "", str(dv.sqref), bool(dv.allow_blank), dv.errorStyle or "")
            for dv in ws.data_validations.dataValidation
        )
        sheets[ws.title] = {
            "cells": cells,
            "number_formats": formats,
            "validations": validations,
            "freeze_panes": ws.freeze_panes,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        }
    return {"sheet_order": wb.sheetnames, "creator": wb.properties.creator, "sheets": sheets}
