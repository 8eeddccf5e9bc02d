"""The municipal summary's tables, figures and workbook, on small hand-made scores dicts."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest

from assessment.report import charts
from assessment.report import summary as S
from assessment.report.summary import figures as SF
from assessment.report.summary import load as SL
from assessment.report.summary import tables as ST


def district(
    name: str,
    total: float,
    passed: bool,
    *,
    categories: dict[str, tuple[float, float, bool]] | None = None,
    indicators: dict[str, tuple[float, float]] | None = None,
    items: list[dict[str, Any]] | None = None,
    title: str | None = None,
    year: int = 2022,
) -> dict[str, Any]:
    """The parts of a scores.json the summary reads."""
    categories = categories or {"c1": (10, 12, True), "c2": (15, 17, True)}
    indicators = indicators or {"s01": (4, 4), "s02": (2, 4)}
    return {
        "district": name,
        "year": year,
        "sample": False,
        "total": total,
        "passed": passed,
        "title": title,
        "conditions": [{"id": "categories", "threshold": 0.8, "met": True}],
        "categories": {
            cid: {"name": {"c1": "机构设置规范化", "c2": "队伍组建专业化"}[cid], "points": p, "max": m,
                  "percent": round(100 * p / m, 4), "passed": ok}
            for cid, (p, m, ok) in categories.items()
        },
        "equipment": {"points": 90, "max": 100, "passed": True, "items": items or []},
        "indicators": {
            iid: {"name": {"s01": "建立领导小组", "s02": "明确机构职能"}[iid], "category": "c1", "points": p, "max": m}
            for iid, (p, m) in indicators.items()
        },
    }


def item(item_id: str, name: str, required: int, quantity: int, extra: bool = False) -> dict[str, Any]:
    return {"id": item_id, "name": name, "category": "field", "required": required, "quantity": quantity,
            "shortfall": max(0, required - quantity), "above": quantity > required, "extra": extra}


@pytest.fixture
def city() -> list[dict[str, Any]]:
    return [
        district("乙区", 88.5, False, indicators={"s01": (0, 4), "s02": (2, 4)},
                 items=[item("vehicle", "执法车辆", 5, 3), item("x1", "=HYPERLINK(\"http://x\")", 2, 0, extra=True)]),
        district("甲区", 95, True, title="示范单位", indicators={"s01": (4, 4), "s02": (3, 4)},
                 items=[item("vehicle", "执法车辆", 5, 4)]),
        district("丙区", 88.5, False, categories={"c1": (9, 12, False), "c2": (17, 17, True)},
                 items=[item("vehicle", "执法车辆", 4, 6)]),
    ]


def test_pass_count_counts_districts_that_passed(city):
    count = ST.pass_count(city)
    assert (count.passed, count.total) == (1, 3)
    assert count.text == "3个地区中1个达标，2个未达标"


def test_ranking_orders_by_total_and_equal_totals_share_a_rank(city):
    table = ST.ranking_table(city)
    assert list(table.columns) == ["排名", "地区", "总得分", "机构设置规范化", "队伍组建专业化", "装备得分", "结论"]
    assert list(table["地区"]) == ["甲区", "丙区", "乙区"]  # ties by name
    assert list(table["排名"]) == [1, 2, 2]
    assert list(table["结论"]) == ["达标（示范单位）", "未达标", "未达标"]
    assert table.loc[1, "机构设置规范化"] == 9


def test_indicator_percent_is_points_over_maximum_per_district(city):
    percent = S.indicator_percent(city)
    assert list(percent.columns) == ["甲区", "丙区", "乙区"]
    assert list(percent.index) == [("s01", "建立领导小组"), ("s02", "明确机构职能")]
    assert percent.loc[("s01", "建立领导小组"), "乙区"] == 0
    assert percent.loc[("s02", "明确机构职能"), "甲区"] == 75
    assert list(percent.reset_index().columns[:2]) == ["编号", "指标"]


def test_weakest_indicators_rank_by_districts_losing_points(city):
    weakest = ST.weakest_indicators(city)
    assert list(weakest["编号"]) == ["s02", "s01"]  # s02: all three lose points; s01: one
    assert list(weakest["失分地区数"]) == [3, 1]
    assert weakest.loc[0, "失分合计"] == 2 + 1 + 2
    assert weakest.loc[1, "平均得分率(%)"] == pytest.approx(66.7)


def test_equipment_shortfall_sums_only_missing_units_over_the_city(city):
    short = ST.equipment_shortfall(city)
    vehicles = short.set_index("装备").loc["执法车辆"]
    assert vehicles["缺口合计"] == 2 + 1  # the district above standard does not offset others
    assert vehicles["缺口地区数"] == 2
    assert vehicles["应配合计"] == 14 and vehicles["实配合计"] == 13
    assert list(short["装备"]) == ["执法车辆", "=HYPERLINK(\"http://x\")"]


def test_category_figure_marks_failing_categories_as_scored(city):
    fig = S.category_figure(city)
    bars = fig.axes[0].patches  # c1, districts in ranking order: 甲区, 丙区, 乙区
    assert [b.get_facecolor() != bars[0].get_facecolor() for b in bars] == [False, True, False]
    assert SF.category_bar_percent(city) == 80


def test_heatmap_draws_one_cell_per_indicator_and_district(city):
    fig = S.heatmap_figure(S.indicator_percent(city))
    image = fig.axes[0].images[0]
    assert image.get_array().shape == (2, 3)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["甲区", "丙区", "乙区"]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["建立领导小组", "明确机构职能"]
    assert charts.to_png(fig).startswith(b"\x89PNG")


def test_heatmap_labels_lost_cells_in_9pt_white_on_dark_and_dark_on_light(city):
    ax = S.heatmap_figure(S.indicator_percent(city)).axes[0]
    labels = {t.get_text(): t for t in ax.texts}
    assert set(labels) == {"0", "50", "75"}  # full cells (100%) carry no number
    assert all(t.get_fontsize() >= 9 for t in labels.values())
    assert labels["0"].get_color() == "white"  # full vermillion
    assert labels["50"].get_color() != "white"  # the pale middle


def test_heatmap_keeps_long_indicator_names_whole(city):
    long_name = "与同级财政部门沟通协调，落实执法装备资金保障要求"
    for s in city:
        s["indicators"]["s01"]["name"] = long_name
    labels = [t.get_text() for t in S.heatmap_figure(S.indicator_percent(city)).axes[0].get_yticklabels()]
    assert labels[0].replace("\n", "") == long_name and "…" not in labels[0]


def test_year_over_year_matches_districts_by_name_and_leaves_new_ones_blank(city):
    before = [district("甲区", 90, True, year=2021, categories={"c1": (8, 12, True), "c2": (15, 17, True)})]
    table = ST.year_over_year(city, before).set_index("地区")
    assert table.loc["甲区", "总得分变化"] == 5
    assert table.loc["甲区", "机构设置规范化变化"] == 2
    assert table.loc["甲区", "上期年度"] == 2021
    assert table["总得分变化"].isna().sum() == 2
    change = ST.category_change(city, before).set_index("类别")
    assert change.loc["机构设置规范化", "变化(百分点)"] == pytest.approx(round(100 * 10 / 12 - 100 * 8 / 12, 1))


def test_excluded_table_lists_invalid_and_failed_inputs_with_reasons():
    entries = [
        {"input": "/d/甲区.xlsx", "status": "ok", "district": "甲区", "errors": []},
        {"input": "/d/坏.xlsx", "status": "invalid", "district": None, "errors": ["无法读取", "第二处"]},
        {"input": "/d/乙区.json", "status": "failed", "district": "乙区", "errors": ["RuntimeError: x"]},
    ]
    table = ST.excluded_table(entries)
    assert table.to_dict("records") == [
        {"文件": "坏.xlsx", "地区": "（未能读取）", "状态": "校验未通过", "原因": "无法读取；第二处"},
        {"文件": "乙区.json", "地区": "乙区", "状态": "生成失败", "原因": "RuntimeError: x"},
    ]


def test_key_figures_are_the_pass_count_then_each_total_and_verdict(city):
    assert S.key_figures(city).splitlines() == [
        "3个地区中1个达标，2个未达标",
        "甲区：95分，达标（示范单位）",
        "丙区：88.5分，未达标",
        "乙区：88.5分，未达标",
    ]


def test_page_text_from_inputs_is_html_escaped(city):
    city[0]["district"] = "<script>alert(1)</script>"
    summary = S.build_summary(city)
    page = S.table_html(summary.tables["排名"]) + S.heading_html(summary, "<b>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>" not in page


def test_summary_workbook_has_chinese_headers_frozen_numbers_and_inert_text(city):
    city[1]["district"] = "=cmd|' /C calc'!A0"
    data = S.summary_workbook_bytes(S.build_summary(city))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["排名", "指标得分率", "失分最多的指标", "装备缺口", "未纳入汇总", "填报信息"]
    ranking = wb["排名"]
    assert [c.value for c in ranking[1]] == ["排名", "地区", "总得分", "机构设置规范化", "队伍组建专业化", "装备得分", "结论"]
    # frozen under the header and after the column that names a row (地区, else the first)
    assert ranking.freeze_panes == "C2" and wb["装备缺口"].freeze_panes == "B2"
    assert all(ws.freeze_panes in ("B2", "C2") for ws in wb.worksheets)
    assert ranking["A2"].value == 1 and ranking["C2"].value == 95 and ranking["C2"].data_type == "n"
    assert ranking["B2"].value == "=cmd|' /C calc'!A0" and ranking["B2"].data_type == "s"
    assert ranking["B2"].quotePrefix
    equipment = wb["装备缺口"]
    assert equipment["A3"].value == "=HYPERLINK(\"http://x\")" and equipment["A3"].quotePrefix
    assert equipment["D3"].value == 2 and isinstance(equipment["D3"].value, int)
    formulas = [c.coordinate for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_year_over_year_sheets_appear_only_with_earlier_scores(city):
    before = [district("甲区", 90, True, year=2021)]
    assert "同比变化-地区" not in S.build_summary(city).tables
    tables = S.build_summary(city, previous=before).tables
    assert {"同比变化-地区", "同比变化-类别"} <= set(tables)


def test_the_road_to_pass_table_counts_actions_per_district_and_sums_purchases():
    from assessment.report.summary import build_summary

    def scores(district, total):
        return {
            "district": district, "year": 2022, "total": total, "passed": total > 90, "title": None, "veto": [],
            "categories": {}, "indicators": {}, "conditions": [],
            "equipment": {"points": 90, "max": 100, "passed": True, "categories": {}, "items": [
                {"id": "vehicle", "name": "执法车辆", "category": "vehicle", "required": 7, "quantity": 5,
                 "shortfall": 2, "above": False, "extra": False},
                {"id": None, "name": "气体检测仪", "category": "field", "required": 2, "quantity": 0,
                 "shortfall": 2, "above": False, "extra": True},
            ]},
        }

    def plan(district, actions, passed=False):
        purchases = [
            {"item": "vehicle", "category": "vehicle", "name": "执法车辆", "unit": "辆", "from": 5, "to": 7,
             "to_standard": 2, "above_standard": 0},
            {"item": None, "category": "field", "name": "气体检测仪", "unit": "台", "from": 0, "to": 3,
             "to_standard": 2, "above_standard": 1},
        ] if actions else []
        return {"district": district, "year": 2022, "passable": True, "already_passed": passed, "reason": None,
                "actions": actions, "total_after": 95, "purchases": purchases}

    buy_cars = {"department": "执法队", "edits": [{"path": "equipment.vehicle", "from": 5, "to": 7}]}
    buy_gas = {"department": "执法队", "edits": [{"path": "extra_equipment[0].quantity", "from": None, "to": 2}]}
    adopt = {"department": "办公室", "edits": [{"path": "answers.s24_award_mechanism", "from": False, "to": True}]}
    summary = build_summary(
        [scores("甲区", 88), scores("乙区", 92)],
        plans=[plan("甲区", [buy_cars, buy_gas, adopt]), plan("乙区", [], passed=True)],
    )
    overview = summary.tables["达标路径"].set_index("地区")
    assert overview.loc["甲区", "达标所需措施数"] == 3 and overview.loc["甲区", "涉及责任科室"] == "执法队、办公室"
    assert overview.loc["乙区", "现状"] == "已达标" and overview.loc["乙区", "达标所需措施数"] == 0
    purchases = summary.tables["装备购置清单"].set_index("名称")
    assert purchases.loc["执法车辆", "购置数量合计"] == 2 and purchases.loc["气体检测仪", "购置数量合计"] == 3
    assert purchases.loc["气体检测仪", "达标所需购置合计"] == 2 and purchases.loc["气体检测仪", "超标准加分购置合计"] == 1


def test_the_summary_heading_is_one_title_with_year_count_and_china_time(city):
    city[1]["pending"] = {"unlisted": 3}
    page = S.heading_html(S.build_summary(city), "2026-11-28T13:21:51+00:00")
    assert page.count("<h1") == 1
    assert '<p class="report-meta">2022年 · 3个地区 · 生成于2026年11月28日 21:21</p>' in page
    values = re.findall(r'<div class="figure-value">([^<]*)</div><div class="figure-label">([^<]*)</div>', page)
    assert values == [("1", "达标地区"), ("2", "未达标地区"), ("1", "达标待核（装备台账不全）")]


def test_summary_tables_left_align_text_and_right_align_numbers(city):
    page = S.table_html(S.build_summary(city).tables["排名"])
    assert page.startswith('<table class="data"><thead><tr><th class="num">排名</th><th>地区</th><th class="num">总得分</th>')
    assert "<td>甲区</td>" in page and '<td class="num">95</td>' in page


def test_an_item_without_a_quantity_counts_as_none_owned(city):
    city[1]["equipment"]["items"] = [{**item("vehicle", "执法车辆", 5, 0), "quantity": None}]
    table = ST.equipment_shortfall(city).set_index("装备")
    assert table.loc["执法车辆", "实配合计"] == 3 + 0 + 6
    assert table.loc["执法车辆", "缺口合计"] == 2 + 5


def test_a_summary_of_sample_data_says_so_in_its_workbook_as_on_its_page(city):
    from assessment.report.summary.build import SAMPLE_WARNING

    real = S.build_summary(city)
    sample = S.build_summary([*city[:2], {**city[2], "sample": True}])
    assert not real.sample and sample.sample
    assert SAMPLE_WARNING in S.heading_html(sample) and SAMPLE_WARNING not in S.heading_html(real)
    wb = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(sample)))
    # the workbook opens on the warning, and every printed page of every table carries it
    assert wb.sheetnames[0] == "示例数据说明" and wb.active.title == "示例数据说明"
    assert wb["示例数据说明"]["A1"].value == SAMPLE_WARNING
    assert all(SAMPLE_WARNING in ws.oddHeader.center.text for ws in wb.worksheets[1:])
    plain = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(real)))
    assert plain.sheetnames == list(real.tables)
    assert not any(ws.oddHeader.center.text for ws in plain.worksheets)


def test_characters_xml_cannot_hold_are_dropped_from_workbook_text(city):
    city[0]["district"] = "空\x00字\x1b区"
    wb = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(S.build_summary(city))))
    assert "空字区" in [c.value for c in wb["排名"]["B"]]


def test_a_damaged_earlier_district_is_left_out_of_the_comparison(tmp_path, city):
    import json

    year = tmp_path / "2021"
    for name, content in {"甲区": json.dumps({**city[1], "year": 2021}), "乙区": "{damaged"}.items():
        (year / name).mkdir(parents=True)
        (year / name / "scores.json").write_text(content, encoding="utf-8")
    (year / "manifest.json").write_text("not json", encoding="utf-8")
    assert [s["district"] for s in SL.previous_scores(tmp_path, 2022)[0]] == ["甲区"]


def test_a_summary_of_an_inputs_folder_reads_no_hidden_copies(tmp_path):
    import shutil
    from pathlib import Path

    samples = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
    shutil.copy(samples / "龙湾区.xlsx", tmp_path / "龙湾区.xlsx")
    shutil.copy(samples / "鹿城区.xlsx", tmp_path / ".龙湾区.xlsx")
    shutil.copy(samples / "鹿城区.xlsx", tmp_path / "._龙湾区.xlsx")
    scores, _, excluded = SL.score_inputs(tmp_path)
    assert [s["district"] for s in scores] == ["龙湾区"] and excluded == []


def _reviewed_city() -> list[dict[str, Any]]:
    """The sample districts scored as a batch would: 龙湾区 and 瓯海区 reviewed, 苍南县 not."""
    from pathlib import Path

    from assessment.inputs.files import load_input
    from assessment.review import district_scores, load_review
    from assessment.rubric.loader import default_rubric

    examples = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
    rubric = default_rubric()
    out = []
    for name in ("龙湾区", "瓯海区", "苍南县"):
        inp = load_input(examples / "wenzhou-2022" / f"{name}.xlsx", rubric)
        review_file = examples / "wenzhou-2022-reviews" / f"{name}.review.json"
        review = load_review(review_file, rubric, inp) if review_file.is_file() else None
        out.append(district_scores(rubric, inp, review))
    return out


def test_no_review_table_when_no_district_was_reviewed(city):
    assert S.REVIEW_TABLE not in S.build_summary(city).tables


def test_ranking_is_by_reviewed_total_and_keeps_to_scores_that_fit_a_page():
    table = ST.ranking_table(_reviewed_city()).set_index(ST.DISTRICT)
    assert table.loc["龙湾区", ST.TOTAL] == 98.3  # its 核定分, not its 自评分 102.3
    assert list(table.index) == sorted(table.index, key=lambda d: -table.loc[d, ST.TOTAL])
    assert {ST.SELF_TOTAL, ST.REVIEW_CHANGE, ST.CORRECTIONS}.isdisjoint(table.columns)
    assert len(table.columns) <= 10  # 排名, 总得分, six categories, 装备得分, 结论


def test_review_table_lists_reviewed_districts_with_both_totals_corrections_and_verdicts():
    scores = _reviewed_city()
    table = S.build_summary(scores).tables[S.REVIEW_TABLE].set_index(ST.DISTRICT)
    assert set(table.index) == {"龙湾区", "瓯海区"}  # 苍南县 was not reviewed
    row = table.loc["龙湾区"]
    assert (row[ST.SELF_TOTAL], row[ST.REVIEWED_TOTAL]) == (102.3, 98.3)
    assert row[ST.REVIEW_CHANGE] == pytest.approx(-4)
    assert row[ST.CORRECTIONS] == 3
    assert (row[ST.SELF_VERDICT], row[ST.REVIEWED_VERDICT]) == ("达标（示范单位）", "未达标")
    ranking = list(ST.ranking_table(scores)[ST.DISTRICT])
    assert list(table.index) == [d for d in ranking if d in table.index]


def test_review_figure_draws_self_and_reviewed_totals_of_reviewed_districts_only():
    fig = S.review_figure(_reviewed_city())
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 4) for p in ax.patches)
    assert widths == sorted([102.3, 98.3, 86.6, 87.6])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 2 and "苍南县" not in " ".join(labels)
    assert any("达标（示范单位）→未达标" in label for label in labels)  # the verdict the review changed
    colours = {p.get_facecolor()[:3] for p in ax.patches}
    assert len(colours) == 2


def test_district_names_that_are_one_identifier_to_python_still_make_a_summary():
    # 开发区1 and 开发区１ are distinct strings but one identifier after NFKC: a summary whose
    # heat table has both as columns must not build row types from them (SyntaxError before).
    from assessment.report.markup import data_table

    city = [district("开发区1", 90, True), district("开发区１", 80, False)]
    summary = S.build_summary(city)
    wb = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(summary)))
    heat = wb["指标得分率"]
    assert {"开发区1", "开发区１"} <= {c.value for c in heat[1]}
    html = data_table(summary.tables["指标得分率"])
    assert "开发区1" in html and "开发区１" in html


def test_the_summary_lists_each_districts_basic_info_in_ranking_order_and_in_its_workbook(city):
    """填报信息: who filed each workbook and when, blank where not filled in or where the
    scores.json predates basic_info, in the page and as a sheet of summary.xlsx."""
    first, *rest = sorted(city, key=lambda s: -s["total"])
    filed = {**first, "basic_info": {"unit": "甲单位", "filer": "张三", "phone": "0577-1", "filed": "2023-01-15"}}
    summary = S.build_summary([filed, *rest])
    table = summary.tables[S.BASIC_INFO_TABLE]
    assert list(table.columns) == ["地区", "填报单位", "填报人", "联系电话", "填报日期"]
    assert table.iloc[0].tolist() == [first["district"], "甲单位", "张三", "0577-1", "2023-01-15"]
    assert len(table) == len(city) and table.iloc[1:, 1:].isna().all().all()
    sheet = openpyxl.load_workbook(io.BytesIO(S.summary_workbook_bytes(summary)))[S.BASIC_INFO_TABLE]
    assert [c.value for c in sheet[2]] == [first["district"], "甲单位", "张三", "0577-1", "2023-01-15"]
    assert "甲单位" in S.table_html(table)
