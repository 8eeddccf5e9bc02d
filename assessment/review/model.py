"""What a municipal review (复核) of a district's self-assessment is, raw and validated.

A review is a list of corrections of the input, each an `Edit` at a JSON-input path with a
reason, exactly like a plan action: the reviewed input is `apply_edits(self, edits)` and
the reviewed score (核定分) is that input scored. `changes` are corrections (核定值 differs
from, or confirms, the claim); `notes` are rows accepted as claimed that carry a comment or an
evidence verdict, so that the workbook form converts to JSON and back without losing anything.

Readers only locate values (`RawReview`, every value a located `Cell`);
`assessment.review.parse.parse_review` judges them and gives a `Review`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assessment.inputs.edits import Edit, value_at
from assessment.inputs.model import Cell, DistrictInput, Location, Problem


@dataclass(frozen=True)
class Change:
    """A correction: the value at `path` is `to`, because `reason`."""

    path: str
    to: bool | int | Fraction
    reason: str
    evidence_check: str | None = None


@dataclass(frozen=True)
class Note:
    """A row accepted as claimed that carries a comment or an evidence verdict."""

    path: str
    comment: str | None = None
    evidence_check: str | None = None


@dataclass(frozen=True)
class Review:
    """A validated review; `path` and `sha256` are those of the review file itself."""

    district: str
    year: int
    input_sha256: str
    reviewer: str
    date: str
    changes: tuple[Change, ...]
    notes: tuple[Note, ...] = ()
    #: The file it was read from: not part of what the review says (a converted copy is equal).
    path: str = field(default="<memory>", compare=False)
    sha256: str = field(default="", compare=False)

    def edits(self, inp: DistrictInput) -> tuple[Edit, ...]:
        """The changes as edits of `inp` (old = the self-assessed value)."""
        return tuple(Edit(c.path, value_at(inp, c.path), c.to) for c in self.changes)


@dataclass
class RawRow:
    """One reviewed path as typed: `changed` when a 核定值 / `to` was given."""

    path: Cell
    to: Cell | None
    reason: Cell | None
    evidence_check: Cell | None
    changed: bool


@dataclass
class RawReview:
    """Everything a reader found, before any value is trusted."""

    path: str
    sha256: str
    fields: dict[str, Cell] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Where a missing header field would have been (a JSON object or an info sheet).
    where: Location | None = None
    #: The self-assessed value of each row as the review recorded it (a review workbook's
    #: locked 自评值, in `cell_value` form), so that a changed self-assessment is named field
    #: by field; None when the review recorded none (a JSON review, or a workbook converted
    #: without its self-assessment, whose 自评值 column is blank).
    recorded: dict[str, Any] | None = None


def cell_value(value: Any) -> Any:
    """A value as a review workbook's cell holds it: 是/否 for flags, a number for numbers,
    None when unfilled."""
    if isinstance(value, bool):
        return "是" if value else "否"
    return plain_value(value)


def plain_value(value: Any) -> Any:
    """A value in its JSON form (exact decimals as int or float, as `assessment.inputs.json_form` writes them)."""
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value
