"""What a summary is called (`report.summary_name`): 全省汇总 only when its units belong to more
than one city of Zhejiang's list, by the name and level each scores.json states."""

from __future__ import annotations

import pytest

from assessment.report.summary_name import CITY_SUMMARY, PROVINCE_SUMMARY, known_cities, summary_name


def unit(district: str, level: str | None = None) -> dict[str, str]:
    return {"district": district} | ({"level": level} if level else {})


@pytest.mark.parametrize(
    ("units", "name"),
    [
        ([unit("龙湾区"), unit("鹿城区"), unit("瑞安市")], CITY_SUMMARY),  # one city's counties
        ([unit("龙湾区"), unit("温州市", "city")], CITY_SUMMARY),  # and its 市级 unit
        ([unit("龙湾区"), unit("西湖区")], PROVINCE_SUMMARY),  # Wenzhou and Hangzhou
        ([unit("龙湾区"), unit("杭州市", "city")], PROVINCE_SUMMARY),
        ([unit("龙湾区"), unit("测试区")], CITY_SUMMARY),  # a unit the list does not place is no city
        ([], CITY_SUMMARY),
    ],
)
def test_a_summary_is_the_province_s_only_when_its_units_span_cities(units, name):
    assert summary_name(units) == name
    assert (len(known_cities(units)) > 1) == (name == PROVINCE_SUMMARY)
