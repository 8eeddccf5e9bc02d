"""The review workbook: what a municipal reviewer fills in, and its reader.

    assessment review-template INPUT OUT.xlsx [--evidence DIR]

Sheet 复核 has one row per answer, staff figure and equipment line (编号 is the review path,
e.g. `answers.s12_annual_plan`): 自评值 is filled from the self-assessment and locked, and
the reviewer writes only in 核定值 (blank = accepted as claimed), 复核意见 (the reason,
required when 核定值 is filled) and 佐证核查. Sheet 复核信息 names the district, year and
the sha256 of the self-assessment reviewed, and takes the reviewer's name and the date.
Both sheets are protected (without a password: it prevents slips, not tampering; the sha256
and validation catch the rest) except for those input cells.

With `--evidence DIR`, 佐证核查 is pre-filled 缺失 where points are claimed with no evidence
listed or a listed file is missing, so that the reviewer starts there.

Reading reuses the input workbook's reader (limits, header lookup by text, located cells,
formulas without saved results) and yields a `RawReview`, judged by `review.parse_review`.
"""

from __future__ import annotations

import hashlib
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

from assessment.inputs.limits import read_limited
from assessment.inputs.model import DistrictInput, InputError, Location, Problem
from assessment.inputs.values import label_key
from assessment.inputs.workbook import (
    COMPUTED_FILL,
    HEADER_FONT,
    Column,
    SheetReader,
    body_cell,
    header_row,
    is_blank,
    list_validation,
    open_workbook,
)
from assessment.inputs.xlsx_inspect import sheet_titles
from assessment.review.corrections import RawReview, RawRow, Review, current_value, parse_review, review_to_json, targets
from assessment.review.evidence import EvidenceCheck, check_evidence, evidence_folder
from assessment.rubric.loader import Rubric
from assessment.scoring.engine import score
from assessment.util.exact import fmt
from assessment.util.fsutil import atomic_write_bytes, atomic_write_text
from assessment.util.xlsx import workbook_bytes

SHEET_REVIEW = "复核"
SHEET_REVIEW_INFO = "复核信息"
R_ID, R_NAME, R_SELF, R_REVIEWED = "编号", "指标/装备", "自评值", "核定值"
R_OPINION, R_CHECK, R_EVIDENCE, R_POINTS = "复核意见", "佐证核查", "佐证材料", "自评得分"
REVIEW_COLUMNS = (
    Column(R_ID, 34),
    Column(R_NAME, 36, wrap=True),
    Column(R_SELF, 10),
    Column(R_REVIEWED, 10, input=True),
    Column(R_OPINION, 40, wrap=True, input=True),
    Column(R_CHECK, 12, input=True),
    Column(R_EVIDENCE, 36, wrap=True),
    Column(R_POINTS, 10),
)
REVIEW_REQUIRED = (R_ID, R_REVIEWED, R_OPINION, R_CHECK)
EDITABLE = (R_REVIEWED, R_OPINION, R_CHECK)
CHECK_CHOICES = ("齐全", "缺失", "不符")
CHECK_MISSING = "缺失"

INFO_ITEM, INFO_VALUE, INFO_NOTE = "项目", "内容", "说明"
#: 复核信息 rows: label → (RawReview field, editable by the reviewer, guidance).
INFO_ROWS: dict[str, tuple[str | None, bool, str]] = {
    "地区": ("district", False, "自评文件的地区"),
    "年度": ("year", False, "评估年度"),
    "自评文件": (None, False, "所复核的自评文件名（仅供查看）"),
    "自评文件SHA-256": ("input_sha256", False, "自评文件的SHA-256；自评文件改动后本复核表不再适用"),
    "复核人": ("reviewer", True, "必填。复核人姓名"),
    "复核日期": ("date", True, "必填。如2023-03-01"),
}
GUIDE = (
    f"在「{SHEET_REVIEW}」表中逐行复核：核定值留空表示认可自评值；如需更正，填写核定值并在“复核意见”中写明理由（必填）。",
    "核定值的写法与填报工作簿相同：是/否项填“是”或“否”，百分比填0–100的数，数量填整数。",
    f"“佐证核查”可选“{'”“'.join(CHECK_CHOICES)}”或自行填写；标为“{CHECK_MISSING}”的行是自评得分但佐证材料未列出或未找到的项目，请优先核查。",
    "编号、自评值等灰色内容已锁定（工作表保护，无密码），请勿修改；核定分按核定值重新计算。",
)


# ----------------------------------------------------------------------------- writing


def _shown(value: Any) -> Any:
    """A value as a cell holds it: 是/否 for flags, a number for numbers, None when unfilled."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "denominator"):
        return int(value) if value.denominator == 1 else float(value)
    return value


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
        cell = ws.cell(row=row, column=1, value=text)
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    _protect(ws)


def _review_sheet(ws: Worksheet, rows: Sequence[dict[str, Any]]) -> None:
    header_row(ws, REVIEW_COLUMNS)
    ws.freeze_panes = "C2"
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
    flagged = {f"answers.{f.criterion_id}": f.text for f in (evidence.flags if evidence else ())}
    paths = list(known) if inp is not None else [p for p in known if p in written] + [
        p for p in written if p not in known
    ]
    rows = []
    for path in paths:
        target = known.get(path)
        to, opinion, check = written.get(path, (None, None, None))
        if check is None and path in flagged and path not in written:
            check = CHECK_MISSING
        cid = path.removeprefix("answers.")
        points = None
        if result is not None and path.startswith("answers.") and cid in result.criteria:
            r = result.criteria[cid]
            points = f"{fmt(r.points)}/{fmt(r.max)}"
        rows.append(
            {
                R_ID: path,
                R_NAME: target.name if target is not None else path,
                R_SELF: _shown(current_value(inp, path)) if inp is not None else None,
                R_REVIEWED: _shown(to),
                R_OPINION: opinion,
                R_CHECK: check,
                R_EVIDENCE: inp.evidence.get(cid) if inp is not None and path.startswith("answers.") else None,
                R_POINTS: points,
                "kind": target.kind if target is not None else "count",
            }
        )
    info = {
        "district": review.district if review else inp.district if inp else None,
        "year": review.year if review else inp.year if inp else None,
        "input_sha256": review.input_sha256 if review else inp.sha256 if inp else None,
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


# ----------------------------------------------------------------------------- reading


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
            for row in ws.iter_rows(min_row=2):
                id_cell = row[columns[R_ID]]
                cells = {h: reader.cell(ws, row[columns[h]], h) for h in EDITABLE}
                if all(c.blank for c in cells.values()):
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
    raw.problems.extend(reader.problems)
    return raw


# ----------------------------------------------------------------------------- conversion


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
    from assessment.review.corrections import read_raw_review

    review = parse_review(read_raw_review(src, rubric), rubric, inp)
    suffix = dst.suffix.lower()
    if suffix == ".json":
        atomic_write_text(dst, review_to_json(review))
    elif suffix == ".xlsx":
        atomic_write_bytes(dst, review_workbook_bytes(rubric, inp, review))
    else:
        raise InputError([Problem(Location(str(dst)), f"不支持的输出类型“{dst.suffix}”：应为 .xlsx 或 .json")])
    return review
