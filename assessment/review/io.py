"""A review's files: its JSON form (read and written) and reading either form.

The JSON form:

    {"district": "龙湾区", "year": 2022, "input_sha256": "<sha256 of the self-assessment's content>",
     "reviewer": "…", "date": "2023-03-01",
     "changes": [{"path": "answers.s12_annual_plan", "to": false, "reason": "未见备案回执",
                  "evidence_check": "缺失"}],
     "notes": [{"path": "answers.s01_group_established", "comment": "…", "evidence_check": "齐全"}]}

It is read as strictly as an input in JSON (same hooks: duplicate keys, depth, non-finite
numbers); the workbook form is read by `assessment.review.workbook_reader`. Each file's
sha256 is recorded, so that reports say exactly which review they applied.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from assessment.inputs.json_form import key_path, load_json_object
from assessment.inputs.limits import read_limited
from assessment.inputs.model import Cell, DistrictInput, InputError, Location, Problem
from assessment.review.model import RawReview, RawRow, Review, plain_value
from assessment.review.parse import parse_review
from assessment.rubric.model import Rubric

#: The review's own facts: what it reviews, who reviewed and when.
HEADER_KEYS = ("district", "year", "input_sha256", "reviewer", "date")
#: `input`: optional, the content reviewed (the input's JSON form), so that a refused review
#: can name every field changed since (see parse_review).
TOP_KEYS = (*HEADER_KEYS, "input", "changes", "notes")
CHANGE_KEYS = ("path", "to", "reason", "evidence_check")
NOTE_KEYS = ("path", "comment", "evidence_check")


def parse_json_review(text: bytes, path: str) -> RawReview:
    """Raw cells of a review in JSON, refusing what `assessment.inputs.json_form` refuses for an input."""
    raw = RawReview(path=path, sha256=hashlib.sha256(text).hexdigest(), where=Location(path, json_path="$"))
    data, repeated = load_json_object(text, path, "复核数据")
    raw.problems.extend(repeated)

    def cell(value: Any, json_path: str) -> Cell:
        return Cell(value, Location(path, json_path=json_path))

    for key in sorted(set(data) - set(TOP_KEYS)):
        raw.problems.append(Problem(Location(path, json_path=key_path("$", key)), f"未知字段“{key}”"))
    for key in (*HEADER_KEYS, "input"):
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


def read_raw_review(path: Path, rubric: Rubric) -> RawReview:
    """Raw cells of a review file (.json or .xlsx), or InputError when unreadable."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem(Location(str(path)), "复核文件不存在")])
    if suffix == ".json":
        return parse_json_review(read_limited(path), str(path))
    if suffix in (".xlsx", ".xlsm"):
        from assessment.review.workbook_reader import read_review_workbook  # openpyxl only for workbooks

        return read_review_workbook(path, rubric)
    raise InputError([Problem(Location(str(path)), f"不支持的复核文件类型“{path.suffix}”：应为 .json 或 .xlsx")])


def load_review(path: str | Path, rubric: Rubric, inp: DistrictInput | None = None) -> Review:
    """The validated review in a file, checked against the self-assessment `inp` when given."""
    return parse_review(read_raw_review(Path(path), rubric), rubric, inp)


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
