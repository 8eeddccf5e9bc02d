"""The road to 达标: the fewest actions after which a district meets every pass condition.

`make_plan` chooses among the candidate actions of `assessment.plan.actions` the passing set
that is lexicographically least in: the points it expects from others' recognition
(awards, selections, rankings, commendations: actions marked 需争取), then the number of
actions, then total effort (low=1/medium=2/high=3), then more points. Recognition thus
enters a plan only where no plan of actions the district controls passes, and then as
little of it as possible; `controllable_only` leaves it out altogether and, when that
cannot pass, says by how much each condition falls short. The search
(`assessment.plan.milp`) is exact:

1. The pass conditions are monotone in every score, and the score is a composition of
   sums and caps (`min`), with equipment criteria that are ANDs of "line meets its
   standard" and a capped count of "line above standard". For a FIXED headcount on duty
   every one of these is linear in 0/1 action choices (at most one action per input path,
   so a criterion's points are its current points plus the chosen action's difference),
   and every cap can be written as an upper bound on a continuous variable: because the
   conditions only ask for scores to be large enough, "some y ≤ min(cap, sum) reaches the
   bar" is the same as "min(cap, sum) reaches the bar". The MILP is thus an exact model.
2. The headcount is the one input that moves several criteria at once (the staffing tier
   and ⌈N/k⌉ equipment requirements), so it is enumerated: one MILP per headcount a
   staffing action can bring (plus the current one), with that action fixed.
3. Strict bars (高于) are made exact by working on the lattice 1/D of all reachable scores
   (D = lcm of the denominators of every criterion's points before and after each single
   action, of every cap, maximum and equipment rule constant, times the conversion factors'):
   "x > t" becomes "x ≥ the next lattice point after t", relaxed by half a lattice step so
   that solver tolerances cannot cut off a true solution and cannot admit a false one.
4. The objective is lexicographic, solved in stages (recognition points; then count; then
   effort; then the total, each with the earlier ones fixed), with HiGHS's relative gap 0.
5. Every solution is VERIFIED by applying its edits and re-scoring with `score`. A
   solution that does not pass would mean the model over-approximates the score; it is
   then excluded by a no-good cut and the scenario re-solved. Since every truly passing
   set stays feasible, the first verified optimum is optimal (the model is at worst a
   relaxation).

The cheapest plan: only equipment purchases carry a cost (quantity bought × unit price,
from `prices` or an extra row's `unit_price`); a purchase without a price counts 0 and is
listed as 未计价, so the cost shown is then a lower bound. It minimises recognition points,
then cost, then the number of actions, effort and points as above.

The pieces, in the order a plan is made: `actions` (the candidates), `milp` (the search),
`details` (what each step is for), `model` (the Plan), and its forms `json_form`, `tables`,
`text` and `tasks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

from assessment.inputs.edits import apply_edits
from assessment.inputs.model import DistrictInput
from assessment.plan.actions import EFFORT_WEIGHT, Action, Rescorer, candidate_actions
from assessment.plan.details import step_details
from assessment.plan.milp import PlanSolverError, search_plan
from assessment.plan.model import CostPlan, Gap, Plan, ShareTrack
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.scoring.result import Result

SUGGESTIONS = 5


def _order(rubric: Rubric, actions: Iterable[Action]) -> tuple[Action, ...]:
    """By department (in the rubric's order), tasks before hopes (需争取), then effort, then points."""
    departments: dict[str, int] = {}
    for c in rubric.criteria.values():
        departments.setdefault(c.department, len(departments))
    return tuple(sorted(actions, key=lambda a: (departments.get(a.department, len(departments)), a.department,
                                                a.recognition, EFFORT_WEIGHT[a.effort], -a.points, a.id)))


def _steps(rubric: Rubric, inp: DistrictInput, actions: Sequence[Action]) -> list[Result]:
    """The re-scored result after each action in order (never summed gains: actions interact)."""
    results, current = [], inp
    for a in actions:
        current = apply_edits(current, a.edits)
        results.append(score(rubric, current))
    return results


def _threshold(rubric: Rubric, measure: str) -> Fraction | None:
    return next((c.threshold for c in rubric.conditions if c.measure == measure), None)


def _top(actions: Sequence[Action]) -> list[Action]:
    """One action per path set, the largest: together they reach every score's ceiling."""
    top: dict[frozenset[str], Action] = {}
    for a in actions:  # actions sharing paths are one path's quantities: keep the largest
        held = top.get(a.paths)
        if held is None or a.edits[0].new > held.edits[0].new:
            top[a.paths] = a
    return list(top.values())


def gaps_of(rubric: Rubric, result: Result) -> tuple[Gap, ...]:
    """Each unmet pass condition of `result` (each failing category on its own) and its gap."""
    out = []
    for cond in rubric.conditions:
        met = result.condition(cond.id).met
        if met or cond.measure == "veto_count":
            continue
        if cond.measure == "category_share":
            for cat in rubric.part(cond.part).categories:  # type: ignore[arg-type]
                bar, got = cond.threshold * cat.max, result.categories[cat.id].points
                if not (got > bar if cond.op == "gt" else got >= bar):
                    out.append(Gap(f"{cond.id}:{cat.id}", cat.name, got, bar, cond.op))
        elif cond.measure == "part_total":
            part = result.parts[cond.part]  # type: ignore[index]
            out.append(Gap(cond.id, part.name, part.points, cond.threshold, cond.op))
        elif cond.measure == "total":
            out.append(Gap(cond.id, "总得分", result.total, cond.threshold, cond.op))
    return tuple(out)


def share_tracks(rubric: Rubric, base: Result, results: Sequence[Result]) -> tuple[ShareTrack, ...]:
    """Each category below its bar in `base`, as a share (percent) before and after each step."""
    out = []
    for cond in rubric.conditions:
        if cond.measure != "category_share" or base.condition(cond.id).met:
            continue
        for cat in rubric.part(cond.part).categories:  # type: ignore[arg-type]
            share = base.categories[cat.id].share
            if share > cond.threshold if cond.op == "gt" else share >= cond.threshold:
                continue
            out.append(ShareTrack(cat.name, share * 100, tuple(r.categories[cat.id].share * 100 for r in results),
                                  cond.threshold * 100, cond.op))
    return tuple(out)


def _ceiling(rubric: Rubric, inp: DistrictInput, actions: Sequence[Action], controllable_only: bool
             ) -> tuple[str, tuple[Gap, ...]]:
    """Why even every allowed action together cannot pass: each condition's remaining gap."""
    top = _top(actions)
    result = score(rubric, apply_edits(inp, [e for a in top for e in a.edits]))
    gaps = gaps_of(rubric, result)
    if not gaps:  # every action together passes, yet the solver found no plan: never a district's fault
        raise PlanSolverError("no plan found although taking every allowed action meets every pass condition")
    failing = "；".join(g.text for g in gaps)
    if controllable_only:
        return (f"仅采取本单位可自主完成的{len(top)}类措施仍无法达标：{failing}。"
                "其余差距只能通过争取表彰、入选、排名等（需争取事项）弥补"), gaps
    return f"即使采取全部{len(top)}类可行措施仍无法达标：{failing}", gaps


def make_plan(rubric: Rubric, inp: DistrictInput, controllable_only: bool = False) -> Plan:
    """The least-recognition, then fewest, actions that make `inp` pass (see the module
    docstring for why it is exact); `controllable_only`: without any recognition."""
    base = score(rubric, inp)
    eq_part = rubric.equipment_part
    common = dict(
        district=inp.district,
        year=inp.year,
        score_before=base.total,
        equipment_before=base.parts[eq_part].points if eq_part else None,
        total_threshold=_threshold(rubric, "total"),
        equipment_threshold=_threshold(rubric, "part_total"),
        controllable_only=controllable_only,
    )
    if base.veto:
        names = {v.id: v.name for v in rubric.veto.items}
        reason = f"存在否决情形（{rubric.veto.name}）：{'；'.join(names[v] for v in base.veto)}，不能通过整改措施达标"
        return Plan(passable=False, already_passed=False, reason=reason, actions=(), score_after=base.total,
                    steps=(), equipment_steps=(), **common)  # type: ignore[arg-type]
    rescore = Rescorer(rubric, inp)  # every action alone is measured once, here and in the search
    every = candidate_actions(rubric, inp, base, rescore)
    hoped = [a for a in every if a.recognition]
    actions = [a for a in every if not a.recognition] if controllable_only else list(every)
    if base.passed:
        return Plan(passable=True, already_passed=True, reason="当前已满足全部达标条件", actions=(),
                    score_after=base.total, steps=(), equipment_steps=(), suggestions=_suggestions(every),
                    opportunities=_opportunities(rubric, inp, base, hoped, ()), **common)  # type: ignore[arg-type]
    alone = [rescore(a.edits) for a in actions]
    found = search_plan(rubric, inp, base, actions, alone, by_cost=False)
    if found is None:
        reason, gaps = _ceiling(rubric, inp, actions, controllable_only)
        return Plan(passable=False, already_passed=False, reason=reason, actions=(), score_after=base.total,
                    steps=(), equipment_steps=(), gaps=gaps, opportunities=_opportunities(rubric, inp, base, hoped, ()),
                    **common)  # type: ignore[arg-type]
    ordered = _order(rubric, found[0])
    results = _steps(rubric, inp, ordered)
    priced = bool(inp.prices) or any(x.unit_price is not None for x in inp.extra_equipment)
    return Plan(
        passable=True,
        already_passed=False,
        reason=None,
        actions=ordered,
        score_after=results[-1].total,
        steps=tuple(r.total for r in results),
        equipment_steps=tuple(r.parts[eq_part].points for r in results) if eq_part else (),
        cost=_cost(ordered) if priced else None,
        cheapest=_cheapest(rubric, inp, base, actions, alone) if priced else None,
        details=step_details(rubric, inp, base, ordered, results),
        share_tracks=share_tracks(rubric, base, results),
        opportunities=_opportunities(rubric, inp, results[-1], hoped, ordered),
        **common,  # type: ignore[arg-type]
    )


def _suggestions(every: Sequence[Action]) -> tuple[Action, ...]:
    """For a district that passes: the controllable actions that raise it most for their
    effort, one per thing changed. Candidates on the same input path are alternatives (an
    item bought to its standard or one above it, a count to one tier or the next): only the
    best ranked is suggested, so a purchase is never listed twice."""
    ranked = sorted((a for a in every if a.points > 0 and not a.recognition),
                    key=lambda a: (-a.points / EFFORT_WEIGHT[a.effort], -a.points, a.id))
    best: dict[frozenset[str], Action] = {}
    for a in ranked:
        best.setdefault(a.paths, a)
    return tuple(best.values())[:SUGGESTIONS]


def _opportunities(rubric: Rubric, inp: DistrictInput, state: Result, hoped: Sequence[Action],
                   planned: Sequence[Action]) -> tuple[Action, ...]:
    """可争取事项: per recognition criterion the plan leaves alone, its largest action within
    the plan limit, with the points it would add on top of `state` (the plan's outcome)."""
    used = {a.criterion_id for a in planned}
    best: dict[str, Action] = {}
    for a in hoped:
        if a.criterion_id in used or a.criterion_id is None:
            continue
        held = best.get(a.criterion_id)
        if held is None or a.edits[0].new > held.edits[0].new:
            best[a.criterion_id] = a
    out = []
    for a in best.values():
        gain = score(rubric, apply_edits(state.input, a.edits)).total - state.total
        if gain > 0:
            out.append(replace(a, points=gain))
    return tuple(sorted(out, key=lambda a: (-a.points, a.id)))


def _cost(actions: Iterable[Action]) -> Fraction:
    return sum((a.cost or Fraction(0) for a in actions), Fraction(0))


def _cheapest(rubric: Rubric, inp: DistrictInput, base: Result, actions: Sequence[Action],
              alone: Sequence[Result]) -> CostPlan | None:
    found = search_plan(rubric, inp, base, actions, alone, by_cost=True)
    if found is None:
        return None
    ordered = _order(rubric, found[0])
    results = _steps(rubric, inp, ordered)
    unpriced = tuple(a.text for a in ordered if a.cost is None and any(e.path.startswith(("equipment.", "extra_"))
                                                                        for e in a.edits))
    return CostPlan(ordered, _cost(ordered), results[-1].total, tuple(r.total for r in results), unpriced)
