"""The review sections of a district report, from its scores.json: 自评 beside 核定, the
复核意见 and the sentence the report opens with. Rows (lists of dicts) rather than
DataFrames, so that reading them needs no pandas (`district` frames them for the page).

Verdicts are worded by `scoring.scores_json.stated_words`, from the same `passed`, `title`
and `pending` keys the badge's `Verdict` was written from, so that the 结论 row says what
the badge says (a pending pass is 达标（待核） in both columns, never 达标（示范单位）).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from assessment.scoring.scores_json import stated_words
from assessment.util.formatting import fmt


def shown_value(value: Any) -> str:
    """A value as the reviewer reads it: 是/否, 85, 3.5; "" when not filled."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Fraction):
        return fmt(value, 4)
    return str(value)


def self_vs_reviewed(scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of the 自评 vs 核定 table from a reviewed scores.json: each category, the
    equipment part, the bonus, the total and the verdict, with both values side by side.
    Empty for a district without a review."""
    if "self" not in scores:
        return []
    before = scores["self"]
    rows = [
        {"项目": c["name"], "自评分": before["categories"][cid]["points"], "核定分": c["points"], "满分": c["max"]}
        for cid, c in scores["categories"].items()
    ]
    rows.append(
        {
            "项目": "装备建设单项",
            "自评分": before["equipment"]["points"],
            "核定分": scores["equipment"]["points"],
            "满分": scores["equipment"]["max"],
        }
    )
    bonus = scores["bonus"]
    rows.append({"项目": "加分", "自评分": before["bonus"]["points"], "核定分": bonus["points"], "满分": bonus["max"]})
    rows.append({"项目": "总得分", "自评分": before["total"], "核定分": scores["total"], "满分": scores["total_max"]})
    rows.append({"项目": "结论", "自评分": stated_words(before), "核定分": stated_words(scores), "满分": None})
    return rows


def review_opinions(scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Rows of the 复核意见 section from a reviewed scores.json: each correction (项目, 自评值,
    核定值, 得分 before → after, 更正理由, 佐证核查), then each comment on an accepted row."""
    review = scores.get("review")
    if review is None:
        return []
    rows = []
    for ch in review["changes"]:
        points = None if ch["points_before"] is None else f"{ch['points_before']:g}→{ch['points_after']:g}"
        rows.append(
            {
                "项目": ch["name"],
                "自评值": shown_value(ch["from"]) or "未填",
                "核定值": shown_value(ch["to"]),
                "得分变化": points,
                "更正理由": ch["reason"],
                "佐证核查": ch["evidence_check"],
            }
        )
    for note in review["notes"]:
        rows.append(
            {
                "项目": note["name"],
                "自评值": None,
                "核定值": "认可",
                "得分变化": None,
                "更正理由": note["comment"],
                "佐证核查": note["evidence_check"],
            }
        )
    return rows


def review_statement(scores: Mapping[str, Any]) -> str | None:
    """The sentence a report opens with when it applies a review (None without one)."""
    review = scores.get("review")
    if review is None:
        return None
    name = Path(review["file"]).name
    return (
        f"本报告按复核结果计分（核定分）：复核人{review['reviewer']}，复核日期{review['date']}，"
        f"复核文件{name}（SHA-256 {review['sha256']}），共更正{len(review['changes'])}项；"
        f"自评分{scores['self']['total']:g}分，核定分{scores['total']:g}分。"
    )
