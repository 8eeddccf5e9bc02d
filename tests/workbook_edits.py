"""Edits an analyst makes to a filled-in workbook, for tests that need a changed or broken input."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from assessment.inputs.workbook.layout import SHEET_INFO


def set_info(wb: Workbook, label: str, value: object) -> None:
    """Put `value` beside `label` on the basic-information sheet (基本信息)."""
    ws = wb[SHEET_INFO]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == label)
    ws.cell(row, 2).value = value


def edit_info(path: Path, label: str, value: object) -> None:
    """`set_info` on the workbook at `path`, saved in place."""
    book = openpyxl.load_workbook(path)
    set_info(book, label, value)
    book.save(path)
