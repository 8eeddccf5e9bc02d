"""The rubric's planning data: who controls each criterion, yearly bounds, source deadlines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from assessment.rubric.loader import RubricError, parse_rubric

RUBRIC_FILE = Path(__file__).parents[2] / "assessment" / "rubric" / "data" / "zhejiang-2022.yaml"


def _criterion(data, cid):
    for part in data["parts"]:
        for cat in part["categories"]:
            for ind in cat["indicators"]:
                for c in ind["criteria"]:
                    if c["id"] == cid:
                        return c
    return next(c for c in data["bonus"]["criteria"] if c["id"] == cid)


def _mutated(cid, change) -> bytes:
    data = yaml.safe_load(RUBRIC_FILE.read_bytes())
    change(_criterion(data, cid))
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_every_criterion_says_who_controls_it_and_why(rubric):
    for c in rubric.criteria.values():
        assert c.control.by in ("district", "recognition") and c.control.reason, c.id


def test_awards_selections_rankings_commendations_adopted_cases_and_the_bonus_depend_on_recognition(rubric):
    hoped = {cid for cid, c in rubric.criteria.items() if c.recognition}
    assert {c.id for c in rubric.bonus.criteria} <= hoped
    assert {cid for cid in rubric.criteria if cid.startswith("s08_")} <= hoped
    assert {"s07_selected_provincial", "s07_selected_municipal", "s07_speakers_provincial",
            "s07_speakers_municipal", "s14_cases_provincial", "s14_cases_ministry", "s24_commendations"} <= hoped
    assert not {"s07_roadshows", "s06_staffing_rate", "e04_vehicles", "s12_annual_plan"} & hoped


def test_every_count_has_a_yearly_plan_limit_stated_as_the_tools_reading(rubric):
    for c in rubric.criteria.values():
        if c.rule.needs_plan_limit():
            assert c.plan_limit is not None and c.plan_limit.count >= 1, c.id
            assert "计划口径" in c.plan_limit.reason, c.id
        else:
            assert c.plan_limit is None, c.id


def test_the_source_deadlines_are_in_the_data(rubric):
    assert rubric.criteria["s01_annual_plan_on_time"].due.on(2024) == date(2024, 2, 20)
    assert rubric.criteria["s01_progress_on_time"].due.on(2023) == date(2023, 3, 20)
    capacity = rubric.criteria["s01_capacity_plan_on_time"].due
    assert capacity.on(2022) == date(2022, 2, 20) and capacity.on(2023) is None
    assert "2月20日" in rubric.criteria["s01_annual_plan_on_time"].due.source


def test_a_count_without_a_plan_limit_is_refused():
    with pytest.raises(RubricError, match="s10_military_training: a per-occurrence criterion needs a plan_limit"):
        parse_rubric(_mutated("s10_military_training", lambda c: c.pop("plan_limit")))


def test_a_plan_limit_on_a_flag_is_refused():
    text = _mutated("s12_annual_plan", lambda c: c.update(plan_limit={"count": 1, "reason": "x"}))
    with pytest.raises(RubricError, match="plan_limit applies to per-occurrence criteria only"):
        parse_rubric(text)


def test_a_criterion_without_control_or_with_an_impossible_deadline_is_refused():
    with pytest.raises(RubricError, match="control"):
        parse_rubric(_mutated("s12_annual_plan", lambda c: c.pop("control")))
    text = _mutated("s12_annual_plan", lambda c: c.update(due={"month": 2, "day": 30, "source": "x"}))
    with pytest.raises(RubricError, match="due 2-30 is not a date"):
        parse_rubric(text)
