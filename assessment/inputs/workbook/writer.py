"""The writer of the analyst's workbook: the blank template and a filled copy of an input.

One workbook per district is what analysts actually work with (sheets 基本信息, 指标填报,
装备台账, optional 执法人员, and a 填报说明 sheet; see `layout`). A filled copy has the same
layout as the template, so that whatever the tool writes an analyst could have typed.

Writing is deterministic (fixed document dates, fixed ZIP timestamps): regenerating the
committed template from an unchanged rubric gives the same file. Every cell is stored by
the one xlsx cell policy (`assessment.util.xlsx`).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.model import LEVEL_NAMES, SAMPLE_LABEL, DistrictInput
from assessment.inputs.roster import EDUCATION_LEVELS, MAJOR_CATEGORIES, MEASURE_NAMES
from assessment.inputs.workbook.layout import (
    ANSWER_CATEGORY,
    ANSWER_COLUMNS,
    ANSWER_DEPARTMENT,
    ANSWER_EVIDENCE,
    ANSWER_GUIDE,
    ANSWER_ID,
    ANSWER_INDICATOR,
    ANSWER_NAME,
    ANSWER_REMARK,
    ANSWER_RULE,
    ANSWER_VALUE,
    CITY_ONLY_HINT,
    COMPUTED_FILL,
    EQ_CATEGORY,
    EQ_ID,
    EQ_NAME,
    EQ_NOTE,
    EQ_PRICE,
    EQ_QUANTITY,
    EQ_REQUIRED,
    EQ_RULE,
    EQ_UNIT,
    EQUIPMENT_COLUMNS,
    EXTRA_NOTE,
    EXTRA_ROWS,
    GUIDANCE,
    HEADER_FONT,
    INFO_HEADER,
    INPUT_FILL,
    NO,
    OPTIONAL_INFO,
    REQUIRED_INFO,
    ROSTER_CERT_REQUIRED,
    ROSTER_CERTIFIED,
    ROSTER_COLUMNS,
    ROSTER_EDUCATION,
    ROSTER_HINT,
    ROSTER_LEGAL,
    ROSTER_MAJOR,
    ROSTER_NAME,
    ROSTER_ROWS,
    SAMPLE_GUIDANCE,
    SECTION_FONT,
    SHEET_ANSWERS,
    SHEET_EQUIPMENT,
    SHEET_GUIDE,
    SHEET_INFO,
    SHEET_ROSTER,
    TITLE_FONT,
    VETO_GUIDANCE,
    YES,
    Column,
    body_cell,
    column_number,
    header_row,
    list_validation,
)
from assessment.rubric.equipment import EquipmentSpec, ExtraEquipment
from assessment.rubric.model import Criterion, Rubric
from assessment.util.fsutil import atomic_write_bytes
from assessment.util.xlsx import print_setup, set_value
from assessment.util.xlsx import workbook_bytes as workbook_bytes_of


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
        cell = ws.cell(row=row, column=1)
        set_value(cell, text or None)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if font is not None:
            cell.font = font
    ws.column_dimensions["A"].width = 110
    print_setup(ws, header_rows=0)


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
    print_setup(ws)


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
        if criterion.rule.roster_measure() is not None:
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
    print_setup(ws, key_columns=column_number(ANSWER_COLUMNS, ANSWER_NAME))


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
    letter = get_column_letter(column_number(EQUIPMENT_COLUMNS, EQ_CATEGORY))
    category_rule.add(f"{letter}{first_extra}:{letter}{row - 1}")
    print_setup(ws, key_columns=column_number(EQUIPMENT_COLUMNS, EQ_NAME))


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
        letter = get_column_letter(column_number(ROSTER_COLUMNS, header))
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
    print_setup(ws)
