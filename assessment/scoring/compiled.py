"""The rubric compiled once into a scorer that adds exact integers instead of Fractions.

`scoring.reference_score` walks the rubric in Fractions; every addition there normalises a
fraction, and every criterion builds a fresh result. A district's points are sums and caps
of a few rubric constants, so they are all multiples of 1/D, with D the least common
multiple of the denominators of every amount a rule gives (`RuleKind.point_amounts`),
maximum and cap, times the conversion factors' denominators (a conversion multiplies a
part's total): D = 20 × 5 = 100 for the bundled rubric.
Compiled, a criterion's points are an integer count of 1/D, and the same answer to the same
criterion at the same level always gives the same immutable `CriterionResult`, which is
therefore made once (with its lazily formatted explanation) and reused; so are indicator,
category and part results per points, equipment lines per quantity and requirement, and
the evaluated pass conditions per the figures they read.

Exactness: a criterion's points enter the integers only after checking that they are a
whole number of 1/D; a rubric for which that fails is scored by `reference_score`.
Criteria whose result depends on more than their answer (computed from staffing or the
roster, judged from equipment lines) are scored by the reference rule on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from assessment.inputs.model import DistrictInput
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import EquipmentTerms, Outcome
from assessment.rubric.levels import LEVELS, Level
from assessment.rubric.model import Criterion, Group, Rubric
from assessment.rubric.queries import point_lattice
from assessment.scoring.conditions import evaluate_conditions
from assessment.scoring.figures import CategoryResult, ConditionResult, CriterionResult, IndicatorResult, PartResult
from assessment.scoring.reference import MISSING, _computed_value, assemble, automatic, finish, reference_score
from assessment.scoring.result import Result

#: Most distinct answers remembered per criterion and level (rates are open-ended).
MEMO_LIMIT = 512


#: The key of an unanswered criterion in its memo; `_SAME`: a result shows its answer.
_ABSENT = object()
_SAME = object()


def _plain(c: Criterion) -> bool:
    """Whether the criterion's result follows from its answer alone, at every level."""
    rule = c.rule
    return (
        rule.feed == "answer" and not c.city_only and rule.computed_measure() is None and rule.roster_measure() is None
    )


class _Inexact(Exception):
    """Points that are not a whole number of 1/D: this rubric needs the reference scorer."""


_Memo = dict[tuple[type, Any], tuple[int, CriterionResult]]


@dataclass(frozen=True)
class _Owner:
    """An indicator or the bonus at one level, flattened for the hot loop.

    `members`: per criterion (id, its memo when it is scored from its answer alone or None,
    its result when the level alone decides it (city-only at county) or None, its
    accumulator slot, whether that slot keeps the maximum, the criterion). Slot 0 sums
    the criteria outside groups; slot i + 1 is group i, capped at `caps[i]` (units or None).
    """

    members: tuple[tuple[str, _Memo | None, tuple[int, CriterionResult] | None, int, bool, Criterion], ...]
    caps: tuple[int | None, ...]
    ceiling: int


class CompiledRubric:
    """A rubric ready to score many districts fast; `score` equals `reference_score`."""

    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        values, factors = point_lattice(rubric)
        self.d = values * factors  # every reachable point value is a multiple of 1/D (checked again while scoring)
        self._fractions: dict[int, Fraction] = {}
        self._automatic: dict[str, tuple[int, CriterionResult]] = {}
        self._indicators: dict[tuple[str, int], IndicatorResult] = {}
        self._categories: dict[tuple[str, int], CategoryResult] = {}
        self._parts: dict[tuple[str, int], PartResult] = {}
        self._lines: dict[tuple[int, int, int | None], EquipmentLine] = {}
        self._conditions: dict[tuple[Any, ...], tuple[ConditionResult, ...]] = {}
        self._answers: dict[tuple[str, str], _Memo] = {(c.id, level): {} for c in rubric.criteria.values() for level in LEVELS}
        self._owners: dict[tuple[str, str], _Owner] = {}
        for level in LEVELS:
            for ind in rubric.indicators():
                self._owners[ind.id, level] = self._owner(ind.criteria, ind.groups, ind.max, level)
            self._owners["", level] = self._owner(rubric.bonus.criteria, rubric.bonus.groups, rubric.bonus.max, level)

    def _owner(
        self, criteria: tuple[Criterion, ...], groups: tuple[Group, ...], ceiling: Fraction, level: Level
    ) -> _Owner:
        slot = {g.id: i + 1 for i, g in enumerate(groups)}
        keeps_max = {g.id: g.combine == "max" for g in groups}
        members = tuple(
            (
                c.id,
                self._answers[c.id, level] if _plain(c) else None,
                self._fixed(c, level),
                0 if c.group is None else slot[c.group],
                c.group is not None and keeps_max[c.group],
                c,
            )
            for c in criteria
        )
        caps = tuple(None if g.cap is None else self.units(g.cap) for g in groups)
        return _Owner(members, caps, self.units(ceiling))

    # --- exact integers --------------------------------------------------------------
    def units(self, points: Fraction) -> int:
        """points × D, which must be whole (else the reference scorer takes over)."""
        scaled = points.numerator * self.d
        if scaled % points.denominator:
            raise _Inexact(points)
        return scaled // points.denominator

    def fraction(self, units: int) -> Fraction:
        """units / D as a Fraction, made once per value."""
        got = self._fractions.get(units)
        if got is None:
            got = self._fractions[units] = Fraction(units, self.d)
        return got

    # --- criteria -----------------------------------------------------------------------
    def _criterion(
        self, c: Criterion, level: Level, inp: DistrictInput, lines: tuple[EquipmentLine, ...], parts: dict[str, Any]
    ) -> tuple[int, CriterionResult]:
        fixed = self._fixed(c, level)
        if fixed is not None:
            return fixed
        rule = c.rule
        conversion = rule.converts()
        if conversion is not None:
            total = parts[conversion.part].points
            return self._memo(c, level, total, lambda: rule.score(total, level), "computed")
        terms = rule.equipment_terms()
        if terms is not None:
            return self._equipment(c, level, rule.select(lines), terms)
        computed = _computed_value(c, inp)
        if computed is not None:  # the explanation names headcounts or roster figures
            value, how = computed
            scored = rule.score(value, level)
            r = finish(self.rubric, c, level, value, Outcome(scored.points, lambda: how() + scored.explanation),
                       "computed")
            return self.units(r.points), r
        answer = inp.answers.get(c.id, _ABSENT)
        if answer is _ABSENT:
            return self._memo(c, level, answer, lambda: Outcome(Fraction(0), lambda: MISSING), "missing", None)
        return self._memo(c, level, answer, lambda: rule.score(answer, level), "answer")

    def _equipment(
        self, c: Criterion, level: Level, selected: tuple[EquipmentLine, ...], terms: EquipmentTerms
    ) -> tuple[int, CriterionResult]:
        """An equipment criterion: points in integers from its lines (its rule's terms), the
        words on demand.

        Lines vary from district to district far more than answers do, so the rule's Outcome
        (Fractions and a closure) is only made when the explanation is read.
        """
        rule = c.rule
        top = self.units(self.rubric.criterion_max(c.id, level))
        all_met = all(line.present >= line.required for line in selected)
        units = self.units(terms.all_met) if all_met else 0
        if terms.pays_above:
            above = sum(1 for line in selected if line.present > line.required)
            units += min(self.units(terms.above_cap), self.units(terms.each_above) * above)
        units = min(units, top)

        def explain() -> str:
            return finish(self.rubric, c, level, None, rule.score(selected, level), "computed").explanation

        r = CriterionResult(c.id, c.name, c.indicator, c.department, None, self.fraction(units),
                            self.fraction(top), "computed", explain)
        return units, r

    def _fixed(self, c: Criterion, level: Level) -> tuple[int, CriterionResult] | None:
        """The result of a city-only criterion at county level (the level decides it), else None."""
        if not (c.city_only and level == "county"):
            return None
        got = self._automatic.get(c.id)
        if got is None:
            r = automatic(self.rubric, c, level)
            got = self._automatic[c.id] = (self.units(r.points), r)
        return got

    def _memo(
        self, c: Criterion, level: Level, key: Any, outcome: Callable[[], Outcome], source: str,
        value: Any = _SAME,
    ) -> tuple[int, CriterionResult]:
        """The result for this answer (`key`) of this criterion, made once (results are
        immutable); `value` is what the result shows, the answer itself unless given."""
        memo = self._answers[c.id, level]
        got = memo.get((type(key), key))
        if got is None:
            r = finish(self.rubric, c, level, key if value is _SAME else value, outcome(), source)
            got = (self.units(r.points), r)
            if len(memo) < MEMO_LIMIT:
                memo[type(key), key] = got
        return got

    def _combine(
        self, owner: _Owner, level: Level, inp: DistrictInput, lines: tuple[EquipmentLine, ...],
        parts: dict[str, Any], criteria: dict[str, CriterionResult],
    ) -> int:
        """Members' units combined as `scoring.combine` does, capped at the owner's ceiling.

        A plain answer is looked up in its criterion's memo inline (the hot path: most
        criteria are flags and counts); anything else goes through `_criterion`.
        """
        acc = [0] * (len(owner.caps) + 1)
        answers = inp.answers
        for cid, memo, fixed, slot, keeps_max, c in owner.members:
            got = fixed
            if memo is not None:
                answer = answers.get(cid, _ABSENT)
                got = memo.get((type(answer), answer))
            if got is None:
                got = self._criterion(c, level, inp, lines, parts)
            units, criteria[cid] = got
            if keeps_max:
                if units > acc[slot]:
                    acc[slot] = units
            else:
                acc[slot] += units
        total = acc[0]
        for cap, got_units in zip(owner.caps, acc[1:]):
            total += got_units if cap is None or got_units < cap else cap
        return total if total < owner.ceiling else owner.ceiling

    # --- equipment lines --------------------------------------------------------------
    def _equipment_lines(self, inp: DistrictInput) -> tuple[EquipmentLine, ...]:
        """`equipment.equipment_lines`, each named line made once per requirement and quantity."""
        out = []
        quantities = inp.equipment
        for i, spec in enumerate(self.rubric.equipment):
            required = spec.required(inp.on_duty, inp.level)
            quantity = quantities.get(spec.id)
            key = (i, required, quantity)
            line = self._lines.get(key)
            if line is None:
                line = EquipmentLine(spec.id, spec.name, spec.category, spec.unit, required, quantity)
                if len(self._lines) < MEMO_LIMIT * 8:
                    self._lines[key] = line
            out.append(line)
        out += [
            EquipmentLine(None, x.name, x.category, "", x.required, x.quantity, extra=True)
            for x in inp.extra_equipment
        ]
        return tuple(out)

    # --- the district ---------------------------------------------------------------------
    def score(self, inp: DistrictInput) -> Result:
        """The district's Result, equal to `reference_score(self.rubric, inp)`."""
        try:
            return self._score(inp)
        except _Inexact:
            return reference_score(self.rubric, inp)

    def _score(self, inp: DistrictInput) -> Result:
        rubric, level = self.rubric, inp.level
        lines = self._equipment_lines(inp)
        criteria: dict[str, CriterionResult] = {}
        indicators: dict[str, IndicatorResult] = {}
        categories: dict[str, CategoryResult] = {}
        parts: dict[str, PartResult] = {}
        units_of: list[int] = []  # category then part units, in rubric order: the conditions' key
        for part in rubric.parts:
            part_units = 0
            for cat in part.categories:
                cat_units = 0
                for ind in cat.indicators:
                    units = self._combine(self._owners[ind.id, level], level, inp, lines, parts, criteria)
                    indicators[ind.id] = self._indicator(ind, cat.id, units)
                    cat_units += units
                categories[cat.id] = self._category(cat, part.id, cat_units)
                units_of.append(cat_units)
                part_units += cat_units
            parts[part.id] = self._part(part, part_units)
            units_of.append(part_units)
        bonus_units = self._combine(self._owners["", level], level, inp, lines, parts, criteria)
        bonus = self.fraction(bonus_units)
        veto = tuple(v.id for v in rubric.veto.items if inp.answers.get(v.id) is True)
        main = parts[rubric.total_part]
        total = main.points + bonus if rubric.total_includes_bonus else main.points
        total_max = main.max + rubric.bonus.max if rubric.total_includes_bonus else main.max
        key = (*units_of, bonus_units, veto)
        conditions = self._conditions.get(key)
        if conditions is None:
            conditions = evaluate_conditions(rubric, categories, parts, total, veto)
            if len(self._conditions) < MEMO_LIMIT * 8:
                self._conditions[key] = conditions
        return assemble(rubric, inp, criteria, indicators, categories, parts, bonus, total, total_max, veto, conditions,
                        lines)

    def _indicator(self, ind: Any, category: str, units: int) -> IndicatorResult:
        got = self._indicators.get((ind.id, units))
        if got is None:
            got = self._indicators[ind.id, units] = IndicatorResult(
                ind.id, ind.name, category, ind.department, self.fraction(units), ind.max,
                tuple(c.id for c in ind.criteria),
            )
        return got

    def _category(self, cat: Any, part: str, units: int) -> CategoryResult:
        got = self._categories.get((cat.id, units))
        if got is None:
            got = self._categories[cat.id, units] = CategoryResult(cat.id, cat.name, part, self.fraction(units), cat.max)
        return got

    def _part(self, part: Any, units: int) -> PartResult:
        got = self._parts.get((part.id, units))
        if got is None:
            got = self._parts[part.id, units] = PartResult(part.id, part.name, self.fraction(units), part.max)
        return got


_COMPILED: dict[int, CompiledRubric] = {}
KEPT_RUBRICS = 8


def compiled(rubric: Rubric) -> CompiledRubric:
    """The rubric's compiled scorer, built on first use and kept with the rubric.

    Keyed by identity: a Rubric holds dicts and is not hashable; the scorer holds the
    rubric, so the id cannot be reused while the entry lives.
    """
    got = _COMPILED.get(id(rubric))
    if got is None or got.rubric is not rubric:
        if len(_COMPILED) >= KEPT_RUBRICS:  # tests build many rubrics; a process uses one or two
            _COMPILED.clear()
        got = _COMPILED[id(rubric)] = CompiledRubric(rubric)
    return got
