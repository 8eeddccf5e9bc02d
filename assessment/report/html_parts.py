"""The pieces of a page, as HTML strings in the page's class contract: the head,
the verdict badge, the conditions, the row of key figures, notes, banners and the 失分清单
per department, for the district report and the municipal summary.

The page template (`publish.html`) styles these classes; this module only says what each
piece is: `report-head`, `verdict verdict-pass|verdict-fail|verdict-pending`, `figures`,
`conditions` (`met`/`unmet`), `<table class="data">` (`num` cells, `loss` rows, `id`
columns; see `markup`), `department`, `sample-banner`, `note`. Every text that may come
from an input file (district names, extra equipment, warnings quoting it) is escaped here,
so a notebook can display the result as it is. The verdict is the Result's own
(`Result.verdict`): no piece judges it again.
"""

from __future__ import annotations

from collections.abc import Sequence

from assessment.inputs.model import BASIC_INFO, LEVEL_NAMES
from assessment.report.markup import cell_text, data_table, esc
from assessment.report.tables import department_totals, equipment_score, lost_criteria, lost_points_by_department
from assessment.scoring.result import Result
from assessment.util.formatting import fmt

REPORT_TITLE = "生态环境保护综合行政执法机构规范化建设自评估报告"


def head(title: str, meta: Sequence[str], info: Sequence[str] = ()) -> str:
    """The page's one title, its meta line (地区 · 年度 · 层级) and, when given, a line of
    who filed it (填报单位 · 填报人 · 联系电话 · 填报日期)."""
    line = " · ".join(esc(m) for m in meta)
    filed = f'<p class="report-meta">{" · ".join(esc(i) for i in info)}</p>' if info else ""
    return (
        f'<header class="report-head"><h1 class="report-title">{esc(title)}</h1>'
        f'<p class="report-meta">{line}</p>{filed}</header>'
    )


def report_head(result: Result) -> str:
    """The report's head: the district's facts, then its 基本信息 as filled in (the template
    promises 报告中将一并列出)."""
    inp = result.input
    info = [f"{BASIC_INFO[key]}：{value}" for key, value in inp.basic_info.items() if value]
    return head(REPORT_TITLE, [inp.district, f"{inp.year}年", LEVEL_NAMES.get(inp.level, inp.level)], info)


def sample_banner(text: str) -> str:
    return f'<div class="sample-banner">{esc(text)}</div>'


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def figures(items: Sequence[tuple[str, str]]) -> str:
    """A row of key figures, each a (value, label) pair."""
    cells = "".join(
        f'<div class="figure"><div class="figure-value">{esc(v)}</div><div class="figure-label">{esc(label)}</div></div>'
        for v, label in items
    )
    return f'<div class="figures">{cells}</div>'


def verdict_badge(result: Result) -> str:
    """The verdict as the page shows it: `verdict verdict-pass|pending|fail` and its words."""
    verdict = result.verdict
    return f'<span class="verdict verdict-{verdict.state}">{esc(verdict.words)}</span>'


def pending_note(result: Result) -> str | None:
    """Why the pass is 达标（待核） (see `scoring.pending`), or None when it is not."""
    pending = result.verdict.pending_pass
    return None if pending is None else note(pending.note)


def conditions_list(result: Result) -> str:
    """The pass rule's conditions marked √/× (GB2312's check and cross, which the embedded
    font has: ✓ and ✗ it lacks would be drawn by whatever font the machine has, or as boxes);
    with a pending verdict, each also says whether it holds without the unverified base points."""
    verdict = result.verdict
    pending = verdict.pending_pass
    items = []
    for c in verdict.conditions:
        text = f"{'√' if c.met else '×'} {c.name}：{c.detail}"
        if pending is not None:
            again = pending.conditions_without_base[c.id]
            text += f"（不计{pending.unverified}基础分：{'仍满足' if again.met else '不满足'}）"
        items.append(f'<li class="{"met" if c.met else "unmet"}">{esc(text)}</li>')
    return f'<ul class="conditions">{"".join(items)}</ul>'


def report_figures(result: Result) -> str:
    """The row under the verdict: total, equipment, lowest category share, lost criteria
    and, for a pending pass, the standard items the ledger does not list."""
    rows = [(fmt(result.total), f"总得分（满分{fmt(result.total_max)}，含加分{fmt(result.bonus)}）")]
    equipment = equipment_score(result)
    if equipment is not None:
        rows.append((fmt(equipment[0]), f"装备建设得分（满分{fmt(equipment[1])}）"))
    standard = [c for c in result.categories.values() if c.part == result.rubric.total_part]
    if standard:
        lowest = min(standard, key=lambda c: c.share)
        rows.append((f"{fmt(lowest.share * 100, 1)}%", f"最低类别得分率（{lowest.name}）"))
    rows.append((str(len(lost_criteria(result))), "失分的评分细则（项）"))
    pending = result.verdict.pending_pass
    if pending is not None:
        rows.append((str(pending.unlisted), "未列入台账的标准装备（项）"))
    return figures(rows)


def department_sections(result: Result) -> str:
    """The 失分清单 as one `<h3 class="department">` and table per 责任科室, the department
    losing most first (see tables.lost_points_by_department); empty when nothing is lost."""
    lost = lost_points_by_department(result)
    totals = {r["责任科室"]: (r["失分项数"], r["失分"]) for r in department_totals(result).to_dict("records")}
    out = []
    for department, group in lost.groupby("责任科室", sort=False):
        count, points = totals[department]
        title = f"{department}：失分{cell_text(points)}分，{count}项"
        out.append(f'<h3 class="department">{esc(title)}</h3>')
        out.append(data_table(group.drop(columns=["责任科室"]), loss="失分"))
    return "\n".join(out)
