"""A plan as readable Chinese text, grouped by department (what `assessment plan` prints)."""

from __future__ import annotations

from assessment.plan.actions import EFFORT_NAMES
from assessment.plan.model import Plan
from assessment.util.formatting import fmt, signed


def _opportunity_lines(plan: Plan) -> list[str]:
    if not plan.opportunities:
        return []
    return ["可争取事项（不计入方案，争取到可加分）："] + [
        f"  - {a.text}（{a.department}，可{signed(a.points)}分）" for a in plan.opportunities
    ]


def plan_text(plan: Plan) -> str:
    """A readable Chinese plan grouped by department: each step with what it moves, the
    total after it and its deadline; recognition marked 需争取 and listed apart when unneeded."""
    head = f"{plan.district}（{plan.year}年）现状总得分{fmt(plan.score_before)}分"
    scope = "（仅本单位可自主完成的措施）" if plan.controllable_only else ""
    if not plan.passable:
        return "\n".join([f"{head}{scope}：无法达标。{plan.reason}", *_opportunity_lines(plan)])
    if plan.already_passed:
        lines = [f"{head}：已达标。可进一步提升的措施："]
        lines += [f"  - {a.text}（{a.department}，预计{signed(a.points)}分，工作量{EFFORT_NAMES[a.effort]}）"
                  for a in plan.suggestions]
        return "\n".join(lines + _opportunity_lines(plan))
    lines = [f"{head}{scope}，至少需采取{len(plan.actions)}项措施，完成后总得分{fmt(plan.score_after)}分："]
    if plan.recognition_points:
        hoped = sum(1 for a in plan.actions if a.recognition)
        lines.append(f"其中{hoped}项需争取（共{fmt(plan.recognition_points)}分）：仅靠本单位可自主完成的措施无法达标")
    department = None
    before = (plan.score_before, *plan.steps)
    for i, (a, step, total, previous) in enumerate(zip(plan.actions, plan.details, plan.steps, before), start=1):
        if a.department != department:
            department = a.department
            lines.append(f"【{department}】")
        cost = f"，费用{fmt(a.cost)}元" if a.cost is not None else ""
        lines.append(f"  {i}. {a.text}（{step.moves}；增分{signed(total - previous)}，完成后总分{fmt(total)}；"
                     f"工作量{EFFORT_NAMES[a.effort]}{cost}；{step.due.year}年{step.due.month}月{step.due.day}日前）")
    if plan.cost is not None:
        lines.append(f"本方案装备购置费用{fmt(plan.cost)}元")
    if plan.cheapest is not None:
        c = plan.cheapest
        lines.append(f"费用最低方案：{len(c.actions)}项措施，费用{fmt(c.cost)}元，完成后总得分{fmt(c.total_after)}分"
                     + ("（含未计价购置，费用为下限）" if c.unpriced else ""))
        lines += [f"  - {a.text}" for a in c.actions]
    return "\n".join(lines + _opportunity_lines(plan))

