"""The reference scorer: the plain reading of the rubric, walked in Fractions, and the pieces
the compiled scorer shares with it (`finish`, `automatic`, `assemble`).

It walks the rubric's parts in order (Annex 1 before Annex 2, so that a conversion can read
the equipment total), feeds each criterion's rule the value its kind asks for, applies group
and indicator caps, and hands the totals to the pass rule. Pure, exact, and ignorant of
particular indicators. The public entry point is `assessment.scoring.engine.score`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from typing import Any

from assessment.inputs.model import DistrictInput
from assessment.inputs.roster import MEASURE_NAMES, roster_rate
from assessment.rubric.equipment import EquipmentLine, equipment_lines
from assessment.rubric.kinds.base import STAFFING_RATE, Outcome
from assessment.rubric.levels import Level
from assessment.rubric.model import Criterion, Group, Rubric
from assessment.scoring.conditions import evaluate_conditions
from assessment.scoring.figures import CategoryResult, ConditionResult, CriterionResult, IndicatorResult, PartResult
from assessment.scoring.pending import incomplete_categories
from assessment.scoring.result import Result
from assessment.util.exact import ZERO, percent
from assessment.util.formatting import fmt

AUTOMATIC = "县级不做要求，直接得分"
MISSING = "未填报，按0分计"


def _computed_value(c: Criterion, inp: DistrictInput) -> tuple[Fraction, Callable[[], str]] | None:
    """A value the engine computes from facts (staffing, roster), with how it got it."""
    rule = c.rule
    if rule.computed_measure() == STAFFING_RATE:
        rate = percent(inp.on_duty, inp.authorized)
        return rate, lambda: f"到岗{inp.on_duty}人/核定编制{inp.authorized}人="
    roster = rule.roster_measure()
    if roster and inp.roster is not None:
        got = roster_rate(roster, inp.roster)
        if got is not None:
            rate, hits, base = got
            return rate, lambda: f"按名册（{MEASURE_NAMES[roster]}）{hits}/{base}="
    return None


class _Scorer:
    def __init__(self, rubric: Rubric, inp: DistrictInput) -> None:
        self.rubric = rubric
        self.inp = inp
        self.level = inp.level
        self.parts: dict[str, PartResult] = {}
        self.lines = equipment_lines(rubric.equipment, dict(inp.equipment), inp.extra_equipment, inp.on_duty, inp.level)

    def feed(self, c: Criterion) -> tuple[Any, Outcome, str]:
        rule = c.rule
        conversion = rule.converts()
        if conversion is not None:
            total = self.parts[conversion.part].points
            return total, rule.score(total, self.level), "computed"
        if rule.feed == "equipment":
            return None, rule.score(rule.select(self.lines), self.level), "computed"
        computed = _computed_value(c, self.inp)
        if computed is not None:
            value, how = computed
            outcome = rule.score(value, self.level)
            return value, Outcome(outcome.points, lambda: how() + outcome.explanation), "computed"
        if c.id not in self.inp.answers:
            return None, Outcome(ZERO, lambda: MISSING), "missing"
        answer = self.inp.answers[c.id]
        return answer, rule.score(answer, self.level), "answer"

    def criterion(self, c: Criterion) -> CriterionResult:
        if c.city_only and self.level == "county":
            return automatic(self.rubric, c, self.level)
        value, outcome, source = self.feed(c)
        return finish(self.rubric, c, self.level, value, outcome, source)


def automatic(rubric: Rubric, c: Criterion, level: Level) -> CriterionResult:
    """A city-only criterion at county level: full points without an answer."""
    top = rubric.criterion_max(c.id, level)
    return CriterionResult(c.id, c.name, c.indicator, c.department, None, top, top, "automatic", lambda: AUTOMATIC)


def finish(rubric: Rubric, c: Criterion, level: Level, value: Any, outcome: Outcome, source: str) -> CriterionResult:
    """The criterion's result from its rule's outcome, capped at its shown maximum."""
    top = rubric.criterion_max(c.id, level)
    if outcome.points > top:
        # Capping each member at the group's or indicator's cap changes no sum
        # (every member is ≥ 0), and keeps every criterion within its shown maximum.
        uncapped = outcome
        outcome = Outcome(top, lambda: f"{uncapped.explanation}；受本项最高{fmt(top)}分限制，计{fmt(top)}分")
    return CriterionResult(
        id=c.id,
        name=c.name,
        indicator=c.indicator,
        department=c.department,
        value=value,
        points=outcome.points,
        max=top,
        source=source,  # type: ignore[arg-type]
        explain=outcome.explain,
    )


def combine(results: Iterable[CriterionResult], criteria: Iterable[Criterion], groups: Iterable[Group]) -> Fraction:
    """Sum of the criteria outside groups plus each group's combined, capped points."""
    by_id = {r.id: r for r in results}
    members: dict[str | None, list[Fraction]] = {}
    for c in criteria:
        members.setdefault(c.group, []).append(by_id[c.id].points)
    total = sum(members.get(None, []), ZERO)
    for g in groups:
        pts = members.get(g.id, [])
        got = max(pts, default=ZERO) if g.combine == "max" else sum(pts, ZERO)
        total += got if g.cap is None else min(g.cap, got)
    return total


def reference_score(rubric: Rubric, inp: DistrictInput) -> Result:
    """The plain reading of the rubric, walked in Fractions: the specification the compiled
    scorer is tested against, and its fallback for a rubric its integers cannot hold."""
    s = _Scorer(rubric, inp)
    criteria: dict[str, CriterionResult] = {}
    indicators: dict[str, IndicatorResult] = {}
    categories: dict[str, CategoryResult] = {}
    for part in rubric.parts:
        part_points = ZERO
        for cat in part.categories:
            cat_points = ZERO
            for ind in cat.indicators:
                results = [s.criterion(c) for c in ind.criteria]
                criteria.update((r.id, r) for r in results)
                points = min(ind.max, combine(results, ind.criteria, ind.groups))
                indicators[ind.id] = IndicatorResult(
                    ind.id, ind.name, cat.id, ind.department, points, ind.max, tuple(c.id for c in ind.criteria)
                )
                cat_points += points
            categories[cat.id] = CategoryResult(cat.id, cat.name, part.id, cat_points, cat.max)
            part_points += cat_points
        s.parts[part.id] = PartResult(part.id, part.name, part_points, part.max)

    bonus_results = [s.criterion(c) for c in rubric.bonus.criteria]
    criteria.update((r.id, r) for r in bonus_results)
    bonus = min(rubric.bonus.max, combine(bonus_results, rubric.bonus.criteria, rubric.bonus.groups))

    veto = tuple(v.id for v in rubric.veto.items if inp.answers.get(v.id) is True)
    main = s.parts[rubric.total_part]
    total = main.points + (bonus if rubric.total_includes_bonus else ZERO)
    total_max = main.max + (rubric.bonus.max if rubric.total_includes_bonus else ZERO)

    conditions = evaluate_conditions(rubric, categories, s.parts, total, veto)
    return assemble(rubric, inp, criteria, indicators, categories, s.parts, bonus, total, total_max, veto, conditions,
                    s.lines)


def assemble(
    rubric: Rubric,
    inp: DistrictInput,
    criteria: dict[str, CriterionResult],
    indicators: dict[str, IndicatorResult],
    categories: dict[str, CategoryResult],
    parts: dict[str, PartResult],
    bonus: Fraction,
    total: Fraction,
    total_max: Fraction,
    veto: tuple[str, ...],
    conditions: tuple[ConditionResult, ...],
    lines: tuple[EquipmentLine, ...],
) -> Result:
    """The Result from scored parts: pass, title, what is missing and the warnings. One
    place for both scorers (the compiled one and the reference), so they cannot drift.
    The verdict re-scores with the reference scorer (`Result.verdict`): it is needed once
    per result, where compiling the changed rubric would cost more than walking it."""
    passed = all(c.met for c in conditions)
    title = rubric.title_for(inp.year) if passed else None
    missing = tuple(cid for cid, r in criteria.items() if r.source == "missing")
    return Result(
        input=inp,
        rubric=rubric,
        criteria=criteria,
        indicators=indicators,
        categories=categories,
        parts=parts,
        bonus=bonus,
        bonus_max=rubric.bonus.max,
        total=total,
        total_max=total_max,
        veto=veto,
        conditions=conditions,
        passed=passed,
        title=title.title if title else None,
        title_full=title.full if title else None,
        equipment_lines=lines,
        missing=missing,
        warnings=tuple(warnings_for(rubric, inp, lines, missing, passed and title is None)),
        rescore=reference_score,
    )


#: How many unfilled criteria a warning names before "等N项"; `tables.warnings_table` lists them all.
MISSING_SHOWN = 5


def warnings_for(
    rubric: Rubric, inp: DistrictInput, lines: tuple[EquipmentLine, ...], missing: tuple[str, ...], untitled: bool
) -> Iterable[str]:
    """What an analyst should know before trusting the figures."""
    yield from inp.warnings
    answerable_missing = [rubric.criteria[cid].name for cid in missing if cid in rubric.criteria]
    if answerable_missing:
        shown = "、".join(answerable_missing[:MISSING_SHOWN])
        more = f"等{len(answerable_missing)}项" if len(answerable_missing) > MISSING_SHOWN else ""
        yield f"{len(answerable_missing)}项指标未填报，按0分计：{shown}{more}"
    unfilled = [line.name for line in lines if not line.extra and line.quantity is None]
    if unfilled:
        yield f"装备台账{len(unfilled)}项未填实有数量，按0计：{'、'.join(unfilled)}"
    for gap in incomplete_categories(rubric, lines):
        yield (
            f"{gap.name}台账列出{gap.listed}项，标准共{gap.expected}项：缺少的{gap.unlisted}项无法核对，"
            f"请按《装备标准化建设指导标准（2020年版）》补充；补充前该项基础分待核"
        )
    if inp.on_duty > inp.authorized:
        yield f"实际到岗执法人员数（{inp.on_duty}）大于核定编制数（{inp.authorized}），请核对"
    if inp.roster is not None and len(inp.roster) != inp.on_duty:
        yield f"执法人员名册有{len(inp.roster)}人，与实际到岗执法人员数{inp.on_duty}不一致，请核对"
    if untitled:
        yield f"{inp.year}年不在命名规则的年份范围内，未给出命名"
    if inp.sample:
        yield "本数据为示例数据，不代表任何单位的真实情况"

