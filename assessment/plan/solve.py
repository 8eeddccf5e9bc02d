"""The road to 达标: the fewest actions after which a district meets every pass condition.

`make_plan` chooses among the candidate actions of `assessment.plan.actions` the passing set
that is lexicographically least in: the points it expects from others' recognition
(awards, selections, rankings, commendations: actions marked 需争取), then the number of
actions, then total effort (low=1/medium=2/high=3), then more points. Recognition thus
enters a plan only where no plan of actions the district controls passes, and then as
little of it as possible; `controllable_only` leaves it out altogether and, when that
cannot pass, says by how much each condition falls short. The search is exact:

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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Any

from assessment.inputs.edits import STAFF_PATH, Edit, apply_edits, line_paths, lines_at
from assessment.inputs.model import DistrictInput
from assessment.plan.actions import (
    EFFORT_NAMES,
    EFFORT_WEIGHT,
    Action,
    Rescorer,
    candidate_actions,
)
from assessment.rubric.kinds import Conversion, EquipmentRatio, EquipmentStandard, Per
from assessment.rubric.loader import Criterion, Group, Rubric
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.util.errors import AssessmentError
from assessment.util.exact import fmt, rounded

__all__ = [
    "Action",
    "CostPlan",
    "Edit",
    "Plan",
    "apply_edits",
    "make_plan",
    "plan_table",
    "plan_text",
    "plan_to_dict",
    "purchase_table",
    "opportunities_table",
]

SUGGESTIONS = 5
#: No-good cuts allowed per scenario before the model is declared wrong (a bug, not data).
MAX_CUTS = 50


@dataclass(frozen=True)
class CostPlan:
    """The cheapest passing set of actions (see the module docstring for what costs)."""

    actions: tuple[Action, ...]
    cost: Fraction
    total_after: Fraction
    steps: tuple[Fraction, ...]
    unpriced: tuple[str, ...]


@dataclass(frozen=True)
class Purchase:
    """An equipment purchase of a plan, split into what meets the standard and what is
    bought above it for extra points (e06/e07 pay +1 per item above standard)."""

    item: str | None  # the rubric's equipment id; None for a district's own extra row
    name: str
    category: str
    unit: str
    present: int
    target: int
    required: int  # at the plan's final headcount

    @property
    def to_standard(self) -> int:
        return max(0, min(self.target, self.required) - self.present)

    @property
    def above_standard(self) -> int:
        return max(0, self.target - max(self.present, self.required))


@dataclass(frozen=True)
class Step:
    """What one action of a plan is for: the condition it serves, its deadline, how to
    prove it, and what it moves when done in the plan's order (Chinese names only)."""

    serves: tuple[str, ...]
    due: date
    due_basis: str
    evidence: str
    moves: str
    purchase: Purchase | None = None
    goals: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Gap:
    """A pass condition that the best allowed actions leave unmet, and by how much."""

    condition: str
    name: str
    best: Fraction
    bar: Fraction
    op: str

    @property
    def gap(self) -> Fraction:
        return self.bar - self.best

    @property
    def text(self) -> str:
        if self.op == "gt":
            return f"{self.name}最多{fmt(self.best)}分，须高于{fmt(self.bar)}分，还差{fmt(self.gap)}分以上"
        return f"{self.name}最多{fmt(self.best)}分，须达到{fmt(self.bar)}分，还差{fmt(self.gap)}分"


@dataclass(frozen=True)
class Plan:
    """What a district must do to pass, in order, with the total after each step."""

    district: str
    year: int
    passable: bool
    already_passed: bool
    reason: str | None
    actions: tuple[Action, ...]
    score_before: Fraction
    score_after: Fraction
    steps: tuple[Fraction, ...]
    equipment_before: Fraction | None
    equipment_steps: tuple[Fraction, ...]
    total_threshold: Fraction | None
    equipment_threshold: Fraction | None
    cost: Fraction | None = None
    cheapest: CostPlan | None = None
    suggestions: tuple[Action, ...] = ()
    details: tuple[Step, ...] = ()
    opportunities: tuple[Action, ...] = ()  # recognition the plan does not need; points on top of it
    controllable_only: bool = False
    gaps: tuple[Gap, ...] = ()

    @property
    def recognition_points(self) -> Fraction:
        """Points the plan expects from others' recognition (需争取), each action alone."""
        return sum((a.points for a in self.actions if a.recognition), Fraction(0))

    @property
    def purchases(self) -> tuple[Purchase, ...]:
        return tuple(d.purchase for d in self.details if d.purchase is not None)


# --------------------------------------------------------------------------- the model


class _Model:
    """The MILP of one headcount scenario, built with exact Fractions.

    Variables are action choices x (binary), then helper variables: a capped score per
    group / indicator / bonus, an AND per equipment criterion, its capped "above" bonus,
    converted points, and the choice of the best member of a `max` group.
    """

    def __init__(
        self, rubric: Rubric, inp: DistrictInput, base: Result, actions: Sequence[Action],
        alone: Sequence[Result], on_duty: int, lattice: int,
    ) -> None:
        self.rubric, self.inp, self.actions = rubric, inp, actions
        self.lb: list[Fraction] = []
        self.ub: list[Fraction | None] = []
        self.integral: list[int] = []
        self.rows: list[tuple[dict[int, Fraction], Fraction | None, Fraction | None]] = []
        self.half = Fraction(1, 2 * lattice)
        self.lattice = lattice
        self.x = [self.var(0, 1, True) for _ in actions]
        for i, a in enumerate(actions):
            if STAFF_PATH in a.paths:
                target = next(e.new for e in a.edits if e.path == STAFF_PATH)
                self.lb[self.x[i]] = self.ub[self.x[i]] = Fraction(int(target == on_duty))
        for path in {p for a in actions for p in a.paths}:
            self.row({self.x[i]: Fraction(1) for i, a in enumerate(actions) if path in a.paths}, None, Fraction(1))

        self.points: dict[str, tuple[dict[int, Fraction], Fraction]] = {}
        level = inp.level
        for cid, c in rubric.criteria.items():
            if c.rule.feed != "answer":
                continue
            before = base.criteria[cid]
            moved = {  # results are shared when unchanged: identity skips most subtractions
                self.x[i]: r.criteria[cid].points - before.points
                for i, r in enumerate(alone)
                if r.criteria[cid] is not before and r.criteria[cid].points != before.points
            }
            if len(moved) > 1:  # the affine form assumes one change per criterion
                self.row({k: Fraction(1) for k in moved}, None, Fraction(1))
            self.points[cid] = (moved, base.criteria[cid].points)
        self._equipment(on_duty)
        self.part: dict[str, dict[int, Fraction]] = {}
        conversions = []
        self.category: dict[str, dict[int, Fraction]] = {}
        for part in rubric.parts:
            terms: dict[int, Fraction] = {}
            for cat in part.categories:
                cat_terms = {}
                for ind in cat.indicators:
                    for c in ind.criteria:
                        if isinstance(c.rule, Conversion) and not (c.city_only and level == "county"):
                            w = self.var(0, rubric.criterion_max(c.id, level))
                            conversions.append((w, c.rule))
                            self.points[c.id] = ({w: Fraction(1)}, Fraction(0))
                    y = self.capped(ind.criteria, ind.groups, ind.max)
                    cat_terms[y] = Fraction(1)
                self.category[cat.id] = cat_terms
                terms.update(cat_terms)
            self.part[part.id] = terms
        for w, rule in conversions:
            self.row({w: Fraction(1), **{k: -rule.factor for k in self.part[rule.of]}}, None, Fraction(0))
        self.bonus = self.capped(rubric.bonus.criteria, rubric.bonus.groups, rubric.bonus.max)
        self.total = dict(self.part[rubric.total_part])
        if rubric.total_includes_bonus:
            self.total[self.bonus] = Fraction(1)
        self._conditions()

    def var(self, lb: Fraction | int, ub: Fraction | int | None, integral: bool = False) -> int:
        self.lb.append(Fraction(lb))
        self.ub.append(None if ub is None else Fraction(ub))
        self.integral.append(int(integral))
        return len(self.lb) - 1

    def row(self, coefs: dict[int, Fraction], lo: Fraction | None, hi: Fraction | None) -> None:
        self.rows.append((coefs, lo, hi))

    def _equipment(self, on_duty: int) -> None:
        """Equipment criteria at this headcount: AND of lines met, capped count of lines above."""
        rubric, inp = self.rubric, self.inp
        lines = lines_at(rubric, inp, on_duty)
        paths = line_paths(rubric, inp)
        met: dict[int, tuple[dict[int, Fraction], Fraction]] = {}
        above: dict[int, tuple[dict[int, Fraction], Fraction]] = {}
        for index, (line, path) in enumerate(zip(lines, paths)):
            now_met, now_above = Fraction(line.present >= line.required), Fraction(line.present > line.required)
            m: dict[int, Fraction] = {}
            ab: dict[int, Fraction] = {}
            for i, a in enumerate(self.actions):
                for e in a.edits:
                    if e.path == path:
                        m[self.x[i]] = Fraction(e.new >= line.required) - now_met
                        ab[self.x[i]] = Fraction(e.new > line.required) - now_above
            met[index], above[index] = (m, now_met), (ab, now_above)
        for cid, c in rubric.criteria.items():
            rule = c.rule
            if not isinstance(rule, (EquipmentRatio, EquipmentStandard)):
                continue
            if isinstance(rule, EquipmentRatio):
                mine = [i for i, line in enumerate(lines) if line.id in rule.items]
            else:
                mine = [i for i, line in enumerate(lines) if line.category == rule.category]
            r = self.var(0, 1)
            for i in mine:
                terms, const = met[i]
                self.row({r: Fraction(1), **{k: -v for k, v in terms.items()}}, None, const)
            top = rubric.criterion_max(cid, inp.level)
            w = self.var(0, top)
            if isinstance(rule, EquipmentRatio):
                self.row({w: Fraction(1), r: -rule.points}, None, Fraction(0))
            else:
                b = self.var(0, rule.bonus_cap)
                count: dict[int, Fraction] = {}
                const = Fraction(0)
                for i in mine:
                    terms, now = above[i]
                    const += now
                    for k, v in terms.items():
                        count[k] = count.get(k, Fraction(0)) + v
                self.row({b: Fraction(1), **{k: -rule.bonus_each * v for k, v in count.items()}}, None,
                         rule.bonus_each * const)
                self.row({w: Fraction(1), r: -rule.base, b: Fraction(-1)}, None, Fraction(0))
            self.points[cid] = ({w: Fraction(1)}, Fraction(0))

    def capped(self, criteria: Sequence[Any], groups: Sequence[Group], ceiling: Fraction) -> int:
        """A variable bounded by the combined, capped points of these criteria (see `combine`)."""
        rubric, level = self.rubric, self.inp.level
        y = self.var(0, ceiling)
        outer: dict[int, Fraction] = {}
        const = Fraction(0)

        def pts(c: Any) -> tuple[dict[int, Fraction], Fraction]:
            if c.city_only and level == "county":
                return {}, rubric.criterion_max(c.id, level)
            return self.points[c.id]

        for c in criteria:
            if c.group is None:
                terms, k = pts(c)
                const += k
                for v, coef in terms.items():
                    outer[v] = outer.get(v, Fraction(0)) + coef
        for g in groups:
            members = [pts(c) for c in criteria if c.group == g.id]
            yg = self.var(0, g.cap)
            if g.combine == "max":
                big = sum((rubric.criterion_max(c.id, level) for c in criteria if c.group == g.id), Fraction(0))
                picks = [self.var(0, 1, True) for _ in members]
                self.row({z: Fraction(1) for z in picks}, Fraction(1), Fraction(1))
                for z, (terms, k) in zip(picks, members):
                    self.row({yg: Fraction(1), z: big, **{v: -c for v, c in terms.items()}}, None, k + big)
            else:
                total: dict[int, Fraction] = {}
                k = Fraction(0)
                for terms, kk in members:
                    k += kk
                    for v, coef in terms.items():
                        total[v] = total.get(v, Fraction(0)) + coef
                self.row({yg: Fraction(1), **{v: -c for v, c in total.items()}}, None, k)
            outer[yg] = outer.get(yg, Fraction(0)) + 1
        self.row({y: Fraction(1), **{v: -c for v, c in outer.items()}}, None, const)
        return y

    def bar(self, threshold: Fraction, op: str) -> tuple[Fraction | None, Fraction | None]:
        """Bounds on a lattice-valued score meaning `score op threshold`, half a step relaxed."""
        d = self.lattice
        if op == "gt":
            return Fraction(math.floor(threshold * d) + 1, d) - self.half, None
        if op == "ge":
            return Fraction(math.ceil(threshold * d), d) - self.half, None
        return threshold - self.half, threshold + self.half

    def _conditions(self) -> None:
        rubric = self.rubric
        for cond in rubric.conditions:
            if cond.measure == "category_share":
                for cat in rubric.part(cond.part).categories:  # type: ignore[arg-type]
                    self.row(dict(self.category[cat.id]), *self.bar(cond.threshold * cat.max, cond.op))
            elif cond.measure == "part_total":
                self.row(dict(self.part[cond.part]), *self.bar(cond.threshold, cond.op))  # type: ignore[index]
            elif cond.measure == "total":
                self.row(dict(self.total), *self.bar(cond.threshold, cond.op))
            # veto_count: not changeable by any action; make_plan checks it before modelling.

    def solve(self, stages: Sequence[dict[int, Fraction]], cuts: Sequence[set[int]]) -> list[int] | None:
        """Lexicographic minimum of the stage objectives; the chosen action indices, or None."""
        rows = list(self.rows)
        for chosen in cuts:
            rows.append(({self.x[i]: Fraction(1 if i in chosen else -1) for i in range(len(self.x))}, None,
                         Fraction(len(chosen) - 1)))
        n = len(self.lb)
        x = None
        for stage, objective in enumerate(stages):
            res = _milp(n, rows, self.lb, self.ub, self.integral, objective)
            if res is None and stage > 0:
                # A later stage only bounds an objective by the optimum the previous stage's
                # solution attains, so the model is feasible; HiGHS 1.7 (scipy 1.13) presolve
                # can still call it infeasible. Solve that stage again without presolve.
                res = _milp(n, rows, self.lb, self.ub, self.integral, objective, presolve=False)
                if res is None:
                    raise PlanSolverError(f"stage {stage + 1} infeasible after a feasible stage {stage}")
            if res is None:
                return None
            x = res
            if stage < len(stages) - 1:  # keep this stage's optimum (exact: it reads only x)
                best = sum((c * round(x[v]) for v, c in objective.items()), Fraction(0))
                rows.append((objective, None, best + Fraction(1, 2 * _denominator_lcm(objective.values()))))
        assert x is not None
        return [i for i, v in enumerate(self.x) if x[v] > 0.5]


def _denominator_lcm(values: Iterable[Fraction | int]) -> int:
    return math.lcm(1, *{v.denominator for v in values})


class PlanSolverError(AssessmentError, RuntimeError):
    """HiGHS ended a solve without an answer the plan can trust (a bug or a solver fault,
    never a district's situation): the message names the solver's status."""


def _milp(n: int, rows: Sequence[tuple[dict[int, Fraction], Fraction | None, Fraction | None]],
          lb: Sequence[Fraction], ub: Sequence[Fraction | None], integral: Sequence[int],
          objective: dict[int, Fraction], presolve: bool = True) -> Any:
    """HiGHS on the rows, each scaled to integer coefficients: the solution, or None when the
    model is infeasible; any other status (time or iteration limit, unbounded, a numerical
    failure) is a PlanSolverError, never taken for "no plan"."""
    import numpy as np  # the solver stack loads only when a plan is solved
    from scipy.optimize import Bounds, LinearConstraint, milp

    a = np.zeros((len(rows), n))
    lo = np.full(len(rows), -np.inf)
    hi = np.full(len(rows), np.inf)
    for r, (coefs, low, h) in enumerate(rows):
        scale = _denominator_lcm([*coefs.values(), *(b for b in (low, h) if b is not None)])
        for v, c in coefs.items():
            a[r, v] += float(c * scale)
        if low is not None:
            lo[r] = float(low * scale)
        if h is not None:
            hi[r] = float(h * scale)
    costs = np.zeros(n)
    scale = _denominator_lcm(objective.values())
    for v, coef in objective.items():
        costs[v] = float(coef * scale)
    res = milp(
        costs,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.array(integral),
        bounds=Bounds(np.array([float(b) for b in lb]), np.array([np.inf if b is None else float(b) for b in ub])),
        options={"mip_rel_gap": 0, "presolve": presolve},
    )
    if res.status == 0:
        return res.x
    if res.status == 2:
        return None
    raise PlanSolverError(f"HiGHS status {res.status}: {res.message}")


def _lattice(rubric: Rubric, results: Iterable[Result]) -> int:
    """D such that every reachable score is a multiple of 1/D (see the module docstring)."""
    values: list[Fraction] = []
    seen: set[int] = set()
    for r in results:  # results share unchanged criteria: each distinct one once
        for got in r.criteria.values():
            if id(got) not in seen:
                seen.add(id(got))
                values.append(got.points)
    for c in rubric.criteria.values():
        values += [rubric.criterion_max(c.id, lv) for lv in ("county", "city")]
        rule = c.rule
        values += [v for v in vars(rule).values() if isinstance(v, Fraction)]
    for ind in rubric.indicators():
        values.append(ind.max)
        values += [g.cap for g in ind.groups if g.cap is not None]
    values += [g.cap for g in rubric.bonus.groups if g.cap is not None] + [rubric.bonus.max]
    factors = [c.rule.factor for c in rubric.criteria.values() if isinstance(c.rule, Conversion)]
    return _denominator_lcm(values) * _denominator_lcm(factors)


# --------------------------------------------------------------------------- the search


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


def _headcounts(actions: Sequence[Action], inp: DistrictInput) -> list[int]:
    staffed = {e.new for a in actions for e in a.edits if e.path == STAFF_PATH}
    return [inp.on_duty, *sorted(staffed)]


def _search(rubric: Rubric, inp: DistrictInput, base: Result, actions: Sequence[Action], alone: Sequence[Result],
            by_cost: bool) -> tuple[list[Action], Result] | None:
    """The lexicographically best verified passing set over all headcount scenarios."""
    lattice = _lattice(rubric, [base, *alone])
    best: tuple[tuple[Fraction, ...], list[Action], Result] | None = None
    for on_duty in _headcounts(actions, inp):
        model = _Model(rubric, inp, base, actions, alone, on_duty, lattice)
        hoped = {v: a.points for v, a in zip(model.x, actions) if a.recognition and a.points}
        count = {v: Fraction(1) for v in model.x}
        effort = {v: Fraction(EFFORT_WEIGHT[a.effort]) for v, a in zip(model.x, actions)}
        points = {v: -c for v, c in model.total.items()}
        priced = {v: a.cost for v, a in zip(model.x, actions) if a.cost} if by_cost else {}
        stages = [s for s in (hoped, priced, count, effort, points) if s]
        cuts: list[set[int]] = []
        for _ in range(MAX_CUTS):
            chosen = model.solve(stages, cuts)
            if chosen is None:
                break
            picked = [actions[i] for i in chosen]
            result = score(rubric, apply_edits(inp, [e for a in picked for e in a.edits]))
            if result.passed:
                ranks: list[Fraction] = [
                    sum((a.points for a in picked if a.recognition), Fraction(0)),
                    *([sum((a.cost or Fraction(0) for a in picked), Fraction(0))] if by_cost else []),
                    Fraction(len(picked)), Fraction(sum(EFFORT_WEIGHT[a.effort] for a in picked)), -result.total,
                ]
                key = tuple(ranks)
                if best is None or key < best[0]:
                    best = (key, picked, result)
                break
            cuts.append(set(chosen))
        else:
            raise RuntimeError(f"plan model disagrees with scoring after {MAX_CUTS} cuts (headcount {on_duty})")
    return None if best is None else (best[1], best[2])


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
        ranked = sorted((a for a in every if a.points > 0 and not a.recognition),
                        key=lambda a: (-a.points / EFFORT_WEIGHT[a.effort], -a.points, a.id))
        return Plan(passable=True, already_passed=True, reason="当前已满足全部达标条件", actions=(),
                    score_after=base.total, steps=(), equipment_steps=(), suggestions=tuple(ranked[:SUGGESTIONS]),
                    opportunities=_opportunities(rubric, inp, base, hoped, ()), **common)  # type: ignore[arg-type]
    alone = [rescore(a.edits) for a in actions]
    found = _search(rubric, inp, base, actions, alone, by_cost=False)
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
        details=_details(rubric, inp, base, ordered, results),
        opportunities=_opportunities(rubric, inp, results[-1], hoped, ordered),
        **common,  # type: ignore[arg-type]
    )


def _place(rubric: Rubric, c: Criterion) -> tuple[str | None, str | None]:
    """(part id, category id) of a criterion; (None, None) for a bonus criterion."""
    if c.indicator == "bonus":
        return None, None
    ind = rubric.indicator(c.indicator)
    return next(cat.part for p in rubric.parts for cat in p.categories if cat.id == ind.category), ind.category


def _serves(rubric: Rubric, base: Result, c: Criterion) -> tuple[str, ...]:
    """The unmet pass conditions this criterion's points count towards, by Chinese name.

    An equipment criterion counts towards its part and, through the conversion (s09), the
    category holding the conversion; a bonus criterion only towards the total."""
    part, category = _place(rubric, c)
    categories = {category}
    for conv in rubric.criteria.values():
        if isinstance(conv.rule, Conversion) and conv.rule.of == part:
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


YEAR_END = "原文未规定时限，按评估年度年底完成"


def due_of(c: Criterion | None, year: int) -> tuple[date, str]:
    """An action's deadline in the assessment year and where it comes from: the source's
    deadline when it sets one (e.g. 每年2月20日前), otherwise the end of the year."""
    if c is not None and c.due is not None:
        on = c.due.on(year)
        if on is not None:
            return on, c.due.source
        return date(year, 12, 31), f"原文时限（{c.due.source}）只适用于{c.due.year}年；{YEAR_END}"
    return date(year, 12, 31), YEAR_END


def _evidence(rubric: Rubric, base: Result, a: Action, c: Criterion, purchase: Purchase | None) -> str:
    """What counts as done (完成标准) and how it is proven (佐证), from the rubric's texts."""
    part, _ = _place(rubric, c)
    evidence = rubric.indicator(c.indicator).evidence if part is not None else ""
    owned = purchase is not None or (isinstance(c.rule, Per) and not c.recognition)
    if not evidence and part is not None and owned:  # equipment owned: the converted indicator's proof
        conv = next((x for x in rubric.criteria.values() if isinstance(x.rule, Conversion) and x.rule.of == part), None)
        evidence = rubric.indicator(conv.indicator).evidence if conv else ""
    edit = a.edits[0]
    if purchase is not None:
        done = f"「{purchase.name}」实有数量达到{purchase.target}{purchase.unit}"
    elif edit.path == STAFF_PATH:
        done = f"实际到岗执法人员达到{edit.new}人"
    elif edit.path.startswith("roster["):
        rule = c.rule
        done = f"{c.name}达到{fmt(rule.at_least)}%"  # type: ignore[attr-defined]
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


def _details(rubric: Rubric, inp: DistrictInput, base: Result, ordered: Sequence[Action],
             results: Sequence[Result]) -> tuple[Step, ...]:
    on_duty = results[-1].input.on_duty
    out = []
    for i, (a, after) in enumerate(zip(ordered, results)):
        c = rubric.criteria[a.criterion_id] if a.criterion_id else None
        purchase = _purchase(rubric, inp, a, on_duty)
        due, basis = due_of(c, inp.year)
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
    if edit.path.startswith("roster["):  # the rate the roster rows stand for
        return ({"what": "criterion", "id": c.id, "name": c.name, "from": _plain(base.criteria[c.id].value),
                 "to": _plain(c.rule.at_least)},)  # type: ignore[attr-defined]
    return ({"what": "criterion", "id": c.id, "name": c.name, "from": _plain(edit.old), "to": _plain(edit.new)},)


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
    found = _search(rubric, inp, base, actions, alone, by_cost=True)
    if found is None:
        return None
    ordered = _order(rubric, found[0])
    results = _steps(rubric, inp, ordered)
    unpriced = tuple(a.text for a in ordered if a.cost is None and any(e.path.startswith(("equipment.", "extra_"))
                                                                        for e in a.edits))
    return CostPlan(ordered, _cost(ordered), results[-1].total, tuple(r.total for r in results), unpriced)


# --------------------------------------------------------------------------- output


def _plain(value: Any) -> Any:
    return rounded(value) if isinstance(value, Fraction) else value


def _action_dict(a: Action) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "criterion": a.criterion_id,
        "text": a.text,
        "points": rounded(a.points),
        "department": a.department,
        "effort": a.effort,
        "recognition": a.recognition,
        "edits": [{"path": e.path, "from": _plain(e.old), "to": _plain(e.new)} for e in a.edits],
    }
    if a.cost is not None:
        out["cost"] = rounded(a.cost)
    return out


def _purchase_dict(p: Purchase) -> dict[str, Any]:
    return {"item": p.item, "name": p.name, "category": p.category, "unit": p.unit, "from": p.present,
            "to": p.target, "required": p.required, "to_standard": p.to_standard, "above_standard": p.above_standard}


def _step_dict(a: Action, step: Step, total: Fraction) -> dict[str, Any]:
    return {
        **_action_dict(a),
        "serves": list(step.serves),
        "due": step.due.isoformat(),
        "due_basis": step.due_basis,
        "evidence": step.evidence,
        "moves": step.moves,
        "total_after": rounded(total),
        "goals": list(step.goals),
        **({"purchase": _purchase_dict(step.purchase)} if step.purchase else {}),
    }


#: The MIME type under which a report notebook records its plan as data (see recorded_plan).
PLAN_MIMETYPE = "application/vnd.assessment.plan+json"


def recorded_plan(nb: Any) -> dict[str, Any] | None:
    """The plan a report notebook displayed under PLAN_MIMETYPE, if any: the report's plan
    is solved once, in the notebook, and published from its record."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLAN_MIMETYPE in data:
                return dict(data[PLAN_MIMETYPE])
    return None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON form of a plan (numbers rounded to 4 decimals); `suggestions` for a passing one."""
    cheapest = plan.cheapest
    return {
        "district": plan.district,
        "year": plan.year,
        "passable": plan.passable,
        "already_passed": plan.already_passed,
        "reason": plan.reason,
        "controllable_only": plan.controllable_only,
        "recognition_points": rounded(plan.recognition_points),
        "actions": [_step_dict(a, d, s) for a, d, s in zip(plan.actions, plan.details, plan.steps)],
        "total_before": rounded(plan.score_before),
        "total_after": rounded(plan.score_after),
        "steps": [rounded(s) for s in plan.steps],
        **({"cost": rounded(plan.cost)} if plan.cost is not None else {}),
        "cheapest": None if cheapest is None else {
            "cost": rounded(cheapest.cost),
            "actions": [_action_dict(a) for a in cheapest.actions],
            "total_after": rounded(cheapest.total_after),
            "steps": [rounded(s) for s in cheapest.steps],
            "unpriced": list(cheapest.unpriced),
            "note": "仅装备购置计入费用（数量×单价）；未填单价的购置按0计，费用为下限",
        },
        "suggestions": [_action_dict(a) for a in plan.suggestions],
        "opportunities": [_action_dict(a) for a in plan.opportunities],
        "gaps": [{"condition": g.condition, "name": g.name, "best": rounded(g.best), "bar": rounded(g.bar),
                  "op": g.op, "gap": rounded(g.gap), "text": g.text} for g in plan.gaps],
        "purchases": [_purchase_dict(p) for p in plan.purchases],
    }


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


def _opportunity_lines(plan: Plan) -> list[str]:
    if not plan.opportunities:
        return []
    return ["可争取事项（不计入方案，争取到可加分）："] + [
        f"  - {a.text}（{a.department}，可+{fmt(a.points)}分）" for a in plan.opportunities
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
        lines += [f"  - {a.text}（{a.department}，预计+{fmt(a.points)}分，工作量{EFFORT_NAMES[a.effort]}）"
                  for a in plan.suggestions]
        return "\n".join(lines + _opportunity_lines(plan))
    lines = [f"{head}{scope}，至少需采取{len(plan.actions)}项措施，完成后总得分{fmt(plan.score_after)}分："]
    if plan.recognition_points:
        hoped = sum(1 for a in plan.actions if a.recognition)
        lines.append(f"其中{hoped}项需争取（共{fmt(plan.recognition_points)}分）：仅靠本单位可自主完成的措施无法达标")
    department = None
    for i, (a, step, total) in enumerate(zip(plan.actions, plan.details, plan.steps), start=1):
        if a.department != department:
            department = a.department
            lines.append(f"【{department}】")
        cost = f"，费用{fmt(a.cost)}元" if a.cost is not None else ""
        lines.append(f"  {i}. {a.text}（{step.moves}；完成后总分{fmt(total)}；"
                     f"工作量{EFFORT_NAMES[a.effort]}{cost}；{step.due.month}月{step.due.day}日前）")
    if plan.cost is not None:
        lines.append(f"本方案装备购置费用{fmt(plan.cost)}元")
    if plan.cheapest is not None:
        c = plan.cheapest
        lines.append(f"费用最低方案：{len(c.actions)}项措施，费用{fmt(c.cost)}元，完成后总得分{fmt(c.total_after)}分"
                     + ("（含未计价购置，费用为下限）" if c.unpriced else ""))
        lines += [f"  - {a.text}" for a in c.actions]
    return "\n".join(lines + _opportunity_lines(plan))

