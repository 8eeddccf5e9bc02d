"""per: points per occurrence, optionally capped; a county may earn a multiple of each (reading r4)."""

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
from assessment.rubric.kinds.common import NUMBER, rule_schema
from assessment.rubric.levels import LEVELS, Level
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class Per(RuleKind):
    """`each` points per occurrence, a county `county_factor` times that; the cap stays as
    printed when a county's points are doubled (reading r4)."""

    each: Fraction
    cap: Fraction | None = None
    county_factor: Fraction = Fraction(1)
    kind: ClassVar[str] = "per"
    schema: ClassVar[dict[str, Any]] = rule_schema(
        {"each": NUMBER, "cap": NUMBER, "county_factor": {"type": "number", "exclusiveMinimum": 0}},
        ["each"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Per:
        cap = raw.get("cap")
        return cls(
            each=to_fraction(raw["each"]),
            cap=None if cap is None else to_fraction(cap),
            county_factor=to_fraction(raw.get("county_factor", 1)),
        )

    @property
    def answer_type(self) -> AnswerType:
        return "count"

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

    def unit(self, level: Level) -> Fraction:
        """Points for one occurrence at `level`."""
        return self.each * (self.county_factor if level == "county" else 1)

    def max_points(self, level: Level) -> Fraction | None:
        return self.cap

    def point_amounts(self) -> tuple[Fraction, ...]:
        return tuple(self.unit(level) for level in LEVELS) + (() if self.cap is None else (self.cap,))

    def score(self, value: int, level: Level) -> Outcome:
        unit = self.unit(level)
        raw = unit * value
        doubled = "（县级加倍）" if level == "county" and self.county_factor != 1 else ""

        def text() -> str:
            return f"{value}×{fmt(unit)}分{doubled}={fmt(raw)}分"

        cap = self.cap
        if cap is not None and raw > cap:
            return Outcome(cap, lambda: f"{text()}，本项最高{fmt(cap)}分，得{fmt(cap)}分")
        return Outcome(raw, lambda: f"{text()}，得{fmt(raw)}分")

    def thresholds(self) -> tuple[Fraction, ...]:
        return ()

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        """The smallest count that earns all the criterion can earn (within the yearly plan
        limit): a larger count adds nothing and a smaller one saves no action. For
        recognition, every count up to it, so that a plan asks for no more than it needs."""
        value = 0 if search.current is None else int(search.current)
        ceiling = self.occurrences_for(search.top, search.level)
        bound = ""
        if search.limit is not None and search.limit < ceiling:
            ceiling = search.limit
            bound = f"；计划口径每年至多{ceiling}"  # the rubric's planning bound binds: say so
        if ceiling <= value or not search.improves(ceiling):
            return ()
        lo, hi = value + 1, ceiling  # the smallest count that earns what the ceiling earns (monotone)
        while lo < hi:
            mid = (lo + hi) // 2
            if search.same(mid, ceiling):
                hi = mid
            else:
                lo = mid + 1
        lead = "" if search.action in search.name else f"{search.action}："  # never 开展…活动：开展…活动（次）
        return tuple(
            AnswerTarget(n, f"{lead}{search.name}{value} → {n}（+{n - value}{bound}）")
            for n in (range(value + 1, lo + 1) if search.every_step else (lo,))
            if n == lo or search.improves(n)
        )

    def occurrences_for(self, points: Fraction, level: Level) -> int:
        return -(-points // self.unit(level))

    def needs_plan_limit(self) -> bool:
        return True

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return ()

    def without_category_base(self, categories: Collection[str]) -> Per:
        return self
