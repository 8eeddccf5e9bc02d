"""Candidate actions: one per rule kind, each with the input edit it stands for and its re-scored gain."""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

from assessment.inputs.edits import Edit, apply_edits
from assessment.inputs.model import Person
from assessment.plan.actions import candidate_actions
from assessment.samples import perfect_input
from assessment.scoring.engine import score


def _by_id(rubric, inp):
    return {a.id: a for a in candidate_actions(rubric, inp)}


def _without(inp, *ids):
    return dataclasses.replace(inp, answers={k: v for k, v in inp.answers.items() if k not in ids})


def test_a_perfect_district_has_no_candidate_actions(rubric):
    assert candidate_actions(rubric, perfect_input(rubric)) == ()


def test_a_missing_flag_becomes_an_action_from_none_to_true_with_the_rubric_text(rubric, perfect):
    inp = _without(perfect(), "s01_group_established")
    action = _by_id(rubric, inp)["answers.s01_group_established=True"]
    criterion = rubric.criteria["s01_group_established"]
    assert action.edits == (Edit("answers.s01_group_established", None, True),)
    assert criterion.action in action.text
    assert action.points == 1
    assert (action.department, action.effort, action.criterion_id) == (criterion.department, "low", criterion.id)


def test_a_false_flag_edits_from_false(rubric, perfect):
    action = _by_id(rubric, perfect(answers={"s12_annual_plan": False}))["answers.s12_annual_plan=True"]
    assert action.edits == (Edit("answers.s12_annual_plan", False, True),)


def test_a_rate_without_roster_counts_people_from_the_headcount(rubric, perfect):
    # 30 on duty at 80 %: 24 people; 90 % needs 27, so 3 more.
    action = _by_id(rubric, perfect(answers={"s05_college_rate": F(80)}))["answers.s05_college_rate=90"]
    assert action.edits == (Edit("answers.s05_college_rate", F(80), F(90)),)
    assert "80% → 90%" in action.text and "还需3人" in action.text
    assert action.points == 1 and action.effort == "high"


def test_a_rate_from_the_roster_edits_the_rows_of_the_people_it_needs(rubric, perfect):
    roster = tuple(
        Person(f"人员{i}", "本科" if i < 8 else "高中", "法学类", True, True, False) for i in range(10)
    )
    inp = _without(perfect(roster=roster), "s05_college_rate", "s05_law_env_major_rate", "s06_certified_rate")
    action = _by_id(rubric, inp)["roster:s05_college_rate"]
    assert action.edits == (Edit("roster[8].education", "高中", "大专"),)
    assert "8/10" in action.text and "还需1人" in action.text
    assert score(rubric, apply_edits(inp, action.edits)).criteria["s05_college_rate"].points == 1


def test_a_number_threshold_is_raised_to_its_bar(rubric, perfect):
    action = _by_id(rubric, perfect(answers={"s19_records_per_person": F("2.1")}))["answers.s19_records_per_person=3"]
    assert action.edits == (Edit("answers.s19_records_per_person", F("2.1"), F(3)),)
    assert "2.1 → 3" in action.text


def test_staffing_offers_the_next_tiers_with_the_people_each_needs(rubric, perfect):
    actions = _by_id(rubric, perfect(authorized=30, on_duty=23))
    action = actions["staff.on_duty=24"]
    assert action.edits == (Edit("staff.on_duty", 23, 24),)
    assert "到岗率76.7% → 80% 需再到岗1人" in action.text
    assert action.effort == "high" and action.criterion_id == "s06_staffing_rate"
    assert [a for a in actions if a.startswith("staff.")] == ["staff.on_duty=24"]


def test_a_count_reaches_the_smallest_count_that_earns_the_group_cap(rubric, perfect):
    inp = _without(perfect(), "s07_roadshows", "s07_speakers_provincial", "s07_speakers_municipal")
    action = _by_id(rubric, inp)["answers.s07_roadshows=2"]
    assert action.edits == (Edit("answers.s07_roadshows", None, 2),)
    assert action.points == 2
    assert "answers.s07_roadshows=3" not in _by_id(rubric, inp)


def test_a_count_in_a_capped_group_already_full_yields_no_action(rubric, perfect):
    # The libraries group is capped at 2 and the provincial selections alone fill it.
    inp = perfect(answers={"s07_libraries_built": False, "s07_selected_municipal": 0})
    assert not any(a.criterion_id in ("s07_libraries_built", "s07_selected_municipal")
                   for a in candidate_actions(rubric, inp))


def test_a_missing_vehicle_count_is_bought_up_to_the_standard_only(rubric, perfect):
    base = perfect()
    inp = perfect(equipment={**base.equipment, "vehicle": 4})  # 30 on duty need ⌈30/5⌉ = 6
    actions = _by_id(rubric, inp)
    action = actions["equipment.vehicle=6"]
    assert action.edits == (Edit("equipment.vehicle", 4, 6),)
    assert action.effort == "high" and action.criterion_id == "e04_vehicles"
    assert action.text == "购置「执法车辆」2辆（4→6，标准6辆，达到标准）"
    assert action.points == 2  # s09: 10 equipment points × 0.2
    assert "equipment.vehicle=7" not in actions  # no "above standard" points for vehicles


def test_an_extra_row_offers_the_standard_and_one_above_it(rubric, perfect):
    base = perfect()
    extras = list(base.extra_equipment)
    extras[3] = dataclasses.replace(extras[3], quantity=0)
    actions = _by_id(rubric, perfect(extra_equipment=tuple(extras)))
    assert actions["extra_equipment[3].quantity=1"].edits == (Edit("extra_equipment[3].quantity", 0, 1),)
    assert actions["extra_equipment[3].quantity=2"].edits == (Edit("extra_equipment[3].quantity", 0, 2),)
    assert actions["extra_equipment[3].quantity=1"].points == F(7, 5)  # base 7 × 0.2


def test_equipment_targets_include_the_standard_of_a_headcount_staffing_could_bring(rubric, perfect):
    base = perfect(authorized=30, on_duty=23)
    inp = dataclasses.replace(base, equipment={**base.equipment, "body_camera": 23})
    actions = _by_id(rubric, inp)
    assert "equipment.body_camera=24" in actions
    assert "按到岗24人的标准" in actions["equipment.body_camera=24"].text


def test_priced_purchases_carry_quantity_times_unit_price(rubric, perfect):
    base = perfect()
    inp = perfect(equipment={**base.equipment, "vehicle": 4}, prices={"vehicle": F(180000)})
    assert _by_id(rubric, inp)["equipment.vehicle=6"].cost == 360000


def test_city_only_criteria_at_county_level_yield_no_action(rubric, perfect):
    inp = perfect(answers={"s02_duties_integrated": False, "s03_item_catalog": False})
    assert candidate_actions(rubric, inp) == ()


def test_apply_edits_is_pure_and_reaches_every_path_form(rubric, perfect):
    inp = perfect()
    edits = (
        Edit("answers.s07_roadshows", inp.answers["s07_roadshows"], 9),
        Edit("equipment.vehicle", inp.equipment["vehicle"], 1),
        Edit("staff.on_duty", 30, 20),
        Edit("extra_equipment[0].quantity", 2, 5),
    )
    out = apply_edits(inp, edits)
    assert (out.answers["s07_roadshows"], out.equipment["vehicle"], out.on_duty, out.extra_equipment[0].quantity) == (
        9, 1, 20, 5)
    assert inp == perfect()


def test_a_recognition_count_offers_each_count_up_to_its_plan_limit_and_says_the_limit_binds(rubric, perfect):
    inp = perfect(answers={"s08_prov_person_third": 0, "s08_ministry_unit_awards": 0, "s08_ministry_person_awards": 0,
                           "s08_prov_team_first": 0, "s08_prov_team_second": 0, "s08_prov_team_third": 0,
                           "s08_prov_person_first": 0, "s08_prov_person_second": 0})
    third = [a for a in candidate_actions(rubric, inp) if a.criterion_id == "s08_prov_person_third"]
    assert [a.edits[0].new for a in third] == [1, 2]  # 0.5 each at county level; the cap of 3 would need 6
    assert all(a.recognition and a.text.startswith("【需争取】") for a in third)
    assert "计划口径每年至多2" in third[-1].text
    assert [a.points for a in third] == [F(1, 2), F(1)]


def test_a_controllable_count_is_one_action_to_the_count_that_earns_its_cap(rubric, perfect):
    inp = perfect(answers={"s20_major_cases": 0})
    [action] = [a for a in candidate_actions(rubric, inp) if a.criterion_id == "s20_major_cases"]
    assert action.edits[0].new == 4 and not action.recognition and "计划口径" not in action.text
