"""The summary's tables of the districts' plans (`plan.json` dicts): the road to 达标 per
district, the city's purchase list, and last year's plans checked against this year's
scores (`assessment.report.followup`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from assessment.report.followup import DONE, PARTIAL, UNDONE, FollowUp, follow_up, followup_from_dict
from assessment.report.summary.tables import DISTRICT, Scores, ranked

COMPLETION = "上年整改完成率(%)"


def _plans_by_district(plans: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {p["district"]: p for p in plans}


def plan_overview(scores: Sequence[Scores], plans: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Per district (ranked), how many actions stand between it and passing, and who acts."""
    by_district = _plans_by_district(plans)
    rows = []
    for s in ranked(scores):
        road = by_district.get(s["district"])
        if road is None:
            continue
        if not road["passable"]:
            state, count = "无法达标", None
        elif road["already_passed"]:
            state, count = "已达标", 0
        else:
            state, count = "未达标", len(road["actions"])
        departments = "、".join(dict.fromkeys(a["department"] for a in road["actions"]))
        rows.append({
            "地区": s["district"],
            "现状": state,
            "达标所需措施数": count,
            "涉及责任科室": departments,
            "完成后总分": road["total_after"],
            "说明": road["reason"] or "",
        })
    return pd.DataFrame(rows, columns=["地区", "现状", "达标所需措施数", "涉及责任科室", "完成后总分", "说明"])


def purchase_split(scores: Sequence[Scores], plans: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The city's purchases per item if every district followed its plan: what meets the
    standard apart from what is bought above it for extra points. Each figure is the sum of
    the districts' own purchase lists (plan.json `purchases`), so the city adds up."""
    by_district = _plans_by_district(plans)
    stats: dict[tuple[bool, str], dict[str, Any]] = {}
    for s in ranked(scores):
        road = by_district.get(s["district"])
        for p in (road or {}).get("purchases", []):
            key = (p["item"] is None, p["item"] or f"{p['category']}:{p['name']}")
            row = stats.setdefault(key, {"名称": p["name"], "单位": p["unit"], "达标所需购置合计": 0,
                                         "超标准加分购置合计": 0, "购置数量合计": 0, "_who": []})
            row["达标所需购置合计"] += p["to_standard"]
            row["超标准加分购置合计"] += p["above_standard"]
            row["购置数量合计"] += p["to"] - p["from"]
            row["_who"].append(s["district"])
    rows = [{**{k: v for k, v in r.items() if k != "_who"}, "地区数": len(r["_who"]), "地区": "、".join(r["_who"])}
            for r in stats.values()]
    rows.sort(key=lambda r: (-r["达标所需购置合计"], -r["购置数量合计"], r["名称"]))
    columns = ["名称", "单位", "达标所需购置合计", "超标准加分购置合计", "购置数量合计", "地区数", "地区"]
    return pd.DataFrame(rows, columns=columns)


def has_followup(scores: Sequence[Scores], previous_plans: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the summary can say how last year's plans were carried out: some district's
    scores.json records its follow-up, or last year's plan.json files are given."""
    return bool(previous_plans) or any(s.get("followup") is not None for s in scores)


def followups(scores: Sequence[Scores], previous_plans: Sequence[Mapping[str, Any]]) -> dict[str, FollowUp]:
    """Each district's follow-up of last year's plan, by district: the one its scores.json
    records (its report's own check, so a summary of received folders needs no earlier
    files), else its previous plan.json checked against its scores now; a district with
    neither has none."""
    by_district = {p["district"]: p for p in previous_plans}
    found = {}
    for s in scores:
        if s.get("followup") is not None:
            found[s["district"]] = followup_from_dict(s["followup"], s["district"])
        elif s["district"] in by_district:
            found[s["district"]] = follow_up(by_district[s["district"]], s)
    return found


def followup_rates(scores: Sequence[Scores], previous_plans: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Per district (ranked): how much of its previous plan this year's scores show done
    (`followups`).

    The rate counts the tasks a district controls (see `assessment.report.followup`); a district
    without a previous plan shows blanks, one whose plan had no task shows no rate."""
    checked = followups(scores, previous_plans)
    rows = []
    for s in ranked(scores):
        f = checked.get(s["district"])
        if f is None:
            rows.append({DISTRICT: s["district"], "上年措施数": None, DONE: None, PARTIAL: None, UNDONE: None,
                         COMPLETION: None, "说明": "无上年整改方案（plan.json）"})
            continue
        rows.append({
            DISTRICT: s["district"],
            "上年措施数": len(f.checks),
            DONE: f.count(DONE),
            PARTIAL: f.count(PARTIAL),
            UNDONE: f.count(UNDONE),
            COMPLETION: None if f.rate is None else round(float(f.rate) * 100, 1),
            "说明": f.previous_state if not f.checks else "",
        })
    table = pd.DataFrame(rows, columns=[DISTRICT, "上年措施数", DONE, PARTIAL, UNDONE, COMPLETION, "说明"])
    for column in ("上年措施数", DONE, PARTIAL, UNDONE):
        table[column] = pd.to_numeric(table[column]).astype("Int64")
    table[COMPLETION] = pd.to_numeric(table[COMPLETION]).astype("float64")
    return table


def with_completion(ranking: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """The ranking table with each district's previous-plan completion rate as a column."""
    by_district = dict(zip(rates[DISTRICT], rates[COMPLETION]))
    out = ranking.copy()
    out[COMPLETION] = pd.to_numeric(out[DISTRICT].map(by_district)).astype("float64")
    return out


def undone_actions(scores: Sequence[Scores], previous_plans: Sequence[Mapping[str, Any]],
                   limit: int = 10) -> pd.DataFrame:
    """The actions of last year's plans most often left undone across the city (未完成, then
    部分完成), with the districts concerned; recognition (需争取) is marked, not left out."""
    stats: dict[str, dict[str, Any]] = {}
    checked = followups(scores, previous_plans)
    for district, f in checked.items():
        for c in f.checks:
            row = stats.setdefault(c.key, {"事项": c.label, "性质": "需争取" if c.recognition else "自主完成",
                                           UNDONE: 0, PARTIAL: 0, "列入方案地区数": 0, "_who": []})
            row["列入方案地区数"] += 1
            if c.status != DONE:
                row[c.status] += 1
                row["_who"].append(district)
    rows = [{**{k: v for k, v in r.items() if k != "_who"}, "未落实地区": "、".join(r["_who"])}
            for r in stats.values() if r["_who"]]
    rows.sort(key=lambda r: (-r[UNDONE], -r[PARTIAL], r["事项"]))
    columns = ["事项", "性质", UNDONE, PARTIAL, "列入方案地区数", "未落实地区"]
    return pd.DataFrame(rows[:limit], columns=columns)
