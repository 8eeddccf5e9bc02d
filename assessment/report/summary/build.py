"""One year's municipal summary: every table, in the order reports show them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from assessment.report.summary.cities import with_cities
from assessment.report.summary.plans import (
    followup_rates,
    has_followup,
    plan_overview,
    purchase_split,
    undone_actions,
    with_completion,
)
from assessment.report.summary.tables import (
    BASIC_INFO_TABLE,
    REVIEW_TABLE,
    Scores,
    any_reviewed,
    basic_info_table,
    category_change,
    equipment_shortfall,
    excluded_table,
    indicator_percent,
    ranking_table,
    review_table,
    weakest_indicators,
    year_over_year,
)
from assessment.report.summary.verification import Verifications, verified_first, with_status, with_verification

#: What the summary says, in every form, when any district's figures are sample data.
SAMPLE_WARNING = "注意：含示例数据，不代表任何单位的真实情况。"


@dataclass(frozen=True)
class Summary:
    """Every table of one year's municipal summary, in the order reports show them."""

    year: int | None
    scores: tuple[Scores, ...]
    excluded: tuple[Mapping[str, Any], ...] = ()
    previous: tuple[Scores, ...] = ()
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Why earlier files were left out of 同比变化 and 上年整改落实 (damaged last year, never fatal).
    previous_warnings: tuple[str, ...] = ()
    plan_warnings: tuple[str, ...] = ()
    #: The districts whose figures a summary of received folders could not verify (不一致 or
    #: 无法核验), in the ranking's order: counted as they state, ranked after the others.
    unverified: tuple[str, ...] = ()

    @property
    def sample(self) -> bool:
        """Whether any district's figures are sample data: every form of the summary (page,
        workbook) then says so with `SAMPLE_WARNING`."""
        return any(s.get("sample") for s in self.scores)


def build_summary(
    scores: Sequence[Scores],
    excluded: Sequence[Mapping[str, Any]] = (),
    previous: Sequence[Scores] = (),
    plans: Sequence[Mapping[str, Any]] = (),
    previous_plans: Sequence[Mapping[str, Any]] = (),
    verification: Verifications | None = None,
) -> Summary:
    """All tables (sheet name → DataFrame) for one year; comparison tables only with
    `previous`; the road to 达标 and the purchase list only with `plans` (plan.json dicts);
    last year's plans checked against this year only with `previous_plans`; with
    `verification` (a summary of received folders) the ranking ranks only verified districts
    and 核验情况 follows it (see `verification`); the roll-up by city (`cities.with_cities`)
    only when the units span several cities."""
    years = sorted({s["year"] for s in scores})
    tables = {
        "排名": ranking_table(scores),
        **({REVIEW_TABLE: review_table(scores)} if any_reviewed(scores) else {}),
        "指标得分率": indicator_percent(scores).reset_index(),
        "失分最多的指标": weakest_indicators(scores),
        "装备缺口": equipment_shortfall(scores),
        "未纳入汇总": excluded_table(excluded),
        BASIC_INFO_TABLE: basic_info_table(scores),
    }
    tables = with_verification(tables, scores, verification)
    if plans:
        tables["达标路径"] = plan_overview(scores, plans)
        tables["装备购置清单"] = purchase_split(scores, plans)
    if has_followup(scores, previous_plans):
        rates = followup_rates(scores, previous_plans)
        tables["排名"] = with_completion(tables["排名"], rates)
        tables["上年整改落实"] = rates
        tables["上年未落实事项"] = undone_actions(scores, previous_plans)
    if previous:
        change = year_over_year(scores, previous)
        tables["同比变化-地区"] = change if verification is None else with_status(change, verification)
        tables["同比变化-类别"] = category_change(scores, previous)
    tables = with_cities(tables, scores, plans)  # units of several cities: the province roll-up
    unverified = tuple(s["district"] for s in verified_first(scores, verification)[1]) if verification is not None else ()
    return Summary(
        years[-1] if years else None, tuple(scores), tuple(excluded), tuple(previous), tables, unverified=unverified
    )
