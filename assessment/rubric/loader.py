"""Loading a rubric file into the immutable model (`assessment.rubric.model`), and refusing
a rubric that does not add up.

The rubric is data (YAML) so that maintainers can follow the province's revisions without
touching code. Because a typo there would silently change every district's score, loading
checks it twice: its shape against `assessment/rubric/data/rubric.schema.json` (each rule's
parameters against its kind's own schema), then its meaning here (unique ids, known rule
kinds, maxima that add up to their category and part, references that resolve, indicators
that can reach their maximum). All problems are reported at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from assessment.rubric.equipment import EquipmentSpec
from assessment.rubric.kinds import RuleDataError, build_rule
from assessment.rubric.kinds.base import RubricNames
from assessment.rubric.levels import LEVELS, Level
from assessment.rubric.model import (
    Bonus,
    Category,
    Condition,
    Control,
    Criterion,
    Due,
    Group,
    Indicator,
    Part,
    PlanLimit,
    Reading,
    Rubric,
    TitleRule,
    UnscoredRequirement,
    Veto,
    VetoItem,
)
from assessment.util.errors import EXIT_INVALID, AssessmentError
from assessment.util.exact import to_fraction

DEFAULT_RUBRIC = "zhejiang-2022.yaml"
SCHEMA_FILE = "rubric.schema.json"
#: Schema keys of the bundled rubrics that passed the schema (see `_schema_checked`).
SCHEMA_CHECKED_FILE = "schema-checked.json"


class RubricError(AssessmentError, ValueError):
    """The rubric file is unusable; `problems` lists every reason found."""

    exit_code = EXIT_INVALID

    def lines(self) -> list[str]:
        return [f"评分标准文件无效：{self}"]

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: invalid rubric:\n  - " + "\n  - ".join(problems))


def _schema() -> dict[str, Any]:
    return json.loads(resources.files("assessment.rubric.data").joinpath(SCHEMA_FILE).read_text("utf-8"))


def _group(raw: dict[str, Any]) -> Group:
    cap = raw.get("cap")
    return Group(
        id=raw["id"],
        name=raw["name"],
        source=raw["source"],
        cap=None if cap is None else to_fraction(cap),
        combine=raw.get("combine", "sum"),
    )


class _Builder:
    """Turns checked YAML into the model while collecting semantic problems."""

    def __init__(self, check_rules: bool = True) -> None:
        self.check_rules = check_rules
        self.problems: list[str] = []
        self.criteria: dict[str, Criterion] = {}
        self.ids: set[str] = set()

    def claim(self, kind: str, ident: str) -> None:
        if ident in self.ids:
            self.problems.append(f"duplicate id {ident!r} ({kind})")
        self.ids.add(ident)

    def criterion(self, raw: dict[str, Any], indicator: str, department: str, groups: set[str]) -> Criterion | None:
        self.claim("criterion", raw["id"])
        try:
            rule = build_rule(raw["rule"], check=self.check_rules)
        except RuleDataError as exc:
            self.problems.append(f"criterion {raw['id']}: {exc}")
            return None
        group = raw.get("group")
        if group is not None and group not in groups:
            self.problems.append(f"criterion {raw['id']}: group {group!r} is not defined in {indicator}")
        c = Criterion(
            id=raw["id"],
            name=raw["name"],
            source=raw["source"],
            rule=rule,
            department=raw.get("department", department),
            effort=raw["effort"],
            action=raw["action"],
            indicator=indicator,
            group=group,
            city_only=raw.get("city_only", False),
            control=Control(raw["control"]["by"], raw["control"]["reason"]),
            plan_limit=PlanLimit(**raw["plan_limit"]) if "plan_limit" in raw else None,
            due=Due(**raw["due"]) if "due" in raw else None,
        )
        self._planning_problems(c)
        self.criteria[c.id] = c
        return c

    def _planning_problems(self, c: Criterion) -> None:
        """A count the plan may raise needs its yearly bound; a bound or deadline must make sense."""
        if c.rule.needs_plan_limit() and c.plan_limit is None:
            self.problems.append(f"criterion {c.id}: a per-occurrence criterion needs a plan_limit (count, reason)")
        if c.plan_limit is not None and not c.rule.needs_plan_limit():
            self.problems.append(f"criterion {c.id}: plan_limit applies to per-occurrence criteria only")
        if c.due is not None:
            try:
                date(2000, c.due.month, c.due.day)  # a leap year: 2月29日 is a valid deadline
            except ValueError:
                self.problems.append(f"criterion {c.id}: due {c.due.month}-{c.due.day} is not a date")

    def criteria_of(self, raws: list[dict[str, Any]], owner: str, department: str, groups: tuple[Group, ...]):
        group_ids = {g.id for g in groups}
        for g in groups:
            self.claim("group", g.id)
        built = (self.criterion(c, owner, department, group_ids) for c in raws)
        return tuple(c for c in built if c is not None)


def reachable(criteria: tuple[Criterion, ...], groups: tuple[Group, ...], level: Level) -> Fraction | None:
    """Most points these criteria can give together at `level` (None = unbounded)."""
    total = Fraction(0)
    for group in (None, *groups):
        members = [c.rule.max_points(level) for c in criteria if c.group == (group.id if group else None)]
        if group is None:
            known = [m for m in members if m is not None]
            if len(known) < len(members):
                return None
            total += sum(known, Fraction(0))
            continue
        bounded = [m for m in members if m is not None]
        if group.combine == "max":
            best = max(bounded, default=Fraction(0)) if len(bounded) == len(members) else None
        else:
            best = sum(bounded, Fraction(0)) if len(bounded) == len(members) else None
        if group.cap is None:
            if best is None:
                return None
            total += best
        else:
            total += group.cap if best is None else min(group.cap, best)
    return total


def _build(data: dict[str, Any], path: str, sha: str, check_rules: bool = True) -> Rubric:
    b = _Builder(check_rules)
    parts: list[Part] = []
    for raw_part in data["parts"]:
        b.claim("part", raw_part["id"])
        categories = []
        for raw_cat in raw_part["categories"]:
            b.claim("category", raw_cat["id"])
            indicators = []
            for raw_ind in raw_cat["indicators"]:
                b.claim("indicator", raw_ind["id"])
                groups = tuple(_group(g) for g in raw_ind.get("groups", []))
                criteria = b.criteria_of(raw_ind["criteria"], raw_ind["id"], raw_ind["department"], groups)
                indicators.append(
                    Indicator(
                        id=raw_ind["id"],
                        name=raw_ind["name"],
                        max=to_fraction(raw_ind["max"]),
                        department=raw_ind["department"],
                        category=raw_cat["id"],
                        requirement=raw_ind.get("requirement", ""),
                        evidence=raw_ind.get("evidence", ""),
                        groups=groups,
                        criteria=criteria,
                    )
                )
            categories.append(
                Category(raw_cat["id"], raw_cat["name"], to_fraction(raw_cat["max"]), raw_part["id"], tuple(indicators))
            )
        parts.append(
            Part(raw_part["id"], raw_part["name"], raw_part["source"], to_fraction(raw_part["max"]), tuple(categories))
        )

    raw_bonus = data["bonus"]
    bonus_groups = tuple(_group(g) for g in raw_bonus.get("groups", []))
    bonus = Bonus(
        name=raw_bonus["name"],
        max=to_fraction(raw_bonus["max"]),
        department=raw_bonus["department"],
        source=raw_bonus["source"],
        groups=bonus_groups,
        criteria=b.criteria_of(raw_bonus["criteria"], "bonus", raw_bonus["department"], bonus_groups),
    )
    raw_veto = data["veto"]
    for v in raw_veto["criteria"]:
        b.claim("veto item", v["id"])
    veto = Veto(
        raw_veto["name"],
        raw_veto["department"],
        raw_veto["source"],
        tuple(VetoItem(v["id"], v["name"], v["source"]) for v in raw_veto["criteria"]),
    )

    equipment = []
    eq_categories = {k: (v["name"], v.get("expected_items")) for k, v in data["equipment"]["categories"].items()}
    for raw_item in data["equipment"]["items"]:
        b.claim("equipment item", raw_item["id"])
        if raw_item["category"] not in eq_categories:
            b.problems.append(f"equipment {raw_item['id']}: unknown category {raw_item['category']!r}")
        fixed = raw_item.get("fixed")
        equipment.append(
            EquipmentSpec(
                id=raw_item["id"],
                name=raw_item["name"],
                category=raw_item["category"],
                unit=raw_item["unit"],
                source=raw_item["source"],
                per_staff=raw_item.get("per_staff"),
                fixed=None if fixed is None else tuple(sorted(fixed.items())),
            )
        )

    unscored = []
    for raw_req in data.get("unscored_requirements", []):
        b.claim("unscored requirement", raw_req["id"])
        unscored.append(UnscoredRequirement(**raw_req))

    rubric = Rubric(
        id=data["id"],
        version=str(data["version"]),
        name=data["name"],
        source=data["source"],
        sha256=sha,
        levels=dict(data["levels"]),
        readings=tuple(Reading(r["id"], r["text"], r["reason"]) for r in data["readings"]),
        parts=tuple(parts),
        bonus=bonus,
        veto=veto,
        conditions=tuple(
            Condition(c["id"], c["name"], c["measure"], c["op"], to_fraction(c["threshold"]), c.get("part"))
            for c in data["pass_rule"]["conditions"]
        ),
        pass_source=data["pass_rule"]["source"],
        total_part=data["total"]["part"],
        total_includes_bonus=data["total"]["include_bonus"],
        titles=tuple(
            TitleRule(t["from_year"], t.get("to_year"), t["title"], t["full"]) for t in data["titles"]["rules"]
        ),
        titles_source=data["titles"]["source"],
        equipment=tuple(equipment),
        equipment_categories=eq_categories,
        criteria=b.criteria,
        unscored=tuple(unscored),
    )
    b.problems.extend(_semantic_problems(rubric, {r["id"] for r in data["readings"]}))
    if b.problems:
        raise RubricError(path, b.problems)
    return rubric


def _semantic_problems(rubric: Rubric, reading_ids: set[str]) -> Iterator[str]:
    """Sums, references and reachability: what a schema cannot say."""
    part_ids = [p.id for p in rubric.parts]
    equipment_ids = frozenset(e.id for e in rubric.equipment)
    equipment_categories = frozenset(rubric.equipment_categories)
    for part in rubric.parts:
        cat_sum = sum((c.max for c in part.categories), Fraction(0))
        if cat_sum != part.max:
            yield f"part {part.id}: categories add up to {cat_sum}, not its max {part.max}"
        names = RubricNames(tuple(part_ids[: part_ids.index(part.id)]), equipment_ids, equipment_categories)
        for cat in part.categories:
            ind_sum = sum((i.max for i in cat.indicators), Fraction(0))
            if ind_sum != cat.max:
                yield f"category {cat.id}: indicators add up to {ind_sum}, not its max {cat.max}"
            for ind in cat.indicators:
                for level in LEVELS:
                    most = reachable(ind.criteria, ind.groups, level)
                    if most is not None and most < ind.max:
                        yield f"indicator {ind.id}: at most {most} reachable at level {level}, below its max {ind.max}"
                for c in ind.criteria:
                    yield from (f"criterion {c.id}: {problem}" for problem in c.rule.reference_problems(names))
    for c in rubric.bonus.criteria:
        if c.answer_type is None:
            yield f"bonus criterion {c.id}: bonus criteria must be answered, not computed"
    for cond in rubric.conditions:
        if cond.measure in ("category_share", "part_total") and cond.part not in part_ids:
            yield f"pass condition {cond.id}: needs a known part, got {cond.part!r}"
    if rubric.total_part not in part_ids:
        yield f"total: unknown part {rubric.total_part!r}"
    if not reading_ids:
        yield "readings: a rubric must state how it reads its source"


#: libyaml's safe loader reads the bundled rubric in ~8 ms instead of ~70 ms (same data);
#: PyYAML without libyaml falls back to its pure-Python safe loader.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_rubric(text: bytes, path: str = "<rubric>", *, force_check: bool = False) -> Rubric:
    """A Rubric from YAML bytes; RubricError lists every problem found. The JSON-schema
    checks are skipped for a bundled rubric recorded as checked (unless `force_check`)."""
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (libyaml's when built)
    except yaml.YAMLError as exc:
        raise RubricError(path, [f"not valid YAML: {exc}"]) from None
    checked = not force_check and schema_key(text) in _schema_checked()
    if not checked:
        _check_schema(data, path)
    return _build(data, path, hashlib.sha256(text).hexdigest(), check_rules=not checked)


def _check_schema(data: Any, path: str) -> None:
    """RubricError with every place where `data` breaks rubric.schema.json."""
    import jsonschema  # ~0.7 s to import where its format checkers are installed: only when needed

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise RubricError(
            path, [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in errors]
        )


def schema_key(text: bytes) -> str:
    """What a schema check vouches for: the rubric's bytes under this version of the schema."""
    schema = resources.files("assessment.rubric.data").joinpath(SCHEMA_FILE).read_bytes()
    return hashlib.sha256(hashlib.sha256(schema).digest() + text).hexdigest()


@cache
def _schema_checked() -> frozenset[str]:
    """Schema keys of the bundled rubrics, recorded when tests/test_rubric.py proved them
    valid (`python -m assessment.rubric` re-records them): loading a bundled rubric then
    skips the JSON-schema pass, which costs more than the rest of loading. Any other
    file, or a bundled one edited since, is checked in full."""
    record = resources.files("assessment.rubric.data").joinpath(SCHEMA_CHECKED_FILE)
    if not record.is_file():
        return frozenset()
    return frozenset(json.loads(record.read_text("utf-8")))


def record_schema_checks() -> Path:
    """Check every bundled rubric against the schema and record their keys (maintainers run
    this after editing a bundled rubric or the schema; a test says when it is due)."""
    folder = Path(str(resources.files("assessment.rubric.data")))
    keys = {}
    for rubric_file in sorted(folder.glob("*.yaml")):
        text = rubric_file.read_bytes()
        parse_rubric(text, str(rubric_file), force_check=True)
        keys[schema_key(text)] = rubric_file.name
    target = folder / SCHEMA_CHECKED_FILE
    target.write_text(json.dumps(keys, indent=2, sort_keys=True) + "\n", "utf-8")
    return target


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric at `path`, or the bundled Zhejiang 2022 rubric."""
    if path is None:
        return default_rubric()
    p = Path(path)
    return parse_rubric(p.read_bytes(), str(p))


@cache
def default_rubric() -> Rubric:
    """The bundled rubric, loaded once per process."""
    text = resources.files("assessment.rubric.data").joinpath(DEFAULT_RUBRIC).read_bytes()
    return parse_rubric(text, f"assessment/rubric/data/{DEFAULT_RUBRIC}")
