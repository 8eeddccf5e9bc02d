"""The scored figures a Result is made of, from each criterion up to each part, and the
evaluated conditions of the pass rule: plain values at the bottom of `scoring`, which
every other module of it reads and none of which reads anything of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

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
