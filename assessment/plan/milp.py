"""The exact search behind a plan: one MILP per headcount scenario, on the lattice of scores.

`search_plan` finds the lexicographically best verified passing set of actions; see the
docstring of `assessment.plan.solve` for why the model is exact. The model knows kinds only
through what they say of themselves: a criterion fed an answer moves by the difference its
actions make when re-scored alone, a conversion (`RuleKind.converts`) is a part's total
times a factor, and an equipment rule (`RuleKind.equipment_terms`) is an AND of its lines
at standard plus a capped count of lines above it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from assessment.inputs.edits import STAFF_PATH, apply_edits, line_paths, lines_at
from assessment.inputs.model import DistrictInput
from assessment.plan.actions import EFFORT_WEIGHT, Action
from assessment.rubric.kinds.base import PartConversion
from assessment.rubric.model import Group, Rubric
from assessment.rubric.queries import denominator_lcm, point_lattice
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.util.errors import AssessmentError

#: No-good cuts allowed per scenario before the model is declared wrong (a bug, not data).
MAX_CUTS = 50


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
        conversions: list[tuple[int, PartConversion]] = []
        self.category: dict[str, dict[int, Fraction]] = {}
        for part in rubric.parts:
            terms: dict[int, Fraction] = {}
            for cat in part.categories:
                cat_terms = {}
                for ind in cat.indicators:
                    for c in ind.criteria:
                        conversion = c.rule.converts()
                        if conversion is not None and not (c.city_only and level == "county"):
                            w = self.var(0, rubric.criterion_max(c.id, level))
                            conversions.append((w, conversion))
                            self.points[c.id] = ({w: Fraction(1)}, Fraction(0))
                    y = self.capped(ind.criteria, ind.groups, ind.max)
                    cat_terms[y] = Fraction(1)
                self.category[cat.id] = cat_terms
                terms.update(cat_terms)
            self.part[part.id] = terms
        for w, conversion in conversions:
            self.row({w: Fraction(1), **{k: -conversion.factor for k in self.part[conversion.part]}}, None, Fraction(0))
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
            pay = c.rule.equipment_terms()
            if pay is None:
                continue
            mine = [i for i, line in enumerate(lines) if c.rule.reads_line(line)]
            r = self.var(0, 1)
            for i in mine:
                terms, const = met[i]
                self.row({r: Fraction(1), **{k: -v for k, v in terms.items()}}, None, const)
            top = rubric.criterion_max(cid, inp.level)
            w = self.var(0, top)
            if not pay.pays_above:
                self.row({w: Fraction(1), r: -pay.all_met}, None, Fraction(0))
            else:
                b = self.var(0, pay.above_cap)
                count: dict[int, Fraction] = {}
                const = Fraction(0)
                for i in mine:
                    terms, now = above[i]
                    const += now
                    for k, v in terms.items():
                        count[k] = count.get(k, Fraction(0)) + v
                self.row({b: Fraction(1), **{k: -pay.each_above * v for k, v in count.items()}}, None,
                         pay.each_above * const)
                self.row({w: Fraction(1), r: -pay.all_met, b: Fraction(-1)}, None, Fraction(0))
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
                rows.append((objective, None, best + Fraction(1, 2 * denominator_lcm(objective.values()))))
        assert x is not None
        return [i for i, v in enumerate(self.x) if x[v] > 0.5]


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
        scale = denominator_lcm([*coefs.values(), *(b for b in (low, h) if b is not None)])
        for v, c in coefs.items():
            a[r, v] += float(c * scale)
        if low is not None:
            lo[r] = float(low * scale)
        if h is not None:
            hi[r] = float(h * scale)
    costs = np.zeros(n)
    scale = denominator_lcm(objective.values())
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
    seen: set[int] = set()
    points: list[Fraction] = []
    for r in results:  # results share unchanged criteria: each distinct one once
        for got in r.criteria.values():
            if id(got) not in seen:
                seen.add(id(got))
                points.append(got.points)
    values, factors = point_lattice(rubric)
    return math.lcm(denominator_lcm(points), values) * factors



def _headcounts(actions: Sequence[Action], inp: DistrictInput) -> list[int]:
    staffed = {e.new for a in actions for e in a.edits if e.path == STAFF_PATH}
    return [inp.on_duty, *sorted(staffed)]


def search_plan(rubric: Rubric, inp: DistrictInput, base: Result, actions: Sequence[Action],
                alone: Sequence[Result], by_cost: bool) -> tuple[list[Action], Result] | None:
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

