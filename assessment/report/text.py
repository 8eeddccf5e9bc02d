"""The readable Chinese text `assessment score` prints: verdict, conditions, categories,
indicators (`render_text`), and with `--review` / `--evidence` the review and evidence
sections. Column widths count CJK characters as two cells so that columns line up in a
terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from assessment.inputs.model import LEVEL_NAMES
from assessment.report.review_tables import shown_value
from assessment.review import ReviewedScores
from assessment.review.evidence import STATUS_WORDS, EvidenceCheck
from assessment.scoring.result import Result
from assessment.util.formatting import fmt, signed


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, cells: int) -> str:
    return text + " " * max(0, cells - width(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(width(str(x)) for x in col) for col in zip(headers, *rows)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(str(c), w) for c, w in zip(cells, widths)).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def render_text(result: Result) -> str:
    inp = result.input
    verdict = result.verdict
    lines = [
        f"{inp.district}  {LEVEL_NAMES[inp.level]}  {inp.year}年" + ("  【示例数据】" if inp.sample else ""),
        f"结论：{verdict.words}    总得分 {fmt(result.total)} / {fmt(result.total_max)}（含加分 {fmt(result.bonus)}）",
        "",
        "达标条件：",
    ]
    lines += [f"  {'✔' if c.met else '✘'} {c.name}：{c.detail}" for c in result.conditions]
    if verdict.pending_pass is not None:
        lines += ["", f"待核：{verdict.pending_pass.note}"]
    lines += ["", *_category_table(result)]
    lines += ["", *table(
        ["编号", "指标", "得分", "满分", "失分", "责任科室"],
        [
            [i.id, i.name, fmt(i.points), fmt(i.max), fmt(i.max - i.points) if i.points < i.max else "", i.department]
            for i in result.indicators.values()
        ],
    )]
    if result.warnings:
        lines += ["", "提示："] + [f"  - {w}" for w in result.warnings]
    return "\n".join(lines) + "\n"


def _category_table(result: Result) -> list[str]:
    """The categories part by part (附件1 装备 first, then 附件2 规范化建设标准), each under a
    line naming its annex and its total, in one table so that the columns line up."""
    groups = [
        (part, [c for c in result.categories.values() if c.part == part.id]) for part in result.rubric.parts
    ]
    header, rule, *body = table(
        ["类别", "得分", "满分", "得分率"],
        [[c.name, fmt(c.points), fmt(c.max), f"{fmt(c.share * 100, 1)}%"] for _, cats in groups for c in cats],
    )
    lines, start = [header, rule], 0
    for part, cats in groups:
        annex = part.source.split()[0]  # 附件1
        total = result.parts[part.id]
        lines.append(f"〔{annex} {part.name}：{fmt(total.points)} / {fmt(total.max)}〕")
        lines += body[start : start + len(cats)]
        start += len(cats)
    return lines


def render_review_text(scores: ReviewedScores) -> str:
    """The 复核 section of the text report: who reviewed, 自评分 → 核定分, every correction."""
    review, before, after = scores.review, scores.self_result, scores.reviewed
    lines = [
        "复核（以核定分为准）：",
        f"  复核文件：{review.path}（SHA-256 {review.sha256[:12]}…）  复核人：{review.reviewer}  复核日期：{review.date}",
        f"  自评分 {fmt(before.total)} → 核定分 {fmt(after.total)}；"
        f"自评结论 {before.verdict.words} → 核定结论 {after.verdict.words}",
    ]
    if not scores.outcomes:
        return "\n".join([*lines, "  复核认可全部自评值，无更正"]) + "\n"
    rows = []
    for o in scores.outcomes:
        points = "；".join(f"{name} {fmt(a)}→{fmt(b)}分（{signed(b - a)}）" for _, name, a, b in o.criteria) or "—"
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
