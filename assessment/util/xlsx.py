"""The one policy for every cell and every workbook the tool writes.

Four writers (the blank template and a filled input, the review workbook, the municipal
summary, the task list) put text that came from people's files into spreadsheets that other
people open. Each cell therefore follows the same rules:

- characters XML cannot hold (NUL and other C0 controls) are dropped, since openpyxl would
  refuse to save the workbook otherwise;
- text stays text: a value starting with a formula trigger (``= + - @``, tab, carriage return)
  is stored as a string with Excel's quote prefix, so Excel, WPS and LibreOffice show it as
  typed and never evaluate it (OWASP's formula-injection advice), while its value is unchanged;
- numbers stay numbers, blanks (None, NaN, pandas NA) stay empty cells.

And every workbook is serialised byte for byte the same for the same content: fixed
document dates and author, fixed ZIP entry times and permissions.
"""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from typing import Any

#: What makes a spreadsheet treat typed text as a formula (or a DDE payload).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Stamped into docProps/core.xml instead of the time of writing.
FIXED_TIME = datetime.datetime(2022, 1, 1)
#: ZIP entry times (the earliest a ZIP can hold) instead of the time of writing.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CREATOR = "assessment"


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
