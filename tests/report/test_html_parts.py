"""The report's HTML pieces: the class contract the page styles, escaped text, China time."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from assessment.report import html_parts, markup
from assessment.scoring.engine import score
from assessment.util.formatting import fmt

XSS = "<script>alert(1)</script>"


@pytest.fixture
def lost_result(rubric, perfect):
    answers = {"s25_accident_insurance": False, "e11_attended_training": False, "s21_dual_duty": False}
    return score(rubric, perfect(answers=answers))


@pytest.mark.parametrize(
    ("iso", "shown"),
    [
        ("2026-11-28T13:21:51+00:00", "2026年11月28日 21:21"),
        ("2026-12-31T20:05:00+00:00", "2027年1月1日 04:05"),
        ("2026-11-28T21:21:00+08:00", "2026年11月28日 21:21"),
        ("2026-11-28T21:21:00", "2026年11月28日 21:21"),
        (None, None),
    ],
)
def test_times_are_shown_in_china_time_as_chinese_readers_write_them(iso, shown):
    assert markup.china_time(iso) == shown


def test_the_title_block_has_one_title_and_district_year_level(rubric, perfect):
    head = html_parts.report_head(score(rubric, perfect(district=XSS)))
    assert head == (
        '<header class="report-head"><h1 class="report-title">生态环境保护综合行政执法机构规范化建设自评估报告</h1>'
        '<p class="report-meta">&lt;script&gt;alert(1)&lt;/script&gt; · 2023年 · 县级</p></header>'
    )


@pytest.mark.parametrize(
    ("answers", "badge"),
    [
        ({}, '<span class="verdict verdict-pass">达标（示范单位）</span>'),
        ({"v_integrity_incident": True}, '<span class="verdict verdict-fail">未达标</span>'),
    ],
)
def test_the_verdict_badge_carries_its_state_class(rubric, perfect, answers, badge):
    assert html_parts.verdict_badge(score(rubric, perfect(answers=answers))) == badge


def test_conditions_are_a_list_of_met_and_unmet_items(rubric, perfect):
    result = score(rubric, perfect(answers={"v_integrity_incident": True}))
    page = html_parts.conditions_list(result)
    items = re.findall(r'<li class="(met|unmet)">(.)', page)
    assert page.startswith('<ul class="conditions">')
    assert items == [("met", "√"), ("met", "√"), ("met", "√"), ("unmet", "×")]


def test_key_figures_are_a_row_of_value_and_label(lost_result):
    row = html_parts.report_figures(lost_result)
    pairs = re.findall(r'<div class="figure-value">([^<]*)</div><div class="figure-label">([^<]*)</div>', row)
    assert row.startswith('<div class="figures"><div class="figure">')
    assert pairs[0] == (fmt(lost_result.total), "总得分（满分105，含加分5）")
    assert pairs[-1] == ("4", "失分的评分细则（项）")  # e11 also lowers item 9's conversion


def test_the_lost_list_has_one_heading_and_table_per_department_most_lost_first(lost_result):
    page = html_parts.department_sections(lost_result)
    headings = re.findall(r'<h3 class="department">([^<]*)</h3>', page)
    assert headings == [
        "执法队：失分2分，1项", "党总支：失分1分，1项", "办公室：失分0.5分，1项", "办公室、执法队：失分0.4分，1项"
    ]
    assert page.count('<table class="data">') == len(headings)
    assert "<th>责任科室</th>" not in page  # the heading says it
    assert page.count('<tr class="loss">') == 4


def test_a_data_table_aligns_by_kind_and_marks_lost_rows():
    df = pd.DataFrame(
        {"编号": ["a1", "a2"], "名称": [XSS, "无人机"], "实有数量": ["未填报", 3], "缺口": [2, 0], "得分率": [87.5, 100]}
    )
    page = markup.data_table(df, loss="缺口")
    assert page == (
        '<table class="data"><thead><tr><th class="id">编号</th><th>名称</th><th class="num">实有数量</th>'
        '<th class="num">缺口</th><th class="num">得分率</th></tr></thead><tbody><tr class="loss">'
        '<td class="id">a1</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class="num">未填报</td>'
        '<td class="num">2</td><td class="num">87.5%</td></tr><tr><td class="id">a2</td><td>无人机</td>'
        '<td class="num">3</td><td class="num">0</td><td class="num">100%</td></tr></tbody></table>'
    )


def test_banner_and_note_are_escaped_and_classed():
    assert html_parts.sample_banner("示例<b>") == '<div class="sample-banner">示例&lt;b&gt;</div>'
    assert html_parts.note("说明&") == '<p class="note">说明&amp;</p>'
