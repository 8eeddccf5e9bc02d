"""Judging a raw review: every value parsed, every path checked, bound to its self-assessment.

`parse_review` is as strict as the input contract: same value parsers, every problem
collected with its location. Given the self-assessment it reviews, a review must name its
district and year and carry the sha256 of that self-assessment's content (the canonical JSON
form, `json_form.content_sha256`), so that a review can never be applied to a self-assessment
changed after it was reviewed, while re-saving the workbook in another program or converting
it to JSON keeps the review valid. Reviews written before carry the sha256 of the file's
bytes; that is still accepted (the bundled samples and reviews already handed out stay valid).
A review that also records the content it reviewed (`input`, the JSON form, or a review
workbook's locked 自评值 column) is refused with every field that differs named.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from assessment.inputs.edits import parse_path, value_at
from assessment.inputs.json_form import content_sha256, flat_input, input_to_dict
from assessment.inputs.model import Cell, DistrictInput, InputError, Location
from assessment.inputs.roster import roster_rate
from assessment.inputs.validate import Collector
from assessment.inputs.values import ValueProblem, parse_count, parse_district, parse_free_text, parse_name, show, text_of
from assessment.review.model import Change, Note, RawReview, Review, cell_value
from assessment.review.targets import PATH_FORMS, is_extra_quantity, targets
from assessment.rubric.model import Rubric

SHA256 = re.compile(r"[0-9a-f]{64}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _sha256(cell: Cell) -> str:
    text = text_of(cell.value).lower() if isinstance(cell.value, str) else ""
    if SHA256.fullmatch(text) is None:
        raise ValueProblem(f"应为64位十六进制的SHA-256值，实际为{show(cell.value)}")
    return text


def _date(cell: Cell) -> str:
    value = cell.value
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = text_of(value) if isinstance(value, str) else ""
    try:
        if ISO_DATE.fullmatch(text) is None:
            raise ValueError(text)
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueProblem(f"应为日期，格式如2023-03-01，实际为{show(value)}") from None


def _roster_computed(rubric: Rubric, inp: DistrictInput | None, path: str) -> bool:
    """Whether the answer at `path` is ignored because the roster computes it."""
    cid = parse_path(path).criterion_id
    measure = rubric.criteria[cid].rule.roster_measure() if cid is not None and cid in rubric.criteria else None
    return measure is not None and inp is not None and inp.roster is not None and roster_rate(measure, inp.roster) is not None


def _field_name(rubric: Rubric, inp: DistrictInput, path: str) -> str:
    """A field of the input as a person knows it: the indicator or equipment name of a review
    target, else the workbook's wording for the rest (basic facts, roster, evidence lists)."""
    known = targets(rubric, inp)
    if path in known:
        return f"「{known[path].name}」"
    head, _, key = path.partition(".")
    criterion = rubric.criteria.get(key)
    label = criterion.name if criterion is not None else key
    words = {"district": "地区", "level": "级别", "year": "年度", "sample": "示例标记", "info": "基本信息",
             "evidence": "佐证材料", "remarks": "备注", "prices": "装备单价", "equipment": "装备"}
    if head.startswith("roster["):
        return f"执法人员名册第{int(head[7:-1]) + 1}行"
    if head.startswith("extra_equipment["):
        return f"其他装备第{int(head[16:-1]) + 1}行"
    return f"{words.get(head, head)}「{label}」" if key else words.get(head, head)


def _changed_fields(rubric: Rubric, inp: DistrictInput, recorded: Cell | None) -> list[str]:
    """The fields where `inp` differs from the content the review recorded (its `input`), each
    with its value then and now; empty when the review recorded none."""
    if recorded is None or not isinstance(recorded.value, dict):
        return []
    then: dict[str, Any] = flat_input(recorded.value)
    now = flat_input(input_to_dict(inp))
    out: list[str] = []
    for path in sorted(set(then) | set(now)):
        if then.get(path) != now.get(path):
            name = _field_name(rubric, inp, path)
            if path.startswith(("roster[", "extra_equipment[")):
                out.append(f"{name}有改动")  # a row is named once, not per column
            else:
                out.append(f"{name}：复核时为{_shown(then.get(path))}，现为{_shown(now.get(path))}")
    return list(dict.fromkeys(out))


def _same_cell(then: Any, now: Any) -> bool:
    """Whether a recorded 自评值 cell and the value now at its path are the same (numbers
    compared as numbers: a spreadsheet may store 3 as 3.0, text trimmed)."""
    if isinstance(then, (int, float)) and not isinstance(then, bool) and isinstance(now, (int, float)):
        return then == now
    if isinstance(then, str) and isinstance(now, str):
        return text_of(then) == text_of(now)
    return then == now


def _changed_rows(rubric: Rubric, inp: DistrictInput, recorded: dict[str, Any]) -> list[str]:
    """The rows of a review workbook whose recorded 自评值 differs from `inp` now, each with its
    value then and now; a row whose path the input no longer has is named as gone."""
    out: list[str] = []
    for path, then in recorded.items():
        try:
            now = cell_value(value_at(inp, path))
        except (KeyError, IndexError, ValueError):
            out.append(f"{_field_name(rubric, inp, path)}：复核时为{_shown_cell(then)}，现已不存在")
            continue
        if not _same_cell(then, now):
            out.append(f"{_field_name(rubric, inp, path)}：复核时为{_shown_cell(then)}，现为{_shown_cell(now)}")
    return out


def _shown_cell(value: Any) -> str:
    """A 自评值 cell as the reviewer saw it: 是/否 bare, like the JSON form's flags."""
    return value if value in ("是", "否") else _shown(value)


def _shown(value: Any) -> str:
    """A recorded value as the workbook writes it (是/否 for yes/no items)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return "（空）" if value is None else show(value)


def parse_review(raw: RawReview, rubric: Rubric, inp: DistrictInput | None = None) -> Review:
    """The trusted review, or InputError listing every problem with its location.

    With `inp` (the self-assessment it reviews) the review must name its district and year
    and carry its sha256, and extra equipment rows are known; without it (converting a
    review between forms) only what the rubric knows is checked.
    """
    c = Collector(raw.problems, raw.where or Location(raw.path))
    f = raw.fields
    district = c.parse(f.get("district"), parse_district, "地区（district）")
    year = c.parse(f.get("year"), parse_count, "年度（year）")
    sha = c.parse(f.get("input_sha256"), _sha256, "自评文件SHA-256（input_sha256）")
    reviewer = c.parse(f.get("reviewer"), parse_name, "复核人（reviewer）")
    date = c.parse(f.get("date"), _date, "复核日期（date）")
    if inp is not None:
        if district is not None and district != inp.district:
            c.add(f["district"].location, f"复核的地区为“{district}”，与自评文件的地区“{inp.district}”不符")
        if year is not None and year != inp.year:
            c.add(f["year"].location, f"复核的年度为{year}，与自评文件的年度{inp.year}不符")
        content = content_sha256(inp)
        if sha is not None and sha not in (content, inp.sha256):
            changed = _changed_fields(rubric, inp, f.get("input")) or (
                _changed_rows(rubric, inp, raw.recorded) if raw.recorded else []
            )
            c.add(
                f["input_sha256"].location,
                f"复核针对的自评内容SHA-256为{sha}，与所给自评文件{inp.path}不符"
                f"（内容SHA-256 {content}，文件SHA-256 {inp.sha256}）："
                + (f"自评文件在复核后被修改过，改动的项目：{'；'.join(changed)}" if changed
                   else "自评文件在复核后被修改过，或复核对应的不是这份文件"),
            )

    known = targets(rubric, inp)
    extras_unknown = inp is None
    changes: list[Change] = []
    notes: list[Note] = []
    seen: dict[str, Location] = {}
    for row in raw.rows:
        path = c.parse(row.path, parse_name, "编号")
        if path is None:
            continue
        path = text_of(path)
        target = known.get(path)
        if target is None and not (extras_unknown and is_extra_quantity(path)):
            c.add(row.path.location, f"未知的路径“{path}”：{PATH_FORMS}")
            continue
        if path in seen:
            named = f"「{target.name}」" if target is not None else f"编号“{path}”"
            c.add(row.path.location, f"{named}重复出现（{seen[path].describe()}），每项只能复核一次")
            continue
        seen[path] = row.path.location
        name = target.name if target is not None else path
        check = c.parse(row.evidence_check, parse_free_text, f"「{name}」的佐证核查", required=False)
        if not row.changed:
            comment = c.parse(row.reason, parse_free_text, f"「{name}」的复核意见", required=False)
            notes.append(Note(path, comment, check))
            continue
        parse = target.parse if target is not None else parse_count
        to = c.parse(row.to, parse, f"「{name}」的核定值", required=row.to is not None)
        reason = c.parse(row.reason, parse_free_text, f"「{name}」的更正理由（复核意见）", required=False)
        if row.reason is None or row.reason.blank:
            where = row.reason.location if row.reason is not None else (row.to or row.path).location
            c.add(where, f"「{name}」有核定值，但缺少更正理由（复核意见）：每项更正都须写明理由")
        if _roster_computed(rubric, inp, path):
            c.add(row.path.location, f"「{name}」由执法人员名册计算，不能直接更正；请更正名册后重新自评")
            continue
        if to is not None and reason is not None:
            changes.append(Change(path, to, reason, check))
    if c.problems or district is None or year is None or sha is None or reviewer is None or date is None:
        raise InputError(c.problems)  # each required field missing is among the problems
    return Review(
        district=district,
        year=year,
        input_sha256=sha,
        reviewer=reviewer,
        date=date,
        changes=tuple(changes),
        notes=tuple(notes),
        path=raw.path,
        sha256=raw.sha256,
    )
