"""The pass rule (达标) and titles: strict and non-strict edges, veto, years."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest

from assessment.samples import empty_input, perfect_input
from assessment.scoring.conditions import evaluate_conditions
from assessment.scoring.engine import score
from assessment.scoring.figures import CategoryResult, PartResult


def _conditions(rubric, shares=None, equipment=F(100), total=F(100), veto=()):
    shares = shares or {}
    categories = {
        c.id: CategoryResult(c.id, c.name, "standard", c.max * shares.get(c.id, F(1)), c.max)
        for c in rubric.part("standard").categories
    }
    parts = {"equipment": PartResult("equipment", "装备能力建设评分细则", equipment, F(100))}
    return {c.id: c for c in evaluate_conditions(rubric, categories, parts, total, veto)}


@pytest.mark.parametrize(("share", "met"), [(F(79, 100), False), (F(80, 100), False), (F(801, 1000), True)])
def test_a_category_must_be_strictly_above_80_percent(rubric, share, met):
    conds = _conditions(rubric, shares={"c2": share})
    assert conds["categories"].met is met
    if not met:
        assert conds["categories"].failing == ("c2",)


def test_a_category_at_exactly_80_percent_is_named_as_failing(rubric):
    # c1 max 12: 9.6 is exactly 80 %.
    conds = _conditions(rubric, shares={"c1": F(4, 5)})
    assert "机构设置规范化9.6/12分（80%）" in conds["categories"].detail


@pytest.mark.parametrize(("equipment", "met"), [(F("84.99"), False), (F(85), True), (F(86), True)])
def test_equipment_must_reach_85_inclusive(rubric, equipment, met):
    assert _conditions(rubric, equipment=equipment)["equipment"].met is met


@pytest.mark.parametrize(("total", "met"), [(F(90), False), (F("90.05"), True), (F(91), True)])
def test_total_must_be_strictly_above_90(rubric, total, met):
    assert _conditions(rubric, total=total)["total"].met is met


def test_full_marks_pass_at_both_levels_with_105(rubric):
    for level in ("county", "city"):
        result = score(rubric, perfect_input(rubric, level=level, year=2023))
        assert (result.total, result.bonus, result.parts["equipment"].points) == (105, 5, 100)
        assert result.passed and result.title == "示范单位"
        assert all(c.points == c.max for c in result.criteria.values())


def test_an_empty_county_scores_only_its_automatic_and_computed_points(rubric):
    result = score(rubric, empty_input(rubric, level="county"))
    # s02 1 + s03 2 + s04 1 (city-only items) + s06 staffing 3 + s14 1 + s17 2 (city-only)
    assert result.total == 10
    assert {k: c.points for k, c in result.categories.items() if k.startswith("c")} == {
        "c1": 4, "c2": 3, "c3": 0, "c4": 3, "c5": 0, "c6": 0,
    }
    assert not result.passed and result.title is None


def test_an_empty_city_scores_only_its_staffing_rate(rubric):
    result = score(rubric, empty_input(rubric, level="city"))
    assert result.total == 3


@pytest.mark.parametrize("veto_id", ["v_leader_criticism", "v_integrity_incident"])
def test_a_veto_fails_even_full_marks(rubric, veto_id):
    base = perfect_input(rubric)
    result = score(rubric, dataclasses.replace(base, answers={**base.answers, veto_id: True}))
    assert result.total == 105
    assert not result.passed and result.veto == (veto_id,)
    assert not result.condition("no_veto").met
    assert "存在否决情形" in result.condition("no_veto").detail


@pytest.mark.parametrize(
    ("year", "title"), [(2021, None), (2022, "示范单位"), (2023, "示范单位"), (2024, "达标单位"), (2026, "达标单位")]
)
def test_titles_by_year(rubric, year, title):
    result = score(rubric, perfect_input(rubric, year=year))
    assert result.passed and result.title == title
    if title is None:
        assert any("未给出命名" in w for w in result.warnings)
