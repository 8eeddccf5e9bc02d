"""Edits of a district's input: one change at a path of its JSON form, and how to apply it.

A plan action, a review correction and a year-over-year change are the same thing: an edit of
the input at a path (`answers.<id>`, `equipment.<id>`, `staff.on_duty`, `staff.authorized`,
`extra_equipment[i].<field>`, `roster[i].<field>`). This module is the one place that path
grammar is read.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from assessment.inputs.model import DistrictInput
from assessment.rubric.equipment import EquipmentLine, equipment_lines
from assessment.rubric.model import Rubric


@dataclass(frozen=True)
class Edit:
    """One change of the input: `path` (JSON-input form) from `old` (None = missing) to `new`."""

    path: str
    old: Any
    new: Any


Section = Literal["answers", "equipment", "staff", "extra_equipment", "roster"]
STAFF_FIELDS = ("authorized", "on_duty")
_PATH = re.compile(r"(answers|equipment|staff)\.(\w+)|(extra_equipment|roster)\[(\d+)\]\.(\w+)")
#: Each form of a path in the words error messages use; `FIELD` stands for any field of a row.
FIELD = "<字段>"
ANSWER_FORM = "answers.<指标编号>"
EQUIPMENT_FORM = "equipment.<装备编号>"
STAFF_FORMS = tuple(f"staff.{f}" for f in STAFF_FIELDS)


ROSTER_FORM = f"roster[序号].{FIELD}"


def extra_form(field: str = FIELD) -> str:
    """The form of a path into an added equipment row; a review may correct only its quantity."""
    return f"extra_equipment[序号].{field}"


def forms_text(forms: Sequence[str]) -> str:
    """The forms a path may take, as an error message says them: 应为 a、b 或 c."""
    return f"应为 {'、'.join(forms[:-1])} 或 {forms[-1]}"


#: What a path may look like, in the words error messages use.
PATH_FORMS = forms_text((ANSWER_FORM, EQUIPMENT_FORM, *STAFF_FORMS, extra_form(), ROSTER_FORM))


@dataclass(frozen=True)
class InputPath:
    """A parsed input path: `section` with `key` (a criterion id, an equipment item id, a
    staff field) or, for a row of `extra_equipment` / `roster`, its `index` and `key` (field)."""

    section: Section
    key: str
    index: int | None = None

    def __str__(self) -> str:
        if self.index is None:
            return f"{self.section}.{self.key}"
        return f"{self.section}[{self.index}].{self.key}"

    @property
    def criterion_id(self) -> str | None:
        """The criterion an `answers.<id>` path answers; None for any other path."""
        return self.key if self.section == "answers" else None

    @property
    def is_equipment_line(self) -> bool:
        """A quantity of an equipment line (a listed item or an added row)."""
        return self.section == "equipment" or (self.section == "extra_equipment" and self.key == "quantity")


def parse_path(text: str) -> InputPath:
    """The path `text` parsed; ValueError (Chinese, with the forms allowed) if it is none."""
    m = _PATH.fullmatch(text)
    if m is None or (m[1] == "staff" and m[2] not in STAFF_FIELDS):
        raise ValueError(f"无法识别的路径“{text}”：{PATH_FORMS}")
    if m[1]:
        return InputPath(m[1], m[2])  # type: ignore[arg-type]
    return InputPath(m[3], m[5], int(m[4]))  # type: ignore[arg-type]


def answer_path(criterion_id: str) -> str:
    return str(InputPath("answers", criterion_id))


def equipment_path(item_id: str) -> str:
    return str(InputPath("equipment", item_id))


def staff_path(field: str) -> str:
    return str(InputPath("staff", field))


#: The headcount a staffing plan action changes.
STAFF_PATH = staff_path("on_duty")


def extra_path(index: int, field: str = "quantity") -> str:
    return str(InputPath("extra_equipment", field, index))


def roster_path(index: int, field: str) -> str:
    return str(InputPath("roster", field, index))


def value_at(inp: DistrictInput, path: str | InputPath) -> Any:
    """The input's value at `path` (None = not filled); IndexError for a row it lacks."""
    p = parse_path(path) if isinstance(path, str) else path
    if p.section == "answers":
        return inp.answers.get(p.key)
    if p.section == "equipment":
        return inp.equipment.get(p.key)
    if p.section == "staff":
        return inp.on_duty if p.key == "on_duty" else inp.authorized
    assert p.index is not None
    rows: tuple[Any, ...] = inp.extra_equipment if p.section == "extra_equipment" else (inp.roster or ())
    return getattr(rows[p.index], p.key)


def apply_edits(inp: DistrictInput, edits: Iterable[Edit]) -> DistrictInput:
    """The input with every edit applied in order (pure: `inp` is not changed)."""
    answers, equipment = dict(inp.answers), dict(inp.equipment)
    extras, roster = list(inp.extra_equipment), None if inp.roster is None else list(inp.roster)
    staff = {"on_duty": inp.on_duty, "authorized": inp.authorized}
    for e in edits:
        p = parse_path(e.path)
        if p.section == "answers":
            answers[p.key] = e.new
        elif p.section == "equipment":
            equipment[p.key] = e.new
        elif p.section == "staff":
            staff[p.key] = e.new
        elif p.section == "extra_equipment":
            assert p.index is not None
            extras[p.index] = dataclasses.replace(extras[p.index], **{p.key: e.new})
        elif roster is not None:
            assert p.index is not None
            roster[p.index] = dataclasses.replace(roster[p.index], **{p.key: e.new})
        else:
            raise ValueError(f"a roster edit ({e.path}) of an input without a roster")
    return dataclasses.replace(
        inp,
        answers=answers,
        equipment=equipment,
        extra_equipment=tuple(extras),
        roster=None if roster is None else tuple(roster),
        on_duty=staff["on_duty"],
        authorized=staff["authorized"],
    )


def line_paths(rubric: Rubric, inp: DistrictInput) -> list[str]:
    """The input path of each equipment line, in `equipment_lines` order."""
    return [equipment_path(e.id) for e in rubric.equipment] + [extra_path(i) for i in range(len(inp.extra_equipment))]


def lines_at(rubric: Rubric, inp: DistrictInput, on_duty: int) -> tuple[EquipmentLine, ...]:
    """Equipment lines with requirements for `on_duty` staff (the headcount a plan may bring)."""
    return equipment_lines(rubric.equipment, dict(inp.equipment), inp.extra_equipment, on_duty, inp.level)


