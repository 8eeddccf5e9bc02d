"""达标（待核）: a pass whose equipment base points rest on items the ledger does not list."""

from __future__ import annotations

import dataclasses

import pytest

from assessment import api
from assessment.report import blocks, tables
from assessment.report.summary import verdict_text as summary_verdict
from assessment.report.text import render_text
from assessment.scoring.engine import score
from assessment.scoring.pending import incomplete_categories, pending, pending_note


@pytest.fixture
def named_items_only(rubric, perfect):
    """A perfect county whose ledger lists only the items the source names (4 field, 3 office)."""
    return score(rubric, perfect(extra_equipment=()))


def test_a_complete_ledger_leaves_nothing_pending(rubric, perfect):
    result = score(rubric, perfect())
    assert incomplete_categories(result) == ()
    assert pending(result) is None
    assert tables.verdict_text(result) == "达标（示范单位）"


def test_a_short_ledger_makes_a_pass_pending_with_the_count_of_unlisted_items(named_items_only):
    pend = pending(named_items_only)
    assert [(i.name, i.listed, i.expected) for i in pend.incomplete] == [
        ("现场执法辅助设备", 4, 14),
        ("通讯与办公设备", 3, 8),
    ]
    assert pend.unlisted == 10 + 5
    assert pend.criteria == ("e06_field_aux", "e07_office")
    assert named_items_only.passed
    assert tables.verdict_text(named_items_only) == "达标（待核）"


def test_without_the_base_the_district_is_rescored_not_patched(named_items_only):
    pend = pending(named_items_only)
    after = pend.without_base
    assert named_items_only.criteria["e06_field_aux"].points - after.criteria["e06_field_aux"].points == 7
    assert named_items_only.parts["equipment"].points - after.parts["equipment"].points == 14
    # the conversion of Annex 1 into item 9 follows: 14 × 0.2 fewer points in the total
    assert named_items_only.total - after.total == pytest.approx(14 * 0.2)
    assert pend.passed_without_base == after.passed


def test_a_pass_that_only_holds_with_the_base_says_so(rubric, perfect):
    # two named office items short of nothing, but equipment lands near its 85-point bar
    result = score(rubric, perfect(extra_equipment=(), answers={"e09_equipment_database": False}))
    pend = pending(result)
    assert result.passed and result.parts["equipment"].points == 95
    assert not pend.passed_without_base  # 95 − 14 = 81 < 85
    assert not pend.conditions["equipment"].met and pend.conditions["total"].met
    text = blocks.conditions_list(result, pend)
    assert "（不计现场执法辅助设备、通讯与办公设备基础分：不满足）" in text
    assert "不能达标" in pending_note(result, pend)


def test_a_short_ledger_whose_base_is_not_earned_anyway_is_not_pending(rubric, perfect):
    base = perfect(extra_equipment=())
    result = score(rubric, dataclasses.replace(base, equipment={**base.equipment, "drone": 0, "projector": 0}))
    assert incomplete_categories(result)
    assert pending(result) is None


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
    assert summary_verdict(data) == "达标（待核）"
    assert summary_verdict({**data, "pending": None}) == "达标（示范单位）"
    assert summary_verdict({**data, "passed": False}) == "未达标"


def test_the_badge_and_the_text_report_say_pending(named_items_only):
    pend = pending(named_items_only)
    assert blocks.verdict_badge(named_items_only, pend) == '<span class="verdict verdict-pending">达标（待核）</span>'
    text = render_text(named_items_only)
    assert "结论：达标（待核）" in text and "装备台账尚有15项标准装备未列出" in text
