"""What a plan is: its actions in order, what each step is for, its purchases and its gaps.

Plain frozen data made by `assessment.plan.solve.make_plan`; the JSON form, tables, text
and task list (`json_form`, `tables`, `text`, `tasks`) read it and compute nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from assessment.plan.actions import Action
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class CostPlan:
    """The cheapest passing set of actions (see the module docstring for what costs)."""

    actions: tuple[Action, ...]
    cost: Fraction
    total_after: Fraction
    steps: tuple[Fraction, ...]
    unpriced: tuple[str, ...]


@dataclass(frozen=True)
class Purchase:
    """An equipment purchase of a plan, split into what meets the standard and what is
    bought above it for extra points (e06/e07 pay +1 per item above standard)."""

    item: str | None  # the rubric's equipment id; None for a district's own extra row
    name: str
    category: str
    unit: str
    present: int
    target: int
    required: int  # at the plan's final headcount

    @property
    def to_standard(self) -> int:
        return max(0, min(self.target, self.required) - self.present)

    @property
    def above_standard(self) -> int:
        return max(0, self.target - max(self.present, self.required))


@dataclass(frozen=True)
class Step:
    """What one action of a plan is for: the condition it serves, its deadline, how to
    prove it, and what it moves when done in the plan's order (Chinese names only)."""

    serves: tuple[str, ...]
    due: date
    due_basis: str
    evidence: str
    moves: str
    purchase: Purchase | None = None
    goals: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Gap:
    """A pass condition that the best allowed actions leave unmet, and by how much."""

    condition: str
    name: str
    best: Fraction
    bar: Fraction
    op: str

    @property
    def gap(self) -> Fraction:
        return self.bar - self.best

    @property
    def text(self) -> str:
        if self.op == "gt":
            return f"{self.name}最多{fmt(self.best)}分，须高于{fmt(self.bar)}分，还差{fmt(self.gap)}分以上"
        return f"{self.name}最多{fmt(self.best)}分，须达到{fmt(self.bar)}分，还差{fmt(self.gap)}分"


@dataclass(frozen=True)
class ShareTrack:
    """A category short of its bar before the plan: its share of the category's maximum (in
    percent) before and after each step, and the bar, so the plan's chart shows the step
    that lifts it over, beside the total and the equipment score."""

    name: str
    before: Fraction
    steps: tuple[Fraction, ...]
    bar: Fraction
    op: str


@dataclass(frozen=True)
class Plan:
    """What a district must do to pass, in order, with the total after each step."""

    district: str
    year: int
    passable: bool
    already_passed: bool
    reason: str | None
    actions: tuple[Action, ...]
    score_before: Fraction
    score_after: Fraction
    steps: tuple[Fraction, ...]
    equipment_before: Fraction | None
    equipment_steps: tuple[Fraction, ...]
    total_threshold: Fraction | None
    equipment_threshold: Fraction | None
    cost: Fraction | None = None
    cheapest: CostPlan | None = None
    suggestions: tuple[Action, ...] = ()
    details: tuple[Step, ...] = ()
    opportunities: tuple[Action, ...] = ()  # recognition the plan does not need; points on top of it
    controllable_only: bool = False
    gaps: tuple[Gap, ...] = ()
    share_tracks: tuple[ShareTrack, ...] = ()  # each category below its bar before the plan

    @property
    def recognition_points(self) -> Fraction:
        """Points the plan expects from others' recognition (需争取), each action alone."""
        return sum((a.points for a in self.actions if a.recognition), Fraction(0))

    @property
    def purchases(self) -> tuple[Purchase, ...]:
        return tuple(d.purchase for d in self.details if d.purchase is not None)

