"""Numbers as people read them: a change always shows its direction (+3, -1.5, 0), in the
terminal and in every table of changes on the page."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

from assessment.report.markup import data_table
from assessment.util.formatting import fmt, is_change_column, signed


@pytest.mark.parametrize(
    ("value", "text"),
    [(Fraction(3), "+3"), (Fraction(-3, 2), "-1.5"), (Fraction(0), "0"), (Fraction(1, 3), "+0.33"), (Fraction(-1, 1000), "0")],
)
def test_a_change_carries_its_sign(value, text):
    assert signed(value) == text


def test_a_level_carries_none():
    assert fmt(Fraction(3)) == "3"


def test_tables_of_changes_sign_their_numbers_and_only_those():
    df = pd.DataFrame(
        {"地区": ["龙湾区", "鹿城区", "瓯海区"], "本期总得分": [95.0, 90.0, 88.0], "总得分变化": [2.5, -1.0, 0.0],
         "预计增分": [1, 0.4, None], "变化(百分点)": [3.2, -0.5, None]}
    )
    page = data_table(df)
    for cell in ("<td class=\"num\">+2.5</td>", "<td class=\"num\">-1</td>", "<td class=\"num\">0</td>",
                 "<td class=\"num\">+1</td>", "<td class=\"num\">+0.4</td>", "<td class=\"num\">+3.2</td>",
                 "<td class=\"num\">-0.5</td>", "<td class=\"num\">95</td>"):
        assert cell in page, cell
    assert "+95" not in page and "+90" not in page


def test_columns_of_changes_are_named_by_their_words():
    assert all(map(is_change_column, ("总得分变化", "变化(百分点)", "预计增分", "机构设置规范化变化")))
    assert not any(map(is_change_column, ("上期总得分", "总得分", "满分", "得分率")))
