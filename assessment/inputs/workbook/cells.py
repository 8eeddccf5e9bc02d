"""What a read cell looks like to the analyst: blank or not, its number format, its date text.

Validation judges a value by what the analyst saw in the cell (85% typed as 0.85 in a percent
cell, a date shown as 2024-03-31), so the reader records each value's display alongside it.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from assessment.inputs.values import plain_number


def is_blank(value: Any) -> bool:
    """Whether a cell counts as empty: no value, or only whitespace."""
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


def date_text(value: datetime.date | datetime.time | datetime.timedelta) -> str:
    """A date cell as shown: 2024-03-31, 2024-03-31 08:30, 08:30:00."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.time() != datetime.time() else "%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def column_letter(xl: XlCell | MergedCell) -> str:
    """Column letter of any cell; merged-over cells (common in 佐证材料) lack `column_letter`."""
    return get_column_letter(xl.column)
