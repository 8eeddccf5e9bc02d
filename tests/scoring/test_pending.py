"""达标（待核）: a pass whose equipment base points rest on items the ledger does not list."""

from __future__ import annotations

import dataclasses

import pytest

from assessment import api
from assessment.report import html_parts
from assessment.report.district import key_figures
from assessment.report.review_tables import self_vs_reviewed
from assessment.report.summary.tables import REVIEWED_VERDICT, SELF_VERDICT, review_table
from assessment.report.text import render_review_text, render_text
from assessment.review import Change, Review, district_scores, score_review
from assessment.scoring.engine import score
from assessment.scoring.pending import incomplete_categories
from assessment.scoring.scores_json import scores_dict, self_scores_dict, stated_words


@pytest.fixture
def named_items_only(rubric, perfect):
    """A perfect county whose ledger lists only the items the source names (4 field, 3 office)."""
    return score(rubric, perfect(extra_equipment=()))


def test_a_complete_ledger_leaves_nothing_pending(rubric, perfect):
    result = score(rubric, perfect())
    assert incomplete_categories(result.rubric, result.equipment_lines) == ()
    assert result.verdict.pending is None
    assert (result.verdict.state, result.verdict.words) == ("pass", "达标（示范单位）")


def test_a_short_ledger_makes_a_pass_pending_with_the_count_of_unlisted_items(named_items_only):
    pend = named_items_only.verdict.pending
    assert [(i.name, i.listed, i.expected) for i in pend.incomplete] == [
        ("现场执法辅助设备", 4, 14),
        ("通讯与办公设备", 3, 8),
    ]
    assert pend.unlisted == 10 + 5
    assert pend.criteria == ("e06_field_aux", "e07_office")
    assert pend.unverified == "现场执法辅助设备、通讯与办公设备"
    assert named_items_only.passed
    assert (named_items_only.verdict.state, named_items_only.verdict.words) == ("pending", "达标（待核）")
    assert named_items_only.verdict.pending_pass is pend


def test_the_verdict_is_judged_once_per_result(named_items_only):
    assert named_items_only.verdict is named_items_only.verdict


def test_without_the_base_the_district_is_rescored_not_patched(named_items_only):
    pend = named_items_only.verdict.pending
    assert named_items_only.parts["equipment"].points - pend.equipment_without_base == 14
    # the conversion of Annex 1 into item 9 follows: 14 × 0.2 fewer points in the total
    assert named_items_only.total - pend.total_without_base == pytest.approx(14 * 0.2)
    assert pend.passed_without_base is True


def test_a_pass_that_only_holds_with_the_base_says_so(rubric, perfect):
    # two named office items short of nothing, but equipment lands near its 85-point bar
    result = score(rubric, perfect(extra_equipment=(), answers={"e09_equipment_database": False}))
    pend = result.verdict.pending
    assert result.passed and result.parts["equipment"].points == 95
    assert not pend.passed_without_base  # 95 − 14 = 81 < 85
    assert not pend.conditions_without_base["equipment"].met and pend.conditions_without_base["total"].met
    text = html_parts.conditions_list(result)
    assert "（不计现场执法辅助设备、通讯与办公设备基础分：不满足）" in text
    assert "不能达标" in pend.note


def test_a_short_ledger_whose_base_is_not_earned_anyway_is_not_pending(rubric, perfect):
    base = perfect(extra_equipment=())
    result = score(rubric, dataclasses.replace(base, equipment={**base.equipment, "drone": 0, "projector": 0}))
    assert incomplete_categories(result.rubric, result.equipment_lines)
    assert result.verdict.pending is None


def test_a_fail_resting_on_unlisted_equipment_stays_a_fail_with_its_pending_details(rubric, perfect):
    result = score(rubric, perfect(extra_equipment=(), answers={"v_integrity_incident": True}))
    assert result.verdict.pending is not None and result.verdict.pending_pass is None
    assert (result.verdict.state, result.verdict.words) == ("fail", "未达标")
    assert api.scores_dict(result)["pending"]["unlisted"] == 15


def test_scores_json_carries_the_pending_verdict_as_an_additive_key(rubric, perfect, named_items_only):
    assert api.scores_dict(score(rubric, perfect()))["pending"] is None
    data = api.scores_dict(named_items_only)
    assert data["passed"] is True  # unchanged: the key adds, it does not redefine
    assert data["pending"]["unlisted"] == 15
    assert data["pending"]["criteria"] == ["e06_field_aux", "e07_office"]
    assert data["pending"]["passed_without_base"] is True
    assert set(data["pending"]["conditions_without_base"]) == {c.id for c in named_items_only.conditions}


def test_the_summary_ranking_shows_a_pending_pass(named_items_only):
    data = api.scores_dict(named_items_only)
    assert stated_words(data) == "达标（待核）"
    assert stated_words({**data, "pending": None}) == "达标（示范单位）"
    assert stated_words({**data, "passed": False}) == "未达标"


def test_the_badge_and_the_text_report_say_pending(named_items_only):
    assert html_parts.verdict_badge(named_items_only) == '<span class="verdict verdict-pending">达标（待核）</span>'
    text = render_text(named_items_only)
    assert "结论：达标（待核）" in text and "装备台账尚有15项标准装备未列出" in text
    assert "结论：达标（待核）" in key_figures(named_items_only)
    assert html_parts.pending_note(named_items_only) == html_parts.note(named_items_only.verdict.pending.note)


# --------------------------------------------------------------------------- with a review


@pytest.fixture
def reviewed_pending(rubric, perfect):
    """A complete pass on a short ledger, reviewed: one answer corrected, still a pending pass."""
    inp = perfect(extra_equipment=())
    change = Change("answers.s12_annual_plan", False, "未见备案回执")
    review = Review(inp.district, inp.year, inp.sha256, "王复核", "2023-03-01", (change,))
    return inp, review


def test_the_self_block_carries_pending_like_the_top_level(named_items_only):
    block = self_scores_dict(named_items_only)
    assert block["pending"] == scores_dict(named_items_only)["pending"] is not None
    assert stated_words(block) == "达标（待核）"


def test_self_vs_reviewed_and_the_badge_agree_on_a_pending_pass(rubric, reviewed_pending):
    # Seen: both columns said 达标（示范单位） while the badge said 达标（待核）.
    inp, review = reviewed_pending
    both = score_review(rubric, inp, review)
    scores = {**scores_dict(both.reviewed), "self": self_scores_dict(both.self_result)}
    verdicts = {r["项目"]: r for r in self_vs_reviewed(scores)}["结论"]
    assert (verdicts["自评分"], verdicts["核定分"]) == (both.self_result.verdict.words, both.reviewed.verdict.words)
    assert verdicts["核定分"] == "达标（待核）" and verdicts["自评分"] == "达标（待核）"
    assert f">{verdicts['核定分']}</span>" in html_parts.verdict_badge(both.reviewed)
    summary = review_table([{**scores, "review": {"changes": [{}]}}]).iloc[0]
    assert (summary[SELF_VERDICT], summary[REVIEWED_VERDICT]) == ("达标（待核）", "达标（待核）")
    assert "自评结论 达标（待核） → 核定结论 达标（待核）" in render_review_text(both)


def test_a_reviewed_scores_json_carries_pending_in_its_self_block(rubric, reviewed_pending):
    inp, review = reviewed_pending
    self_block = district_scores(rubric, inp, review)["self"]
    assert self_block == self_scores_dict(score(rubric, inp))
