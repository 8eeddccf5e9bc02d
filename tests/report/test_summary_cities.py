"""The province roll-up: a summary of units from several cities groups them by city above the
ranking, each city's figures those of its own units; one city's summary stays as it was; a
city-level unit (市级) is never averaged with its counties."""

from __future__ import annotations

import io
import random
from fractions import Fraction
from typing import Any

import openpyxl
import pytest

from assessment.inputs.units import cities, county_units
from assessment.plan.json_form import plan_to_dict
from assessment.plan.solve import make_plan
from assessment.report import summary as S
from assessment.report.markup import cell_text
from assessment.rubric.loader import default_rubric
from assessment.samples import province_inputs, synthetic_input
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict


@pytest.fixture(scope="module")
def rubric():
    return default_rubric()


@pytest.fixture(scope="module")
def province(rubric) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 90 county-level units' seeded synthetic workbooks, scored and planned in memory:
    (scores.json dicts, plan.json dicts), as a batch would publish them."""
    inputs = province_inputs(rubric)
    return [scores_dict(score(rubric, i)) for i in inputs], [plan_to_dict(make_plan(rubric, i)) for i in inputs]


@pytest.fixture(scope="module")
def province_summary(province) -> S.Summary:
    scores, plans = province
    return S.build_summary(scores, plans=plans)


def units_of(city: str, scores: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A city's units straight from the list (not through the summary's own lookup)."""
    names = {u.name for u in county_units() if u.city == city}
    return [s for s in scores if s["district"] in names]


def mean(values: list[Any]) -> float:
    """The exact mean of figures as written, rounded to the table's two decimals."""
    return float(round(sum(Fraction(str(v)) for v in values) / len(values), 2))


def test_a_province_summary_shows_every_citys_figures_as_its_own_units_give_them(province, province_summary):
    scores, plans = province
    table = province_summary.tables[S.CITY_TABLE].set_index("地市")
    assert list(table.index) == list(cities())
    assert table["单位数"].sum() == 90
    category_names = [c["name"] for c in scores[0]["categories"].values()]
    equipment_names = [c["name"] for c in scores[0]["equipment"]["categories"].values()]
    assert len(category_names) == 6 and len(equipment_names) == 3
    for city in cities():
        units, row = units_of(city, scores), table.loc[city]
        passed = sum(1 for s in units if s["passed"])
        assert (row["单位数"], row["达标数"]) == (len(units), passed), city
        assert row["达标率(%)"] == float(round(Fraction(100 * passed, len(units)), 2)), city
        assert row["平均总得分"] == mean([s["total"] for s in units]), city
        for cid, name in zip(scores[0]["categories"], category_names):
            assert row[name] == mean([s["categories"][cid]["points"] for s in units]), (city, name)
    # the cities differ (the sample's diligence varies), so a mix-up of cities would show
    assert table["平均总得分"].nunique() > 5

    equipment = province_summary.tables[S.CITY_EQUIPMENT_TABLE].set_index("地市")
    roads = province_summary.tables[S.CITY_PLANS_TABLE].set_index("地市")
    by_district = {p["district"]: p for p in plans}
    for city in cities():
        units, row = units_of(city, scores), equipment.loc[city]
        assert table.loc[city, "装备得分"] == mean([s["equipment"]["points"] for s in units]), city
        for cid, name in zip(scores[0]["equipment"]["categories"], equipment_names):
            assert row[name] == mean([s["equipment"]["categories"][cid]["points"] for s in units]), (city, name)
        items = [i for s in units for i in s["equipment"]["items"]]
        assert row["装备缺口合计"] == sum(i["shortfall"] for i in items), city
        assert row["有装备缺口单位数"] == sum(1 for s in units if any(i["shortfall"] for i in s["equipment"]["items"]))
        road, row = [by_district[s["district"]] for s in units], roads.loc[city]
        to_pass = [p for p in road if p["passable"] and not p["already_passed"]]
        assert row["可按方案达标单位数"] == len(to_pass), city
        assert row["无法达标单位数"] == sum(1 for p in road if not p["passable"]), city
        if to_pass:
            assert row["平均达标所需措施数"] == mean([len(p["actions"]) for p in to_pass]), city
            gains = [Fraction(str(p["total_after"])) - Fraction(str(p["total_before"])) for p in to_pass]
            assert row["方案平均增分"] == mean(gains), city
        assert row["达标所需购置合计"] == sum(b["to_standard"] for p in road for b in p["purchases"]), city


def test_the_roll_up_comes_above_the_ranking_which_names_each_units_city(province, province_summary):
    scores, _ = province
    names = list(province_summary.tables)
    assert names[:4] == [S.CITY_TABLE, S.CITY_EQUIPMENT_TABLE, S.CITY_PLANS_TABLE, "排名"]
    assert names[4:15] == list(cities())  # a table per city, after the ranking
    ranking = province_summary.tables["排名"]
    assert list(ranking.columns[:3]) == ["排名", "地区", "地市"] and len(ranking) == 90
    city = {u.name: u.city for u in county_units()}
    assert all(ranking["地市"] == ranking["地区"].map(city))
    for name in cities():
        own = province_summary.tables[name]
        assert sorted(own["地区"]) == sorted(s["district"] for s in units_of(name, scores))
        assert list(own["排名"]) == sorted(own["排名"])  # each keeps its rank among all 90


def test_the_page_shows_the_roll_up_with_the_summarys_number_formatting(province_summary):
    html = S.table_html(province_summary.tables[S.CITY_TABLE])
    row = province_summary.tables[S.CITY_TABLE].iloc[0]
    assert f"<td class=\"num\">{cell_text(float(row['达标率(%)']))}</td>" in html
    roads = S.table_html(province_summary.tables[S.CITY_PLANS_TABLE])
    assert "+" in roads  # 方案平均增分 is a change: shown with its sign, as every 增分 column


def test_the_page_heading_counts_the_cities_of_a_province_summary(province_summary):
    assert "90个地区" in S.heading_html(province_summary) and "11个地市" in S.heading_html(province_summary)


def test_a_summary_of_one_citys_units_has_no_city_section(province):
    scores, plans = province
    wenzhou = units_of("温州市", scores)
    summary = S.build_summary(wenzhou, plans=plans)
    assert "个地市" not in S.heading_html(summary)
    assert not {S.CITY_TABLE, S.CITY_EQUIPMENT_TABLE, S.CITY_PLANS_TABLE} & set(summary.tables)
    assert "温州市" not in summary.tables and "地市" not in summary.tables["排名"].columns
    assert list(summary.tables) == ["排名", "指标得分率", "失分最多的指标", "装备缺口", "未纳入汇总", "填报信息",
                                    "达标路径", "装备购置清单"]


def test_a_city_level_unit_is_kept_apart_from_its_counties(rubric, province):
    scores, _ = province
    municipal = scores_dict(score(rubric, synthetic_input(rubric, "温州市", "city", 2022, random.Random(7), 0.9)))
    mixed = [*units_of("温州市", scores), municipal, *units_of("杭州市", scores)]
    summary = S.build_summary(mixed)
    table = summary.tables[S.CITY_TABLE]
    rows = table.set_index("地市")
    assert list(rows.index) == ["杭州市", "温州市", "温州市（市级）"]
    counties = units_of("温州市", scores)
    assert rows.loc["温州市", "单位数"] == 12
    assert rows.loc["温州市", "平均总得分"] == mean([s["total"] for s in counties])  # the 市级 unit is not in it
    assert rows.loc["温州市（市级）", "单位数"] == 1
    assert rows.loc["温州市（市级）", "平均总得分"] == mean([municipal["total"]])
    assert list(summary.tables[S.CITY_EQUIPMENT_TABLE]["地市"]) == list(rows.index)
    assert S.CITY_PLANS_TABLE not in summary.tables  # no plans given
    ranking = summary.tables["排名"].set_index("地区")
    assert ranking.loc["温州市", "地市"] == "温州市（市级）" and ranking.loc["鹿城区", "地市"] == "温州市"
    assert "温州市" in list(summary.tables["温州市"]["地区"])  # in its city's own table, on its own line
    assert S.unknown_note(mixed) is None


def test_a_unit_the_list_does_not_place_is_grouped_as_unknown_and_named(province):
    scores, _ = province
    stray = [{**scores[0], "district": "开发区"}, {**scores[1], "district": "鹿城区", "level": "city"}]
    mixed = [*units_of("温州市", scores)[1:], *units_of("杭州市", scores)[2:], *stray]
    summary = S.build_summary(mixed)
    table = summary.tables[S.CITY_TABLE]
    assert list(table["地市"]) == ["杭州市", "温州市", "未知地市", "未知地市（市级）"]
    note = S.unknown_note(mixed)
    assert note is not None and "开发区（县级）" in note and "鹿城区（市级）" in note and "2个单位" in note
    assert set(summary.tables["未知地市"]["地区"]) == {"开发区", "鹿城区"}


def test_the_workbook_has_a_sheet_per_city_laid_out_for_print_like_the_others(province_summary):
    wb = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(province_summary)))
    # after the sample-data sheet
    assert wb.sheetnames[1:5] == [S.CITY_TABLE, S.CITY_EQUIPMENT_TABLE, S.CITY_PLANS_TABLE, "排名"]
    assert wb.sheetnames[5:16] == list(cities())
    ranking = wb["排名"]
    for name in cities():
        ws = wb[name]
        assert [c.value for c in ws[1]] == [c.value for c in ranking[1]]
        districts = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
        assert sorted(districts) == sorted(u.name for u in county_units() if u.city == name)
        assert ws.page_setup.orientation == ranking.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == ranking.page_setup.paperSize
        assert ws.print_title_rows == ranking.print_title_rows and ws.freeze_panes == ranking.freeze_panes
    cities_sheet = wb[S.CITY_TABLE]
    assert [c.value for c in cities_sheet["A"]][1:] == list(cities())
    assert cities_sheet.page_setup.orientation == "landscape"
