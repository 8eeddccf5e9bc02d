"""Questions asked of a rubric about its criteria: which read an equipment line, which the
staffing rate, and on what lattice of fractions its points lie."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds.base import STAFFING_RATE
from assessment.rubric.levels import LEVELS
from assessment.rubric.model import Criterion, Rubric


def covering_criteria(rubric: Rubric, line: EquipmentLine) -> list[Criterion]:
    """The equipment criteria whose rule reads this line (by item id or by category)."""
    return [c for c in rubric.criteria.values() if c.rule.reads_line(line)]


def staffing_criteria(rubric: Rubric) -> list[Criterion]:
    """The criteria computed from the staffing rate (on duty / authorized)."""
    return [c for c in rubric.criteria.values() if c.rule.computed_measure() == STAFFING_RATE]


def denominator_lcm(values: Iterable[Fraction | int]) -> int:
    """The least common multiple of the values' denominators (1 for none)."""
    return math.lcm(1, *(Fraction(v).denominator for v in values))


def point_lattice(rubric: Rubric) -> tuple[int, int]:
    """(V, F): every point amount the rubric can award or cap at (criterion maxima at every
    level, the amounts its rule kinds pay, indicator and group caps, the bonus) is a multiple of
    1/V, and every conversion factor one of 1/F. The compiled scorer adds integers in units of
    1/(V·F); the plan search adds the denominators of the results it has seen."""
    values: list[Fraction] = []
    factors: list[Fraction] = []
    for c in rubric.criteria.values():
        values += [rubric.criterion_max(c.id, level) for level in LEVELS]
        values += c.rule.point_amounts()
        conversion = c.rule.converts()
        if conversion is not None:
            factors.append(conversion.factor)
    for ind in rubric.indicators():
        values.append(ind.max)
        values += [g.cap for g in ind.groups if g.cap is not None]
    values += [g.cap for g in rubric.bonus.groups if g.cap is not None] + [rubric.bonus.max]
    return denominator_lcm(values), denominator_lcm(factors)
