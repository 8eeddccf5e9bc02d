"""HTML pieces of the district report and the municipal summary, in the page's class contract.

The page template (`html_export`) styles these classes; this module only says what each
piece is: `report-head`, `verdict verdict-pass|verdict-fail|verdict-pending`, `figures`,
`conditions` (`met`/`unmet`), `<table class="data">` (`num` cells, `loss` rows, `id`
columns), `department`, `sample-banner`, `note`. Every text that may come from an input
file (district names, extra equipment, warnings quoting it) is escaped here, so a notebook
can display the result as it is.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import pandas as pd

from assessment.inputs.model import LEVEL_NAMES
from assessment.scoring.pending import Pending, unverified_names
from assessment.scoring.result import Result
from assessment.scoring.verdict import verdict_label, verdict_state
from assessment.util.exact import fmt, to_fraction

#: China Standard Time. A fixed offset rather than the tz database: China has kept UTC+8
#: without daylight saving since 1991, and a machine without tzdata must show the same time.
CHINA_TIME = timezone(timedelta(hours=8), "北京时间")
#: Columns that hold ids; the only place a reader meets one.
ID_COLUMNS = ("编号",)
#: Columns whose numbers are percentages (shown with a % sign).
PERCENT_COLUMNS = ("得分率",)
#: Text a numeric column may hold instead of a number (still right-aligned with it).
NUMERIC_PLACEHOLDERS = ("未填报", "—", "")
REPORT_TITLE = "生态环境保护综合行政执法机构规范化建设自评估报告"


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def china_time(iso: str | None) -> str | None:
    """An ISO 8601 time as a Chinese reader writes it, in China time: `2026年11月28日 21:21`.

    A time without an offset is taken as already local (China time); None stays None; a
    text that is not ISO 8601 (a hand-passed notebook parameter) is shown as given.
    """
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA_TIME)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"


# --------------------------------------------------------------------------- tables


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool) and not pd.isna(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def cell_text(value: Any, *, percent: bool = False) -> str:
    """Cell text: numbers without trailing zeros (3, 0.5, 76.67), 是/否, blanks as empty."""
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if _is_number(value):
        text = fmt(to_fraction(value))
        return f"{text}%" if percent else text
    return str(value)


def _numeric_column(values: Iterable[Any]) -> bool:
    seen = False
    for v in values:
        if _blank(v) or (isinstance(v, str) and v in NUMERIC_PLACEHOLDERS):
            continue
        if not _is_number(v):
            return False
        seen = True
    return seen


def data_table(df: pd.DataFrame, *, loss: str | None = None) -> str:
    """A `<table class="data">`: header row in `<thead>`, numbers right-aligned (`num`),
    ids marked (`id`), and rows whose `loss` column is above zero marked `loss`.

    Written here rather than with pandas' Styler because the page needs classes on header
    cells too, and stable markup (no generated ids) keeps committed notebooks diffable.
    """
    columns = list(df.columns)
    numeric = {c: _numeric_column(df[c]) for c in columns}

    def classes(column: str) -> str:
        names = [n for n, on in (("num", numeric[column]), ("id", column in ID_COLUMNS)) if on]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{classes(c)}>{esc(c)}</th>" for c in columns)
    rows = []
    for record in df.itertuples(index=False):
        values = dict(zip(columns, record))
        lost = loss is not None and _is_number(values.get(loss)) and values[loss] > 0
        cells = "".join(
            f"<td{classes(c)}>{esc(cell_text(values[c], percent=c in PERCENT_COLUMNS))}</td>" for c in columns
        )
        rows.append(f'<tr class="loss">{cells}</tr>' if lost else f"<tr>{cells}</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# --------------------------------------------------------------------------- page pieces


def head(title: str, meta: Sequence[str]) -> str:
    """The page's one title and its meta line (地区 · 年度 · 层级)."""
    line = " · ".join(esc(m) for m in meta)
    return (
        f'<header class="report-head"><h1 class="report-title">{esc(title)}</h1>'
        f'<p class="report-meta">{line}</p></header>'
    )


def report_head(result: Result) -> str:
    inp = result.input
    return head(REPORT_TITLE, [inp.district, f"{inp.year}年", LEVEL_NAMES.get(inp.level, inp.level)])


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


def verdict_badge(result: Result, pend: Pending | None) -> str:
    state = verdict_state(result, pend)
    return f'<span class="verdict verdict-{state}">{esc(verdict_label(result, pend))}</span>'


def conditions_list(result: Result, pend: Pending | None) -> str:
    """The pass rule's conditions with ✓/✗; with a pending verdict, each also says whether
    it holds without the unverified base points."""
    items = []
    for c in result.conditions:
        text = f"{'✓' if c.met else '✗'} {c.name}：{c.detail}"
        if pend is not None:
            again = pend.conditions[c.id]
            text += f"（不计{unverified_names(result, pend)}基础分：{'仍满足' if again.met else '不满足'}）"
        items.append(f'<li class="{"met" if c.met else "unmet"}">{esc(text)}</li>')
    return f'<ul class="conditions">{"".join(items)}</ul>'


def report_figures(result: Result, pend: Pending | None) -> str:
    """The row under the verdict: total, equipment, lowest category share, lost criteria."""
    from assessment.report.tables import equipment_score, lost_criteria

    rows = [(fmt(result.total), f"总得分（满分{fmt(result.total_max)}，含加分{fmt(result.bonus)}）")]
    equipment = equipment_score(result)
    if equipment is not None:
        rows.append((fmt(equipment[0]), f"装备建设得分（满分{fmt(equipment[1])}）"))
    standard = [c for c in result.categories.values() if c.part == result.rubric.total_part]
    if standard:
        lowest = min(standard, key=lambda c: c.share)
        rows.append((f"{fmt(lowest.share * 100, 1)}%", f"最低类别得分率（{lowest.name}）"))
    rows.append((str(len(lost_criteria(result))), "失分的评分细则（项）"))
    if pend is not None:
        rows.append((str(pend.unlisted), "未列入台账的标准装备（项）"))
    return figures(rows)


def department_sections(result: Result) -> str:
    """The 失分清单 as one `<h3 class="department">` and table per 责任科室, the department
    losing most first (see tables.lost_points_by_department); empty when nothing is lost."""
    from assessment.report.tables import department_totals, lost_points_by_department

    lost = lost_points_by_department(result)
    totals = {r["责任科室"]: (r["失分项数"], r["失分"]) for r in department_totals(result).to_dict("records")}
    out = []
    for department, group in lost.groupby("责任科室", sort=False):
        count, points = totals[department]
        title = f"{department}：失分{cell_text(points)}分，{count}项"
        out.append(f'<h3 class="department">{esc(title)}</h3>')
        out.append(data_table(group.drop(columns=["责任科室"]), loss="失分"))
    return "\n".join(out)
