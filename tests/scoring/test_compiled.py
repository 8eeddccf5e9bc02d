"""The compiled scorer gives exactly the reference scorer's result, explanations included."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from test_properties import districts

from assessment.inputs.files import load_input
from assessment.rubric.loader import default_rubric
from assessment.samples import empty_input, perfect_input, synthetic_input
from assessment.scoring.compiled import CompiledRubric, compiled
from assessment.scoring.engine import score
from assessment.scoring.reference import reference_score
from assessment.scoring.result import Result

RUBRIC = default_rubric()
EXAMPLES = sorted((Path(__file__).parents[2] / "data_templates" / "examples" / "wenzhou-2022").glob("*.xlsx"))


def assert_same(got: Result, want: Result) -> None:
    """Equal results (every field, every criterion) and the same words for every criterion."""
    assert got == want
    assert list(got.criteria) == list(want.criteria)
    for cid, r in want.criteria.items():
        assert got.criteria[cid].explanation == r.explanation, cid
    assert [c.detail for c in got.conditions] == [c.detail for c in want.conditions]


def test_compiled_scores_the_twelve_examples_like_the_reference() -> None:
    assert len(EXAMPLES) == 12
    for path in EXAMPLES:
        inp = load_input(path, RUBRIC)
        assert_same(score(RUBRIC, inp), reference_score(RUBRIC, inp))


def test_compiled_scores_seeded_synthetic_districts_like_the_reference() -> None:
    rng = random.Random(7)
    for n in range(300):
        inp = synthetic_input(RUBRIC, f"地区{n}", rng.choice(("county", "city")), 2022, rng, rng.uniform(0.0, 1.0))
        assert_same(score(RUBRIC, inp), reference_score(RUBRIC, inp))


@pytest.mark.parametrize("level", ["county", "city"])
def test_compiled_scores_perfect_and_empty_districts_like_the_reference(level: str) -> None:
    for inp in (perfect_input(RUBRIC, level=level), empty_input(RUBRIC, level=level)):  # type: ignore[arg-type]
        assert_same(score(RUBRIC, inp), reference_score(RUBRIC, inp))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_compiled_scores_arbitrary_districts_like_the_reference(inp) -> None:
    # Scored twice: the second time from the memos the first one filled.
    for _ in range(2):
        assert_same(score(RUBRIC, inp), reference_score(RUBRIC, inp))


def test_compiled_answer_of_another_type_is_not_taken_from_the_memo() -> None:
    """True == 1 in Python: a memo keyed by value alone would show the wrong answer."""
    flag = next(c for c in RUBRIC.criteria.values() if c.answer_type == "flag")
    inp = perfect_input(RUBRIC)
    as_bool = score(RUBRIC, inp)
    as_int = score(RUBRIC, dataclasses.replace(inp, answers={**inp.answers, flag.id: 1}))
    assert as_bool.criteria[flag.id].value is True
    assert as_int.criteria[flag.id].value == 1 and as_int.criteria[flag.id].value is not True


def test_compiled_works_in_hundredths_for_the_bundled_rubric() -> None:
    assert compiled(RUBRIC).d == 100
    assert compiled(RUBRIC) is compiled(RUBRIC)


def test_compiled_falls_back_to_the_reference_when_points_leave_its_integers() -> None:
    scorer = CompiledRubric(RUBRIC)
    scorer.d = 3  # thirds cannot hold a half point: every district must go the reference way
    inp = synthetic_input(RUBRIC, "地区", "county", 2022, random.Random(1), 0.8)
    want = reference_score(RUBRIC, inp)
    assert any((r.points * 3).denominator != 1 for r in want.criteria.values())  # the case is real
    assert_same(scorer.score(inp), want)
