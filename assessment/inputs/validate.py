"""From raw cells to a trusted `DistrictInput`, collecting every problem on the way.

Validation never stops at the first problem: an analyst fixing a workbook wants the whole
list at once. It knows the rubric (which ids exist and what each expects) but nothing
about how a particular criterion is scored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import PurePath
from typing import Any, TypeVar

from assessment.inputs.model import (
    FACT_LABELS,
    RESERVED_INFO_LABELS,
    Cell,
    DistrictInput,
    InputError,
    Location,
    Person,
    Problem,
    RawInput,
)
from assessment.inputs.roster import EDUCATION_WORDS, MAJOR_CATEGORIES, MEASURE_NAMES, roster_rate
from assessment.inputs.values import (
    PARSERS,
    ValueProblem,
    ambiguous_rate,
    label_key,
    parse_count,
    parse_district,
    parse_flag,
    parse_free_text,
    parse_level,
    parse_name,
    parse_number,
    show,
    text_of,
)
from assessment.rubric.equipment import ExtraEquipment
from assessment.rubric.model import Rubric
from assessment.util.formatting import fmt

T = TypeVar("T")

#: Extra equipment categories: what people may type → rubric category id.
EXTRA_CATEGORIES = {"field": "field", "现场执法辅助设备": "field", "office": "office", "通讯与办公设备": "office"}
#: Agreement tolerance between a typed rate and the roster's exact rate (percentage points).
ROSTER_TOLERANCE = Fraction(1, 100)
MIN_YEAR, MAX_YEAR = 2000, 2100


class Collector:
    """Problems and warnings gathered while raw cells are read into values, so that every
    problem of a file is reported at once. `missing_at` is where a value absent altogether
    (no cell to point at) is reported. Reviews (`assessment.review.parse`) judge their cells with it too."""

    def __init__(self, problems: Iterable[Problem], missing_at: Location) -> None:
        self.missing_at = missing_at
        self.problems: list[Problem] = list(problems)
        self.warnings: list[str] = []

    def add(self, location: Location, message: str) -> None:
        self.problems.append(Problem(location, message))

    def warn(self, location: Location, message: str) -> None:
        """A warning travels with the input into the reports, scores.json and the summary,
        documents that are shared: it names the file, never the folder it lies in."""
        self.warnings.append(str(Problem(dataclasses.replace(location, file=PurePath(location.file).name), message)))

    def parse(self, cell: Cell | None, parser: Callable[[Cell], T], what: str, required: bool = True) -> T | None:
        """`parser(cell)`, or None with a problem recorded (a missing required value too)."""
        if cell is None or cell.blank:
            if required:
                where = cell.location if cell is not None else self.missing_at
                self.add(where, f"缺少{what}")
            return None
        try:
            return parser(cell)
        except ValueProblem as exc:
            self.add(cell.location, f"{what}{exc}")
            return None


def _year(cell: Cell) -> int:
    year = parse_count(cell)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueProblem(f"应为{MIN_YEAR}—{MAX_YEAR}之间的年份，实际为{year}")
    return year


def _person(c: Collector, cells: dict[str, Cell]) -> Person | None:
    name = c.parse(cells.get("姓名"), parse_name, "姓名")
    education = c.parse(cells.get("学历"), parse_name, "学历")
    if education is not None and text_of(education) not in EDUCATION_WORDS:
        c.add(cells["学历"].location, f"学历应为{'、'.join(sorted(EDUCATION_WORDS))}之一，实际为“{education}”")
        education = None
    major = c.parse(cells.get("专业类别"), parse_name, "专业类别")
    if major is not None and text_of(major) not in MAJOR_CATEGORIES:
        c.add(cells["专业类别"].location, f"专业类别应为{'、'.join(MAJOR_CATEGORIES)}之一，实际为“{major}”")
        major = None
    certified = c.parse(cells.get("是否持证"), parse_flag, "是否持证")
    required = c.parse(cells.get("是否应持证"), parse_flag, "是否应持证")
    legal = c.parse(cells.get("法律职业资格"), parse_flag, "法律职业资格", required=False)
    if name is None or education is None or major is None or certified is None or required is None:
        return None
    return Person(name, text_of(education), text_of(major), certified, required, bool(legal))


def _roster_conflicts(
    c: Collector, raw: RawInput, rubric: Rubric, answers: dict[str, Any], roster: tuple[Person, ...]
) -> None:
    """An answer that disagrees with the roster it could be computed from is an error."""
    for cid, criterion in rubric.criteria.items():
        measure = criterion.rule.roster_measure()
        if measure is None or cid not in answers:
            continue
        computed = roster_rate(measure, roster)
        if computed is None:
            continue
        rate, hits, base = computed
        if abs(answers[cid] - rate) > ROSTER_TOLERANCE:
            c.add(
                raw.answers[cid].location,
                f"「{criterion.name}」填报值{fmt(answers[cid])}%与执法人员名册计算值不一致："
                f"名册为{hits}/{base}={fmt(rate)}%（{MEASURE_NAMES[measure]}）。请修正其中之一",
            )


def _per_item(
    c: Collector, cells: dict[str, Cell], known: dict[str, str], parser: Callable[[Cell], T], what: str, hint: str
) -> dict[str, T]:
    """Values keyed by equipment id (quantities, prices), unknown ids reported; messages name
    the item by its name, the id being only the key the workbook row carries."""
    out: dict[str, T] = {}
    for item_id, cell in cells.items():
        if item_id not in known:
            c.add(cell.location, f"装备编号{show(item_id)}不在装备标准中{hint}")
            continue
        value = c.parse(cell, parser, f"「{known[item_id]}」{what}", required=False)
        if value is not None:
            out[item_id] = value
    return out


def _ambiguous_rate_note(name: str, value: Fraction) -> str:
    typed = fmt(value, 6)
    return (
        f"「{name}」填写为{typed}，按{typed}%计；如指{fmt(value * 100, 4)}%，"
        f"请填写{fmt(value * 100, 4)}或{fmt(value * 100, 4)}%"
    )


def _info(c: Collector, cells: dict[str, Cell]) -> dict[str, str]:
    """Other facts (填报单位, 联系电话…) keyed by their label as the workbook shows it."""
    out: dict[str, str] = {}
    for key, cell in cells.items():
        label = label_key(key)
        try:
            label = parse_name(Cell(label, cell.location))
        except ValueProblem as exc:
            c.add(cell.location, f"信息项目名称“{label}”{exc}")
            continue
        if label in RESERVED_INFO_LABELS:
            c.add(cell.location, f"“{label}”不能作为其他信息的项目名称（它是固定项目）")
            continue
        if label in out:
            c.add(cell.location, f"信息项目“{label}”重复")
            continue
        if not cell.blank:
            text = c.parse(cell, parse_free_text, f"「{label}」", required=False)
            if text is not None:
                out[label] = text
    return out


def _notes(c: Collector, cells: dict[str, Cell], known: set[str], what: str) -> dict[str, str]:
    """佐证材料 or 备注 per criterion id; an id no answer row has is reported."""
    out: dict[str, str] = {}
    for cid, cell in cells.items():
        if cid not in known:
            c.add(cell.location, f"指标编号{show(cid)}不在评分细则中，无法对应{what}")
            continue
        if not cell.blank:
            text = c.parse(cell, parse_free_text, what, required=False)
            if text is not None:
                out[cid] = text
    return out


def unfilled_count(inp: DistrictInput, rubric: Rubric) -> int:
    """How many items the file leaves blank: answerable criteria and veto items without an
    answer, and standard equipment without a quantity. A blank item is valid (it scores 0),
    but a mostly blank workbook must not read as a plain pass."""
    answers = sum(1 for cid in rubric.answerable() if cid not in inp.answers)
    return answers + sum(1 for e in rubric.equipment if e.id not in inp.equipment)


def validate(raw: RawInput, rubric: Rubric) -> DistrictInput:
    """The trusted input, or InputError listing every problem with its location."""
    c = Collector(raw.problems, Location(raw.path))
    c.warnings.extend(str(note) for note in raw.notes)
    district = c.parse(raw.district, parse_district, FACT_LABELS["district"])
    level = c.parse(raw.level, parse_level, FACT_LABELS["level"])
    year = c.parse(raw.year, _year, FACT_LABELS["year"])
    authorized = c.parse(raw.authorized, lambda x: parse_count(x, 1), FACT_LABELS["authorized"])
    # At least one: with none on duty every per-person equipment requirement would be 0.
    on_duty = c.parse(raw.on_duty, lambda x: parse_count(x, 1), FACT_LABELS["on_duty"])
    sample = bool(c.parse(raw.sample, parse_flag, "示例数据标记", required=False))

    answerable = rubric.answerable()
    answers: dict[str, Any] = {}
    for cid, cell in raw.answers.items():
        kind = answerable.get(cid)
        if kind is None:
            if cid in rubric.criteria:
                c.add(cell.location, f"「{rubric.criteria[cid].name}」由系统计算，不能直接填报")
            else:
                c.add(cell.location, f"指标编号{show(cid)}不在评分细则中（见评分细则中的编号）")
            continue
        if cell.blank:
            continue
        name = rubric.answer_name(cid)
        value = c.parse(cell, PARSERS[kind], f"「{name}」", required=False)
        if value is not None:
            answers[cid] = value
            if kind == "rate" and isinstance(value, Fraction) and ambiguous_rate(cell, value):
                c.warn(cell.location, _ambiguous_rate_note(name, value))

    known_items = {e.id: e.name for e in rubric.equipment}
    equipment = _per_item(c, raw.equipment, known_items, parse_count, "实有数量", "；其他装备请在台账中新增行并留空编号")
    prices = _per_item(c, raw.prices, known_items, parse_number, "单价（元）", "")

    extras: list[ExtraEquipment] = []
    for row in raw.extra_equipment:
        typed = c.parse(row.category, parse_name, "补充装备类别")
        category = typed
        if typed is not None and text_of(typed) not in EXTRA_CATEGORIES:
            c.add(row.category.location, f"补充装备类别应为“现场执法辅助设备”或“通讯与办公设备”，实际为“{typed}”")
            category = None
        item = c.parse(row.name, parse_name, "补充装备名称")
        required = c.parse(row.required, lambda x: parse_count(x, 1), "补充装备标准数量")
        quantity = c.parse(row.quantity, parse_count, "补充装备实有数量")
        price = c.parse(row.unit_price, parse_number, "补充装备单价", required=False) if row.unit_price else None
        if category is not None and item is not None and required is not None and quantity is not None:
            extras.append(ExtraEquipment(EXTRA_CATEGORIES[text_of(category)], item, required, quantity, price))

    roster = None
    if raw.roster is not None:
        people = [_person(c, p.cells) for p in raw.roster]
        roster = tuple(p for p in people if p is not None)
        if len(roster) == len(raw.roster):
            _roster_conflicts(c, raw, rubric, answers, roster)

    info = _info(c, raw.info)
    evidence = _notes(c, raw.evidence, set(answerable) | set(raw.answers), "佐证材料")
    remarks = _notes(c, raw.remarks, set(answerable) | set(raw.answers), "备注")

    if c.problems:
        raise InputError(c.problems)
    return DistrictInput(
        district=district,  # type: ignore[arg-type]
        level=level,  # type: ignore[arg-type]
        year=year,  # type: ignore[arg-type]
        authorized=authorized,  # type: ignore[arg-type]
        on_duty=on_duty,  # type: ignore[arg-type]
        answers=answers,
        equipment=equipment,
        extra_equipment=tuple(extras),
        roster=roster,
        info=info,
        evidence=evidence,
        remarks=remarks,
        prices=prices,
        sample=sample,
        path=raw.path,
        sha256=raw.sha256,
        warnings=tuple(c.warnings),
    )
