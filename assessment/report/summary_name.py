"""What a year's summary is called, wherever it is named: 全省汇总 when its units belong to
more than one city of Zhejiang's list (the page then opens with the roll-up by city,
`report.summary.cities`), else 市级汇总 (a city's own summary).

One rule for every place that names it: the page's title and heading, the index pages'
links, the batch's terminal lines and batch.log, `assessment summary`'s lines. Each unit's
city comes from the list by the name and level its scores.json states (`inputs.units`); a
unit the list does not place belongs to no known city. Light on purpose: the index is
written without pandas or the notebook stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from assessment.inputs.units import city_of
from assessment.rubric.levels import Level

#: A district's scores.json, as read.
Scores = Mapping[str, Any]

UNKNOWN_CITY = "未知地市"
CITY_SUMMARY, PROVINCE_SUMMARY = "市级汇总", "全省汇总"


def level_of(s: Scores) -> Level:
    """A unit's level; a scores.json without one is county-level (the rubric's default)."""
    return "city" if s.get("level") == "city" else "county"


def city_name(s: Scores) -> str:
    """The city a unit belongs to by the list, else `UNKNOWN_CITY`."""
    return city_of(s["district"], level_of(s)) or UNKNOWN_CITY


def known_cities(scores: Iterable[Scores]) -> set[str]:
    """The cities the units belong to by the list (未知地市 is none of them)."""
    return {city_name(s) for s in scores} - {UNKNOWN_CITY}


def spans_cities(scores: Iterable[Scores]) -> bool:
    """Whether the units belong to more than one known city: only then is there a roll-up
    (a city's own summary stays as it is)."""
    return len(known_cities(scores)) > 1


def summary_name(scores: Iterable[Scores]) -> str:
    """全省汇总 for units spanning several cities, else 市级汇总."""
    return PROVINCE_SUMMARY if spans_cities(scores) else CITY_SUMMARY
