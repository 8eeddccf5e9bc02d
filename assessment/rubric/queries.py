"""Questions asked of a rubric about its criteria: which read an equipment line, which the staffing rate."""

from __future__ import annotations

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds import EquipmentRatio, EquipmentStandard, Tiers
from assessment.rubric.loader import Criterion, Rubric


def covering_criteria(rubric: Rubric, line: EquipmentLine) -> list[Criterion]:
    """The equipment criteria whose rule reads this line (by item id or by category)."""
    out = []
    for c in rubric.criteria.values():
        rule = c.rule
        if isinstance(rule, EquipmentRatio) and line.id in rule.items:
            out.append(c)
        elif isinstance(rule, EquipmentStandard) and line.category == rule.category:
            out.append(c)
    return out


def staffing_criteria(rubric: Rubric) -> list[Criterion]:
    return [c for c in rubric.criteria.values() if isinstance(c.rule, Tiers) and c.rule.computed == "staffing_rate"]
