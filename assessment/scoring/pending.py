"""达标（待核）: a pass that rests on equipment nobody listed.

Annex 1 items 6 and 7 give a base of 7 points when every item of a category meets the
national standard: 14 field items, 8 office items. The source names only 4 and 3 of them;
analysts add the others to the ledger themselves (reading r12). While a ledger lists fewer,
the base is judged on the listed items alone, so a pass may rest on items nobody checked.

`find_pending` scores the district again with that base removed (the same input on a
rubric whose unverifiable bases are zero), so that a report can say whether the pass holds
without it instead of overstating it. It runs once per Result, when its verdict is first
read (`Result.verdict`); every report reads that one `Pending`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Protocol

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.model import Criterion, Rubric
from assessment.scoring.figures import ConditionResult, CriterionResult, PartResult
from assessment.util.formatting import fmt


@dataclass(frozen=True)
class Incomplete:
    """An equipment category whose ledger lists fewer items than the national standard has."""

    category: str
    name: str
    listed: int
    expected: int

    @property
    def unlisted(self) -> int:
        return self.expected - self.listed


@dataclass(frozen=True)
class Pending:
    """What an incomplete ledger leaves unverified, and the district's figures without it.

    `unverified` names the indicators whose base rests on unlisted items (现场执法辅助设备、…);
    the `…_without_base` figures are those of the district scored again without that base.
    """

    incomplete: tuple[Incomplete, ...]
    criteria: tuple[str, ...]
    unverified: str
    total_without_base: Fraction
    passed_without_base: bool
    conditions_without_base: dict[str, ConditionResult]
    equipment_without_base: Fraction | None

    @property
    def unlisted(self) -> int:
        """Items of the national standard the ledger does not list (all incomplete categories)."""
        return sum(i.unlisted for i in self.incomplete)

    @property
    def note(self) -> str:
        """Why a pass is 待核: which ledger lacks how many items, and what holds without them."""
        listed = "，".join(f"{i.name}列出{i.listed}项（标准{i.expected}项）" for i in self.incomplete)
        holds = "仍达标" if self.passed_without_base else "不能达标"
        scores = f"总得分{fmt(self.total_without_base)}分"
        if self.equipment_without_base is not None:
            scores = f"装备建设得分{fmt(self.equipment_without_base)}分，{scores}"
        return (
            f"装备台账尚有{self.unlisted}项标准装备未列出：{listed}。{self.unverified}的基础分"
            f"取决于未列出的装备，尚待核实；不计这部分基础分时{holds}（{scores}）。"
        )


class Rescored(Protocol):
    """What `find_pending` reads of the district scored again (a `Result`, which this module,
    sitting below it, does not import)."""

    @property
    def criteria(self) -> Mapping[str, CriterionResult]: ...

    @property
    def parts(self) -> Mapping[str, PartResult]: ...

    @property
    def total(self) -> Fraction: ...

    @property
    def passed(self) -> bool: ...

    @property
    def conditions(self) -> tuple[ConditionResult, ...]: ...


def incomplete_categories(rubric: Rubric, lines: Iterable[EquipmentLine]) -> tuple[Incomplete, ...]:
    """Categories with an expected item count (14, 8) whose ledger lists fewer items."""
    listed: dict[str, int] = {}
    for line in lines:
        listed[line.category] = listed.get(line.category, 0) + 1
    return tuple(
        Incomplete(cat_id, name, listed.get(cat_id, 0), expected)
        for cat_id, (name, expected) in rubric.equipment_categories.items()
        if expected is not None and listed.get(cat_id, 0) < expected
    )


def _strip(c: Criterion, categories: set[str]) -> Criterion:
    rule = c.rule.without_category_base(categories)
    return c if rule is c.rule else replace(c, rule=rule)


def without_base(rubric: Rubric, categories: set[str]) -> Rubric:
    """The rubric with the base points of the equipment-standard criteria of `categories`
    set to zero; everything else (bonus per item above standard, caps) unchanged."""
    parts = tuple(
        replace(
            part,
            categories=tuple(
                replace(
                    cat,
                    indicators=tuple(
                        replace(ind, criteria=tuple(_strip(c, categories) for c in ind.criteria))
                        for ind in cat.indicators
                    ),
                )
                for cat in part.categories
            ),
        )
        for part in rubric.parts
    )
    criteria = {cid: _strip(c, categories) for cid, c in rubric.criteria.items()}
    return replace(rubric, parts=parts, criteria=criteria)


def find_pending(
    rubric: Rubric,
    lines: Iterable[EquipmentLine],
    criteria: Mapping[str, CriterionResult],
    rescore: Callable[[Rubric], Rescored],
) -> Pending | None:
    """What of a district's points (`criteria`) rests on unlisted equipment, or None when
    nothing does. `rescore` scores the same district under another rubric.

    Nothing does when every ledger is complete, or when the base of an incomplete
    category was not granted anyway (its listed items already fall short).
    """
    incomplete = incomplete_categories(rubric, lines)
    if not incomplete:
        return None
    categories = {i.category for i in incomplete}
    stripped = rescore(without_base(rubric, categories))
    changed = tuple(
        cid
        for cid, c in rubric.criteria.items()
        if c.rule.without_category_base(categories) is not c.rule
        and stripped.criteria[cid].points != criteria[cid].points
    )
    if not changed:
        return None
    equipment = stripped.parts.get(rubric.equipment_part or "")
    return Pending(
        incomplete=incomplete,
        criteria=changed,
        unverified="、".join(rubric.indicator(criteria[c].indicator).name for c in changed),
        total_without_base=stripped.total,
        passed_without_base=stripped.passed,
        conditions_without_base={c.id: c for c in stripped.conditions},
        equipment_without_base=None if equipment is None else equipment.points,
    )
