"""Questions asked of a rubric about its criteria: which read an equipment line, which the staffing rate."""

from __future__ import annotations

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import STAFFING_RATE
from assessment.rubric.model import Criterion, Rubric


def covering_criteria(rubric: Rubric, line: EquipmentLine) -> list[Criterion]:
    """The equipment criteria whose rule reads this line (by item id or by category)."""
    return [c for c in rubric.criteria.values() if c.rule.reads_line(line)]


def staffing_criteria(rubric: Rubric) -> list[Criterion]:
    """The criteria computed from the staffing rate (on duty / authorized)."""
    return [c for c in rubric.criteria.values() if c.rule.computed_measure() == STAFFING_RATE]
