"""Candidate actions: what a district could do, criterion by criterion, to gain points.

Every action is derived from what a criterion's rule KIND proposes (`RuleKind.answer_targets`,
its thresholds, its equipment terms) and the rubric's data (caps, plan limits, equipment
specs), never from a particular criterion id, so that a revised rubric or a new kind yields
its own actions. An action stands for an `Edit` of the district's input in
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from assessment.inputs.edits import STAFF_PATH, Edit, answer_path, apply_edits, line_paths, lines_at, roster_path
from assessment.inputs.model import DistrictInput, Person
from assessment.inputs.roster import COLLEGE_OR_ABOVE, LAW_OR_ENVIRONMENT, MEASURE_NAMES, roster_rate
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import STAFFING_RATE, AnswerSearch, RuleKind
from assessment.rubric.model import Criterion, Rubric
from assessment.rubric.queries import covering_criteria, staffing_criteria
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.util.exact import percent
from assessment.util.formatting import fmt

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


def roster_target(rule: RuleKind, rate: Fraction) -> Fraction | None:
    """The bar a roster-computed rate is raised to: its rule's lowest one above `rate`."""
    return next((bar for bar in rule.thresholds() if bar > rate), None)


def staffing_targets(rubric: Rubric, inp: DistrictInput) -> list[tuple[int, Fraction]]:
    """(headcount, tier bar) for every staffing tier above the current rate, lowest first."""
    targets: dict[int, Fraction] = {}
    current = percent(inp.on_duty, inp.authorized)
    for c in staffing_criteria(rubric):
        for bar in c.rule.thresholds():
            if bar > current:
                n = math.ceil(bar * inp.authorized / 100)
                if inp.on_duty < n <= inp.authorized:
                    targets.setdefault(n, bar)
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

    # --- answers ------------------------------------------------------------------------
    def criterion(self, c: Criterion) -> Iterable[Action]:
        """The actions for one criterion: raise the staffing, fix roster rows, or answer."""
        rule = c.rule
        if rule.computed_measure() == STAFFING_RATE:
            return self.staffing(c)
        measure = rule.roster_measure()
        if measure is not None and self.inp.roster is not None and roster_rate(measure, self.inp.roster) is not None:
            return self.roster(c, measure)
        return self.answers(c, measure)

    def answers(self, c: Criterion, measure: str | None) -> Iterable[Action]:
        """The answers the criterion's rule proposes, each re-scored alone."""
        old = self.current(c)

        def edit(value: Any) -> tuple[Edit, ...]:
            return (Edit(answer_path(c.id), old, value),)

        search = AnswerSearch(
            name=c.name,
            action=c.action,
            current=old,
            level=self.level,
            top=self.rubric.criterion_max(c.id, self.level),
            limit=None if c.plan_limit is None else c.plan_limit.count,
            every_step=c.recognition,
            on_duty=self.inp.on_duty,
            counted=None if measure is None else MEASURE_NAMES[measure].split(" / ")[0],
            improves=lambda value: self.improves(self.gains(edit(value))),
            same=lambda a, b: _same(self.gains(edit(a)), self.gains(edit(b))),
        )
        for target in c.rule.answer_targets(search):
            yield self.make(f"{answer_path(c.id)}={target.value}", c, target.text, edit(target.value), c.effort, c.department)

    def roster(self, c: Criterion, measure: str) -> Iterable[Action]:
        """A roster-computed rate: the action names how many people, and edits their rows."""
        roster = self.inp.roster
        assert roster is not None
        fix = ROSTER_FIXES[measure]
        rate, hits, base = roster_rate(measure, roster)  # type: ignore[misc]
        bar = roster_target(c.rule, rate)
        if bar is None:
            return
        need = math.ceil(bar * base / 100) - hits
        rows = [i for i, p in enumerate(roster) if fix.counted(p) and not fix.meets(p)][:need]
        edits = tuple(Edit(roster_path(i, fix.field), getattr(roster[i], fix.field), fix.value) for i in rows)
        names = "、".join(roster[i].name for i in rows)
        text = (
            f"{c.name}按名册{hits}/{base}={fmt(rate)}%，达到{fmt(bar)}%还需{need}人（{fix.how}）；"
            f"名册中以{names}示意所需变化：{c.action}"
        )
        if self.improves(self.gains(edits)):
            yield self.make(f"roster:{c.id}", c, text, edits, c.effort, c.department)

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
            pays_above = any(terms.pays_above for terms in (c.rule.equipment_terms() for c in covering) if terms)
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
    out: list[Action] = []
    for c in rubric.criteria.values():
        if c.city_only and inp.level == "county":
            continue
        if base.criteria[c.id].points >= base.criteria[c.id].max:
            continue
        out.extend(d.criterion(c))
    out.extend(d.equipment())
    return tuple(out)
