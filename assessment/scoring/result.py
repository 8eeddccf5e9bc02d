"""What scoring produces: a district's figures, from each criterion up to the verdict.

Its JSON form (`scores.json`) is `assessment.scoring.scores_json`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

from assessment.inputs.model import DistrictInput
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.model import Rubric
from assessment.scoring.figures import CategoryResult, ConditionResult, CriterionResult, IndicatorResult, PartResult
from assessment.scoring.pending import find_pending
from assessment.scoring.verdict import Verdict, judge


@dataclass(frozen=True)
class Result:
    """A district's complete assessment; everything a report or a plan needs.

    `passed` is the pass rule alone (every condition met), which the plan searches on;
    `verdict` is what reports say. `rescore` is the scorer the verdict uses to score the
    same input under a rubric without the unverified equipment base (see `verdict`).
    """

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
    rescore: Callable[[Rubric, DistrictInput], Result] = field(compare=False, repr=False)

    def condition(self, condition_id: str) -> ConditionResult:
        return next(c for c in self.conditions if c.id == condition_id)

    @cached_property
    def verdict(self) -> Verdict:
        """The verdict, judged on first use and kept, so that every report reads the same one.

        Judged lazily because it may score the district a second time (when a ledger is
        incomplete, see `scoring.pending`), which the plan, scoring many variants
        of an input and reading only `passed`, never needs.
        """
        pending = find_pending(
            self.rubric, self.equipment_lines, self.criteria, lambda rubric: self.rescore(rubric, self.input)
        )
        return judge(self.passed, self.title, self.title_full, self.conditions, pending)
