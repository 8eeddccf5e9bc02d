"""A plan as report tables (pandas.DataFrame, Chinese columns): its steps, its purchases, the
recognition it leaves aside and, for a district that passes, what would raise it further.

pandas is imported inside each function: a plan is made and written without it.
"""

from __future__ import annotations

from assessment.plan.actions import EFFORT_NAMES
from assessment.plan.model import Plan
from assessment.util.exact import rounded

NATURE = {False: "自主完成", True: "需争取"}
PLAN_COLUMNS = ["步骤", "责任科室", "措施", "性质", "本步变化", "预计增分", "完成后总分", "工作量", "完成时限"]


def plan_table(plan: Plan):
    """The plan as a report table (pandas.DataFrame) with Chinese columns: each step with
    what it moves (by Chinese names), the total after it and its deadline."""
    import pandas as pd

    rows = []
    previous = plan.score_before
    for i, (a, step, total) in enumerate(zip(plan.actions, plan.details, plan.steps), start=1):
        rows.append({
            "步骤": i,
            "责任科室": a.department,
            "措施": a.text,
            "性质": NATURE[a.recognition],
            "本步变化": step.moves,
            "预计增分": rounded(total - previous),
            "完成后总分": rounded(total),
            "工作量": EFFORT_NAMES[a.effort],
            "完成时限": step.due.isoformat(),
        })
        previous = total
    return pd.DataFrame(rows, columns=PLAN_COLUMNS)


def opportunities_table(plan: Plan):
    """可争取事项: recognition the plan does not rely on, with the points each would add."""
    import pandas as pd

    rows = [{"责任科室": a.department, "可争取事项": a.text, "可增加得分": rounded(a.points)} for a in plan.opportunities]
    return pd.DataFrame(rows, columns=["责任科室", "可争取事项", "可增加得分"])


PURCHASE_COLUMNS = ["装备", "单位", "现有数量", "标准数量", "达标所需购置", "超标准加分购置", "购置合计"]


def purchase_table(plan: Plan):
    """The plan's equipment purchases: what meets the standard apart from what is bought
    above it for extra points, per item (standard at the plan's final headcount)."""
    import pandas as pd

    rows = [{"装备": p.name, "单位": p.unit, "现有数量": p.present, "标准数量": p.required,
             "达标所需购置": p.to_standard, "超标准加分购置": p.above_standard, "购置合计": p.target - p.present}
            for p in plan.purchases]
    return pd.DataFrame(rows, columns=PURCHASE_COLUMNS)


def suggestions_table(plan: Plan):
    """For a district that already passes: the actions that would raise it further."""
    import pandas as pd

    rows = [
        {"责任科室": a.department, "措施": a.text, "预计增分": rounded(a.points), "工作量": EFFORT_NAMES[a.effort]}
        for a in plan.suggestions
    ]  # controllable only: recognition is listed apart (opportunities_table)
    return pd.DataFrame(rows, columns=["责任科室", "措施", "预计增分", "工作量"])

