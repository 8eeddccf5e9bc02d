"""The one policy for every cell and every workbook the tool writes.

Four writers (the blank template and a filled input, the review workbook, the municipal
summary, the task list) put text that came from people's files into spreadsheets that other
people open. Each cell therefore follows the same rules:

- characters XML cannot hold (NUL and other C0 controls) are dropped, since openpyxl would
  refuse to save the workbook otherwise;
- text stays text: a value starting with a formula trigger (``= + - @``, tab, carriage return)
  is stored as a string with Excel's quote prefix, so Excel, WPS and LibreOffice show it as
  typed and never evaluate it (OWASP's formula-injection advice), while its value is unchanged;
- numbers stay numbers, blanks (None, NaN, pandas NA) stay empty cells; a change keeps its
  number and shows its sign as the page does (`set_change`: +2.5, -1, 0).

And every sheet reads and prints the same in Excel, WPS and LibreOffice (`print_setup`):
wrapped cells get explicit row heights (only Excel sizes rows itself; LibreOffice and WPS
show the first line of a row with none), pages are A4 landscape, one page wide, with the
header rows (and a sheet's key columns, such as 地区) repeated on every page and frozen on
screen.

And every workbook is serialised byte for byte the same for the same content: fixed
document dates and author, fixed ZIP entry times and permissions.
"""

from __future__ import annotations

import datetime
import io
import math
import unicodedata
import zipfile
from typing import Any

from assessment.util.exact import to_fraction
from assessment.util.formatting import signed

#: What makes a spreadsheet treat typed text as a formula (or a DDE payload).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Stamped into docProps/core.xml instead of the time of writing.
FIXED_TIME = datetime.datetime(2022, 1, 1)
#: ZIP entry times (the earliest a ZIP can hold) instead of the time of writing.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CREATOR = "assessment"
#: The size of a cell font that names none (openpyxl's default style: Calibri 11).
DEFAULT_FONT_SIZE = 11.0
#: The width of a column whose width the sheet does not set (Excel's default, in characters).
DEFAULT_COLUMN_WIDTH = 8.43
#: A printed line of text, in points per point of font size: CJK fonts (Noto Sans CJK, 等线,
#: 宋体) need about 1.45 em from ascent to descent; the rest is the space between lines.
LINE_HEIGHT = 1.5
#: Space above and below the text inside a cell, in points.
CELL_PADDING = 3.0
#: The share of a column's width that text fills: cell margins and breaks between words.
FILL = 0.9


def clean_text(text: str) -> str:
    """`text` without the characters a worksheet's XML cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_text(cell: Any, text: str) -> None:
    """Store `text` as text that is shown as typed and never evaluated."""
    text = clean_text(text)
    cell.value = text
    cell.data_type = "s"
    cell.quotePrefix = text.startswith(FORMULA_TRIGGERS)


def set_value(cell: Any, value: Any) -> None:
    """Store any table value by the policy: text as `set_text`, numbers as numbers (numpy
    scalars unwrapped), dates as dates, blanks (None, NaN, pandas NA) as an empty cell."""
    if isinstance(value, str):
        set_text(cell, value)
        return
    if hasattr(value, "item") and not isinstance(value, datetime.date):  # numpy scalars
        value = value.item()
    if value is None or _is_na(value) or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
        return
    cell.value = value


def signed_format(value: Any) -> str:
    """The number format under which Excel, WPS and LibreOffice show a change exactly as
    `signed` writes it (+2.5, -1, 0): as many decimals as that text has, since a format
    with optional digits (`+0.##`) leaves Excel a dangling point ("+3.")."""
    decimals = len(signed(to_fraction(value)).partition(".")[2])
    digits = "0." + "0" * decimals if decimals else "0"
    return f"+{digits};-{digits};0"


def set_change(cell: Any, value: Any) -> None:
    """Store a change as `set_value` does, a number with its sign shown (`signed_format`)."""
    set_value(cell, value)
    if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
        cell.number_format = signed_format(cell.value)


def text_width(text: str) -> int:
    """How many columns `text` takes in a cell at the default font size: wide characters
    (CJK ideographs and punctuation, full-width forms) count two, and so do the ambiguous
    ones (“ ” · —) that Chinese fonts draw wide; the rest one."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1 for ch in text)


def line_count(text: str, width: float, size: float = DEFAULT_FONT_SIZE) -> int:
    """How many lines `text` wraps to in a column `width` characters wide at font `size`
    (points): each paragraph fills whole lines; the estimate errs towards one line more."""
    room = max(1.0, width * FILL * DEFAULT_FONT_SIZE / size)
    return sum(max(1, math.ceil(text_width(line) / room)) for line in text.split("\n"))


def row_height(lines: int, size: float = DEFAULT_FONT_SIZE) -> float:
    """The height in points of a row showing `lines` lines at font `size`."""
    return round(lines * size * LINE_HEIGHT + CELL_PADDING, 2)


def _font_size(cell: Any) -> float:
    size = cell.font.sz if cell.font is not None else None
    return float(size) if size else DEFAULT_FONT_SIZE


def fit_row_heights(ws: Any) -> None:
    """Give every row holding a wrapped cell the height its longest cell needs (`line_count`
    by the column's width and the cell's font size); rows without wrapped text keep the
    spreadsheet's default."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        needed = 0.0
        for cell in row:
            if cell.value is None or not (cell.alignment is not None and cell.alignment.wrap_text):
                continue
            column = cell.column
            if column not in widths:
                dimension = ws.column_dimensions.get(get_column_letter(column))
                widths[column] = dimension.width if dimension is not None and dimension.width else DEFAULT_COLUMN_WIDTH
            size = _font_size(cell)
            needed = max(needed, row_height(line_count(str(cell.value), widths[column], size), size))
        if needed:
            ws.row_dimensions[row[0].row].height = needed


def print_setup(ws: Any, header_rows: int = 1, key_columns: int = 0) -> None:
    """Lay `ws` out to read and print anywhere: explicit heights for wrapped rows, A4
    landscape, fit to one page wide (as many pages long as it takes), the first
    `header_rows` rows and `key_columns` columns repeated on every printed page and frozen
    on screen. Call it once the sheet's cells and column widths are written."""
    from openpyxl.utils import get_column_letter

    fit_row_heights(ws)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        ws.print_title_rows = f"1:{header_rows}"
    if key_columns:
        ws.print_title_cols = f"A:{get_column_letter(key_columns)}"
    ws.freeze_panes = f"{get_column_letter(key_columns + 1)}{header_rows + 1}"


def _is_na(value: Any) -> bool:
    """pandas.NA without importing pandas (its type is called NAType)."""
    return type(value).__name__ == "NAType"


def workbook_bytes(wb: Any) -> bytes:
    """Serialise `wb` (an openpyxl Workbook) deterministically.

    `openpyxl.save_workbook` stamps the current time into docProps/core.xml and every ZIP
    entry, which would make each regenerated file a different one; the writer is used
    directly and the archive is repacked with constant times and permissions instead.
    """
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.creator = CREATOR
    wb.properties.lastModifiedBy = CREATOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    packed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry))
    return packed.getvalue()
