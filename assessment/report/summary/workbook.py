"""The summary as an .xlsx workbook: one sheet per table, bold frozen Chinese header row,
changes (同比变化) shown with their sign as on the page;
every cell through `assessment.util.xlsx`, which stops Excel from evaluating text and lays
every sheet out for print (A4 landscape, one page wide, header row and 地区 column on every
page). Sample data says so, as the page does: a first sheet with `SAMPLE_WARNING`, and the
warning at the head of every printed page."""

from __future__ import annotations

from typing import Any

import pandas as pd

from assessment.report.summary.build import SAMPLE_WARNING, Summary
from assessment.report.summary.tables import DISTRICT
from assessment.util.formatting import is_change_column
from assessment.util.xlsx import print_setup, set_change, set_text, set_value, text_width, workbook_bytes

#: The first sheet of a summary of sample data.
SAMPLE_SHEET = "示例数据说明"
#: The widest a column gets (characters); longer text wraps within it.
MAX_WIDTH = 60


def summary_workbook_bytes(summary: Summary) -> bytes:
    """The summary's tables as an .xlsx: one sheet each, bold frozen Chinese header row."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    if summary.sample:
        _sample_sheet(wb.create_sheet(SAMPLE_SHEET))
    for sheet, table in summary.tables.items():
        ws = wb.create_sheet(sheet)
        _table_sheet(ws, table)
        if summary.sample:
            ws.oddHeader.center.text = SAMPLE_WARNING
            ws.oddHeader.center.color = "C00000"
    return workbook_bytes(wb)


#: Headers of a column that names a row when it leads a table (after 排名 or 编号).
NAMING = (DISTRICT, "指标")


def _key_columns(table: pd.DataFrame) -> int:
    """How many leading columns name a row (repeated on every page, frozen on screen):
    through 地区 or 指标 when one of the first two columns is, else the first column
    (a category, an item)."""
    leading = [str(c) for c in table.columns[:2]]
    named = [n for n, header in enumerate(leading, start=1) if header in NAMING]
    return max(named, default=min(1, len(table.columns)))


def _table_sheet(ws: Any, table: pd.DataFrame) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    widths = {
        n: min(MAX_WIDTH, max([text_width(str(column)), *(text_width(str(v)) for v in table[column].head(200))]) + 2)
        for n, column in enumerate(table.columns, start=1)
    }
    for n, column in enumerate(table.columns, start=1):  # district names head the heat table
        cell = ws.cell(1, n)
        set_text(cell, str(column))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(n)].width = widths[n]
    store = [set_change if is_change_column(str(column)) else set_value for column in table.columns]
    # name=None: plain tuples, since district names (开发区1, 开发区１) head columns and must
    # never become field names of a generated type.
    for r, row in enumerate(table.itertuples(index=False, name=None), start=2):
        for n, value in enumerate(row, start=1):
            cell = ws.cell(r, n)
            store[n - 1](cell, value)
            if isinstance(value, str) and text_width(value) + 2 > widths[n]:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    print_setup(ws, key_columns=_key_columns(table))


def _sample_sheet(ws: Any) -> None:
    """The warning a reader meets first: the workbook opens on it."""
    from openpyxl.styles import Alignment, Font

    cell = ws.cell(1, 1)
    set_text(cell, SAMPLE_WARNING)
    cell.font = Font(bold=True, size=14, color="C00000")
    cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.column_dimensions["A"].width = 60
    print_setup(ws, header_rows=0)
