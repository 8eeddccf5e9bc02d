"""Year over year compares like with like and says which: 核定 with 核定 when both years were
reviewed, else 自评 with 自评 (an earlier reviewed scores.json keeps its 自评 in `self`)."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path
from typing import Any

from assessment.inputs.files import load
from assessment.report.district import render_report
from assessment.report.summary import tables as ST
from assessment.review import district_scores, load_review

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"


def scores(name: str, total: float, c1: float, *, self_total: float | None = None, self_c1: float = 0) -> dict[str, Any]:
    """The parts of a scores.json the summary reads; reviewed (with `self`) when self_total is given."""
    out: dict[str, Any] = {
        "district": name, "year": 2023, "total": total, "passed": True, "title": None,
        "categories": {"c1": {"name": "机构", "points": c1, "max": 20, "percent": 100 * c1 / 20, "part": "total"}},
    }
    if self_total is not None:
        out["self"] = {"total": self_total, "passed": True, "title": None, "bonus": 0, "equipment": None,
                       "categories": {"c1": {**out["categories"]["c1"], "points": self_c1,
                                             "percent": 100 * self_c1 / 20}}}
        out["review"] = {"changes": []}
    return out


def test_summary_compares_reviewed_with_reviewed_and_otherwise_self_with_self():
    before = [
        {**scores("甲区", 80, 10, self_total=90, self_c1=12), "year": 2022},  # reviewed both years
        {**scores("乙区", 70, 8, self_total=85, self_c1=11), "year": 2022},  # reviewed only then
        {**scores("丙区", 60, 9), "year": 2022},  # reviewed only now
    ]
    now = [
        scores("甲区", 84, 11, self_total=95, self_c1=13),
        scores("乙区", 88, 12),
        scores("丙区", 66, 9, self_total=75, self_c1=14),
    ]
    table = ST.year_over_year(now, before).set_index("地区")
    assert table.loc["甲区", "比较口径"] == "核定得分"
    assert (table.loc["甲区", "上期总得分"], table.loc["甲区", "本期总得分"]) == (80, 84)
    assert table.loc["乙区", "比较口径"] == "自评估得分"
    assert (table.loc["乙区", "上期总得分"], table.loc["乙区", "总得分变化"]) == (85, 3)
    assert table.loc["丙区", "比较口径"] == "自评估得分"
    assert (table.loc["丙区", "上期总得分"], table.loc["丙区", "本期总得分"]) == (60, 75)
    change = ST.category_change(now, before).set_index("类别")
    # 甲 10→11 核定, 乙 11→12 自评, 丙 9→14 自评, as percent of 20
    assert change.loc["机构", "上期平均得分率(%)"] == round(100 * (10 + 11 + 9) / 60, 1)
    assert change.loc["机构", "本期平均得分率(%)"] == round(100 * (11 + 12 + 14) / 60, 1)


def _comparison(page: str) -> str:
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return text[text.index("十、与往年比较"): text.index("十一、上年整改落实情况")]


def test_a_report_after_a_reviewed_year_compares_with_that_years_self_assessment_and_says_so(tmp_path, rubric):
    before_input = load(EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx", rubric)
    review = load_review(EXAMPLES / "wenzhou-2022-reviews" / "龙湾区.review.json", rubric, before_input)
    reviewed_2022 = district_scores(rubric, before_input, review)
    assert reviewed_2022["total"] != reviewed_2022["self"]["total"]  # 98.3 核定, 102.3 自评
    folder = tmp_path / "previous" / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps(copy.deepcopy(reviewed_2022), ensure_ascii=False), "utf-8")

    paths = render_report(EXAMPLES / "wenzhou-2023" / "龙湾区.xlsx", tmp_path / "out", previous_root=tmp_path / "previous")

    section = _comparison(paths.html.read_text("utf-8"))
    assert "2022年自评估得分" in section and "核定得分" not in section
    now = json.loads(paths.scores.read_text("utf-8"))
    total_row = re.search(r"总得分 (\S+) (\S+) (\S+)", section)
    assert total_row is not None
    assert float(total_row.group(2)) == reviewed_2022["self"]["total"]
    assert float(total_row.group(1)) == now["total"]
