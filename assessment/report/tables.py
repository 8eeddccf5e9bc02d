"""The district report's tables as pandas DataFrames (the page's HTML pieces are `html_parts`;
the municipal summary's tables are `summary.tables`).

Every function here is pure: a `Result` (or the rubric) in, a pandas DataFrame out, with
Chinese column names a reader sees as they are. Numbers are floats rounded to 2 decimals so
that tables stay sortable and comparable across districts; `styled` turns them into text
(3, 0.5, 76.67) only when a table is shown.

Strings in these tables may come from the input file (district name, extra equipment names,
warnings quoting it), so whatever shows a table as HTML must escape them: `to_html` does.
Ids appear only in 编号 columns; every other cell names things as the rubric does.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import PurePath
from typing import Any

import pandas as pd

from assessment import __version__
from assessment.report.markup import china_time, data_table
from assessment.rubric.model import Rubric
from assessment.scoring.figures import ConditionResult, CriterionResult
from assessment.scoring.result import Result
from assessment.scoring.scores_json import is_reviewed
from assessment.scoring.unscored import status
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt

YES, NO = "是", "否"
NOT_RECORDED = "未记录"
NOT_FILLED = "未填报"


def _num(value: Fraction) -> float:
    """A display number: exact value rounded to 2 decimals (sortable, unlike text)."""
    return float(round(value, 2))


def _yes(flag: bool) -> str:
    return YES if flag else NO


def _share_condition(result: Result) -> ConditionResult | None:
    measures = {c.id: c.measure for c in result.rubric.conditions}
    return next((c for c in result.conditions if measures[c.id] == "category_share"), None)


def share_column(result: Result) -> str:
    """The category table's pass column, named after the rubric's bar (是否高于80%)."""
    cond = _share_condition(result)
    if cond is None:
        return "是否达到要求"
    word = {"gt": "高于", "ge": "达到"}.get(cond.op, "等于")
    return f"是否{word}{fmt(cond.threshold * 100)}%"


def category_table(result: Result) -> pd.DataFrame:
    """The categories of the scored standard (Annex 2) with their share of the maximum.

    Only these categories carry the per-category bar of the pass rule; Annex 1 counts as
    one number (装备建设得分) and has its own table (`indicator_table`).
    """
    cond = _share_condition(result)
    failing = set(cond.failing) if cond else set()
    column = share_column(result)
    rows = [
        {
            "类别": c.name,
            "得分": _num(c.points),
            "满分": _num(c.max),
            "得分率": _num(c.share * 100),
            column: _yes(c.id not in failing),
        }
        for c in result.categories.values()
        if c.part == result.rubric.total_part
    ]
    return pd.DataFrame(rows, columns=["类别", "得分", "满分", "得分率", column])


def _part_order(rubric: Rubric) -> list[str]:
    """The scored standard (Annex 2) first, as the report reads it, then the other parts."""
    ids = [p.id for p in rubric.parts]
    return [rubric.total_part, *(i for i in ids if i != rubric.total_part)]


def indicator_table(result: Result) -> pd.DataFrame:
    """Every indicator: Annex 2 (s01…s25) then Annex 1 (e01…e13), points lost and owner."""
    part_of = {cat.id: part.id for part in result.rubric.parts for cat in part.categories}
    order = {part: n for n, part in enumerate(_part_order(result.rubric))}
    indicators = sorted(result.indicators.values(), key=lambda i: order[part_of[i.category]])
    rows = [
        {
            "编号": i.id,
            "指标": i.name,
            "得分": _num(i.points),
            "满分": _num(i.max),
            "失分": _num(i.max - i.points),
            "责任科室": i.department,
        }
        for i in indicators
    ]
    return pd.DataFrame(rows, columns=["编号", "指标", "得分", "满分", "失分", "责任科室"])


LOST_COLUMNS = ["责任科室", "编号", "指标", "评分细则", "失分", "得分说明", "佐证要求", "整改措施"]


def recoverable(result: Result) -> dict[str, Fraction]:
    """Per criterion of the scored parts, the points it could still add to the total.

    A criterion short of its own maximum adds nothing when its indicator (or its capped
    group) is already full, e.g. a county with three third prizes has s08 at 3/3 although
    its first prizes are 0: that is not a loss. So a criterion's gap is bounded by the room
    left in its group and in its indicator. Bonus criteria are left out: points not earned
    there are not lost against the 100 points of a part.
    """
    out: dict[str, Fraction] = {}
    for indicator in result.rubric.indicators():
        scored = result.indicators[indicator.id]
        room = scored.max - scored.points
        group_room: dict[str, Fraction] = {}
        for g in indicator.groups:
            members = [result.criteria[c.id].points for c in indicator.criteria if c.group == g.id]
            got = max(members, default=Fraction(0)) if g.combine == "max" else sum(members, Fraction(0))
            if g.cap is not None:
                group_room[g.id] = g.cap - min(g.cap, got)
        for c in indicator.criteria:
            gap = min(result.criteria[c.id].lost, room)
            if c.group in group_room:
                gap = min(gap, group_room[c.group])
            out[c.id] = gap
    return out


def lost_criteria(result: Result) -> list[CriterionResult]:
    """Criteria that could still add points (see `recoverable`), in rubric order."""
    gaps = recoverable(result)
    return [result.criteria[cid] for cid, gap in gaps.items() if gap > 0]


def lost_points_by_department(result: Result) -> pd.DataFrame:
    """What each department must fix: every lost criterion with its evidence and action.

    Departments are kept as the rubric states them ("办公室、执法队" is one owner: the work
    is shared, not split). The department losing most comes first; within one, rubric order.
    """
    rubric = result.rubric
    gaps = recoverable(result)
    rows: list[dict[str, Any]] = []
    for c in lost_criteria(result):
        indicator = rubric.indicator(c.indicator)
        rows.append(
            {
                "责任科室": c.department,
                "编号": c.indicator,
                "指标": indicator.name,
                "评分细则": c.name,
                "失分": gaps[c.id],
                "得分说明": c.explanation,
                "佐证要求": indicator.evidence,
                "整改措施": rubric.criteria[c.id].action,
            }
        )
    per_pair: dict[tuple[str, str], Fraction] = {}
    for row in rows:
        key = (row["责任科室"], row["编号"])
        per_pair[key] = per_pair.get(key, Fraction(0)) + row["失分"]
    lost_by_department: dict[str, Fraction] = {}
    for (department, indicator_id), total in per_pair.items():
        scored = result.indicators[indicator_id]
        bounded = min(total, scored.max - scored.points)  # criteria of one indicator share its room
        lost_by_department[department] = lost_by_department.get(department, Fraction(0)) + bounded
    rank = {d: n for n, d in enumerate(sorted(lost_by_department, key=lambda d: (-lost_by_department[d], d)))}
    rows = sorted(rows, key=lambda r: rank[r["责任科室"]])  # stable: rubric order within a department
    for row in rows:
        row["失分"] = _num(row["失分"])
    return pd.DataFrame(rows, columns=LOST_COLUMNS)


def department_totals(result: Result) -> pd.DataFrame:
    """Points lost per department (责任科室, 失分项数, 失分), most first."""
    lost = lost_points_by_department(result)
    if lost.empty:
        return pd.DataFrame(columns=["责任科室", "失分项数", "失分"])
    # Criteria of one indicator share its room: a department's loss there is at most the
    # indicator's own shortfall, however many of its criteria fell short.
    room = {i.id: float(i.max - i.points) for i in result.indicators.values()}
    per_indicator = lost.groupby(["责任科室", "编号"], sort=False)["失分"].agg(["count", "sum"]).reset_index()
    per_indicator["sum"] = [min(total, room[i]) for total, i in zip(per_indicator["sum"], per_indicator["编号"])]
    grouped = per_indicator.groupby("责任科室", sort=False)[["count", "sum"]].sum().reset_index()
    grouped.columns = ["责任科室", "失分项数", "失分"]
    grouped["失分"] = grouped["失分"].round(2)
    return grouped.sort_values("失分", ascending=False, kind="stable").reset_index(drop=True)


def equipment_shortfall(result: Result) -> pd.DataFrame:
    """Equipment below its standard quantity (an unfilled quantity counts as none)."""
    names = result.rubric.equipment_categories
    rows = [
        {
            "名称": line.name,
            "类别": names[line.category][0] if line.category in names else line.category,
            "标准数量": line.required,
            "实有数量": NOT_FILLED if line.quantity is None else line.quantity,
            "缺口": line.shortfall,
        }
        for line in result.equipment_lines
        if line.shortfall > 0
    ]
    return pd.DataFrame(rows, columns=["名称", "类别", "标准数量", "实有数量", "缺口"])


def readings_table(rubric: Rubric) -> pd.DataFrame:
    """How the rubric reads what its source leaves open (口径说明), with the reasons."""
    rows = [{"编号": r.id, "口径": r.text, "理由": r.reason} for r in rubric.readings]
    return pd.DataFrame(rows, columns=["编号", "口径", "理由"])


def unscored_table(result: Result) -> pd.DataFrame:
    """What the work plan asks without scoring it (未计分的创建要求), with its source sentence,
    owner and whether the input shows it met (else 未核实)."""
    rows = [
        {
            "编号": r.id,
            "创建要求": r.name,
            "原文": r.source,
            "出处": r.where,
            "责任科室": r.department,
            "落实情况": status(r, result.input),
        }
        for r in result.rubric.unscored
    ]
    return pd.DataFrame(rows, columns=["编号", "创建要求", "原文", "出处", "责任科室", "落实情况"])


def warnings_table(result: Result) -> pd.DataFrame:
    """Warnings of scoring (提示) and the answers that were missing and scored as none,
    each missing answer by its name (its id in 编号)."""
    rows = [{"类型": "提示", "编号": "", "内容": w} for w in result.warnings]
    rows += [
        {"类型": "未填报（按不得分计）", "编号": m, "内容": result.criteria[m].name if m in result.criteria else m}
        for m in result.missing
    ]
    return pd.DataFrame(rows, columns=["类型", "编号", "内容"])


def equipment_score(result: Result) -> tuple[Fraction, Fraction] | None:
    """(points, max) of Annex 1, the part judged on its own (装备建设单项)."""
    part = result.parts.get(result.rubric.equipment_part or "")
    return None if part is None else (part.points, part.max)


def provenance_table(result: Result, run_time: str | None, review: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What the report was computed from, so that anyone can reproduce it.

    The run time (ISO 8601, as papermill passes it) is shown in China time. `review` is
    scores.json's "review" record when the report is scored on a review (核定分): the
    review file is then as much a source as the input, so it is named here too.

    Files are named by their file name only: a full path says nothing to a reader
    elsewhere and leaks the layout of the machine that ran it; the SHA-256 identifies it.
    """
    rubric, inp = result.rubric, result.input
    rows = [
        ("评分标准", rubric.name),
        ("评分标准编号", rubric.id),
        ("评分标准版本", rubric.version),
        ("评分标准SHA-256", rubric.sha256),
        ("输入文件", PurePath(inp.path).name),
        ("输入文件SHA-256", inp.sha256),
    ]
    if review is not None:
        rows += [
            ("复核文件", PurePath(review["file"]).name),
            ("复核文件SHA-256", review["sha256"]),
            ("复核人", review["reviewer"]),
            ("复核日期", review["date"]),
        ]
    rows += [
        ("工具版本", f"assessment {__version__}"),
        ("运行时间", china_time(run_time) or NOT_RECORDED),
    ]
    return pd.DataFrame(rows, columns=["项目", "内容"])


#: The two bases of a year-over-year comparison: both years' reviewed scores, or both self-assessed.
REVIEWED_BASIS, SELF_BASIS = "核定", "自评"
BASIS_WORDS = {REVIEWED_BASIS: "核定得分", SELF_BASIS: "自评估得分"}


def self_assessed(scores: Mapping[str, Any]) -> Mapping[str, Any]:
    """A scores.json's self-assessed figures in the form of its top level (itself unless reviewed)."""
    return {**scores, **scores["self"]} if is_reviewed(scores) else scores


def comparison_basis(now_reviewed: bool, previous_reviewed: bool) -> str:
    """Like with like: 核定 with 核定 when both years were reviewed, else 自评 with 自评 (a
    reviewed score beside a self-assessed one would show the review as progress)."""
    return REVIEWED_BASIS if now_reviewed and previous_reviewed else SELF_BASIS


def comparison_label(previous: Mapping[str, Any], basis: str) -> str:
    """The sentence above the district's 与往年比较 table naming what is compared."""
    words = BASIS_WORDS[basis]
    return f"比较对象：{previous.get('district', '')} {previous.get('year', '')}年{words}（本年亦为{words}）。"


def year_over_year_table(result: Result, previous: Mapping[str, Any]) -> pd.DataFrame:
    """This year against an earlier `scores.json` of the same district: each category,
    the equipment score and the total (本年, 上年, 变化; 上年 blank when it lacks an item).
    `result` and `previous` must be on one basis (comparison_basis; `self_assessed` gives an
    earlier reviewed year's 自评)."""
    old_categories = previous.get("categories", {})
    old_equipment = (previous.get("equipment") or {}).get("points")
    rows: list[tuple[str, Fraction, Any]] = [
        (c.name, c.points, (old_categories.get(c.id) or {}).get("points"))
        for c in result.categories.values()
        if c.part == result.rubric.total_part
    ]
    equipment = equipment_score(result)
    if equipment is not None:
        rows.append(("装备建设得分", equipment[0], old_equipment))
    rows.append(("总得分", result.total, previous.get("total")))
    out = []
    for name, now, before in rows:
        old = None if before is None else to_fraction(before)
        out.append(
            {
                "项目": name,
                "本年": _num(now),
                "上年": None if old is None else _num(old),
                "变化": None if old is None else _num(now - old),
            }
        )
    return pd.DataFrame(out, columns=["项目", "本年", "上年", "变化"])


def to_html(df: pd.DataFrame, *, highlight: str | None = None) -> str:
    """A table as the page shows it (`<table class="data">`, escaped; see markup.data_table);
    rows whose `highlight` column is above zero (points lost, a shortfall) are marked `loss`."""
    return data_table(df, loss=highlight)
