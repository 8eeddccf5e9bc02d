"""conversion: a part's total converted to this criterion's scale (装备评分 × 0.2, reading r6)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
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
from assessment.rubric.kinds.common import NUMBER, rule_schema
from assessment.rubric.levels import Level
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class Conversion(RuleKind):
    """Part `of`'s total × `factor`, at most `points`; `of` must be scored first (listed earlier)."""

    of: str
    factor: Fraction
    points: Fraction
    kind: ClassVar[str] = "conversion"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {"of": {"type": "string"}, "factor": NUMBER, "points": NUMBER}, ["of", "factor", "points"]
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Conversion:
        return cls(of=raw["of"], factor=to_fraction(raw["factor"]), points=to_fraction(raw["points"]))

    @property
    def answer_type(self) -> None:
        return None

    def computed_measure(self) -> None:
        return None

    def roster_measure(self) -> None:
        return None

    def converts(self) -> PartConversion:
        return PartConversion(self.of, self.factor)

    def equipment_terms(self) -> EquipmentTerms | None:
        return None

    def reads_line(self, line: EquipmentLine) -> bool:
        return False

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def point_amounts(self) -> tuple[Fraction, ...]:
        return (self.points,)

    def score(self, value: Fraction, level: Level) -> Outcome:
        p = min(self.points, value * self.factor)
        return Outcome(p, lambda: f"装备能力建设评分{fmt(value)}分×{fmt(self.factor)}={fmt(p)}分")

    def thresholds(self) -> tuple[Fraction, ...]:
        return ()

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        return ()

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        if self.of in names.earlier_parts:
            return ()
        return (f"converts part {self.of!r}, which must be a part listed before its own",)

    def without_category_base(self, categories: Collection[str]) -> Conversion:
        return self
