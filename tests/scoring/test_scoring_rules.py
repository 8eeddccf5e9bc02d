"""Worked examples from the source, one or more per rule kind, at every threshold edge.

Each test starts from a district with full marks and changes only what it examines, so a
failing assertion points at one rule.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction as F

import pytest

from assessment.rubric.equipment import ExtraEquipment
from assessment.samples import empty_input
from assessment.scoring.engine import score

# --- flag -----------------------------------------------------------------------------------

def test_flag_leader_as_head_of_group_scores_half_a_point(points):
    assert points("s01_head_is_leader", s01_head_is_leader=True) == F(1, 2)
    assert points("s01_head_is_leader", s01_head_is_leader=False) == 0


def test_flag_rectification_scores_3_for_a_county_and_1_for_a_city(points):
    assert points("s17_rectification", "county", s17_rectification=True) == 3
    assert points("s17_rectification", "city", s17_rectification=True) == 1


# --- threshold (rate and number), inclusive per reading r1 -------------------------------------

@pytest.mark.parametrize(
    ("rate", "expected"), [(F("89.99"), 0), (F(90), 1), (F("90.01"), 1), (F(100), 1)]
)
def test_college_rate_scores_1_from_exactly_90_percent(points, rate, expected):
    assert points("s05_college_rate", s05_college_rate=rate) == expected


@pytest.mark.parametrize(("rate", "expected"), [(F("24.99"), 0), (F(25), 1), (F(26), 1)])
def test_problem_rate_scores_1_from_25_percent(points, rate, expected):
    assert points("s15_problem_rate", s15_problem_rate=rate) == expected


@pytest.mark.parametrize(("rate", "expected"), [(F("99.99"), 0), (F(100), 1)])
def test_claim_rate_needs_exactly_100_percent(points, rate, expected):
    assert points("s03_claim_rate", s03_claim_rate=rate) == expected


@pytest.mark.parametrize(("n", "expected"), [(F("2.99"), 0), (F(3), 1), (F("3.01"), 1)])
def test_records_per_person_scores_1_from_3_records(points, n, expected):
    assert points("s19_records_per_person", s19_records_per_person=n) == expected


# --- tiers: staffing rate computed exactly from headcount -----------------------------------

@pytest.mark.parametrize(
    ("on_duty", "expected"),
    [(17, 0), (18, 1), (20, 1), (21, 2), (23, 2), (24, 3), (25, 3), (30, 3)],
)
def test_staffing_rate_tiers_of_30_authorized(rubric, perfect, on_duty, expected):
    result = score(rubric, perfect(authorized=30, on_duty=on_duty))
    assert result.criteria["s06_staffing_rate"].points == expected


def test_staffing_rate_at_exactly_80_percent_scores_3(rubric, perfect):
    result = score(rubric, perfect(authorized=30, on_duty=24))
    crit = result.criteria["s06_staffing_rate"]
    assert crit.value == 80 and crit.points == 3 and crit.source == "computed"
    assert "24人/核定编制30人" in crit.explanation


def test_staffing_rate_of_two_thirds_is_not_rounded_up_to_a_tier(rubric, perfect):
    # 7/10.5 would be tempting to round; 69.9999 % must stay below the 70 % tier.
    result = score(rubric, perfect(authorized=10_000, on_duty=6_999))
    assert result.criteria["s06_staffing_rate"].points == 1


# --- per occurrence, with caps ---------------------------------------------------------------

@pytest.mark.parametrize(("n", "expected"), [(0, 0), (4, F(4, 5)), (5, 1), (6, 1)])
def test_expert_participations_score_0_2_each_up_to_1(points, n, expected):
    assert points("s11_expert_participations", s11_expert_participations=n) == expected


def test_training_library_group_is_capped_at_2(rubric, perfect):
    answers = {
        "s07_libraries_built": True,
        "s07_selected_provincial": 2,
        "s07_selected_municipal": 1,
        "s07_roadshows": 0,
        "s07_speakers_provincial": 0,
        "s07_speakers_municipal": 0,
        "s07_training_base": False,
    }
    result = score(rubric, perfect(answers=answers))
    assert result.indicators["s07"].points == 2  # 1 + 1 + 0.2 = 2.2, capped at 2


def test_training_indicator_adds_its_two_groups_and_the_base(rubric, perfect):
    answers = {
        "s07_libraries_built": True,
        "s07_selected_provincial": 0,
        "s07_selected_municipal": 1,
        "s07_roadshows": 1,
        "s07_speakers_provincial": 0,
        "s07_speakers_municipal": 2,
        "s07_training_base": True,
    }
    result = score(rubric, perfect(answers=answers))
    assert result.indicators["s07"].points == F("1.2") + F("1.4") + 1


# --- county doubling (reading r4): points per occurrence double, the cap does not ----------

def _s08(**answers):
    zero = {k: 0 for k in (
        "s08_ministry_unit_awards", "s08_ministry_person_awards", "s08_prov_team_first", "s08_prov_team_second",
        "s08_prov_team_third", "s08_prov_person_first", "s08_prov_person_second", "s08_prov_person_third",
    )}
    return {**zero, **answers}


@pytest.mark.parametrize(
    ("level", "n", "expected"), [("city", 5, F(5, 4)), ("county", 5, F(5, 2)), ("county", 6, 3), ("county", 7, 3)]
)
def test_third_prize_individuals_double_for_a_county_under_the_cap_of_3(rubric, perfect, level, n, expected):
    result = score(rubric, perfect(level, _s08(s08_prov_person_third=n)))
    assert result.indicators["s08"].points == expected


def test_one_ministry_award_to_a_county_unit_reaches_the_cap(rubric, perfect):
    result = score(rubric, perfect("county", _s08(s08_ministry_unit_awards=1)))
    assert result.criteria["s08_ministry_unit_awards"].points == 3  # 2 × 2 = 4, capped at 3
    assert result.indicators["s08"].points == 3


@pytest.mark.parametrize(
    ("level", "provincial", "ministry", "expected"),
    [("city", 1, 0, F("0.3")), ("county", 1, 0, F("0.6")), ("county", 2, 0, 1), ("city", 1, 1, F("0.8")), ("county", 0, 1, 1)],
)
def test_typical_cases_share_a_cap_of_1_and_double_for_a_county(rubric, perfect, level, provincial, ministry, expected):
    answers = {"s14_cases_provincial": provincial, "s14_cases_ministry": ministry}
    result = score(rubric, perfect(level, answers))
    indicator = result.indicators["s14"]
    others = indicator.max - 1
    assert indicator.points == others + expected


# --- city-only (*) items (reading r5) -------------------------------------------------------

def test_a_county_gets_city_only_items_directly(rubric):
    result = score(rubric, empty_input(rubric, level="county"))
    crit = result.criteria["s02_duties_integrated"]
    assert (crit.points, crit.source) == (1, "automatic")
    assert result.criteria["s03_item_catalog"].points == 1


def test_a_city_must_earn_city_only_items(rubric):
    result = score(rubric, empty_input(rubric, level="city"))
    assert result.criteria["s02_duties_integrated"].points == 0
    assert result.criteria["s02_duties_integrated"].source == "missing"


@pytest.mark.parametrize(("rectified", "expected"), [(True, 3), (False, 2)])
def test_audit_indicator_of_a_county_is_capped_at_3(rubric, perfect, rectified, expected):
    result = score(rubric, perfect("county", {"s17_rectification": rectified}))
    assert result.indicators["s17"].points == expected


# --- conversion (reading r6) ----------------------------------------------------------------

def test_equipment_score_of_90_converts_to_18_of_20(rubric, perfect):
    # Lose exactly 10 equipment points: no vehicles.
    base = perfect()
    result = score(rubric, dataclasses.replace(base, equipment={**base.equipment, "vehicle": 0}))
    assert result.parts["equipment"].points == 90
    assert result.criteria["s09_equipment"].points == 18


# --- equipment requirements ------------------------------------------------------------------

@pytest.mark.parametrize(("vehicles", "expected"), [(6, 0), (7, 10), (8, 10)])
def test_34_staff_need_7_vehicles(rubric, perfect, vehicles, expected):
    base = perfect(authorized=40, on_duty=34)
    result = score(rubric, dataclasses.replace(base, equipment={**base.equipment, "vehicle": vehicles}))
    assert result.criteria["e04_vehicles"].points == expected


def test_personal_equipment_needs_all_four_items(rubric, perfect):
    base = perfect(authorized=40, on_duty=34)
    # mobile kits: ⌈34/4⌉ = 9; terminals, cameras, protective kits: 34 each.
    full = {**base.equipment, "mobile_kit": 9, "mobile_terminal": 34, "body_camera": 34, "protective_kit": 34}
    assert score(rubric, dataclasses.replace(base, equipment=full)).criteria["e05_personal_mobile"].points == 10
    short = {**full, "mobile_kit": 8}
    crit = score(rubric, dataclasses.replace(base, equipment=short)).criteria["e05_personal_mobile"]
    assert crit.points == 0 and "移动执法包需9套、实有8套，缺1套" in crit.explanation


def _field(rubric, perfect, level, quantities, extras=()):
    base = perfect(level)
    equipment = {**base.equipment, **quantities}
    return score(rubric, dataclasses.replace(base, equipment=equipment, extra_equipment=tuple(extras)))


def test_field_items_at_standard_score_the_base_7(rubric, perfect):
    at = {"sampler": 3, "drone": 1, "camera": 3, "rapid_tester": 3}
    assert _field(rubric, perfect, "county", at).criteria["e06_field_aux"].points == 7


def test_field_items_above_standard_add_1_each_up_to_3(rubric, perfect):
    two_above = {"sampler": 4, "drone": 2, "camera": 3, "rapid_tester": 3}
    assert _field(rubric, perfect, "county", two_above).criteria["e06_field_aux"].points == 9
    extra = [ExtraEquipment("field", "便携式气体检测仪", 2, 5), ExtraEquipment("field", "水质检测箱", 1, 2)]
    assert _field(rubric, perfect, "county", two_above, extra).criteria["e06_field_aux"].points == 10


def test_items_above_standard_count_even_when_the_base_is_missed(rubric, perfect):
    # reading r3: a county with 2 samplers (needs 3) but 2 drones and 4 cameras: 0 + 2.
    quantities = {"sampler": 2, "drone": 2, "camera": 4, "rapid_tester": 3}
    crit = _field(rubric, perfect, "county", quantities).criteria["e06_field_aux"]
    assert crit.points == 2 and "采样设备需3部、实有2部" in crit.explanation


def test_a_city_needs_2_samplers_where_a_county_needs_3(rubric, perfect):
    quantities = {"sampler": 2, "drone": 1, "camera": 2, "rapid_tester": 2}
    assert _field(rubric, perfect, "city", quantities).criteria["e06_field_aux"].points == 7
    assert _field(rubric, perfect, "county", quantities).criteria["e06_field_aux"].points == 0


def test_office_items_need_one_scanner_per_three_staff(rubric, perfect):
    base = perfect(authorized=40, on_duty=34)
    office = {"desktop_pc": 34, "portable_scanner": 12, "projector": 1}
    at = score(rubric, dataclasses.replace(base, equipment={**base.equipment, **office}, extra_equipment=()))
    assert at.criteria["e07_office"].points == 7
    short = {**office, "portable_scanner": 11}
    below = score(rubric, dataclasses.replace(base, equipment={**base.equipment, **short}, extra_equipment=()))
    assert below.criteria["e07_office"].points == 0


def test_a_short_equipment_list_is_warned_about(rubric):
    result = score(rubric, empty_input(rubric))
    assert any("现场执法辅助设备台账列出4项，标准共14项" in w for w in result.warnings)
    assert any("通讯与办公设备台账列出3项，标准共8项" in w for w in result.warnings)


# --- bonus -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("first", "second", "third", "expected"), [(1, 0, 0, 1), (0, 1, 0, F("0.5")), (0, 0, 1, F("0.3")), (1, 1, 1, F("1.8"))]
)
def test_bonus_ranks_score_1_0_5_and_0_3(rubric, perfect, first, second, third, expected):
    answers = {
        "b_innovation_recognized": 0, "b_top3_first": first, "b_top3_second": second, "b_top3_third": third,
        "b_promoted_national": False, "b_promoted_provincial": False, "b_promoted_municipal": False,
    }
    assert score(rubric, perfect(answers=answers)).bonus == expected


def test_promotion_counts_its_highest_level_once(rubric, perfect):
    answers = {
        "b_innovation_recognized": 0, "b_top3_first": 0, "b_top3_second": 0, "b_top3_third": 0,
        "b_promoted_national": True, "b_promoted_provincial": True, "b_promoted_municipal": True,
    }
    assert score(rubric, perfect(answers=answers)).bonus == 1


def test_bonus_is_capped_at_5_and_counts_in_the_total(rubric, perfect):
    result = score(rubric, perfect(answers={"b_innovation_recognized": 9}))
    assert result.bonus == 5
    assert result.total == result.parts["standard"].points + 5 == 105


# --- missing answers -------------------------------------------------------------------------

def test_a_missing_answer_scores_0_and_is_listed(rubric, perfect):
    base = perfect()
    answers = {k: v for k, v in base.answers.items() if k != "s12_annual_plan"}
    result = score(rubric, dataclasses.replace(base, answers=answers))
    crit = result.criteria["s12_annual_plan"]
    assert (crit.points, crit.source) == (0, "missing")
    assert result.missing == ("s12_annual_plan",)
    assert any(rubric.criteria["s12_annual_plan"].name in w for w in result.warnings)
    assert not any("s12_annual_plan" in w for w in result.warnings)  # users read names, not ids


def test_a_sample_is_said_to_be_a_sample_once(rubric, perfect):
    warnings = score(rubric, perfect(sample=True)).warnings
    assert "本数据为示例数据，不代表任何单位的真实情况" in warnings
    assert not any("示例数据（示例数据）" in w for w in warnings)
