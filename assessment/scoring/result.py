"""What scoring produces: points from each criterion up to the verdict, and its JSON form.

The JSON form (`scores.json`, `assessment score --json`) is a public contract read by the
municipal summary and by other tools; numbers in it are rounded to 4 decimals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

from assessment.inputs.model import DistrictInput
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.loader import Rubric
from assessment.util.exact import rounded

Source = Literal["answer", "computed", "automatic", "missing"]


@dataclass(frozen=True)
class CriterionResult:
    id: str
    name: str
    indicator: str
    department: str
    value: Any
    points: Fraction
    max: Fraction
    source: Source
    explain: Callable[[], str] = field(compare=False, repr=False)

    @property
    def explanation(self) -> str:
        """Why these points, in Chinese (formatted on demand)."""
        return self.explain()

    @property
    def lost(self) -> Fraction:
        return self.max - self.points


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    name: str
    category: str
    department: str
    points: Fraction
    max: Fraction
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class CategoryResult:
    id: str
    name: str
    part: str
    points: Fraction
    max: Fraction

    @cached_property
    def share(self) -> Fraction:
        """points / max, computed once: the compiled scorer shares category results."""
        return self.points / self.max


@dataclass(frozen=True)
class PartResult:
    id: str
    name: str
    points: Fraction
    max: Fraction


@dataclass(frozen=True)
class ConditionResult:
    """One condition of the pass rule, evaluated: the value, the bar and whether it is met."""

    id: str
    name: str
    op: str
    threshold: Fraction
    value: Fraction
    met: bool
    detail: str
    failing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """A district's complete assessment; everything a report or a plan needs."""

    input: DistrictInput
    rubric: Rubric
    criteria: dict[str, CriterionResult]
    indicators: dict[str, IndicatorResult]
    categories: dict[str, CategoryResult]
    parts: dict[str, PartResult]
    bonus: Fraction
    bonus_max: Fraction
    total: Fraction
    total_max: Fraction
    veto: tuple[str, ...]
    conditions: tuple[ConditionResult, ...]
    passed: bool
    title: str | None
    title_full: str | None
    equipment_lines: tuple[EquipmentLine, ...]
    missing: tuple[str, ...]
    warnings: tuple[str, ...]

    def condition(self, condition_id: str) -> ConditionResult:
        return next(c for c in self.conditions if c.id == condition_id)


def _num(x: Fraction) -> int | float:
    return rounded(x)


def _value(v: Any) -> Any:
    return _num(v) if isinstance(v, Fraction) else v


def _pending_to_dict(result: Result) -> dict[str, Any] | None:
    """The `pending` key: what rests on equipment the ledger does not list (None: nothing).

    A reader of `passed` alone would take a pass at face value; this says how many standard
    items are unlisted, which criteria's base points depend on them, and the verdict
    without those points.
    """
    from assessment.scoring.pending import pending  # pending re-scores, and scoring imports this module

    pend = pending(result)
    if pend is None:
        return None
    return {
        "unlisted": pend.unlisted,
        "categories": [
            {"id": i.category, "name": i.name, "listed": i.listed, "expected": i.expected} for i in pend.incomplete
        ],
        "criteria": list(pend.criteria),
        "total_without_base": _num(pend.without_base.total),
        "passed_without_base": pend.passed_without_base,
        "conditions_without_base": {c.id: c.met for c in pend.without_base.conditions},
    }


def result_to_dict(result: Result, tool_version: str) -> dict[str, Any]:
    """The JSON form of a result (see module docstring)."""
    inp, rubric = result.input, result.rubric
    shares = {c.id: c for c in result.conditions}
    category_cond = shares.get("categories")
    failing = set(category_cond.failing) if category_cond else set()
    total_part = rubric.total_part
    equipment = result.parts.get(rubric.equipment_part) if rubric.equipment_part else None
    equipment_cond = next((c for c in result.conditions if c.id == "equipment"), None)
    return {
        "district": inp.district,
        "level": inp.level,
        "year": inp.year,
        "sample": inp.sample,
        "staff": {"authorized": inp.authorized, "on_duty": inp.on_duty},
        "total": _num(result.total),
        "total_max": _num(result.total_max),
        "passed": result.passed,
        "title": result.title,
        "title_full": result.title_full,
        "veto": list(result.veto),
        "pending": _pending_to_dict(result),
        "conditions": [
            {
                "id": c.id,
                "name": c.name,
                "op": c.op,
                "threshold": _num(c.threshold),
                "value": _num(c.value),
                "met": c.met,
                "detail": c.detail,
            }
            for c in result.conditions
        ],
        "categories": {
            c.id: {
                "name": c.name,
                "points": _num(c.points),
                "max": _num(c.max),
                "percent": _num(c.share * 100),
                "passed": c.id not in failing,
            }
            for c in result.categories.values()
            if c.part == total_part
        },
        "equipment": {
            "points": _num(equipment.points) if equipment else None,
            "max": _num(equipment.max) if equipment else None,
            "passed": equipment_cond.met if equipment_cond else None,
            "categories": {
                c.id: {"name": c.name, "points": _num(c.points), "max": _num(c.max)}
                for c in result.categories.values()
                if equipment and c.part == equipment.id
            },
            "items": [
                {
                    "id": line.id,
                    "name": line.name,
                    "category": line.category,
                    "required": line.required,
                    "quantity": line.quantity,
                    "shortfall": line.shortfall,
                    "above": line.above,
                    "extra": line.extra,
                }
                for line in result.equipment_lines
            ],
        },
        "bonus": {"points": _num(result.bonus), "max": _num(result.bonus_max)},
        "indicators": {
            i.id: {
                "name": i.name,
                "category": i.category,
                "department": i.department,
                "points": _num(i.points),
                "max": _num(i.max),
            }
            for i in result.indicators.values()
        },
        "criteria": {
            c.id: {
                "name": c.name,
                "indicator": c.indicator,
                "department": c.department,
                "value": _value(c.value),
                "points": _num(c.points),
                "max": _num(c.max),
                "source": c.source,
                "explanation": c.explanation,
            }
            for c in result.criteria.values()
        },
        "missing": list(result.missing),
        "warnings": list(result.warnings),
        "provenance": {
            "rubric_id": rubric.id,
            "rubric_version": rubric.version,
            "rubric_sha256": rubric.sha256,
            "input": inp.path,
            "input_sha256": inp.sha256,
            "tool_version": tool_version,
        },
    }
