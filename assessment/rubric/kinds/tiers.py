"""tiers: points by the highest threshold reached (到岗率 60% → 1, 70% → 2, 80% → 3)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Literal

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import (
    STAFFING_RATE,
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
class Tier:
    at_least: Fraction
    points: Fraction


@dataclass(frozen=True)
class Tiers(RuleKind):
    """The points of the highest tier reached; `computed` names the engine measure
    (STAFFING_RATE) that supplies the value instead of an answer."""

    input: Literal["rate", "number"]
    tiers: tuple[Tier, ...]
    computed: str | None = None
    kind: ClassVar[str] = "tiers"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {
            "input": {"enum": ["rate", "number"]},
            "computed": {"enum": [STAFFING_RATE]},
            "tiers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["at_least", "points"],
                    "additionalProperties": False,
                    "properties": {"at_least": NUMBER, "points": NUMBER},
                },
            },
        },
        ["input", "tiers"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Tiers:
        tiers = tuple(
            sorted(
                (Tier(to_fraction(t["at_least"]), to_fraction(t["points"])) for t in raw["tiers"]),
                key=lambda t: t.at_least,
            )
        )
        return cls(input=raw["input"], tiers=tiers, computed=raw.get("computed"))

    @property
    def answer_type(self) -> AnswerType | None:
        return None if self.computed else self.input

    def computed_measure(self) -> str | None:
        return self.computed

    def roster_measure(self) -> None:
        return None

    def converts(self) -> PartConversion | None:
        return None

    def equipment_terms(self) -> EquipmentTerms | None:
        return None

    def reads_line(self, line: EquipmentLine) -> bool:
        return False

    def max_points(self, level: Level) -> Fraction:
        return max(t.points for t in self.tiers)

    def point_amounts(self) -> tuple[Fraction, ...]:
        return tuple(t.points for t in self.tiers)

    def _reached(self, value: Fraction) -> Tier | None:
        """The highest tier `value` reaches, if any."""
        met = [t for t in self.tiers if value >= t.at_least]
        return max(met, key=lambda t: t.points) if met else None

    def score(self, value: Fraction, level: Level) -> Outcome:
        tier = self._reached(value)
        if tier is None:
            lowest = self.tiers[0].at_least
            return Outcome(
                ZERO, lambda: f"{describe(value, self.input)}，未达到最低档{describe(lowest, self.input)}，不得分"
            )
        return Outcome(
            tier.points,
            lambda: f"{describe(value, self.input)}，达到{describe(tier.at_least, self.input)}档，得{fmt(tier.points)}分",
        )

    def thresholds(self) -> tuple[Fraction, ...]:
        return tuple(t.at_least for t in self.tiers)

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        """Every higher tier that moves a score, lowest first."""
        value = Fraction(0) if search.current is None else Fraction(search.current)
        return tuple(
            AnswerTarget(
                t.at_least,
                f"{search.name}{fmt(value)} → {fmt(t.at_least)}（{fmt(t.points)}分档）：{search.action}",
            )
            for t in self.tiers
            if t.at_least > value and search.improves(t.at_least)
        )

    def occurrences_for(self, points: Fraction, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return ()

    def without_category_base(self, categories: Collection[str]) -> Tiers:
        return self
