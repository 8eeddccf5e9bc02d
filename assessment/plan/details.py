"""What each step of a plan is for: the conditions it serves, its deadline, how it is proven,
what it moves, what it buys and what next year's input must show for it to count as done.

Everything here is read from the rubric's texts and the re-scored results; the criterion's
rule is asked only what it says of itself (the part it converts, its bars), never its class.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from assessment.inputs.edits import STAFF_PATH, line_paths, lines_at, parse_path
from assessment.inputs.model import DistrictInput
from assessment.plan.actions import Action, roster_target
from assessment.plan.json_form import json_value
from assessment.plan.model import Purchase, Step
from assessment.rubric.model import Criterion, Rubric
from assessment.scoring.result import Result
from assessment.util.formatting import fmt


def _place(rubric: Rubric, c: Criterion) -> tuple[str | None, str | None]:
    """(part id, category id) of a criterion; (None, None) for a bonus criterion."""
    if c.indicator == "bonus":
        return None, None
    ind = rubric.indicator(c.indicator)
    return next(cat.part for p in rubric.parts for cat in p.categories if cat.id == ind.category), ind.category


def _converts(c: Criterion, part: str | None) -> bool:
    """Whether the criterion's points are `part`'s total converted (s09 converts the equipment part)."""
    conversion = c.rule.converts()
    return conversion is not None and conversion.part == part


def _roster_bar(base: Result, c: Criterion) -> Fraction:
    """The bar a roster action raises the criterion's roster-computed rate (in `base`) to."""
    bar = roster_target(c.rule, base.criteria[c.id].value)
    assert bar is not None, "a roster action exists only for a rate below a bar"
    return bar


def _serves(rubric: Rubric, base: Result, c: Criterion) -> tuple[str, ...]:
    """The unmet pass conditions this criterion's points count towards, by Chinese name.

    An equipment criterion counts towards its part and, through the conversion (s09), the
    category holding the conversion; a bonus criterion only towards the total."""
    part, category = _place(rubric, c)
    categories = {category}
    for conv in rubric.criteria.values():
        if _converts(conv, part):
            categories.add(_place(rubric, conv)[1])
    out = []
    for cond in rubric.conditions:
        if base.condition(cond.id).met:
            continue
        if cond.measure == "category_share":
            for cat in rubric.part(cond.part).categories:  # type: ignore[arg-type]
                bar = cond.threshold * cat.max
                got = base.categories[cat.id].points
                if cat.id in categories and not (got > bar if cond.op == "gt" else got >= bar):
                    verb = "高于" if cond.op == "gt" else "达到"
                    out.append(f"{cat.name}得分{verb}{fmt(bar)}分（{fmt(cond.threshold * 100)}%）")
        elif cond.measure == "part_total" and cond.part == part:
            out.append(cond.name)
        elif cond.measure == "total":
            out.append(cond.name)
    return tuple(out)


YEAR_END = "原文未规定时限，按整改年度（评估年度的次年）年底完成"


def due_of(c: Criterion | None, year: int, filed: date | None = None) -> tuple[date, str]:
    """An action's deadline for the plan of assessment year `year`, and where it comes from.

    A plan is made once a year's input is filled in, so its actions are carried out in the
    next year (the year whose assessment shows them done, see `assessment.report.followup`):
    the source's month and day in that year when it sets one (e.g. 每年2月20日前), otherwise
    that year's end. A deadline never falls before the filing date `filed` (填报日期): one
    already past when the plan is made is due on the filing date itself, at once, rather
    than a year later, since the next assessment counts it only if done in that year."""
    work = year + 1
    if c is not None and c.due is not None:
        on = c.due.on(work)
        due, basis = (on, c.due.source) if on is not None else (
            date(work, 12, 31), f"原文时限（{c.due.source}）只适用于{c.due.year}年；{YEAR_END}")
    else:
        due, basis = date(work, 12, 31), YEAR_END
    if filed is not None and due < filed:
        return filed, f"{basis}；该日期早于填报日期{filed.isoformat()}，应即时完成"
    return due, basis


def _evidence(rubric: Rubric, base: Result, a: Action, c: Criterion, purchase: Purchase | None) -> str:
    """What counts as done (完成标准) and how it is proven (佐证), from the rubric's texts."""
    part, _ = _place(rubric, c)
    evidence = rubric.indicator(c.indicator).evidence if part is not None else ""
    owned = purchase is not None or (c.answer_type == "count" and not c.recognition)
    if not evidence and part is not None and owned:  # equipment owned: the converted indicator's proof
        conv = next((x for x in rubric.criteria.values() if _converts(x, part)), None)
        evidence = rubric.indicator(conv.indicator).evidence if conv else ""
    edit = a.edits[0]
    if purchase is not None:
        done = f"「{purchase.name}」实有数量达到{purchase.target}{purchase.unit}"
    elif edit.path == STAFF_PATH:
        done = f"实际到岗执法人员达到{edit.new}人"
    elif parse_path(edit.path).section == "roster":
        done = f"{c.name}达到{fmt(_roster_bar(base, c))}%"
    elif edit.new is True:
        done = c.name
    else:
        rate = c.answer_type == "rate"
        done = f"{c.name}达到{fmt(Fraction(edit.new))}{'%' if rate else ''}"
    return f"{done}；佐证：{evidence}" if evidence else done


def _purchase(rubric: Rubric, inp: DistrictInput, a: Action, on_duty: int) -> Purchase | None:
    paths = line_paths(rubric, inp)
    edit = a.edits[0]
    if edit.path not in paths:
        return None
    index = paths.index(edit.path)
    line = lines_at(rubric, inp, on_duty)[index]
    return Purchase(line.id, line.name, line.category, line.unit or "件", line.present, int(edit.new), line.required)


def _moves(rubric: Rubric, before: Result, after: Result, later: Sequence[Result], index: int, a: Action) -> str:
    """What this step changes, in Chinese: categories, the equipment part, the bonus, and the
    conditions it completes; a step that changes nothing alone names the step that counts it."""
    said = [f"{c.name} {fmt(before.categories[k].points)}→{fmt(c.points)}分" for k, c in after.categories.items()
            if c.part == rubric.total_part and c.points != before.categories[k].points]
    eq = rubric.equipment_part
    if eq and after.parts[eq].points != before.parts[eq].points:
        said.append(f"{after.parts[eq].name} {fmt(before.parts[eq].points)}→{fmt(after.parts[eq].points)}分")
    if after.bonus != before.bonus:
        said.append(f"{rubric.bonus.name} {fmt(before.bonus)}→{fmt(after.bonus)}分")
    said += [f"满足“{c.name}”" for c in after.conditions if c.met and not before.condition(c.id).met]
    if said:
        return "，".join(said)
    cid = a.criterion_id
    for k, r in enumerate(later, start=index + 1):
        if cid is not None and r.criteria[cid].points != before.criteria[cid].points:
            return f"单独不改变得分，至第{k}步{r.criteria[cid].name}一并计分"
    return "单独不改变得分"


def step_details(rubric: Rubric, inp: DistrictInput, base: Result, ordered: Sequence[Action],
                 results: Sequence[Result]) -> tuple[Step, ...]:
    """Each action's Step, in the plan's order (`results`: the re-scored result after each)."""
    on_duty = results[-1].input.on_duty
    out = []
    for i, (a, after) in enumerate(zip(ordered, results)):
        c = rubric.criteria[a.criterion_id] if a.criterion_id else None
        purchase = _purchase(rubric, inp, a, on_duty)
        due, basis = due_of(c, inp.year, inp.filed)
        before = results[i - 1] if i else base
        out.append(Step(
            serves=_serves(rubric, base, c) if c else (),
            due=due,
            due_basis=basis,
            evidence=_evidence(rubric, base, a, c, purchase) if c else a.text,
            moves=_moves(rubric, before, after, results[i + 1:], i + 1, a),
            purchase=purchase,
            goals=_goals(base, a, c, purchase),
        ))
    return tuple(out)


def _goals(base: Result, a: Action, c: Criterion | None, purchase: Purchase | None) -> tuple[dict[str, Any], ...]:
    """What next year's input must show for this action to count as done, in the terms of
    `scores.json` (criterion values, staff, equipment items by id or, for a district's own
    rows, by name), so that `assessment.report.followup` can check it from scores alone."""
    edit = a.edits[0]
    if purchase is not None:
        if purchase.item is not None:
            return ({"what": "equipment", "id": purchase.item, "name": purchase.name,
                     "from": purchase.present, "to": purchase.target},)
        return ({"what": "extra_equipment", "category": purchase.category, "name": purchase.name,
                 "from": purchase.present, "to": purchase.target},)
    if edit.path == STAFF_PATH:
        return ({"what": "staff", "id": "on_duty", "name": "实际到岗执法人员数", "from": edit.old, "to": edit.new},)
    assert c is not None
    if parse_path(edit.path).section == "roster":  # the rate the roster rows stand for
        return ({"what": "criterion", "id": c.id, "name": c.name, "from": json_value(base.criteria[c.id].value),
                 "to": json_value(_roster_bar(base, c))},)
    return ({"what": "criterion", "id": c.id, "name": c.name, "from": json_value(edit.old), "to": json_value(edit.new)},)

