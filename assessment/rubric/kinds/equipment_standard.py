"""equipment_standard: a base when a whole category is at standard, plus points per item above it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
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
class EquipmentStandard(RuleKind):
    """`base` points when every listed item of `category` is at standard, plus `bonus_each`
    per item strictly above standard, at most `bonus_cap`; the bonus does not need the base
    (reading r3)."""

    category: str
    base: Fraction
    bonus_each: Fraction
    bonus_cap: Fraction
    kind: ClassVar[str] = "equipment_standard"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {"category": {"type": "string"}, "base": NUMBER, "bonus_each": NUMBER, "bonus_cap": NUMBER},
        ["category", "base", "bonus_each", "bonus_cap"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EquipmentStandard:
        return cls(
            category=raw["category"],
            base=to_fraction(raw["base"]),
            bonus_each=to_fraction(raw["bonus_each"]),
            bonus_cap=to_fraction(raw["bonus_cap"]),
        )

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
        return EquipmentTerms(all_met=self.base, each_above=self.bonus_each, above_cap=self.bonus_cap)

    def reads_line(self, line: EquipmentLine) -> bool:
        """Every item of its category, named in the rubric or added by the analyst."""
        return line.category == self.category

    def max_points(self, level: Level) -> Fraction:
        return self.base + self.bonus_cap

    def point_amounts(self) -> tuple[Fraction, ...]:
        return (self.base, self.bonus_each, self.bonus_cap)

    def score(self, value: Sequence[EquipmentLine], level: Level) -> Outcome:
        base_met = all(line.met for line in value)
        base = self.base if base_met else ZERO
        above = sum(1 for line in value if line.above)
        bonus = min(self.bonus_cap, self.bonus_each * above)

        def explain() -> str:
            parts = [
                f"所列{len(value)}项均达到标准，得{fmt(self.base)}分"
                if base_met
                else f"{shortfall_text(value)}，基础分不得分"
            ]
            if above:
                parts.append(f"{above}项高于标准，加{fmt(bonus)}分（最高{fmt(self.bonus_cap)}分）")
            return "；".join(parts)

        return Outcome(base + bonus, explain)

    def thresholds(self) -> tuple[Fraction, ...]:
        return ()

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        return ()

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        if self.category in names.equipment_categories:
            return ()
        return (f"unknown equipment category {self.category!r}",)

    def without_category_base(self, categories: Collection[str]) -> EquipmentStandard:
        """Without the base when its category is one of `categories`: the base needs every
        item of the category at standard, the bonus only the items listed."""
        return replace(self, base=ZERO) if self.category in categories else self
