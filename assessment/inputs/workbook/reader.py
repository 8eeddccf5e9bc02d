"""The reader of the analyst's workbook: every value where it was typed, and what is missing.

The reader finds rows by label and columns by header text, never by position, so analysts may
reorder columns, add their own and add info rows without breaking anything. It only locates
values: every value goes into `RawInput` exactly as typed, with its file/sheet/row/column, and
`assessment.inputs.validate` does all parsing. Only structural faults (a missing sheet or
header, a duplicated id, a value without an id) are reported here, because only here is it
known what the structure should have been.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.limits import MAX_CELLS_PER_SHEET, read_limited
from assessment.inputs.model import SAMPLE_LABEL, Cell, InputError, Location, Problem, RawExtra, RawInput, RawPerson
from assessment.inputs.values import DATE_TYPES, label_key
from assessment.inputs.workbook.cells import GENERAL, NumberFormat, column_letter, date_text, is_blank
from assessment.inputs.workbook.layout import (
    ANSWER_COLUMNS,
    ANSWER_EVIDENCE,
    ANSWER_ID,
    ANSWER_NAME,
    ANSWER_REMARK,
    ANSWER_REQUIRED,
    ANSWER_VALUE,
    EQ_CATEGORY,
    EQ_ID,
    EQ_NAME,
    EQ_PRICE,
    EQ_QUANTITY,
    EQ_REQUIRED,
    EQUIPMENT_COLUMNS,
    EQUIPMENT_REQUIRED,
    INFO_HEADER,
    REQUIRED_INFO,
    ROSTER_COLUMNS,
    ROSTER_REQUIRED,
    SHEET_ANSWERS,
    SHEET_EQUIPMENT,
    SHEET_INFO,
    SHEET_ROSTER,
)
from assessment.inputs.xlsx_inspect import UNREADABLE, PackageFacts, inspect_workbook, used_range_problem
from assessment.rubric.model import Rubric


class SheetReader:
    """Collects cells and structural problems of one workbook."""

    def __init__(self, wb: Workbook, file: str, rubric: Rubric, facts: PackageFacts) -> None:
        self.wb = wb
        self.file = file
        self.rubric = rubric
        self.facts = facts
        self.problems: list[Problem] = []
        self.sheets = {label_key(name): name for name in wb.sheetnames}
        self.equipment_names = {e.id: e.name for e in rubric.equipment}

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
            self.problems.append(used_range_problem(self.file, actual, f"{get_column_letter(ws.max_column)}{ws.max_row}"))
            return None
        return ws

    def _repeated(self, ws: Worksheet, id_cell: Any, key: str, seen: dict[str, int], header: str, name: str | None) -> bool:
        """True (with a problem naming both rows) when `key` was already read on this sheet;
        otherwise remember its row. Only the first row of a repeated id is read. The problem
        names the item by its Chinese `name` when the rubric knows the id, else quotes the id."""
        if key in seen:
            named = f"「{name}」" if name is not None else f"{header}“{key}”"
            self.problems.append(
                Problem(
                    Location(self.file, ws.title, id_cell.row, column_letter(id_cell), header),
                    f"{named}重复：第{seen[key]}行与第{id_cell.row}行，只读取第{seen[key]}行，请删除重复行",
                )
            )
            return True
        seen[key] = id_cell.row
        return False

    def _uncached(self, ws: Worksheet, xl: XlCell | MergedCell) -> str | None:
        """The formula of a cell that has one but no saved result (openpyxl reads it as blank)."""
        return self.facts.uncached_formulas.get((ws.title, f"{column_letter(xl)}{xl.row}"))

    def cell(self, ws: Worksheet, xl: XlCell | MergedCell, header: str) -> Cell:
        """The raw value with its exact location, how it is displayed, and whether its format
        scales it by 100; a formula without a saved result is a problem, not a blank."""
        value = xl.value
        location = Location(self.file, ws.title, xl.row, column_letter(xl), header)
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
            return Cell(value, location, display=date_text(value))
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
                        Location(self.file, ws.title, 1, column_letter(xl), header),
                        f"表头「{header}」重复（{first}列与{column_letter(xl)}列），只读取{first}列",
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
            known = cid in self.rubric.answerable()
            if self._repeated(ws, id_cell, cid, seen, ANSWER_ID, self.rubric.answer_name(cid) if known else None):
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
        return Problem(Location(self.file, ws.title, id_cell.row, column_letter(id_cell), ANSWER_ID), message)

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
            if self._repeated(ws, id_cell, item, seen, EQ_ID, self.equipment_names.get(item)):
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
    its id and to name a repeated row; ids are otherwise passed through for validation to judge.
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
