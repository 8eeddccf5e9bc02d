"""达标（待核）: a pass that rests on equipment nobody listed.

Annex 1 items 6 and 7 give a base of 7 points when every item of a category meets the
national standard: 14 field items, 8 office items. The source names only 4 and 3 of them;
analysts add the others to the ledger themselves (reading r12). While a ledger lists fewer,
the base is judged on the listed items alone, so a pass may rest on items nobody checked.

This module re-scores the district with that base removed (a pure function of the result:
the same engine on a rubric whose unverifiable bases are zero), so that a report can say
whether the pass holds without it instead of overstating it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from assessment.rubric.kinds import EquipmentStandard
from assessment.rubric.loader import Criterion, Rubric
from assessment.scoring.result import ConditionResult, Result
from assessment.util.exact import ZERO, fmt


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
    """What an incomplete ledger leaves unverified, and the verdict without it."""

    incomplete: tuple[Incomplete, ...]
    criteria: tuple[str, ...]
    without_base: Result

    @property
    def unlisted(self) -> int:
        """Items of the national standard the ledger does not list (all incomplete categories)."""
        return sum(i.unlisted for i in self.incomplete)

    @property
    def passed_without_base(self) -> bool:
        return self.without_base.passed

    @cached_property
    def conditions(self) -> dict[str, ConditionResult]:
        """Each pass condition re-evaluated without the unverified base, by condition id."""
        return {c.id: c for c in self.without_base.conditions}


def incomplete_categories(result: Result) -> tuple[Incomplete, ...]:
    """Categories with an expected item count (14, 8) whose ledger lists fewer items."""
    out = []
    for cat_id, (name, expected) in result.rubric.equipment_categories.items():
        if expected is None:
            continue
        listed = sum(1 for line in result.equipment_lines if line.category == cat_id)
        if listed < expected:
            out.append(Incomplete(cat_id, name, listed, expected))
    return tuple(out)


def _strip(c: Criterion, categories: set[str]) -> Criterion:
    rule = c.rule
    if isinstance(rule, EquipmentStandard) and rule.category in categories:
        return replace(c, rule=replace(rule, base=ZERO))
    return c


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


def pending(result: Result) -> Pending | None:
    """What rests on unlisted equipment, or None when nothing does.

    Nothing does when every ledger is complete, or when the base of an incomplete
    category was not granted anyway (its listed items already fall short).
    """
    from assessment.scoring.engine import score  # scoring imports the verdict; this module sits after it

    incomplete = incomplete_categories(result)
    if not incomplete:
        return None
    categories = {i.category for i in incomplete}
    stripped = score(without_base(result.rubric, categories), result.input)
    changed = tuple(
        cid
        for cid, c in result.rubric.criteria.items()
        if isinstance(c.rule, EquipmentStandard)
        and c.rule.category in categories
        and stripped.criteria[cid].points != result.criteria[cid].points
    )
    if not changed:
        return None
    return Pending(incomplete, changed, stripped)


def unverified_names(result: Result, pend: Pending) -> str:
    """The indicators whose base rests on unlisted items, by name (现场执法辅助设备、…)."""
    return "、".join(result.rubric.indicator(result.criteria[c].indicator).name for c in pend.criteria)


def pending_note(result: Result, pend: Pending) -> str:
    """Why a pass is 待核: which ledger lacks how many items, and what holds without them."""
    listed = "，".join(f"{i.name}列出{i.listed}项（标准{i.expected}项）" for i in pend.incomplete)
    holds = "仍达标" if pend.passed_without_base else "不能达标"
    after = pend.without_base
    equipment = after.parts.get(after.rubric.equipment_part or "")
    scores = f"总得分{fmt(after.total)}分"
    if equipment is not None:
        scores = f"装备建设得分{fmt(equipment.points)}分，{scores}"
    return (
        f"装备台账尚有{pend.unlisted}项标准装备未列出：{listed}。{unverified_names(result, pend)}的基础分"
        f"取决于未列出的装备，尚待核实；不计这部分基础分时{holds}（{scores}）。"
    )
