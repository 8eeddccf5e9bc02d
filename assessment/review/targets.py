"""The paths a review may correct, and how each one's value is read.

A review corrects what the self-assessment claims: an answer, a staff figure, or the quantity
of an equipment line. The paths are those of the one input-path grammar
(`assessment.inputs.edits`), less what a review must not touch: a roster row (the roster is
corrected by re-assessing) and any field of an added equipment row but its quantity.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assessment.inputs.edits import (
    ANSWER_FORM,
    EQUIPMENT_FORM,
    STAFF_FORMS,
    answer_path,
    equipment_path,
    extra_form,
    extra_path,
    forms_text,
    parse_path,
    staff_path,
)
from assessment.inputs.model import FACT_LABELS, Cell, DistrictInput
from assessment.inputs.values import PARSERS, parse_count
from assessment.rubric.model import Rubric

#: What a review path may look like, in the words error messages use.
PATH_FORMS = forms_text((ANSWER_FORM, EQUIPMENT_FORM, *STAFF_FORMS, extra_form("quantity")))
STAFF_PATHS = {staff_path("authorized"): FACT_LABELS["authorized"], staff_path("on_duty"): FACT_LABELS["on_duty"]}


@dataclass(frozen=True)
class Target:
    """A path a review may correct: its Chinese name and how its value is read."""

    path: str
    name: str
    parse: Callable[[Cell], Any]
    kind: str  # flag, rate, count, number (the input contract's answer types)


def _count_at_least(minimum: int) -> Callable[[Cell], int]:
    return lambda cell: parse_count(cell, minimum)


def targets(rubric: Rubric, inp: DistrictInput | None) -> dict[str, Target]:
    """Every correctable path, in the order the review workbook lists them.

    Answers (criteria and veto items), then staff, then equipment lines (named items, then
    the district's extra rows, which exist only when the input is known).
    """
    out: dict[str, Target] = {}
    for cid, kind in rubric.answerable().items():
        out[answer_path(cid)] = Target(answer_path(cid), rubric.answer_name(cid), PARSERS[kind], kind)
    for path, label in STAFF_PATHS.items():
        out[path] = Target(path, label, _count_at_least(1), "count")
    for spec in rubric.equipment:
        out[equipment_path(spec.id)] = Target(equipment_path(spec.id), spec.name, parse_count, "count")
    for i, extra in enumerate(inp.extra_equipment if inp is not None else ()):
        out[extra_path(i)] = Target(extra_path(i), extra.name, parse_count, "count")
    return out


def is_extra_quantity(path: str) -> bool:
    """Whether `path` is an added equipment row's quantity: the one path a review may name
    beyond `targets` when the input, and so its added rows, is not known."""
    try:
        parsed = parse_path(path)
    except ValueError:
        return False
    return parsed.section == "extra_equipment" and parsed.key == "quantity"

