"""threshold: a rate (0–100) or a number that must reach a bar (inclusive, reading r1)."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Literal

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import (
    AnswerSearch,
    AnswerTarget,
    AnswerType,
    EquipmentTerms,
    Outcome,
    PartConversion,
    RubricNames,
    RuleKind,
)
from assessment.rubric.kinds.common import NUMBER, describe, rule_schema
from assessment.rubric.levels import Level
from assessment.util.exact import ZERO, to_fraction
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class Threshold(RuleKind):
    """All points at `at_least` or above, none below; `roster` names the roster measure that
    computes the rate when the district gives a roster."""

    input: Literal["rate", "number"]
    at_least: Fraction
    points: Fraction
    roster: str | None = None
    kind: ClassVar[str] = "threshold"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {
            "input": {"enum": ["rate", "number"]},
            "at_least": NUMBER,
            "points": NUMBER,
            "roster": {"enum": ["college", "law_env_major", "certified"]},
        },
        ["input", "at_least", "points"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Threshold:
        return cls(
            input=raw["input"],
            at_least=to_fraction(raw["at_least"]),
            points=to_fraction(raw["points"]),
            roster=raw.get("roster"),
        )

    @property
    def answer_type(self) -> AnswerType:
        return self.input

    def computed_measure(self) -> None:
        return None

    def roster_measure(self) -> str | None:
        return self.roster

    def converts(self) -> PartConversion | None:
        return None

    def equipment_terms(self) -> EquipmentTerms | None:
        return None

    def reads_line(self, line: EquipmentLine) -> bool:
        return False

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def point_amounts(self) -> tuple[Fraction, ...]:
        return (self.points,)

    def score(self, value: Fraction, level: Level) -> Outcome:
        def shown() -> str:
            return f"{describe(value, self.input)}，" + ("达到" if value >= self.at_least else "未达到")

        bar = self.at_least
        if value >= bar:
            return Outcome(self.points, lambda: f"{shown()}{describe(bar, self.input)}，得{fmt(self.points)}分")
        return Outcome(ZERO, lambda: f"{shown()}{describe(bar, self.input)}，不得分")

    def thresholds(self) -> tuple[Fraction, ...]:
        return (self.at_least,)

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        """The bar itself; a rate of people also says how many people that is at the headcount."""
        value = Fraction(0) if search.current is None else Fraction(search.current)
        if not search.improves(self.at_least):
            return ()
        if self.input == "rate":
            shown = f"{search.name}{fmt(value)}% → {fmt(self.at_least)}%"
            if search.counted is not None and search.on_duty > 0:
                n = search.on_duty
                need = math.ceil(self.at_least * n / 100) - math.floor(value * n / 100)
                shown += f"，按到岗{n}人计还需{need}人（{search.counted}）"
        else:
            shown = f"{search.name}{fmt(value)} → {fmt(self.at_least)}"
        return (AnswerTarget(self.at_least, f"{shown}：{search.action}"),)

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return ()

    def without_category_base(self, categories: Collection[str]) -> Threshold:
        return self
