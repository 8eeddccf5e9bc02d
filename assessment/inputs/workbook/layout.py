"""The layout of the analyst's workbook: sheet names, columns, guidance texts and cell styles.

The layout is a public contract: analysts fill workbooks laid out like this, and the reader
finds rows by label and columns by header text. The writer lays it out, the reader looks
for it, and the review workbook borrows its columns and styles so that both look alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.model import BASIC_INFO_LABELS, FACT_LABELS, INFO_HEADER_LABEL
from assessment.util.xlsx import set_text, set_value

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
OPTIONAL_INFO: tuple[tuple[str, str], ...] = tuple(zip(
    BASIC_INFO_LABELS, ("填报单位全称", "填报人姓名", "填报人联系电话", "如2024-03-31")
))
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


def column_number(columns: Sequence[Column], header: str) -> int:
    """1-based column number of `header` in a layout the writer owns."""
    return next(i for i, c in enumerate(columns, start=1) if c.header == header)


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
    """Row 1 holds the headers the reader looks columns up by (kept in view and on every
    printed page by `assessment.util.xlsx.print_setup`, which each writer calls last)."""
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        set_text(cell, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width


def body_cell(ws: Worksheet, row: int, index: int, column: Column, value: Any = None) -> XlCell:
    """A cell below the header, stored by the one xlsx cell policy and shaded when it is for input."""
    cell = ws.cell(row=row, column=index)
    set_value(cell, value)
    cell.border = BORDER
    cell.alignment = Alignment(vertical="top", wrap_text=column.wrap)
    if column.input:
        cell.fill = INPUT_FILL
    return cell
