"""Rule kinds: every registered kind implements the whole interface, a kind defined only here
plugs in through the registry alone, and no module outside rubric/kinds/ tests a rule's class."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from fractions import Fraction as F
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from assessment.inputs.edits import Edit, apply_edits
from assessment.inputs.json_form import input_to_json, parse_json_input
from assessment.inputs.model import InputError
from assessment.inputs.validate import validate
from assessment.plan.actions import candidate_actions
from assessment.plan.solve import make_plan
from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.kinds import KINDS, register_kind
from assessment.rubric.kinds.base import (
    AnswerSearch,
    AnswerTarget,
    AnswerType,
    EquipmentTerms,
    Outcome,
    PartConversion,
    RubricNames,
    RuleKind,
)
from assessment.rubric.levels import Level
from assessment.rubric.loader import RubricError, parse_rubric
from assessment.samples import perfect_input
from assessment.scoring.engine import score
from assessment.scoring.reference import reference_score
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt

ROOT = Path(__file__).resolve().parents[2]
RUBRIC_FILE = ROOT / "assessment" / "rubric" / "data" / "zhejiang-2022.yaml"
INTERFACE = sorted(RuleKind.__abstractmethods__)
TOY_CRITERION = "s03_coverage_rate"


# --------------------------------------------------------------------------- the interface


def test_the_interface_covers_what_every_consumer_asks():
    assert {"score", "max_points", "answer_type", "converts", "equipment_terms", "reads_line", "point_amounts",
            "answer_targets", "thresholds", "computed_measure", "roster_measure", "occurrences_for",
            "needs_plan_limit", "reference_problems", "without_category_base", "from_data"} <= set(INTERFACE)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_registered_kind_implements_the_whole_interface_itself(name):
    cls = KINDS[name]
    assert not inspect.isabstract(cls), f"{name} leaves {sorted(cls.__abstractmethods__)} unimplemented"
    not_stated = [method for method in INTERFACE if method not in vars(cls)]
    assert not not_stated, f"{name} inherits {not_stated} instead of stating them"
    assert cls.kind == name and cls.schema["properties"]["kind"] == {"type": "string"}


def test_every_rule_of_the_bundled_rubric_is_a_registered_kind_whose_feed_matches_its_terms(rubric):
    for c in rubric.criteria.values():
        rule = c.rule
        assert KINDS[rule.kind] is type(rule), c.id
        assert (rule.feed == "part_total") == (rule.converts() is not None), c.id
        assert (rule.feed == "equipment") == (rule.equipment_terms() is not None), c.id
        assert (rule.feed == "answer") == (c.answer_type is not None or rule.computed_measure() is not None), c.id


def test_a_kind_missing_a_method_or_taking_a_held_name_is_refused():
    class Incomplete(RuleKind):
        kind: ClassVar[str] = "incomplete"
        schema: ClassVar[dict[str, Any]] = {}

    with pytest.raises(TypeError, match="does not implement: .*answer_targets"):
        register_kind(Incomplete)

    class Impostor(PerTenth):
        kind: ClassVar[str] = "flag"

    with pytest.raises(ValueError, match="'flag' is already registered"):
        register_kind(Impostor)
    assert "incomplete" not in KINDS and KINDS["flag"].__name__ == "Flag"


# --------------------------------------------------------------------------- a new kind


@dataclass(frozen=True)
class PerTenth(RuleKind):
    """A toy kind: `each` points per whole 10 percent of a rate, at most `cap`."""

    each: F
    cap: F
    kind: ClassVar[str] = "per_tenth"
    schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "required": ["kind", "each", "cap"],
        "additionalProperties": False,
        "properties": {
            "kind": {"type": "string"},
            "each": {"type": "number", "exclusiveMinimum": 0},
            "cap": {"type": "number", "minimum": 0},
        },
    }

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> PerTenth:
        return cls(each=to_fraction(raw["each"]), cap=to_fraction(raw["cap"]))

    @property
    def answer_type(self) -> AnswerType:
        return "rate"

    def computed_measure(self) -> None:
        return None

    def roster_measure(self) -> None:
        return None

    def converts(self) -> PartConversion | None:
        return None

    def equipment_terms(self) -> EquipmentTerms | None:
        return None

    def reads_line(self, line: EquipmentLine) -> bool:
        return False

    def max_points(self, level: Level) -> F:
        return self.cap

    def point_amounts(self) -> tuple[F, ...]:
        return (self.each, self.cap)

    def score(self, value: F, level: Level) -> Outcome:
        tenths = int(value // 10)
        points = min(self.cap, self.each * tenths)
        return Outcome(points, lambda: f"{fmt(value)}%，{tenths}个10%，得{fmt(points)}分")

    def thresholds(self) -> tuple[F, ...]:
        steps = -(-self.cap // self.each)
        return tuple(F(10 * n) for n in range(1, min(steps, 10) + 1))

    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        value = F(0) if search.current is None else F(search.current)
        return tuple(
            AnswerTarget(bar, f"{search.name}{fmt(value)}% → {fmt(bar)}%：{search.action}")
            for bar in self.thresholds()
            if bar > value and search.improves(bar)
        )

    def occurrences_for(self, points: F, level: Level) -> None:
        return None

    def needs_plan_limit(self) -> bool:
        return False

    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        return ()

    def without_category_base(self, categories: Collection[str]) -> PerTenth:
        return self


@pytest.fixture
def toy_kind():
    """PerTenth registered for one test, and gone afterwards."""
    register_kind(PerTenth)
    yield PerTenth
    del KINDS[PerTenth.kind]


def _toy_rubric_text(rule: dict[str, Any]) -> bytes:
    """The bundled rubric with s03_coverage_rate switched to `rule` (and made low effort, so
    that a plan prefers it among single actions of equal points)."""
    data = yaml.safe_load(RUBRIC_FILE.read_bytes())
    for part in data["parts"]:
        for cat in part["categories"]:
            for ind in cat["indicators"]:
                for c in ind["criteria"]:
                    if c["id"] == TOY_CRITERION:
                        c["rule"], c["effort"] = rule, "low"
    return yaml.safe_dump(data, allow_unicode=True).encode()


TOY_RULE = {"kind": "per_tenth", "each": 0.25, "cap": 1}


def test_an_unregistered_kind_is_refused_by_name():
    with pytest.raises(RubricError, match="unknown rule kind 'per_tenth'"):
        parse_rubric(_toy_rubric_text(TOY_RULE))


def test_a_registered_kind_is_loaded_checked_validated_scored_and_planned(toy_kind):
    with pytest.raises(RubricError, match=f"criterion {TOY_CRITERION}: per_tenth rule, each"):
        parse_rubric(_toy_rubric_text({**TOY_RULE, "each": 0}))  # its own schema is checked
    rubric = parse_rubric(_toy_rubric_text(TOY_RULE))
    assert isinstance(rubric.criteria[TOY_CRITERION].rule, toy_kind)
    assert rubric.answerable()[TOY_CRITERION] == "rate"

    # validated: the answer type the kind declares is what the input must hold
    perfect = perfect_input(rubric)
    inp = validate(parse_json_input(input_to_json(perfect).encode(), "toy.json"), rubric)
    assert inp.answers[TOY_CRITERION] == 100
    wrong = parse_json_input(input_to_json(perfect).replace('"s03_coverage_rate": 100', '"s03_coverage_rate": 120')
                             .encode(), "toy.json")
    with pytest.raises(InputError, match=TOY_CRITERION):
        validate(wrong, rubric)

    # scored: per whole 10 %, capped; the compiled scorer agrees with the reference
    for rate, points in ((F(25), F(1, 2)), (F(39), F(3, 4)), (F(100), F(1))):
        district = dataclasses.replace(perfect, answers={**perfect.answers, TOY_CRITERION: rate})
        got = score(rubric, district).criteria[TOY_CRITERION]
        assert got.points == points and "个10%" in got.explanation
        assert reference_score(rubric, district).criteria[TOY_CRITERION] == got

    # planned: c1 at 9 of 12 must exceed 9.6; the toy's target earning its point is the cheapest single action
    failing = dataclasses.replace(
        perfect, answers={**perfect.answers, TOY_CRITERION: F(0), "s03_claim_rate": F(0), "s04_office_funds": False}
    )
    assert not score(rubric, failing).passed
    proposed = [a for a in candidate_actions(rubric, failing) if a.criterion_id == TOY_CRITERION]
    assert [a.edits for a in proposed] == [(Edit(f"answers.{TOY_CRITERION}", F(0), F(10 * n)),) for n in (1, 2, 3, 4)]
    plan = make_plan(rubric, failing)
    assert plan.passable and [a.id for a in plan.actions] == [f"answers.{TOY_CRITERION}=40"]
    assert score(rubric, apply_edits(failing, [e for a in plan.actions for e in a.edits])).passed


# --------------------------------------------------------------------------- no class tests outside kinds/

KIND_CLASSES = frozenset(cls.__name__ for cls in KINDS.values())
KINDS_PACKAGE = ROOT / "assessment" / "rubric" / "kinds"


def _modules_outside_kinds() -> list[tuple[str, ast.Module]]:
    return [
        (str(p.relative_to(ROOT)), ast.parse(p.read_text("utf-8")))
        for p in sorted((ROOT / "assessment").rglob("*.py"))
        if KINDS_PACKAGE not in p.parents
    ]


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
    }


def test_no_module_outside_the_kinds_package_tests_a_rule_with_isinstance():
    found = [
        f"{where}:{node.lineno}"
        for where, tree in _modules_outside_kinds()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
        and len(node.args) == 2 and _names(node.args[1]) & KIND_CLASSES
    ]
    assert not found


def test_no_module_outside_the_kinds_package_asks_a_rule_for_an_attribute_by_name():
    found = [
        f"{where}:{node.lineno}"
        for where, tree in _modules_outside_kinds()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")
        and node.args and "rule" in _names(node.args[0])
    ]
    assert not found


def test_no_module_outside_the_kinds_package_imports_a_kind_class():
    found = [
        f"{where}:{node.lineno}"
        for where, tree in _modules_outside_kinds()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("assessment.rubric")
        and {alias.name for alias in node.names} & KIND_CLASSES
    ]
    assert not found
