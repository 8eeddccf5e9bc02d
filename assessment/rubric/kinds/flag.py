"""flag: yes/no, the thing was done (制度已建立、活动已开展) or not."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

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
from assessment.rubric.kinds.common import POINTS_BY_LEVEL, by_level, rule_schema
from assessment.rubric.levels import Level
from assessment.util.exact import ZERO
from assessment.util.formatting import fmt, with_detail


@dataclass(frozen=True)
class Flag(RuleKind):
    """Done or not; the points may differ by level."""

    points: Mapping[str, Fraction]
    kind: ClassVar[str] = "flag"
    schema: ClassVar[dict[str, Any]] = rule_schema({"points": POINTS_BY_LEVEL}, ["points"])

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Flag:
        return cls(points=by_level(raw["points"]))

    @property
    def answer_type(self) -> AnswerType:
        return "flag"

    def computed_measure(self) -> None:
        return None

    def roster_measure(self) -> None:
        return None

    def converts(self) -> PartConversion | None:
        return None

    def equipment_terms(self) -> EquipmentTerms | None:
        return None

    def reads_line(self, line: EquipmentLine) -> bool:
        return False

    def max_points(self, level: Level) -> Fraction:
        return self.points[level]

    def point_amounts(self) -> tuple[Fraction, ...]:
        return tuple(self.points.values())

    def score(self, value: bool, level: Level) -> Outcome:
        p = self.points[level]
        if value:
            return Outcome(p, lambda: f"是，得{fmt(p)}分")
        return Outcome(ZERO, lambda: "否，不得分")

    def thresholds(self) -> tuple[Fraction, ...]:
        return ()

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        if not search.improves(True):
            return ()
        return (AnswerTarget(True, with_detail(search.action, search.name)),)

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return ()

    def without_category_base(self, categories: Collection[str]) -> Flag:
        return self
