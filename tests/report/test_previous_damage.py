"""Last year never breaks this year: a damaged file in the previous output (too large,
truncated, mis-shaped, figures that are not numbers) becomes a warning that names it, and
this year's report and summary are still made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assessment.inputs.limits import MAX_FILE_BYTES
from assessment.plan.json_form import plan_to_dict
from assessment.plan.solve import make_plan
from assessment.report.district import read_previous_scores
from assessment.report.followup import previous_followup
from assessment.report.summary.load import load_summary
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict


@pytest.fixture
def earlier(rubric: Rubric) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 2022 district's scores.json and plan.json as a batch publishes them."""
    inp = perfect_input(rubric, district="甲区", year=2022)
    return scores_dict(score(rubric, inp)), plan_to_dict(make_plan(rubric, inp))


def _publish(root: Path, files: dict[str, str]) -> Path:
    folder = root / "2022" / "甲区"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def _first_category(scores: dict[str, Any]) -> str:
    return next(iter(scores["categories"]))


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda s: s.update(total=float("nan")), "不是数值的得分"),
        (lambda s: s["categories"][_first_category(s)].update(points="九十"), "不是数值的得分"),
        (lambda s: s["indicators"][next(iter(s["indicators"]))].update(points=float("inf")), "不是数值的得分"),
    ],
)
def test_previous_scores_with_figures_that_are_not_numbers_cost_only_the_comparison(
    tmp_path: Path, earlier: tuple[dict[str, Any], dict[str, Any]], damage: Any, said: str
) -> None:
    scores = json.loads(json.dumps(earlier[0]))
    damage(scores)
    folder = _publish(tmp_path, {"scores.json": json.dumps(scores, ensure_ascii=False)})
    data, warning = read_previous_scores(folder / "scores.json")
    assert data is None and warning is not None
    assert said in warning and str(folder / "scores.json") in warning and "未作同比比较" in warning


def test_previous_scores_over_the_size_limit_are_not_read(tmp_path: Path, earlier: tuple[dict, dict]) -> None:
    padded = json.dumps(earlier[0]) + " " * MAX_FILE_BYTES
    folder = _publish(tmp_path, {"scores.json": padded})
    data, warning = read_previous_scores(folder / "scores.json")
    assert data is None and warning is not None and "文件过大" in warning


@pytest.mark.parametrize(
    "plan_text",
    [
        lambda plan: json.dumps(plan, ensure_ascii=False)[:200],  # truncated
        lambda plan: json.dumps({**plan, "actions": [{"goals": "x"}]}),  # mis-shaped action
        lambda plan: json.dumps({**plan, "actions": {"1": "a"}}),  # actions not a list
        lambda plan: json.dumps([plan]),  # not an object
    ],
)
def test_a_damaged_previous_plan_becomes_a_warning_in_the_followup_check(
    tmp_path: Path, rubric: Rubric, earlier: tuple[dict, dict], plan_text: Any
) -> None:
    scores, plan = earlier
    folder = _publish(tmp_path, {"scores.json": json.dumps(scores), "plan.json": plan_text(plan)})
    this_year = scores_dict(score(rubric, perfect_input(rubric, district="甲区", year=2023)))
    checked, warning = previous_followup(folder / "scores.json", this_year)
    assert checked is None and warning is not None
    assert str(folder / "plan.json") in warning and "未作整改落实核对" in warning


def test_a_sound_previous_plan_is_still_checked(tmp_path: Path, rubric: Rubric, earlier: tuple[dict, dict]) -> None:
    scores, plan = earlier
    folder = _publish(tmp_path, {"scores.json": json.dumps(scores), "plan.json": json.dumps(plan)})
    this_year = scores_dict(score(rubric, perfect_input(rubric, district="甲区", year=2023)))
    checked, warning = previous_followup(folder / "scores.json", this_year)
    assert warning is None and checked is not None and checked.previous_year == 2022


def test_a_summary_over_a_damaged_previous_year_is_made_and_names_each_damaged_file(
    tmp_path: Path, rubric: Rubric, earlier: tuple[dict, dict]
) -> None:
    scores, plan = earlier
    previous = tmp_path / "previous"
    folder = _publish(previous, {"scores.json": json.dumps({**scores, "total": "满分"}), "plan.json": "{\"actions\": ["})
    (folder.parent / "manifest.json").write_text('{"districts": [', "utf-8")
    this_year = tmp_path / "2023" / "甲区"
    this_year.mkdir(parents=True)
    (this_year / "scores.json").write_text(
        json.dumps(scores_dict(score(rubric, perfect_input(rubric, district="甲区", year=2023))), ensure_ascii=False),
        "utf-8",
    )
    summary = load_summary(scores_dir=this_year.parent, previous_dir=previous)
    assert [s["district"] for s in summary.scores] == ["甲区"] and summary.previous == ()
    warnings = " ".join(summary.previous_warnings)
    assert "manifest.json" in warnings and str(folder / "scores.json") in warnings
    assert any(str(folder / "plan.json") in w for w in summary.plan_warnings)
