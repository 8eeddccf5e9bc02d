"""equipment_ratio: full points when every listed equipment item reaches its required quantity."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import (
    AnswerSearch,
    AnswerTarget,
    EquipmentTerms,
    Outcome,
    PartConversion,
    RubricNames,
    RuleKind,
)
from assessment.rubric.kinds.common import NUMBER, rule_schema, shortfall_text
from assessment.rubric.levels import Level
from assessment.util.exact import ZERO, to_fraction
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class EquipmentRatio(RuleKind):
    """`points` when every item of `items` (by id) meets its required quantity, else none."""

    items: tuple[str, ...]
    points: Fraction
    kind: ClassVar[str] = "equipment_ratio"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {"items": {"type": "array", "minItems": 1, "items": {"type": "string"}}, "points": NUMBER},
        ["items", "points"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EquipmentRatio:
        return cls(items=tuple(raw["items"]), points=to_fraction(raw["points"]))

    @property
    def answer_type(self) -> None:
        return None

    def computed_measure(self) -> None:
        return None

    def roster_measure(self) -> None:
        return None

    def converts(self) -> PartConversion | None:
        return None

    def equipment_terms(self) -> EquipmentTerms:
        return EquipmentTerms(all_met=self.points)

    def reads_line(self, line: EquipmentLine) -> bool:
        return line.id in self.items

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def point_amounts(self) -> tuple[Fraction, ...]:
        return (self.points,)

    def score(self, value: Sequence[EquipmentLine], level: Level) -> Outcome:
        if all(line.met for line in value):
            return Outcome(self.points, lambda: f"{len(value)}项均达到标准数量，得{fmt(self.points)}分")
        return Outcome(ZERO, lambda: f"{shortfall_text(value)}，不得分")

    def thresholds(self) -> tuple[Fraction, ...]:
        return ()

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        return ()

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return tuple(f"unknown equipment item {item!r}" for item in self.items if item not in names.equipment_items)

    def without_category_base(self, categories: Collection[str]) -> EquipmentRatio:
        return self
