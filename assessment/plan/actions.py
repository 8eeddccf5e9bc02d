"""Candidate actions: what a district could do, criterion by criterion, to gain points.

Every action is derived from a criterion's rule KIND and the rubric's data (thresholds,
tiers, caps, equipment specs), never from a particular criterion id, so that a revised
rubric yields its own actions. An action stands for an `Edit` of the district's input in
its JSON-path form (`answers.<id>`, `equipment.<id>`, `staff.on_duty`,
`extra_equipment[i].quantity`, `roster[i].<field>`); its points are measured by applying
the edit and re-scoring, so that caps, groups and conversions are never re-implemented.

Design choices (documented because the plan's optimality is relative to this action set):
- one action = one path (or, for a roster-computed rate, one set of roster rows) set to one
  value; a flag is set to True, a threshold answer to its bar, a count to the smallest count
  that earns everything the count can earn given the rest of the district (a larger count
  never adds points and a smaller one never saves an action);
- a count never goes beyond its criterion's `plan_limit` (what one year can plausibly
  bring, from the rubric data); a count that depends on others' recognition (需争取) has one
  action per count up to that target, because a plan asks for as few recognition points as
  possible and so may need fewer prizes than the most the count can earn;
- the staffing rate has one action per higher tier (on duty up to the tier's headcount);
- each equipment line has one action per useful quantity: its standard quantity, and one
  above it when an `equipment_standard` rule pays for "above standard", evaluated for the
  current headcount and for every headcount a staffing action could bring (⌈N/k⌉ grows).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from assessment.inputs.edits import STAFF_PATH, Edit, apply_edits, line_paths, lines_at
from assessment.inputs.model import DistrictInput, Person
from assessment.inputs.roster import COLLEGE_OR_ABOVE, LAW_OR_ENVIRONMENT, MEASURE_NAMES, roster_rate
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds import EquipmentStandard, Flag, Per, Threshold, Tiers
from assessment.rubric.loader import Criterion, Rubric
from assessment.rubric.queries import covering_criteria, staffing_criteria
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.util.exact import fmt, percent

Effort = Literal["low", "medium", "high"]
EFFORT_WEIGHT: dict[str, int] = {"low": 1, "medium": 2, "high": 3}
EFFORT_NAMES: dict[str, str] = {"low": "低", "medium": "中", "high": "高"}


@dataclass(frozen=True)
class Action:
    """Something a department can do, the input edit it stands for and what it earns alone.

    `points` is the gain of the total (Annex 2 + bonus) when this action alone is applied;
    `cost` is the purchase cost when the action buys priced equipment (None otherwise).
    """

    id: str
    criterion_id: str | None
    text: str
    points: Fraction
    department: str
    effort: Effort
    edits: tuple[Edit, ...]
    cost: Fraction | None = None
    recognition: bool = False

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(e.path for e in self.edits)


@dataclass(frozen=True)
class _RosterFix:
    """How a roster measure's numerator grows: which field of which people becomes what."""

    field: str
    value: Any
    counted: Callable[[Person], bool]
    meets: Callable[[Person], bool]
    how: str


#: Marks an action that depends on others' recognition, so nobody mistakes a hope for a task.
RECOGNITION_MARK = "【需争取】"

#: Roster measures are data of the threshold kind (`roster:` in the rubric), like MEASURE_NAMES.
ROSTER_FIXES: dict[str, _RosterFix] = {
    "college": _RosterFix(
        "education", "大专", lambda p: True, lambda p: p.education in COLLEGE_OR_ABOVE, "学历提升或招录、调配"
    ),
    "law_env_major": _RosterFix(
        "major", "法学类", lambda p: True, lambda p: p.major in LAW_OR_ENVIRONMENT, "招录或调配相关专业人员"
    ),
    "certified": _RosterFix(
        "certified", True, lambda p: p.cert_required, lambda p: p.certified, "参加执法资格考试取得证件"
    ),
}

def staffing_targets(rubric: Rubric, inp: DistrictInput) -> list[tuple[int, Fraction]]:
    """(headcount, tier bar) for every staffing tier above the current rate, lowest first."""
    targets: dict[int, Fraction] = {}
    current = percent(inp.on_duty, inp.authorized)
    for c in staffing_criteria(rubric):
        assert isinstance(c.rule, Tiers)
        for tier in c.rule.tiers:
            if tier.at_least > current:
                n = math.ceil(tier.at_least * inp.authorized / 100)
                if inp.on_duty < n <= inp.authorized:
                    targets.setdefault(n, tier.at_least)
    return sorted(targets.items())


def _same(a: Result, b: Result) -> bool:
    """Same category points and bonus: nothing any pass condition reads differs."""
    return a.bonus == b.bonus and all(a.categories[k].points == v.points for k, v in b.categories.items())


class Rescorer:
    """Scores one district under sets of edits, each set once.

    Deriving actions asks for the same edit set more than once (whether it improves, then
    how much it gains), and the plan asks again for every action alone; results are
    immutable, so the first one serves them all.
    """

    def __init__(self, rubric: Rubric, inp: DistrictInput) -> None:
        self.rubric, self.inp = rubric, inp
        self._done: dict[tuple[Edit, ...], Result] = {}

    def __call__(self, edits: tuple[Edit, ...]) -> Result:
        got = self._done.get(edits)
        if got is None:
            got = self._done[edits] = score(self.rubric, apply_edits(self.inp, edits))
        return got


class _Deriver:
    """Builds actions against one scored input, re-scoring each candidate once."""

    def __init__(self, rubric: Rubric, inp: DistrictInput, base: Result, rescore: Rescorer) -> None:
        self.rubric, self.inp, self.base = rubric, inp, base
        self.level = inp.level
        self.rescore = rescore
        self._lines: dict[int, tuple[EquipmentLine, ...]] = {}

    def lines_at(self, on_duty: int) -> tuple[EquipmentLine, ...]:
        """`lines_at` for this input, once per headcount."""
        got = self._lines.get(on_duty)
        if got is None:
            got = self._lines[on_duty] = lines_at(self.rubric, self.inp, on_duty)
        return got

    def make(
        self, ident: str, c: Criterion, text: str, edits: tuple[Edit, ...], effort: str, department: str,
        cost: Fraction | None = None,
    ) -> Action:
        """The action with its gain measured by re-scoring the input with its edits alone."""
        gain = self.gains(edits).total - self.base.total
        if c.recognition:
            text = RECOGNITION_MARK + text
        return Action(ident, c.id, text, gain, department, effort, edits, cost, c.recognition)  # type: ignore[arg-type]

    def gains(self, edits: tuple[Edit, ...]) -> Result:
        return self.rescore(edits)

    def improves(self, after: Result) -> bool:
        """Whether any category or the bonus moved: the plan's conditions read only these."""
        return not _same(after, self.base)

    def current(self, c: Criterion) -> Any:
        return self.inp.answers.get(c.id)

    # --- answer kinds -------------------------------------------------------------------
    def flag(self, c: Criterion) -> Iterable[Action]:
        old = self.current(c)
        edit = (Edit(f"answers.{c.id}", old, True),)
        if self.improves(self.gains(edit)):
            yield self.make(f"answers.{c.id}=True", c, f"{c.action}（{c.name}）", edit, c.effort, c.department)

    def threshold(self, c: Criterion) -> Iterable[Action]:
        rule = c.rule
        assert isinstance(rule, Threshold)
        if rule.roster and self.inp.roster is not None and roster_rate(rule.roster, self.inp.roster) is not None:
            yield from self.roster_threshold(c, rule)
            return
        old = self.current(c)
        value = Fraction(0) if old is None else Fraction(old)
        edit = (Edit(f"answers.{c.id}", old, rule.at_least),)
        if not self.improves(self.gains(edit)):
            return
        if rule.input == "rate":
            shown = f"{c.name}{fmt(value)}% → {fmt(rule.at_least)}%"
            if rule.roster and self.inp.on_duty > 0:
                n = self.inp.on_duty
                need = math.ceil(rule.at_least * n / 100) - math.floor(value * n / 100)
                shown += f"，按到岗{n}人计还需{need}人（{MEASURE_NAMES[rule.roster].split(' / ')[0]}）"
        else:
            shown = f"{c.name}{fmt(value)} → {fmt(rule.at_least)}"
        yield self.make(f"answers.{c.id}={rule.at_least}", c, f"{shown}：{c.action}", edit, c.effort, c.department)

    def roster_threshold(self, c: Criterion, rule: Threshold) -> Iterable[Action]:
        """A roster-computed rate: the action names how many people, and edits their rows."""
        roster = self.inp.roster
        assert roster is not None and rule.roster is not None
        fix = ROSTER_FIXES[rule.roster]
        rate, hits, base = roster_rate(rule.roster, roster)  # type: ignore[misc]
        need = math.ceil(rule.at_least * base / 100) - hits
        if need <= 0:
            return
        rows = [i for i, p in enumerate(roster) if fix.counted(p) and not fix.meets(p)][:need]
        edits = tuple(Edit(f"roster[{i}].{fix.field}", getattr(roster[i], fix.field), fix.value) for i in rows)
        names = "、".join(roster[i].name for i in rows)
        text = (
            f"{c.name}按名册{hits}/{base}={fmt(rate)}%，达到{fmt(rule.at_least)}%还需{need}人（{fix.how}）；"
            f"名册中以{names}示意所需变化：{c.action}"
        )
        if self.improves(self.gains(edits)):
            yield self.make(f"roster:{c.id}", c, text, edits, c.effort, c.department)

    def tiers(self, c: Criterion) -> Iterable[Action]:
        rule = c.rule
        assert isinstance(rule, Tiers)
        if rule.computed == "staffing_rate":
            yield from self.staffing(c)
            return
        old = self.current(c)
        value = Fraction(0) if old is None else Fraction(old)
        for tier in rule.tiers:
            if tier.at_least > value:
                edit = (Edit(f"answers.{c.id}", old, tier.at_least),)
                text = f"{c.name}{fmt(value)} → {fmt(tier.at_least)}（{fmt(tier.points)}分档）：{c.action}"
                if self.improves(self.gains(edit)):
                    yield self.make(f"answers.{c.id}={tier.at_least}", c, text, edit, c.effort, c.department)

    def staffing(self, c: Criterion) -> Iterable[Action]:
        inp = self.inp
        rate = percent(inp.on_duty, inp.authorized)
        for n, bar in staffing_targets(self.rubric, inp):
            edit = (Edit(STAFF_PATH, inp.on_duty, n),)
            text = (
                f"到岗率{fmt(rate, 1)}% → {fmt(bar)}% 需再到岗{n - inp.on_duty}人（{inp.on_duty}→{n}人，"
                f"核定编制{inp.authorized}人）：{c.action}；注意：按人数配备的装备标准数量随之提高"
            )
            yield self.make(f"{STAFF_PATH}={n}", c, text, edit, "high", c.department)

    def per(self, c: Criterion) -> Iterable[Action]:
        rule = c.rule
        assert isinstance(rule, Per)
        old = self.current(c)
        value = 0 if old is None else int(old)
        top = self.rubric.criterion_max(c.id, self.level)
        ceiling = math.ceil(top / rule.unit(self.level))
        bound = ""
        if c.plan_limit is not None and c.plan_limit.count < ceiling:
            ceiling = c.plan_limit.count
            bound = f"；计划口径每年至多{ceiling}"  # the rubric's planning bound binds: say so
        if ceiling <= value:
            return
        best = self.gains((Edit(f"answers.{c.id}", old, ceiling),))
        if not self.improves(best):
            return
        lo, hi = value + 1, ceiling  # smallest count that earns what the ceiling earns (monotone)
        while lo < hi:
            mid = (lo + hi) // 2
            if _same(self.gains((Edit(f"answers.{c.id}", old, mid),)), best):
                hi = mid
            else:
                lo = mid + 1
        for n in range(value + 1, lo + 1) if c.recognition else (lo,):
            edit = (Edit(f"answers.{c.id}", old, n),)
            if n == lo or self.improves(self.gains(edit)):
                text = f"{c.action}：{c.name}{value} → {n}（+{n - value}{bound}）"
                yield self.make(f"answers.{c.id}={n}", c, text, edit, c.effort, c.department)

    # --- equipment ------------------------------------------------------------------------
    def equipment(self) -> Iterable[Action]:
        inp, rubric = self.inp, self.rubric
        paths = line_paths(rubric, inp)
        headcounts = [inp.on_duty, *(n for n, _ in staffing_targets(rubric, inp))]
        current_lines = self.lines_at(inp.on_duty)
        for index, line in enumerate(current_lines):
            covering = covering_criteria(rubric, line)
            if not covering:
                continue
            pays_above = any(isinstance(c.rule, EquipmentStandard) for c in covering)
            wanted: dict[int, int] = {}
            for n in headcounts:
                need = self.lines_at(n)[index].required
                for target in (need, need + 1) if pays_above else (need,):
                    if target > line.present:
                        wanted.setdefault(target, n)
            for target, n in sorted(wanted.items()):
                yield self.purchase(index, line, paths[index], target, n, covering[0])

    def purchase(self, index: int, line: EquipmentLine, path: str, target: int, n: int, c: Criterion) -> Action:
        inp = self.inp
        edit = (Edit(path, line.quantity, target),)
        if line.id is not None:
            price = inp.prices.get(line.id)
        else:
            price = inp.extra_equipment[index - len(self.rubric.equipment)].unit_price
        cost = None if price is None else Fraction(price) * (target - line.present)
        need = self.lines_at(n)[index].required
        basis = "" if n == inp.on_duty else f"按到岗{n}人的标准"
        level = "高于标准1" if target > need else "达到标准"
        unit = line.unit or "件"
        text = f"购置「{line.name}」{target - line.present}{unit}（{line.present}→{target}，{basis}标准{need}{unit}，{level}）"
        return self.make(f"{path}={target}", c, text, edit, "high", c.department, cost)


def candidate_actions(
    rubric: Rubric, inp: DistrictInput, base: Result | None = None, rescore: Rescorer | None = None
) -> tuple[Action, ...]:
    """Every action that can gain points for `inp` (see the module docstring for the design).

    Vetoes have no action: a veto cannot be undone by work this year. City-only criteria
    at county level are already at their maximum and yield none. `rescore` (for `inp`)
    lets a caller reuse the results measured here.
    """
    base = base or score(rubric, inp)
    d = _Deriver(rubric, inp, base, rescore or Rescorer(rubric, inp))
    kinds: Mapping[type, Callable[[Criterion], Iterable[Action]]] = {
        Flag: d.flag,
        Threshold: d.threshold,
        Tiers: d.tiers,
        Per: d.per,
    }
    out: list[Action] = []
    for c in rubric.criteria.values():
        derive = kinds.get(type(c.rule))
        if derive is None or (c.city_only and inp.level == "county"):
            continue
        if base.criteria[c.id].points >= base.criteria[c.id].max:
            continue
        out.extend(derive(c))
    out.extend(d.equipment())
    return tuple(out)
