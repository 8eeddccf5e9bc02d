"""The rubric as an immutable model: parts, categories, indicators, criteria and the pass rule.

Built once by `assessment.rubric.loader` from the rubric file, after its checks; everything
downstream (scoring, plans, reports) reads these frozen dataclasses and never the file. A
criterion holds its rule as a `RuleKind` (assessment.rubric.kinds), which is all the
scoring knowledge there is.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cached_property
from typing import Literal

from assessment.rubric.equipment import EquipmentSpec
from assessment.rubric.kinds.base import RuleKind
from assessment.rubric.levels import LEVELS


@dataclass(frozen=True)
class Reading:
    """How the project reads a sentence the source leaves open, and why."""

    id: str
    text: str
    reason: str


@dataclass(frozen=True)
class Group:
    """Criteria of one indicator that share a cap (本项最高得2分) or count only their best."""

    id: str
    name: str
    source: str
    cap: Fraction | None
    combine: Literal["sum", "max"]


@dataclass(frozen=True)
class Control:
    """Who decides whether a criterion is met: the district itself, or others' recognition
    (awards, selections, rankings, commendations, adopted cases, bonus items)."""

    by: Literal["district", "recognition"]
    reason: str


@dataclass(frozen=True)
class PlanLimit:
    """The most occurrences of a `per` criterion a plan counts on in one year, and why.

    A planning bound read by this tool (the source sets none), so that a plan never asks
    for "0 → 17" prizes; stated with its reason wherever it is shown."""

    count: int
    reason: str


@dataclass(frozen=True)
class Due:
    """A deadline the source sets (e.g. 每年2月20日前): month and day of the assessment year;
    `year` when the source names one year only (then other years have no such deadline)."""

    month: int
    day: int
    source: str
    year: int | None = None

    def on(self, year: int) -> date | None:
        """The deadline in `year`, or None when the source's deadline is for another year."""
        if self.year is not None and self.year != year:
            return None
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))


DISTRICT_CONTROL = Control("district", "")


@dataclass(frozen=True)
class Criterion:
    """The smallest scored thing: one sentence of the source's 评分细则."""

    id: str
    name: str
    source: str
    rule: RuleKind
    department: str
    effort: Literal["low", "medium", "high"]
    action: str
    indicator: str
    group: str | None = None
    city_only: bool = False
    control: Control = DISTRICT_CONTROL
    plan_limit: PlanLimit | None = None
    due: Due | None = None

    @property
    def recognition(self) -> bool:
        """Whether meeting it depends on others' recognition (需争取), not on the district."""
        return self.control.by == "recognition"

    @property
    def answer_type(self) -> str | None:
        """What the analyst fills in; None when computed by the engine."""
        return self.rule.answer_type


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    max: Fraction
    department: str
    category: str
    requirement: str
    evidence: str
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    max: Fraction
    part: str
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Part:
    """A scoring table of its own: Annex 2 (standard) or Annex 1 (equipment)."""

    id: str
    name: str
    source: str
    max: Fraction
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Bonus:
    name: str
    max: Fraction
    department: str
    source: str
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class VetoItem:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class Veto:
    name: str
    department: str
    source: str
    items: tuple[VetoItem, ...]


@dataclass(frozen=True)
class UnscoredRequirement:
    """Something the source asks that no criterion scores (e.g. 缴纳工伤保险).

    Listed so that a full score is not read as "every requirement met"; `check` names the
    input fact that tells whether it is met (None: the report says 未核实).
    """

    id: str
    name: str
    source: str
    where: str
    department: str
    check: str | None = None


@dataclass(frozen=True)
class Condition:
    """One condition of the pass rule: `measure op threshold`."""

    id: str
    name: str
    measure: Literal["category_share", "part_total", "total", "veto_count"]
    op: Literal["gt", "ge", "eq"]
    threshold: Fraction
    part: str | None = None


@dataclass(frozen=True)
class TitleRule:
    from_year: int
    to_year: int | None
    title: str
    full: str


@dataclass(frozen=True)
class Rubric:
    id: str
    version: str
    name: str
    source: str
    sha256: str
    levels: dict[str, str]
    readings: tuple[Reading, ...]
    parts: tuple[Part, ...]
    bonus: Bonus
    veto: Veto
    conditions: tuple[Condition, ...]
    pass_source: str
    total_part: str
    total_includes_bonus: bool
    titles: tuple[TitleRule, ...]
    titles_source: str
    equipment: tuple[EquipmentSpec, ...]
    equipment_categories: dict[str, tuple[str, int | None]]
    criteria: dict[str, Criterion] = field(repr=False)
    unscored: tuple[UnscoredRequirement, ...] = ()

    def part(self, part_id: str) -> Part:
        return next(p for p in self.parts if p.id == part_id)

    def indicators(self) -> Iterator[Indicator]:
        for part in self.parts:
            for category in part.categories:
                yield from category.indicators

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators() if i.id == indicator_id)

    @cached_property
    def _maxima(self) -> dict[tuple[str, str], Fraction]:
        """Each criterion's real maximum per level: its own cap, its group's, its indicator's."""
        owners = [(i.groups, i.max, i.criteria) for i in self.indicators()]
        owners.append((self.bonus.groups, self.bonus.max, self.bonus.criteria))
        out: dict[tuple[str, str], Fraction] = {}
        for groups, ceiling, criteria in owners:
            caps = {g.id: g.cap for g in groups}
            for c in criteria:
                for level in LEVELS:
                    bounds = [ceiling, c.rule.max_points(level), caps.get(c.group) if c.group else None]
                    out[c.id, level] = min(b for b in bounds if b is not None)
        return out

    @cached_property
    def equipment_part(self) -> str | None:
        """The part the pass rule judges on its own (装备建设单项), if any."""
        return next((c.part for c in self.conditions if c.measure == "part_total"), None)

    def criterion_max(self, criterion_id: str, level: str) -> Fraction:
        """Most points a criterion can contribute at `level` (cached: scoring asks often)."""
        return self._maxima[criterion_id, level]

    def answerable(self) -> dict[str, str]:
        """Every id an analyst may answer, with its answer type (flag/rate/count/number).

        Veto items are flags; criteria the engine computes are absent.
        """
        out = {cid: c.answer_type for cid, c in self.criteria.items() if c.answer_type is not None}
        out.update({v.id: "flag" for v in self.veto.items})
        return out

    def answer_name(self, answer_id: str) -> str:
        """The Chinese name of an answerable id (a criterion or a veto item), as messages and
        tables name it for people; KeyError for an id the rubric lacks."""
        if answer_id in self.criteria:
            return self.criteria[answer_id].name
        for item in self.veto.items:
            if item.id == answer_id:
                return item.name
        raise KeyError(answer_id)

    def title_for(self, year: int) -> TitleRule | None:
        for rule in self.titles:
            if year >= rule.from_year and (rule.to_year is None or year <= rule.to_year):
                return rule
        return None
