"""The reader of the review workbook: every value the reviewer typed, where it was typed.

Reading reuses the input workbook's reader (limits, header lookup by text, located cells,
formulas without saved results) and yields a `RawReview`, judged by
`assessment.review.parse.parse_review`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from assessment.inputs.limits import read_limited
from assessment.inputs.model import Cell, Location, Problem
from assessment.inputs.values import label_key
from assessment.inputs.workbook import SheetReader, is_blank, open_workbook
from assessment.review.model import RawReview, RawRow
from assessment.review.workbook_layout import (
    CHECK_MISSING,
    EDITABLE,
    INFO_ROWS,
    R_CHECK,
    R_HINT,
    R_ID,
    R_OPINION,
    R_REVIEWED,
    R_SELF,
    REVIEW_COLUMNS,
    REVIEW_REQUIRED,
    SHEET_REVIEW,
    SHEET_REVIEW_INFO,
)
from assessment.rubric.model import Rubric


def _suggestion_only(cells: dict[str, Cell], row: tuple[Any, ...], columns: dict[str, int]) -> bool:
    """Whether a row holds only what the template pre-filled: 佐证核查 still the suggested
    缺失 of a row the template flagged (核查提示), with no 核定值 and no 复核意见."""
    if R_HINT not in columns or is_blank(row[columns[R_HINT]].value):
        return False
    check = cells[R_CHECK].value
    return (cells[R_REVIEWED].blank and cells[R_OPINION].blank and isinstance(check, str)
            and label_key(check) == CHECK_MISSING)


def read_review_workbook(path: Path, rubric: Rubric) -> RawReview:
    """Every value of a review workbook with its location, plus structural problems."""
    file = str(path)
    data = read_limited(path)
    wb, facts = open_workbook(data, file)
    raw = RawReview(path=file, sha256=hashlib.sha256(data).hexdigest(), where=Location(file, sheet=SHEET_REVIEW_INFO))
    reader = SheetReader(wb, file, rubric, facts)
    info = reader.sheet(SHEET_REVIEW_INFO)
    if info is not None:
        fields = {label: key for label, (key, _, _) in INFO_ROWS.items() if key is not None}
        for label_cell, value_cell in info.iter_rows(min_row=2, max_col=2):
            label = None if is_blank(label_cell.value) else label_key(label_cell.value)
            if label in fields:
                raw.fields[fields[label]] = reader.cell(info, value_cell, label)
    ws = reader.sheet(SHEET_REVIEW)
    if ws is not None:
        columns = reader.headers(ws, [c.header for c in REVIEW_COLUMNS], REVIEW_REQUIRED)
        if all(h in columns for h in REVIEW_REQUIRED):
            recorded: dict[str, object] = {}
            for row in ws.iter_rows(min_row=2):
                id_cell = row[columns[R_ID]]
                if R_SELF in columns and isinstance(id_cell.value, str) and id_cell.value.strip():
                    value = row[columns[R_SELF]].value
                    recorded[id_cell.value.strip()] = None if is_blank(value) else value
                cells = {h: reader.cell(ws, row[columns[h]], h) for h in EDITABLE}
                if all(c.blank for c in cells.values()) or _suggestion_only(cells, row, columns):
                    continue
                if is_blank(id_cell.value):
                    reader.problems.append(
                        Problem(
                            Location(file, ws.title, id_cell.row, get_column_letter(id_cell.column), R_ID),
                            "有复核内容但缺少编号，无法确定复核的是哪一项",
                        )
                    )
                    continue
                to = cells[R_REVIEWED]
                raw.rows.append(
                    RawRow(
                        path=reader.cell(ws, id_cell, R_ID),
                        to=None if to.blank else to,
                        reason=None if cells[R_OPINION].blank else cells[R_OPINION],
                        evidence_check=None if cells[R_CHECK].blank else cells[R_CHECK],
                        changed=not to.blank,
                    )
                )
            if any(v is not None for v in recorded.values()):
                raw.recorded = recorded
    raw.problems.extend(reader.problems)
    return raw
