"""The municipal review (复核) of a district's self-assessment: corrections with reasons.

A review is a list of corrections of the input, each an `Edit` at a JSON-input path with a
reason, exactly like a plan action: the reviewed input is `apply_edits(self, edits)` and
the reviewed score (核定分) is that input scored. Its JSON form:

    {"district": "龙湾区", "year": 2022, "input_sha256": "<sha256 of the self-assessment>",
     "reviewer": "…", "date": "2023-03-01",
     "changes": [{"path": "answers.s12_annual_plan", "to": false, "reason": "未见备案回执",
                  "evidence_check": "缺失"}],
     "notes": [{"path": "answers.s01_group_established", "comment": "…", "evidence_check": "齐全"}]}

`changes` are corrections (核定值 differs from, or confirms, the claim); `notes` are rows
accepted as claimed that carry a comment or an evidence verdict, so that the workbook form
(`assessment.review.workbook`) converts to JSON and back without losing anything.

Reading only locates values (`RawReview`, every value a located `Cell`); `parse_review`
judges them against the rubric and, when given, the self-assessment it reviews. It is as
strict as the input contract: same JSON hooks (duplicate keys, depth, non-finite numbers),
same value parsers, every problem collected with its location.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from assessment.inputs.edits import Edit, apply_edits, lines_at
from assessment.inputs.json_form import key_path, load_json_object
from assessment.inputs.limits import read_limited
from assessment.inputs.model import FACT_LABELS, Cell, DistrictInput, InputError, Location, Problem
from assessment.inputs.roster import roster_rate
from assessment.inputs.validate import Collector
from assessment.inputs.values import PARSERS, ValueProblem, parse_count, parse_free_text, parse_name, show, text_of
from assessment.review.evidence import EvidenceCheck, evidence_dict
from assessment.rubric.kinds import Threshold
from assessment.rubric.loader import Rubric
from assessment.rubric.queries import covering_criteria, staffing_criteria
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.scoring.scores_json import scores_dict
from assessment.util.exact import fmt, rounded
from assessment.util.fsutil import safe_dirname

TOP_KEYS = ("district", "year", "input_sha256", "reviewer", "date", "changes", "notes")
CHANGE_KEYS = ("path", "to", "reason", "evidence_check")
NOTE_KEYS = ("path", "comment", "evidence_check")
#: How a folder of reviews names a district's review (see `review_file_for`).
REVIEW_SUFFIXES = (".review.json", ".review.xlsx")
SHA256 = re.compile(r"[0-9a-f]{64}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
EXTRA_PATH = re.compile(r"extra_equipment\[(\d+)\]\.quantity")
PATH_FORMS = "应为 answers.<指标编号>、equipment.<装备编号>、staff.authorized、staff.on_duty 或 extra_equipment[序号].quantity"
STAFF_PATHS = {"staff.authorized": FACT_LABELS["authorized"], "staff.on_duty": FACT_LABELS["on_duty"]}
#: Field names as the reviewer reads them in messages.
FIELD_NAMES = {
    "district": "地区",
    "year": "年度",
    "input_sha256": "自评文件SHA-256",
    "reviewer": "复核人",
    "date": "复核日期",
}


@dataclass(frozen=True)
class Change:
    """A correction: the value at `path` is `to`, because `reason`."""

    path: str
    to: bool | int | Fraction
    reason: str
    evidence_check: str | None = None


@dataclass(frozen=True)
class Note:
    """A row accepted as claimed that carries a comment or an evidence verdict."""

    path: str
    comment: str | None = None
    evidence_check: str | None = None


@dataclass(frozen=True)
class Review:
    """A validated review; `path` and `sha256` are those of the review file itself."""

    district: str
    year: int
    input_sha256: str
    reviewer: str
    date: str
    changes: tuple[Change, ...]
    notes: tuple[Note, ...] = ()
    #: The file it was read from: not part of what the review says (a converted copy is equal).
    path: str = field(default="<memory>", compare=False)
    sha256: str = field(default="", compare=False)

    def edits(self, inp: DistrictInput) -> tuple[Edit, ...]:
        """The changes as edits of `inp` (old = the self-assessed value)."""
        return tuple(Edit(c.path, current_value(inp, c.path), c.to) for c in self.changes)


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class Target:
    """A path a review may correct: its Chinese name and how its value is read."""

    path: str
    name: str
    parse: Callable[[Cell], Any]
    kind: str  # flag, rate, count, number (the input contract's answer types)


def _count_at_least(minimum: int) -> Callable[[Cell], int]:
    return lambda cell: parse_count(cell, minimum)


def targets(rubric: Rubric, inp: DistrictInput | None) -> dict[str, Target]:
    """Every correctable path, in the order the review workbook lists them.

    Answers (criteria and veto items), then staff, then equipment lines (named items, then
    the district's extra rows, which exist only when the input is known).
    """
    out: dict[str, Target] = {}
    vetoes = {v.id: v.name for v in rubric.veto.items}
    for cid, kind in rubric.answerable().items():
        name = rubric.criteria[cid].name if cid in rubric.criteria else vetoes[cid]
        out[f"answers.{cid}"] = Target(f"answers.{cid}", name, PARSERS[kind], kind)
    for path, label in STAFF_PATHS.items():
        out[path] = Target(path, label, _count_at_least(1), "count")
    for spec in rubric.equipment:
        out[f"equipment.{spec.id}"] = Target(f"equipment.{spec.id}", spec.name, parse_count, "count")
    for i, extra in enumerate(inp.extra_equipment if inp is not None else ()):
        path = f"extra_equipment[{i}].quantity"
        out[path] = Target(path, extra.name, parse_count, "count")
    return out


def current_value(inp: DistrictInput, path: str) -> Any:
    """The self-assessed value at `path` (None = not filled)."""
    head, _, key = path.partition(".")
    if head == "answers":
        return inp.answers.get(key)
    if head == "equipment":
        return inp.equipment.get(key)
    if path == "staff.authorized":
        return inp.authorized
    if path == "staff.on_duty":
        return inp.on_duty
    extra = EXTRA_PATH.fullmatch(path)
    if extra:
        return inp.extra_equipment[int(extra[1])].quantity
    raise ValueError(f"unknown review path {path!r}")


def shown_value(value: Any) -> str:
    """A value as the reviewer reads it: 是/否, 85, 3.5; "" when not filled."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Fraction):
        return fmt(value, 4)
    return str(value)


def plain_value(value: Any) -> Any:
    """A value in its JSON form (exact decimals as int or float, like jsonio)."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


# --------------------------------------------------------------------------- raw form


@dataclass
class RawRow:
    """One reviewed path as typed: `changed` when a 核定值 / `to` was given."""

    path: Cell
    to: Cell | None
    reason: Cell | None
    evidence_check: Cell | None
    changed: bool


@dataclass
class RawReview:
    """Everything a reader found, before any value is trusted."""

    path: str
    sha256: str
    fields: dict[str, Cell] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Where a missing header field would have been (a JSON object or an info sheet).
    where: Location | None = None


def parse_json_review(text: bytes, path: str) -> RawReview:
    """Raw cells of a review in JSON, refusing what jsonio refuses for an input."""
    raw = RawReview(path=path, sha256=hashlib.sha256(text).hexdigest(), where=Location(path, json_path="$"))
    data, repeated = load_json_object(text, path, "复核数据")
    raw.problems.extend(repeated)

    def cell(value: Any, json_path: str) -> Cell:
        return Cell(value, Location(path, json_path=json_path))

    for key in sorted(set(data) - set(TOP_KEYS)):
        raw.problems.append(Problem(Location(path, json_path=key_path("$", key)), f"未知字段“{key}”"))
    for key in FIELD_NAMES:
        if key in data:
            raw.fields[key] = cell(data[key], f"$.{key}")
    for key, keys, changed in (("changes", CHANGE_KEYS, True), ("notes", NOTE_KEYS, False)):
        items = data.get(key)
        if items is None:
            if changed:
                raw.problems.append(Problem(Location(path, json_path="$.changes"), "缺少更正列表“changes”（没有更正时写 []）"))
            continue
        if not isinstance(items, list):
            raw.problems.append(Problem(Location(path, json_path=f"$.{key}"), "应为数组（[…]）"))
            continue
        for i, item in enumerate(items):
            base = f"$.{key}[{i}]"
            if not isinstance(item, dict):
                raw.problems.append(Problem(Location(path, json_path=base), "应为对象（{…}）"))
                continue
            for k in sorted(set(item) - set(keys)):
                raw.problems.append(Problem(Location(path, json_path=key_path(base, k)), f"未知字段“{k}”"))
            located = {k: cell(v, f"{base}.{k}") for k, v in item.items()}
            raw.rows.append(
                RawRow(
                    path=located.get("path", cell(None, f"{base}.path")),
                    to=located.get("to") if changed else None,
                    reason=located.get("reason" if changed else "comment"),
                    evidence_check=located.get("evidence_check"),
                    changed=changed,
                )
            )
            if changed and "to" not in item:
                raw.problems.append(Problem(Location(path, json_path=f"{base}.to"), "缺少核定值“to”"))
    return raw


# --------------------------------------------------------------------------- validation


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
    cid = path.removeprefix("answers.")
    rule = rubric.criteria[cid].rule if path.startswith("answers.") and cid in rubric.criteria else None
    return (
        isinstance(rule, Threshold)
        and rule.roster is not None
        and inp is not None
        and inp.roster is not None
        and roster_rate(rule.roster, inp.roster) is not None
    )


def parse_review(raw: RawReview, rubric: Rubric, inp: DistrictInput | None = None) -> Review:
    """The trusted review, or InputError listing every problem with its location.

    With `inp` (the self-assessment it reviews) the review must name its district and year
    and carry its sha256, and extra equipment rows are known; without it (converting a
    review between forms) only what the rubric knows is checked.
    """
    c = Collector(raw.problems, raw.where or Location(raw.path))
    f = raw.fields
    district = c.parse(f.get("district"), parse_name, "地区（district）")
    year = c.parse(f.get("year"), parse_count, "年度（year）")
    sha = c.parse(f.get("input_sha256"), _sha256, "自评文件SHA-256（input_sha256）")
    reviewer = c.parse(f.get("reviewer"), parse_name, "复核人（reviewer）")
    date = c.parse(f.get("date"), _date, "复核日期（date）")
    if inp is not None:
        if district is not None and district != inp.district:
            c.add(f["district"].location, f"复核的地区为“{district}”，与自评文件的地区“{inp.district}”不符")
        if year is not None and year != inp.year:
            c.add(f["year"].location, f"复核的年度为{year}，与自评文件的年度{inp.year}不符")
        if sha is not None and sha != inp.sha256:
            c.add(
                f["input_sha256"].location,
                f"复核针对的自评文件SHA-256为{sha}，与所给自评文件{inp.path}（{inp.sha256}）不符："
                "自评文件在复核后被修改过，或复核对应的不是这份文件",
            )

    known = targets(rubric, inp)
    extras_unknown = inp is None
    changes: list[Change] = []
    notes: list[Note] = []
    seen: dict[str, Location] = {}
    for row in raw.rows:
        path = c.parse(row.path, parse_name, "路径（path）")
        if path is None:
            continue
        path = text_of(path)
        target = known.get(path)
        if target is None and not (extras_unknown and EXTRA_PATH.fullmatch(path)):
            c.add(row.path.location, f"未知的路径“{path}”：{PATH_FORMS}")
            continue
        if path in seen:
            c.add(row.path.location, f"路径“{path}”重复出现（{seen[path].describe()}），每项只能复核一次")
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


def read_raw_review(path: Path, rubric: Rubric) -> RawReview:
    """Raw cells of a review file (.json or .xlsx), or InputError when unreadable."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem(Location(str(path)), "复核文件不存在")])
    if suffix == ".json":
        return parse_json_review(read_limited(path), str(path))
    if suffix in (".xlsx", ".xlsm"):
        from assessment.review.workbook import read_review_workbook

        return read_review_workbook(path, rubric)
    raise InputError([Problem(Location(str(path)), f"不支持的复核文件类型“{path.suffix}”：应为 .json 或 .xlsx")])


def load_review(path: str | Path, rubric: Rubric, inp: DistrictInput | None = None) -> Review:
    """The validated review in a file, checked against the self-assessment `inp` when given."""
    return parse_review(read_raw_review(Path(path), rubric), rubric, inp)


def reviewed_input(inp: DistrictInput, review: Review) -> DistrictInput:
    """The self-assessment with every correction applied (the input the 核定分 is scored on)."""
    return apply_edits(inp, review.edits(inp))


# --------------------------------------------------------------------------- JSON form


def review_to_dict(review: Review) -> dict[str, Any]:
    """The JSON form; reading it back gives an equal review (but for path and sha256)."""
    out: dict[str, Any] = {
        "district": review.district,
        "year": review.year,
        "input_sha256": review.input_sha256,
        "reviewer": review.reviewer,
        "date": review.date,
        "changes": [
            {
                "path": ch.path,
                "to": plain_value(ch.to),
                "reason": ch.reason,
                **({"evidence_check": ch.evidence_check} if ch.evidence_check is not None else {}),
            }
            for ch in review.changes
        ],
    }
    if review.notes:
        out["notes"] = [
            {
                "path": n.path,
                **({"comment": n.comment} if n.comment is not None else {}),
                **({"evidence_check": n.evidence_check} if n.evidence_check is not None else {}),
            }
            for n in review.notes
        ]
    return out


def review_to_json(review: Review) -> str:
    return json.dumps(review_to_dict(review), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- scoring both


@dataclass(frozen=True)
class ChangeOutcome:
    """A correction with what it touched: the criteria of its path, before and after."""

    change: Change
    name: str
    old: Any
    criteria: tuple[tuple[str, str, Fraction, Fraction], ...]  # (id, name, before, after)


@dataclass(frozen=True)
class ReviewedScores:
    """The self-assessment's score (自评分) and the reviewed one (核定分), with the review."""

    review: Review
    self_result: Result
    reviewed: Result
    outcomes: tuple[ChangeOutcome, ...]


def _path_criteria(rubric: Rubric, inp: DistrictInput, path: str) -> list[str]:
    """Ids of the criteria that read the value at `path` (none for a veto item)."""
    head, _, key = path.partition(".")
    if head == "answers":
        return [key] if key in rubric.criteria else []
    if path == "staff.on_duty" or path == "staff.authorized":
        return [c.id for c in staffing_criteria(rubric)]
    line_paths = [f"equipment.{e.id}" for e in rubric.equipment] + [
        f"extra_equipment[{i}].quantity" for i in range(len(inp.extra_equipment))
    ]
    line = lines_at(rubric, inp, inp.on_duty)[line_paths.index(path)]
    return [c.id for c in covering_criteria(rubric, line)]


def score_review(rubric: Rubric, inp: DistrictInput, review: Review) -> ReviewedScores:
    """Both scores of a district: as self-assessed and as reviewed."""
    self_result = score(rubric, inp)
    reviewed = score(rubric, reviewed_input(inp, review))
    known = targets(rubric, inp)
    outcomes = []
    for ch in review.changes:
        ids = _path_criteria(rubric, inp, ch.path)
        rows = tuple(
            (cid, self_result.criteria[cid].name, self_result.criteria[cid].points, reviewed.criteria[cid].points)
            for cid in ids
        )
        outcomes.append(ChangeOutcome(ch, known[ch.path].name, current_value(inp, ch.path), rows))
    return ReviewedScores(review, self_result, reviewed, tuple(outcomes))


#: The keys of a scores dict that `self` repeats for the self-assessment.
SELF_KEYS = ("categories", "equipment", "bonus", "total", "passed", "title")


def reviewed_scores_dict(scores: ReviewedScores, base: Mapping[str, Any]) -> dict[str, Any]:
    """`base` (api.scores_dict of the reviewed result) plus `self` and `review`.

    Every existing key keeps its meaning and is computed on the reviewed values, so that
    the summary and other readers of scores.json rank by 核定分 without knowing reviews.
    """
    review = scores.review
    self_dict = scores_dict(scores.self_result)
    names = targets(scores.self_result.rubric, scores.self_result.input)
    out = dict(base)
    out["self"] = {k: self_dict[k] for k in SELF_KEYS}
    out["review"] = {
        "reviewer": review.reviewer,
        "date": review.date,
        "file": review.path,
        "sha256": review.sha256,
        "input_sha256": review.input_sha256,
        "changes": [
            {
                "path": o.change.path,
                "name": o.name,
                "criterion_id": o.criteria[0][0] if o.criteria else None,
                "criterion": o.criteria[0][1] if o.criteria else o.name,
                "from": plain_value(o.old),
                "to": plain_value(o.change.to),
                "reason": o.change.reason,
                "evidence_check": o.change.evidence_check,
                "points_before": rounded(o.criteria[0][2]) if o.criteria else None,
                "points_after": rounded(o.criteria[0][3]) if o.criteria else None,
                "criteria": [
                    {"id": cid, "name": name, "points_before": rounded(a), "points_after": rounded(b)}
                    for cid, name, a, b in o.criteria
                ],
            }
            for o in scores.outcomes
        ],
        "notes": [
            {"path": n.path, "name": names[n.path].name, "comment": n.comment, "evidence_check": n.evidence_check}
            for n in review.notes
        ],
    }
    out["provenance"] = {**out["provenance"], "review": review.path, "review_sha256": review.sha256}
    return out


def review_scores_dict(rubric: Rubric, inp: DistrictInput, review: Review) -> dict[str, Any]:
    """The scores.json form of a reviewed district: today's keys on the reviewed values,
    plus `self` (the self-assessment's categories, equipment, bonus, total, passed, title)
    and `review` (reviewer, date and, per change, the criterion's points before and after)."""

    scores = score_review(rubric, inp, review)
    return reviewed_scores_dict(scores, scores_dict(scores.reviewed))


def district_scores(
    rubric: Rubric, inp: DistrictInput, review: Review | None = None, evidence: EvidenceCheck | None = None
) -> dict[str, Any]:
    """The whole scores.json of one district: reviewed when a review is given (`self` and
    `review` added), and with an `evidence` record when its evidence was checked.

    `evidence` should be `check_evidence(score(rubric, inp), folder)`: evidence is judged
    against the points the district claimed, not the reviewed ones.
    """
    out = review_scores_dict(rubric, inp, review) if review is not None else scores_dict(score(rubric, inp))
    if evidence is not None:
        out["evidence"] = evidence_dict(evidence)
        out["provenance"] = {**out["provenance"], "evidence_count": evidence.count}
    return out


def manifest_record(scores: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch manifest records per district about provenance: the self-assessment's
    and the review's sha256 and the evidence count (None when not checked)."""
    provenance = scores["provenance"]
    return {
        "input_sha256": provenance["input_sha256"],
        "review_sha256": provenance.get("review_sha256"),
        "review": provenance.get("review"),
        "evidence_count": provenance.get("evidence_count"),
    }


def review_file_for(folder: Path, district: str) -> Path | None:
    """A district's review in a folder of reviews: `<district>.review.json` or `.review.xlsx`
    (the district name made safe as a file name), or None when it has none; both at once
    are refused, since either could be the one that counts."""
    found = [p for p in (Path(folder) / f"{safe_dirname(district)}{s}" for s in REVIEW_SUFFIXES) if p.is_file()]
    if len(found) > 1:
        raise InputError([Problem(Location(str(found[0])), f"同时存在{found[0].name}和{found[1].name}，请只保留一份复核文件")])
    return found[0] if found else None
