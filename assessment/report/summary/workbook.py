"""The summary as an .xlsx workbook: one sheet per table, bold frozen Chinese header row;
every cell through `assessment.util.xlsx`, which stops Excel from evaluating text."""

from __future__ import annotations

from assessment.report.summary.build import Summary
from assessment.util.xlsx import set_text, set_value, workbook_bytes


def summary_workbook_bytes(summary: Summary) -> bytes:
    """The summary's tables as an .xlsx: one sheet each, bold frozen Chinese header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, table in summary.tables.items():
        ws = wb.create_sheet(sheet)
        for n, column in enumerate(table.columns, start=1):  # district names head the heat table
            cell = ws.cell(1, n)
            set_text(cell, str(column))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        # name=None: plain tuples, since district names (开发区1, 开发区１) head columns and must
        # never become field names of a generated type.
        for r, row in enumerate(table.itertuples(index=False, name=None), start=2):
            for n, value in enumerate(row, start=1):
                set_value(ws.cell(r, n), value)
        ws.freeze_panes = "A2"
        for n, column in enumerate(table.columns, start=1):
            longest = max([_width(str(column)), *(_width(str(v)) for v in table[column].head(200))])
            ws.column_dimensions[get_column_letter(n)].width = min(60, longest + 2)
    return workbook_bytes(wb)


def _width(text: str) -> int:
    """Columns an Excel cell needs: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
