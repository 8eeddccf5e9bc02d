"""Next year's check: last year's plan.json against this year's scores.json, action by action."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from answer_sets import NO_RECOGNITION_IN_C2

from assessment import api
from assessment.api import scores_dict
from assessment.inputs.edits import apply_edits
from assessment.plan.json_form import plan_to_dict
from assessment.plan.solve import make_plan
from assessment.report.followup import (
    DONE,
    PARTIAL,
    UNDONE,
    follow_up,
    followup_table,
    followup_text,
    load_previous_plan,
)
from assessment.report.summary.plans import followup_rates, purchase_split, undone_actions, with_completion
from assessment.report.summary.tables import ranking_table
from assessment.samples import next_year_sample
from assessment.scoring.engine import score

EXAMPLES = Path(__file__).parents[2] / "data_templates" / "examples"


@pytest.fixture(scope="module")
def last_year():
    """A blank 2022 district (basic information only) and its plan as plan.json: the plan
    holds flags, rates, counts and purchases."""
    from assessment.rubric.loader import default_rubric
    from assessment.samples import empty_input

    rubric = default_rubric()
    inp = dataclasses.replace(empty_input(rubric, "甲区"), year=2022)
    plan = make_plan(rubric, inp)
    ids = {a.id for a in plan.actions}
    assert {"answers.s01_group_established=True", "answers.s03_claim_rate=100", "equipment.vehicle=6"} <= ids
    return inp, plan, plan_to_dict(plan)


def _check(rubric, inp, road, **changes):
    later = dataclasses.replace(inp, year=2023, **changes)
    return follow_up(road, scores_dict(score(rubric, later)))


def test_an_edit_that_now_holds_is_done_one_that_moved_is_partial_and_one_untouched_is_undone(rubric, last_year):
    inp, plan, road = last_year
    f = _check(rubric, inp, road,
               answers={**inp.answers, "s01_group_established": True, "s03_claim_rate": F(70)},
               equipment={**inp.equipment, "vehicle": 0})
    status = {c.key: c.status for c in f.checks}
    assert status["s01_group_established"] == DONE
    assert status["s03_claim_rate"] == PARTIAL  # nothing → 70 of 100
    assert status["购置「执法车辆」"] == UNDONE  # still 0 of 6
    row = followup_table(f).set_index("落实情况", drop=False)
    assert list(followup_table(f).columns) == ["序号", "措施", "责任科室", "性质", "完成时限", "上年目标", "本年实际",
                                               "落实情况"]
    claim = next(c for c in f.checks if c.key == "s03_claim_rate")
    assert claim.goal == "应领事项认领率 未填报→100" and claim.now == "应领事项认领率 70"
    assert len(row) == len(plan.actions)


def test_a_plan_carried_out_in_full_is_done_throughout_and_rates_100(rubric, last_year):
    inp, plan, road = last_year
    done = apply_edits(inp, [e for a in plan.actions for e in a.edits])
    f = follow_up(road, scores_dict(score(rubric, dataclasses.replace(done, year=2023))))
    assert {c.status for c in f.checks} == {DONE} and f.rate == 1
    assert "已完成" in followup_text(f) and "完成率100.0%" in followup_text(f)


def test_the_2022_plan_is_due_in_2023_and_checked_against_2023_and_a_later_year_is_said_to_be_later(rubric, last_year):
    inp, _, road = last_year
    assert road["year"] == 2022 and {a["due"][:4] for a in road["actions"]} == {"2023"}
    f = _check(rubric, inp, road)
    assert (f.previous_year, f.year) == (2022, 2023)
    assert followup_text(f).startswith("2022年评估后（2023年完成）的整改方案共")
    later = follow_up(road, scores_dict(score(rubric, dataclasses.replace(inp, year=2024))))
    assert "该方案应于2023年完成，此处按2024年的填报核对" in followup_text(later)


def test_nothing_done_and_a_value_not_reported_are_undone(rubric, last_year):
    inp, _, road = last_year
    answers = {k: v for k, v in inp.answers.items() if k != "s03_claim_rate"}
    f = _check(rubric, inp, road, answers=answers)
    assert {c.status for c in f.checks} == {UNDONE} and f.rate == 0
    claim = next(c for c in f.checks if c.key == "s03_claim_rate")
    assert "未填报" in claim.now


def test_a_district_own_equipment_row_is_found_by_name_even_when_rows_move(rubric, perfect):
    inp = perfect(year=2022)
    extras = inp.extra_equipment
    goal = {"what": "extra_equipment", "category": extras[3].category, "name": extras[3].name, "from": 0, "to": 2}
    road = {"district": inp.district, "year": 2022, "passable": True, "already_passed": False,
            "actions": [{"text": f"购置「{extras[3].name}」2件", "department": "执法队", "recognition": False,
                         "goals": [goal], "purchase": {"name": extras[3].name}}]}
    moved = (dataclasses.replace(extras[3], quantity=2), *extras[:3], *extras[4:])
    assert _check(rubric, inp, road, extra_equipment=moved).checks[0].status == DONE
    halfway = (dataclasses.replace(extras[3], quantity=1), *extras[:3], *extras[4:])
    assert _check(rubric, inp, road, extra_equipment=halfway).checks[0].status == PARTIAL
    assert _check(rubric, inp, road, extra_equipment=extras[:3]).checks[0].status == UNDONE  # row gone


def test_recognition_left_ungranted_is_shown_but_not_counted_in_the_rate(rubric, perfect):
    inp = perfect(answers=NO_RECOGNITION_IN_C2, year=2022)
    road = plan_to_dict(make_plan(rubric, inp))
    assert road["actions"] and all(a["recognition"] for a in road["actions"])
    f = _check(rubric, inp, road)
    assert {c.status for c in f.checks} == {UNDONE} and f.rate is None
    assert "不计入完成率" in followup_text(f)
    assert set(followup_table(f)["性质"]) == {"需争取"}


def test_an_old_plan_json_without_goals_is_read_from_its_edits(rubric, last_year):
    inp, _, road = last_year
    old = {**road, "actions": [{k: v for k, v in a.items() if k not in ("goals", "criterion", "purchase")}
                               for a in road["actions"]]}
    f = _check(rubric, inp, old, answers={**inp.answers, "s01_group_established": True})
    assert f.checks[[a["id"] for a in road["actions"]].index("answers.s01_group_established=True")].status == DONE


def test_the_previous_plan_is_found_beside_the_previous_scores(tmp_path, last_year):
    _, _, road = last_year
    folder = tmp_path / "2022" / "甲区"
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text("{}", "utf-8")
    assert load_previous_plan(folder / "scores.json") is None
    (folder / "plan.json").write_text(json.dumps(road, ensure_ascii=False), "utf-8")
    assert load_previous_plan(folder / "scores.json") == road
    assert load_previous_plan(None) is None


def _two_years(rubric):
    """The bundled 2022 samples' plans and the 2023 samples' scores."""
    plans, scores = [], []
    for path in sorted((EXAMPLES / "wenzhou-2022").glob("*.xlsx")):
        plans.append(plan_to_dict(make_plan(rubric, api.load(path, rubric))))
        later = api.load(EXAMPLES / "wenzhou-2023" / path.name, rubric)
        assert later.year == 2023 and later.sample
        scores.append(scores_dict(score(rubric, later)))
    return plans, scores


def test_the_two_year_samples_show_every_status_and_each_district_completion_rate(rubric):
    plans, scores = _two_years(rubric)
    statuses = {c.status for p, s in zip(plans, scores) for c in follow_up(p, s).checks}
    assert statuses == {DONE, PARTIAL, UNDONE}
    rates = followup_rates(scores, plans)
    assert list(rates["地区"]) == list(ranking_table(scores)["地区"])
    with_plan = rates[rates["上年措施数"] > 0]
    assert len(with_plan) >= 5 and with_plan["上年整改完成率(%)"].notna().all()
    assert (rates["已完成"] + rates["部分完成"] + rates["未完成"] == rates["上年措施数"]).all()
    ranking = with_completion(ranking_table(scores), rates)
    assert "上年整改完成率(%)" in ranking.columns
    undone = undone_actions(scores, plans)
    assert not undone.empty and (undone["未完成"] + undone["部分完成"] <= undone["列入方案地区数"]).all()
    assert list(undone["未完成"]) == sorted(undone["未完成"], reverse=True)


def test_the_two_year_samples_are_derived_from_the_2022_plans(rubric):
    for path in sorted((EXAMPLES / "wenzhou-2022").glob("*.xlsx")):
        inp = api.load(path, rubric)
        expected = next_year_sample(inp, make_plan(rubric, inp).actions, 2023)
        got = api.load(EXAMPLES / "wenzhou-2023" / path.name, rubric)
        assert (got.answers, got.equipment, got.on_duty) == (expected.answers, expected.equipment, expected.on_duty)


def test_the_city_purchase_list_adds_up_from_the_districts_and_splits_standard_from_extra(rubric):
    from assessment.samples import empty_input

    inputs = [empty_input(rubric, "甲区"), empty_input(rubric, "乙区", level="city")]
    plans = [plan_to_dict(make_plan(rubric, i)) for i in inputs]
    scores = [scores_dict(score(rubric, i)) for i in inputs]
    city = purchase_split(scores, plans).set_index("名称")
    for column, key in (("达标所需购置合计", "to_standard"), ("超标准加分购置合计", "above_standard")):
        assert city[column].sum() == sum(p[key] for plan in plans for p in plan["purchases"])
    # Each item's city figures are the sums of the districts' own lists (which plan a solver
    # picks among equally good ones may differ; the sums must hold for whichever it is).
    for name, row in city.iterrows():
        bought = [p for plan in plans for p in plan["purchases"] if p["name"] == name]
        assert row["达标所需购置合计"] == sum(p["to_standard"] for p in bought)
        assert row["购置数量合计"] == row["达标所需购置合计"] + row["超标准加分购置合计"]
    assert city.loc["数码照相机", "达标所需购置合计"] > 0  # an empty district lacks cameras


def test_the_summary_reads_the_previous_years_plans_from_an_earlier_batch_output(tmp_path, last_year):
    from assessment.report.summary.load import previous_plans

    _, _, road = last_year
    for year, district in ((2021, "乙区"), (2022, "甲区")):
        folder = tmp_path / str(year) / district
        folder.mkdir(parents=True)
        (folder / "scores.json").write_text("{}", "utf-8")
        (folder / "plan.json").write_text(json.dumps({**road, "district": district}, ensure_ascii=False), "utf-8")
    assert [p["district"] for p in previous_plans(tmp_path, 2023)[0]] == ["甲区"]  # the latest earlier year only
    assert previous_plans(tmp_path, 2021) == ([], [])
