"""The readable Chinese table `assessment score` prints: verdict, conditions, categories,
indicators. Column widths count CJK characters as two cells so that columns line up in a
terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from assessment.inputs.model import LEVEL_NAMES
from assessment.scoring.pending import pending, pending_note
from assessment.scoring.result import Result
from assessment.scoring.verdict import verdict_label
from assessment.util.exact import fmt


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
    pend = pending(result) if result.passed else None
    verdict = verdict_label(result, pend)
    lines = [
        f"{inp.district}  {LEVEL_NAMES[inp.level]}  {inp.year}年" + ("  【示例数据】" if inp.sample else ""),
        f"结论：{verdict}    总得分 {fmt(result.total)} / {fmt(result.total_max)}（含加分 {fmt(result.bonus)}）",
        "",
        "达标条件：",
    ]
    lines += [f"  {'✔' if c.met else '✘'} {c.name}：{c.detail}" for c in result.conditions]
    if pend is not None:
        lines += ["", f"待核：{pending_note(result, pend)}"]
    lines += ["", *table(
        ["类别", "得分", "满分", "得分率"],
        [[c.name, fmt(c.points), fmt(c.max), f"{fmt(c.share * 100, 1)}%"] for c in result.categories.values()],
    )]
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
