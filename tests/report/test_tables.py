"""The report's tables: the right rows, Chinese columns, and input strings escaped as HTML."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest

from assessment.report import tables
from assessment.rubric.equipment import ExtraEquipment
from assessment.scoring.engine import score

XSS = "<script>alert(1)</script>"


@pytest.fixture
def perfect_result(rubric, perfect):
    return score(rubric, perfect())


@pytest.fixture
def flawed_result(rubric, perfect):
    """A perfect district that lost s25's insurance (办公室) and s10's logo (办公室、执法队);
    one military training only, so that s10 is not full without the logo."""
    answers = {"s25_accident_insurance": False, "s10_unified_logo": False, "s10_military_training": 1}
    return score(rubric, perfect(answers=answers))


def test_category_table_lists_the_six_standard_categories_with_share_and_80_percent_bar(rubric, perfect):
    result = score(rubric, perfect(answers={"s25_accident_insurance": False}))
    df = tables.category_table(result)
    assert list(df.columns) == ["类别", "得分", "满分", "得分率", "是否高于80%"]
    assert len(df) == 6
    assert df["满分"].sum() == 100
    c6 = df[df["类别"] == result.categories["c6"].name].iloc[0]
    assert c6["得分"] == pytest.approx(float(result.categories["c6"].points))
    assert c6["得分率"] == pytest.approx(round(float(result.categories["c6"].share * 100), 2))


def test_category_table_says_no_for_a_category_at_or_below_its_bar(rubric, perfect):
    answers = {cid: False for cid in rubric.criteria if cid.startswith("s01")}
    result = score(rubric, perfect(answers=answers))
    df = tables.category_table(result)
    row = df[df["类别"] == result.categories["c1"].name].iloc[0]
    assert row["是否高于80%"] == "否"


def test_indicator_table_lists_annex2_then_annex1_indicators(perfect_result):
    df = tables.indicator_table(perfect_result)
    assert list(df.columns) == ["编号", "指标", "得分", "满分", "失分", "责任科室"]
    assert list(df["编号"]) == [f"s{n:02d}" for n in range(1, 26)] + [f"e{n:02d}" for n in range(1, 14)]
    assert (df["失分"] == 0).all()


def test_lost_points_name_each_lost_criterion_with_department_evidence_and_action(rubric, flawed_result):
    df = tables.lost_points_by_department(flawed_result)
    assert list(df.columns) == tables.LOST_COLUMNS
    insurance = df[df["评分细则"] == rubric.criteria["s25_accident_insurance"].name].iloc[0]
    assert insurance["责任科室"] == rubric.criteria["s25_accident_insurance"].department
    assert insurance["编号"] == "s25"
    assert insurance["佐证要求"] == rubric.indicator("s25").evidence
    assert insurance["整改措施"] == rubric.criteria["s25_accident_insurance"].action
    assert insurance["失分"] == pytest.approx(float(flawed_result.criteria["s25_accident_insurance"].lost))
    assert insurance["得分说明"] == flawed_result.criteria["s25_accident_insurance"].explanation


def test_lost_points_keep_a_shared_department_as_one_owner_and_rank_the_biggest_loser_first(flawed_result):
    df = tables.lost_points_by_department(flawed_result)
    assert "办公室、执法队" in set(df["责任科室"])
    totals = df.groupby("责任科室", sort=False)["失分"].sum()
    assert list(totals) == sorted(totals, reverse=True)


def test_lost_points_leave_out_unearned_bonus_and_are_empty_for_a_perfect_district(perfect_result):
    assert tables.lost_points_by_department(perfect_result).empty
    assert tables.department_totals(perfect_result).empty


def test_equipment_shortfall_lists_only_items_below_standard(rubric, perfect):
    base = perfect()
    extra = ExtraEquipment(category="field", name="扩展设备", required=3, quantity=1)
    result = score(rubric, dataclasses.replace(base, extra_equipment=(*base.extra_equipment, extra)))
    df = tables.equipment_shortfall(result)
    assert list(df.columns) == ["名称", "类别", "标准数量", "实有数量", "缺口"]
    assert list(df["名称"]) == ["扩展设备"]
    assert df.iloc[0]["缺口"] == 2
    assert df.iloc[0]["类别"] == rubric.equipment_categories["field"][0]


def test_readings_table_shows_every_rubric_reading(rubric):
    df = tables.readings_table(rubric)
    assert list(df.columns) == ["编号", "口径", "理由"]
    assert list(df["编号"]) == [r.id for r in rubric.readings]
    assert list(df["口径"]) == [r.text for r in rubric.readings]


def test_provenance_names_rubric_input_hash_and_unrecorded_run_time(perfect_result):
    df = tables.provenance_table(perfect_result, None)
    facts = dict(zip(df["项目"], df["内容"]))
    assert facts["评分标准SHA-256"] == perfect_result.rubric.sha256
    assert facts["评分标准版本"] == perfect_result.rubric.version
    assert facts["运行时间"] == "未记录"
    assert dict(zip(*tables.provenance_table(perfect_result, "2026-11-28T13:21:51+00:00").T.values))["运行时间"] == (
        "2026年11月28日 21:21"
    )


def test_provenance_of_a_reviewed_report_names_the_review_file_hash_reviewer_and_date(perfect_result):
    review = {"file": "/srv/复核/龙湾区.review.json", "sha256": "ab" * 32, "reviewer": "市局执法处", "date": "2023-03-01"}
    facts = dict(zip(*tables.provenance_table(perfect_result, None, review).T.values))
    assert (facts["复核文件"], facts["复核文件SHA-256"]) == ("龙湾区.review.json", "ab" * 32)
    assert (facts["复核人"], facts["复核日期"]) == ("市局执法处", "2023-03-01")
    assert "复核文件" not in set(tables.provenance_table(perfect_result, None)["项目"])


def test_year_over_year_subtracts_the_previous_scores(perfect_result):
    previous = {"total": 90.5, "categories": {"c1": {"points": 10}}, "equipment": {"points": 80}}
    df = tables.year_over_year_table(perfect_result, previous).set_index("项目")
    assert df.loc["总得分", "变化"] == pytest.approx(float(perfect_result.total) - 90.5)
    assert df.loc[perfect_result.categories["c1"].name, "上年"] == 10
    assert pd.isna(df.loc[perfect_result.categories["c2"].name, "上年"])


def test_html_escapes_input_strings_and_marks_lost_rows(rubric, perfect):
    result = score(rubric, perfect(district=XSS, answers={"s25_accident_insurance": False}))
    typed = ExtraEquipment("field", XSS, 2, 0)
    short = score(rubric, perfect(extra_equipment=(*result.input.extra_equipment, typed)))
    shortfall = tables.to_html(tables.equipment_shortfall(short), highlight="缺口")
    assert XSS not in shortfall
    assert '<tr class="loss"><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' in shortfall
    indicators = tables.to_html(tables.indicator_table(result), highlight="失分")
    lost_rows = re.findall(r'<tr class="loss">.*?</tr>', indicators)
    assert len(lost_rows) == 1 and ">推行职业保障<" in lost_rows[0]
    assert '<td class="num">0.5</td>' in lost_rows[0]


def test_html_tables_right_align_numbers_and_mark_the_id_column(perfect_result):
    page = tables.to_html(tables.indicator_table(perfect_result), highlight="失分")
    assert page.startswith('<table class="data"><thead><tr><th class="id">编号</th><th>指标</th><th class="num">得分</th>')
    assert '<td class="id">s01</td><td>建立领导小组</td><td class="num">4</td>' in page
    assert "style=" not in page


def test_html_of_the_same_table_is_identical_between_calls(perfect_result):
    df = tables.indicator_table(perfect_result)
    assert tables.to_html(df, highlight="失分") == tables.to_html(df, highlight="失分")


def test_criteria_of_a_full_indicator_are_not_listed_as_lost(rubric):
    import dataclasses

    from assessment.report.tables import department_totals, lost_points_by_department
    from assessment.samples import perfect_input
    from assessment.scoring.engine import score

    base = perfect_input(rubric, level="county")
    awards = {k: 0 for k in base.answers if k.startswith("s08_")}
    awards["s08_prov_person_third"] = 6  # 6 × 0.5 (county doubling) = 3: s08 is full
    awards["s07_selected_provincial"] = 0  # group A still full: 1 + 0 + municipal picks
    result = score(rubric, dataclasses.replace(base, answers={**base.answers, **awards}))
    assert result.indicators["s08"].points == 3
    assert lost_points_by_department(result).empty
    assert department_totals(result).empty


def test_a_department_loses_at_most_what_its_indicator_lacks(rubric):
    import dataclasses

    from assessment.report.tables import department_totals, lost_points_by_department
    from assessment.samples import perfect_input
    from assessment.scoring.engine import score

    base = perfect_input(rubric, level="county")
    awards = {k: 0 for k in base.answers if k.startswith("s08_")}
    awards["s08_prov_person_third"] = 4  # 2 of 3 points: 1 missing, many criteria short
    result = score(rubric, dataclasses.replace(base, answers={**base.answers, **awards}))
    lost = lost_points_by_department(result)
    assert set(lost["编号"]) == {"s08"} and (lost["失分"] <= 1).all()
    totals = department_totals(result)
    assert totals["失分"].tolist() == [1.0]
