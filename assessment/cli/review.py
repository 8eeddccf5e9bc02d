"""The text `assessment score --review/--evidence` prints after the scores: the 复核 section
(自评分 → 核定分, every correction) and the evidence section (what was found, every 缺少佐证).
"""

from __future__ import annotations

from assessment.report.text import table
from assessment.review.corrections import ReviewedScores, shown_value, verdict_words
from assessment.review.evidence import STATUS_WORDS, EvidenceCheck
from assessment.scoring.result import Result
from assessment.util.exact import fmt


def verdict_text(result: Result) -> str:
    return verdict_words(result.passed, result.title)


def render_review_text(scores: ReviewedScores) -> str:
    """The 复核 section of the text report: who reviewed, 自评分 → 核定分, every correction."""
    review, before, after = scores.review, scores.self_result, scores.reviewed
    lines = [
        "复核（以核定分为准）：",
        f"  复核文件：{review.path}（SHA-256 {review.sha256[:12]}…）  复核人：{review.reviewer}  复核日期：{review.date}",
        f"  自评分 {fmt(before.total)} → 核定分 {fmt(after.total)}；"
        f"自评结论 {verdict_text(before)} → 核定结论 {verdict_text(after)}",
    ]
    if not scores.outcomes:
        return "\n".join([*lines, "  复核认可全部自评值，无更正"]) + "\n"
    rows = []
    for o in scores.outcomes:
        points = "；".join(f"{name} {fmt(a)}→{fmt(b)}分" for _, name, a, b in o.criteria) or "—"
        rows.append([o.name, shown_value(o.old) or "未填", shown_value(o.change.to), points, o.change.reason])
    shown = table(["项目", "自评值", "核定值", "得分变化", "更正理由"], rows)
    return "\n".join([*lines, "", *("  " + line for line in shown)]) + "\n"


def render_evidence_text(check: EvidenceCheck) -> str:
    """The evidence section: what was found, and every 缺少佐证 flag."""
    lines = ["佐证材料："]
    if check.folder is not None:
        lines.append(f"  核查目录：{check.folder}，所列佐证{len(check.files)}项，找到{check.count}项")
        problems = {(f.name, f.status, f.note) for f in check.files if f.status != "ok"}
        lines += [
            f"  - {name}：{STATUS_WORDS[status]}" + (f"（{note}）" if note else "")
            for name, status, note in sorted(problems)
        ]
    lines += [f"  {flag.text}" for flag in check.flags]
    if len(lines) == 1:
        lines.append("  得分项均列有佐证材料")
    return "\n".join(lines) + "\n"
