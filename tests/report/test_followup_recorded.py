"""What a folder carries is enough: a report made with last year's plan records the follow-up
in its scores.json, action by action, and a summary of such scores.json gives the completion
figures a summary with last year's plan.json files gives."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from assessment import api
from assessment.api import scores_dict
from assessment.plan.json_form import plan_to_dict
from assessment.plan.solve import make_plan
from assessment.report.followup import DONE, PARTIAL, STATUSES, UNDONE, follow_up, followup_dict, with_followup
from assessment.report.summary.build import build_summary
from assessment.scoring.engine import score

EXAMPLES = Path(__file__).parents[2] / "data_templates" / "examples"
FOLLOWUP_TABLES = ("上年整改落实", "上年未落实事项", "排名")


def _publish_2022(root: Path, rubric, name: str) -> dict:
    """A 2022 district folder as a batch leaves it (scores.json and plan.json); its plan."""
    inp = api.load(EXAMPLES / "wenzhou-2022" / name, rubric)
    folder = root / "2022" / inp.district
    folder.mkdir(parents=True)
    plan = plan_to_dict(make_plan(rubric, inp))
    (folder / "scores.json").write_text(json.dumps(scores_dict(score(rubric, inp)), ensure_ascii=False), "utf-8")
    (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
    return plan


def test_a_2023_report_with_previous_records_last_years_plan_action_by_action_in_scores_json(tmp_path, rubric):
    from assessment.report.district import render_report

    plan = _publish_2022(tmp_path / "2022out", rubric, "平阳县.xlsx")
    assert plan["actions"], "the 2022 sample must have a plan to follow up"
    paths = render_report(EXAMPLES / "wenzhou-2023" / "平阳县.xlsx", tmp_path / "out", previous_root=tmp_path / "2022out")
    recorded = json.loads(paths.scores.read_text("utf-8"))["followup"]

    assert (recorded["previous_year"], recorded["year"]) == (2022, 2023)
    assert [a["id"] for a in recorded["actions"]] == [a["id"] for a in plan["actions"]]
    for action, planned in zip(recorded["actions"], plan["actions"]):
        assert action["text"] == planned["text"] and action["status"] in STATUSES
        assert [(g["name"], g["to"]) for g in action["goals"]] == [(g["name"], g["to"]) for g in planned["goals"]]
        assert all("now" in g and g["status"] in STATUSES for g in action["goals"])
    assert {a["status"] for a in recorded["actions"]} == set(STATUSES)  # 平阳县 shows all three
    assert recorded["counts"] == {s: sum(a["status"] == s for a in recorded["actions"]) for s in STATUSES}
    # The same check the report's table shows, one truth: last year's plan against this year's scores.
    this_year = json.loads(paths.scores.read_text("utf-8"))
    assert recorded == followup_dict(follow_up(plan, this_year))
    done = recorded["counts"][DONE]
    tasks = recorded["tasks"]
    assert recorded["rate"] == (round(done / tasks, 4) if tasks else None)


def test_a_report_without_last_years_plan_records_no_followup(tmp_path, rubric):
    inp = api.load(EXAMPLES / "wenzhou-2023" / "乐清市.xlsx", rubric)
    scores = scores_dict(score(rubric, inp))
    assert "followup" not in with_followup(scores, None)
    lone = tmp_path / "2022" / inp.district
    lone.mkdir(parents=True)
    (lone / "scores.json").write_text("{}", "utf-8")  # an earlier scores.json without a plan beside it
    assert "followup" not in with_followup(scores, lone / "scores.json")


@pytest.fixture(scope="module")
def two_years():
    """The twelve 2022 samples' plans and the 2023 samples' scores."""
    from assessment.rubric.loader import default_rubric

    rubric = default_rubric()
    plans, scores = [], []
    for path in sorted((EXAMPLES / "wenzhou-2022").glob("*.xlsx")):
        plans.append(plan_to_dict(make_plan(rubric, api.load(path, rubric))))
        scores.append(scores_dict(score(rubric, api.load(EXAMPLES / "wenzhou-2023" / path.name, rubric))))
    return plans, scores


def test_a_summary_of_the_2023_scores_alone_shows_the_completion_a_summary_with_the_2022_plans_shows(two_years):
    plans, scores = two_years
    carried = [
        {**s, "followup": followup_dict(follow_up(next(p for p in plans if p["district"] == s["district"]), s))}
        for s in scores
    ]
    with_files = build_summary(scores, previous_plans=plans).tables
    folders_only = build_summary(carried).tables  # no 2022 file at all
    for name in FOLLOWUP_TABLES:
        pd.testing.assert_frame_equal(folders_only[name], with_files[name])
    rates = folders_only["上年整改落实"]
    assert rates["上年整改完成率(%)"].notna().sum() >= 5
    assert {DONE, PARTIAL, UNDONE} <= set(rates.columns)


def test_a_summary_without_followups_or_plans_has_no_followup_tables(two_years):
    _, scores = two_years
    assert not set(FOLLOWUP_TABLES[:2]) & set(build_summary(scores).tables)
