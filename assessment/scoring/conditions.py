"""The pass rule (达标) as data: each condition is `measure op threshold` from the rubric.

Comparisons are exact and follow reading r1: "高于" is strictly greater (a category at
exactly 80% of its maximum fails), "达到…以上" is greater or equal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from fractions import Fraction

from assessment.rubric.model import Condition, Rubric
from assessment.scoring.figures import CategoryResult, ConditionResult, PartResult
from assessment.util.formatting import fmt

OPS: dict[str, tuple[Callable[[Fraction, Fraction], bool], str]] = {
    "gt": (operator.gt, ">"),
    "ge": (operator.ge, "≥"),
    "eq": (operator.eq, "="),
}


def _category_share(
    cond: Condition, categories: dict[str, CategoryResult]
) -> tuple[Fraction, bool, str, tuple[str, ...]]:
    test, sign = OPS[cond.op]
    cats = [c for c in categories.values() if c.part == cond.part]
    failing = tuple(c.id for c in cats if not test(c.share, cond.threshold))
    lowest = min(cats, key=lambda c: c.share)
    if failing:
        names = "、".join(
            f"{categories[i].name}{fmt(categories[i].points)}/{fmt(categories[i].max)}分"
            f"（{fmt(categories[i].share * 100)}%）"
            for i in failing
        )
        detail = f"未达到：{names}"
    else:
        detail = f"各类别均{sign}{fmt(cond.threshold * 100)}%，最低为{lowest.name}{fmt(lowest.share * 100)}%"
    return lowest.share, not failing, detail, failing


def evaluate_conditions(
    rubric: Rubric,
    categories: dict[str, CategoryResult],
    parts: dict[str, PartResult],
    total: Fraction,
    veto: tuple[str, ...],
) -> tuple[ConditionResult, ...]:
    """Every pass condition with its value, bar and outcome."""
    out = []
    for cond in rubric.conditions:
        test, sign = OPS[cond.op]
        failing: tuple[str, ...] = ()
        if cond.measure == "category_share":
            value, met, detail, failing = _category_share(cond, categories)
        else:
            if cond.measure == "part_total":
                value = parts[cond.part].points  # type: ignore[index]
                label = parts[cond.part].name  # type: ignore[index]
            elif cond.measure == "total":
                value, label = total, "总得分"
            else:
                value, label = Fraction(len(veto)), "否决情形"
                failing = veto
            met = test(value, cond.threshold)
            verdict = "满足" if met else "不满足"
            detail = f"{label}{fmt(value)}，要求{sign}{fmt(cond.threshold)}，{verdict}"
            if cond.measure == "veto_count" and veto:
                names = {v.id: v.name for v in rubric.veto.items}
                detail = "存在否决情形：" + "；".join(names[v] for v in veto)
        out.append(ConditionResult(cond.id, cond.name, cond.op, cond.threshold, value, met, detail, failing))
    return tuple(out)
