"""The review workbook: what a municipal reviewer fills in, and a review in either form.

    assessment review-template INPUT OUT.xlsx [--evidence DIR]

The layout is in `assessment.review.workbook_layout`. Both sheets are protected (without a
password: it prevents slips, not tampering; the sha256 and validation catch the rest) except
for the reviewer's input cells, and every cell is stored by the one xlsx cell policy.

With `--evidence DIR`, 佐证核查 is pre-filled 缺失 where points are claimed with no evidence
listed or a listed file is missing, so that the reviewer starts there.

A review converts between its JSON and workbook forms without loss (`convert_review`).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessment.inputs.edits import answer_path, parse_path, value_at
from assessment.inputs.json_form import content_sha256
from assessment.inputs.limits import read_limited
from assessment.inputs.model import DistrictInput, InputError, Location, Problem
from assessment.inputs.workbook import (
    COMPUTED_FILL,
    HEADER_FONT,
    Column,
    body_cell,
    column_number,
    header_row,
    list_validation,
)
from assessment.inputs.xlsx_inspect import sheet_titles
from assessment.review.evidence import EvidenceCheck, check_evidence, evidence_folder
from assessment.review.io import load_review, review_to_json
from assessment.review.model import Review, cell_value
from assessment.review.targets import targets
from assessment.review.workbook_layout import (
    CHECK_CHOICES,
    CHECK_MISSING,
    EDITABLE,
    GUIDE,
    INFO_ITEM,
    INFO_NOTE,
    INFO_ROWS,
    INFO_VALUE,
    R_CHECK,
    R_EVIDENCE,
    R_HINT,
    R_ID,
    R_NAME,
    R_OPINION,
    R_POINTS,
    R_REVIEWED,
    R_SELF,
    REVIEW_COLUMNS,
    SHEET_REVIEW,
    SHEET_REVIEW_INFO,
)
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.util.formatting import fmt
from assessment.util.fsutil import atomic_write_bytes, atomic_write_text
from assessment.util.xlsx import print_setup, set_text, workbook_bytes


def _unlock(cell: Any) -> None:
    cell.protection = Protection(locked=False)


def _protect(ws: Worksheet) -> None:
    """Protect a sheet (no password) while leaving column widths, filters and sorting free."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False


def _info_sheet(ws: Worksheet, values: dict[str, Any]) -> None:
    columns = (Column(INFO_ITEM, 18), Column(INFO_VALUE, 70, input=True), Column(INFO_NOTE, 50, wrap=True))
    header_row(ws, columns)
    row = 2
    for label, (key, editable, note) in INFO_ROWS.items():
        body_cell(ws, row, 1, columns[0], label).font = HEADER_FONT
        value = body_cell(ws, row, 2, columns[1], values.get(key or "file"))
        body_cell(ws, row, 3, columns[2], note)
        if editable:
            _unlock(value)
        else:
            value.fill = COMPUTED_FILL
        row += 1
    row += 1
    for text in GUIDE:
        cell = ws.cell(row=row, column=1)
        set_text(cell, text)
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    print_setup(ws)
    _protect(ws)


def _review_sheet(ws: Worksheet, rows: Sequence[dict[str, Any]]) -> None:
    header_row(ws, REVIEW_COLUMNS)
    flag_rule = list_validation(("是", "否"), R_REVIEWED)
    check_rule = list_validation(CHECK_CHOICES, R_CHECK)
    ws.add_data_validation(flag_rule)
    ws.add_data_validation(check_rule)
    for row, values in enumerate(rows, start=2):
        for index, column in enumerate(REVIEW_COLUMNS, start=1):
            cell = body_cell(ws, row, index, column, values.get(column.header))
            if column.header in EDITABLE:
                _unlock(cell)
            else:
                cell.fill = COMPUTED_FILL
            if column.header == R_REVIEWED and values["kind"] == "flag":
                flag_rule.add(cell.coordinate)
            if column.header == R_CHECK:
                check_rule.add(cell.coordinate)
    last = get_column_letter(len(REVIEW_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    print_setup(ws, key_columns=column_number(REVIEW_COLUMNS, R_NAME))
    _protect(ws)


def review_workbook_bytes(
    rubric: Rubric,
    inp: DistrictInput | None,
    review: Review | None = None,
    evidence: EvidenceCheck | None = None,
) -> bytes:
    """The review workbook: blank for `inp` (a template), or holding `review`.

    With `inp`, every correctable path has a row with its self-assessed value; without it
    (a review converted on its own) only the review's rows are written, 自评值 blank.
    `evidence` pre-fills 佐证核查 with 缺失 on flagged rows that the review does not cover.
    """
    known = targets(rubric, inp)
    result = score(rubric, inp) if inp is not None else None
    written: dict[str, tuple[Any, str | None, str | None]] = {}
    if review is not None:
        written.update({c.path: (c.to, c.reason, c.evidence_check) for c in review.changes})
        written.update({n.path: (None, n.comment, n.evidence_check) for n in review.notes})
    flagged = {answer_path(f.criterion_id): f.text for f in (evidence.flags if evidence else ())}
    paths = list(known) if inp is not None else [p for p in known if p in written] + [
        p for p in written if p not in known
    ]
    rows = []
    for path in paths:
        target = known.get(path)
        to, opinion, check = written.get(path, (None, None, None))
        hint = flagged.get(path) if check is None and path not in written else None
        if hint is not None:
            check = CHECK_MISSING  # the suggestion; 核查提示 records it was the template's
        cid = parse_path(path).criterion_id
        points = None
        if result is not None and cid is not None and cid in result.criteria:
            r = result.criteria[cid]
            points = f"{fmt(r.points)}/{fmt(r.max)}"
        rows.append(
            {
                R_ID: path,
                R_NAME: target.name if target is not None else path,
                R_SELF: cell_value(value_at(inp, path)) if inp is not None else None,
                R_REVIEWED: cell_value(to),
                R_OPINION: opinion,
                R_CHECK: check,
                R_EVIDENCE: inp.evidence.get(cid) if inp is not None and cid is not None else None,
                R_POINTS: points,
                R_HINT: hint,
                "kind": target.kind if target is not None else "count",
            }
        )
    info = {
        "district": review.district if review else inp.district if inp else None,
        "year": review.year if review else inp.year if inp else None,
        "input_sha256": review.input_sha256 if review else content_sha256(inp) if inp else None,
        "file": Path(inp.path).name if inp is not None else None,
        "reviewer": review.reviewer if review else None,
        "date": review.date if review else None,
    }
    wb = Workbook()
    ws = wb.active
    assert ws is not None, "a new openpyxl workbook always has one sheet"
    ws.title = SHEET_REVIEW
    _review_sheet(ws, rows)
    _info_sheet(wb.create_sheet(SHEET_REVIEW_INFO), info)
    wb.active = 0
    return workbook_bytes(wb)


def write_review_template(
    inp: DistrictInput, rubric: Rubric, dst: Path, evidence_root: Path | None = None
) -> EvidenceCheck:
    """Write the blank review workbook of `inp` atomically; returns the evidence check used."""
    folder = evidence_folder(evidence_root, inp.district) if evidence_root is not None else None
    evidence = check_evidence(score(rubric, inp), folder)
    atomic_write_bytes(dst, review_workbook_bytes(rubric, inp, None, evidence))
    return evidence


def is_review_file(path: Path) -> bool:
    """Whether `path` holds a review rather than a district input (by shape, not by name):
    a JSON object with `changes` or `input_sha256`, or a workbook with a 复核 sheet."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(read_limited(path).decode("utf-8-sig"))
            return isinstance(data, dict) and ("changes" in data or "input_sha256" in data)
        if suffix in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(io.BytesIO(read_limited(path))) as archive:
                return SHEET_REVIEW in sheet_titles(archive).values()
    except (InputError, ValueError, RecursionError, zipfile.BadZipFile, OSError):
        return False  # unreadable: the input reader will say why
    return False


def convert_review(src: Path, dst: Path, rubric: Rubric, inp: DistrictInput | None = None) -> Review:
    """Convert a review between its JSON and workbook forms (by the destination's suffix).

    Lossless both ways: JSON → xlsx → JSON gives the same review, and a filled workbook's
    核定值, 复核意见 and 佐证核查 survive xlsx → JSON → xlsx. With the self-assessment `inp`
    the workbook lists every row with its 自评值 and the review is checked against it.
    """
    review = load_review(src, rubric, inp)
    suffix = dst.suffix.lower()
    if suffix == ".json":
        atomic_write_text(dst, review_to_json(review))
    elif suffix == ".xlsx":
        atomic_write_bytes(dst, review_workbook_bytes(rubric, inp, review))
    else:
        raise InputError([Problem(Location(str(dst)), f"不支持的输出类型“{dst.suffix}”：应为 .xlsx 或 .json")])
    return review
