"""整改任务清单: a plan as an xlsx task list an office can track, one row per action.

The plan says what to do; the task list is where an office records who does it by when and
whether it is done. Every action becomes one row (序号, 措施, 责任科室, 完成时限,
完成标准/佐证, 状态); actions that depend on others' recognition keep their 【需争取】 mark
so that a hope is never filed as a task. Text from the input (district names, a district's
own equipment names, names in the roster) is written as text and never as a formula, and
the file is written atomically: a reader sees the old file or the new one, never half.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assessment.plan.model import Plan
from assessment.util.formatting import fmt
from assessment.util.fsutil import atomic_write_bytes
from assessment.util.xlsx import print_setup, set_text, set_value, workbook_bytes

TASK_SHEET, NOTES_SHEET = "整改任务清单", "说明"
TASK_COLUMNS = ("序号", "措施", "责任科室", "完成时限", "完成标准/佐证", "状态")
STATUS_CHOICES = ("未开始", "进行中", "已完成")
#: Characters that make a spreadsheet read a text cell as a formula or command.
WIDTHS = {"序号": 6, "措施": 60, "责任科室": 16, "完成时限": 14, "完成标准/佐证": 60, "状态": 10}


def task_rows(plan: Plan) -> list[dict[str, Any]]:
    """One row per action of the plan, in the plan's order, status 未开始."""
    return [
        {
            "序号": i,
            "措施": a.text,
            "责任科室": a.department,
            "完成时限": step.due,
            "完成标准/佐证": step.evidence,
            "状态": STATUS_CHOICES[0],
        }
        for i, (a, step) in enumerate(zip(plan.actions, plan.details), start=1)
    ]


def _notes(plan: Plan) -> list[tuple[str, str]]:
    """What the list is and how its dates were set, for whoever opens it next year."""
    if not plan.passable:
        state = f"无法达标：{plan.reason}"
    elif plan.already_passed:
        state = "已达标，无须整改"
    else:
        state = f"{len(plan.actions)}项措施，完成后总得分{fmt(plan.score_after)}分"
    notes = [
        ("地区", plan.district),
        ("年度", str(plan.year)),
        ("整改方案", state),
        ("措施范围", "仅本单位可自主完成的措施" if plan.controllable_only else "自主完成的措施；不足时含需争取事项"),
        ("完成时限", "整改在评估年度的次年完成：原文规定时限的按原文月日（如每年2月20日前上报年度工作计划），"
                     "其余为次年年底；早于填报日期的时限改为填报日期"),
        ("需争取", "标【需争取】的事项取决于上级评定、表彰或采纳，本单位只能争取，不作为必须完成的任务"),
        ("状态", "请按实际填写：" + "、".join(STATUS_CHOICES)),
    ]
    if plan.recognition_points:
        notes.append(("需争取分值", f"本方案需争取{fmt(plan.recognition_points)}分：仅靠自主完成的措施无法达标"))
    return notes


def tasks_workbook_bytes(plan: Plan) -> bytes:
    """The task list as .xlsx bytes: a bold, frozen Chinese header row, one row per action,
    dates as dates, a drop-down for 状态; a second sheet says how it was made. Both print
    on A4 landscape, one page wide (`print_setup`)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = TASK_SHEET
    for col, name in enumerate(TASK_COLUMNS, start=1):
        cell = ws.cell(1, col)
        set_text(cell, name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS[name]
    for r, row in enumerate(task_rows(plan), start=2):
        for col, name in enumerate(TASK_COLUMNS, start=1):
            cell = ws.cell(r, col)
            value = row[name]
            if isinstance(value, str):
                set_text(cell, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                set_value(cell, value)
                cell.alignment = Alignment(vertical="top")
            if name == "完成时限":
                cell.number_format = "yyyy-mm-dd"
    print_setup(ws)
    if plan.actions:
        status = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True)
        status.error, status.errorTitle = "请从列表中选择状态", "状态"
        ws.add_data_validation(status)
        status.add(f"F2:F{len(plan.actions) + 1}")
    notes = wb.create_sheet(NOTES_SHEET)
    for key, value in _notes(plan):
        notes.append([None, None])
        set_text(notes.cell(notes.max_row, 1), key)
        set_text(notes.cell(notes.max_row, 2), value)
        notes.cell(notes.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 90
    print_setup(notes, header_rows=0)
    return workbook_bytes(wb)


def write_tasks(plan: Plan, path: str | Path) -> None:
    """Write the task list to `path` atomically (the old file stays until the new one is whole)."""
    atomic_write_bytes(Path(path), tasks_workbook_bytes(plan))
