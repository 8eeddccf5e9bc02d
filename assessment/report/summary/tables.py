"""The municipal summary's tables (pandas DataFrames), each a pure function of the districts'
`scores.json` dicts: ranking, review, indicator and category percents, weakest indicators,
equipment shortfall, inputs left out, and the comparison with an earlier year.

Verdicts are worded by `scoring.scores_json.stated_words` from the keys the district
reports' own verdict was written to (`passed`, `title`, `pending`), so a district reads
the same here as on its report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from assessment.inputs.model import BASIC_INFO
from assessment.report.tables import BASIS_WORDS, REVIEWED_BASIS, comparison_basis, self_assessed
from assessment.scoring.scores_json import is_reviewed, stated_words

Scores = Mapping[str, Any]

STATUS_NAMES = {"ok": "完成", "invalid": "校验未通过", "failed": "生成失败"}
DISTRICT, TOTAL, EQUIPMENT, VERDICT, RANK = "地区", "总得分", "装备得分", "结论", "排名"
#: Columns of the review table (复核情况), shown when some district was reviewed.
SELF_TOTAL, REVIEWED_TOTAL, REVIEW_CHANGE, CORRECTIONS = "自评分", "核定分", "核定较自评", "更正项数"
SELF_VERDICT, REVIEWED_VERDICT = "自评结论", "核定结论"
#: The review table's name, as a page heading and a workbook sheet.
REVIEW_TABLE = "复核情况"
BASIC_INFO_TABLE = "填报信息"


def ranked(scores: Iterable[Scores]) -> list[Scores]:
    """Districts by total, best first; ties by name so that every run orders them alike."""
    return sorted(scores, key=lambda s: (-s["total"], s["district"]))


def categories_of(scores: Sequence[Scores]) -> list[tuple[str, str]]:
    """(id, name) of the assessed categories in rubric order, as the districts report them."""
    seen: dict[str, str] = {}
    for s in scores:
        for cid, cat in s["categories"].items():
            seen.setdefault(cid, cat["name"])
    return list(seen.items())


@dataclass(frozen=True)
class PassCount:
    passed: int
    total: int

    @property
    def text(self) -> str:
        return f"{self.total}个地区中{self.passed}个达标，{self.total - self.passed}个未达标"


def pass_count(scores: Sequence[Scores]) -> PassCount:
    return PassCount(sum(1 for s in scores if s["passed"]), len(scores))


def any_reviewed(scores: Iterable[Scores]) -> bool:
    return any(is_reviewed(s) for s in scores)


def ranking_table(scores: Sequence[Scores]) -> pd.DataFrame:
    """One row per district: rank, total, each category's points, equipment points, verdict.

    Equal totals share a rank (competition ranking: 1, 2, 2, 4), as officials expect. A
    reviewed district's total is its 核定分 (scores.json holds the reviewed values), so the
    ranking is by 核定分; how the review changed it is in `review_table`, not here, so
    that the ranking fits an A4 page with its category headers legible.
    """
    cats = categories_of(scores)
    rows = []
    for s in ranked(scores):
        row: dict[str, Any] = {DISTRICT: s["district"], TOTAL: s["total"]}
        row.update({name: s["categories"].get(cid, {}).get("points") for cid, name in cats})
        row[EQUIPMENT] = s["equipment"]["points"]
        row[VERDICT] = stated_words(s)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[DISTRICT, TOTAL, *(n for _, n in cats), EQUIPMENT, VERDICT])
    table.insert(0, RANK, table[TOTAL].rank(method="min", ascending=False).astype("int64"))
    return table


def basic_info_table(scores: Sequence[Scores]) -> pd.DataFrame:
    """填报信息: who filed each district's workbook and when (its 基本信息), in ranking order;
    blank where not filled in, or where a scores.json predates `basic_info`."""
    rows = [{DISTRICT: s["district"], **{label: (s.get("basic_info") or {}).get(key) for key, label in BASIC_INFO.items()}}
            for s in ranked(scores)]
    return pd.DataFrame(rows, columns=[DISTRICT, *BASIC_INFO.values()])


def review_table(scores: Sequence[Scores]) -> pd.DataFrame:
    """One row per reviewed district, in ranking order: 自评分 beside 核定分, the
    difference (核定分 − 自评分), the number of corrections and both verdicts."""
    rows = [
        {
            DISTRICT: s["district"],
            SELF_TOTAL: s["self"]["total"],
            REVIEWED_TOTAL: s["total"],
            REVIEW_CHANGE: round(s["total"] - s["self"]["total"], 4),
            CORRECTIONS: len(s["review"]["changes"]),
            SELF_VERDICT: stated_words(s["self"]),
            REVIEWED_VERDICT: stated_words(s),
        }
        for s in ranked(scores)
        if is_reviewed(s)
    ]
    columns = [DISTRICT, SELF_TOTAL, REVIEWED_TOTAL, REVIEW_CHANGE, CORRECTIONS, SELF_VERDICT, REVIEWED_VERDICT]
    table = pd.DataFrame(rows, columns=columns)
    table[REVIEW_CHANGE] = pd.to_numeric(table[REVIEW_CHANGE]).astype("float64")
    table[CORRECTIONS] = pd.to_numeric(table[CORRECTIONS]).astype("int64")
    return table


def indicator_percent(scores: Sequence[Scores]) -> pd.DataFrame:
    """Indicators × districts, each cell the points as a percent of the indicator's maximum.

    Rows are indexed by (编号, 指标) in rubric order, so that a table shows the id in its own
    column and a chart labels rows by name; columns are districts in ranking order.
    """
    order = ranked(scores)
    names: dict[str, str] = {}
    for s in order:
        for iid, ind in s["indicators"].items():
            names.setdefault(iid, ind["name"])
    data = {s["district"]: [_percent(s["indicators"].get(iid)) for iid in names] for s in order}
    index = pd.MultiIndex.from_tuples(list(names.items()), names=["编号", "指标"])
    return pd.DataFrame(data, index=index, dtype="float64")


def _percent(indicator: Mapping[str, Any] | None) -> float | None:
    if indicator is None or not indicator["max"]:
        return None
    return round(100 * indicator["points"] / indicator["max"], 1)


def category_percent(scores: Sequence[Scores]) -> pd.DataFrame:
    """Districts (ranking order) × categories, each cell the category's percent of maximum."""
    cats = categories_of(scores)
    order = ranked(scores)
    data = {name: [s["categories"].get(cid, {}).get("percent") for s in order] for cid, name in cats}
    return pd.DataFrame(data, index=pd.Index([s["district"] for s in order], name=DISTRICT), dtype="float64")


def weakest_indicators(scores: Sequence[Scores], limit: int = 10) -> pd.DataFrame:
    """The indicators most districts lose points on (then by points lost across the city)."""
    stats: dict[str, dict[str, Any]] = {}
    for s in scores:
        for iid, ind in s["indicators"].items():
            row = stats.setdefault(
                iid, {"编号": iid, "指标": ind["name"], "失分地区数": 0, "失分合计": 0.0, "_share": []}
            )
            lost = ind["max"] - ind["points"]
            row["失分地区数"] += lost > 0
            row["失分合计"] += lost
            row["_share"].append(100 * ind["points"] / ind["max"] if ind["max"] else 100.0)
    rows = [
        {**{k: v for k, v in r.items() if k != "_share"}, "平均得分率(%)": round(sum(r["_share"]) / len(r["_share"]), 1)}
        for r in stats.values()
        if r["失分地区数"]
    ]
    rows.sort(key=lambda r: (-r["失分地区数"], -r["失分合计"], r["编号"]))
    for r in rows:
        r["失分合计"] = round(r["失分合计"], 4)
    columns = ["编号", "指标", "失分地区数", "失分合计", "平均得分率(%)"]
    return pd.DataFrame(rows[:limit], columns=columns)


def equipment_shortfall(scores: Sequence[Scores]) -> pd.DataFrame:
    """Each equipment item the city lacks: summed shortfall, required and owned, districts short.

    Standard items are matched by id; a district's own extra items by name, since their ids
    are only unique within one workbook. Largest shortfall first.
    """
    stats: dict[tuple[bool, str], dict[str, Any]] = {}
    for s in scores:
        for item in s["equipment"]["items"]:
            key = (bool(item["extra"]), item["name"] if item["extra"] else item["id"])
            row = stats.setdefault(key, {"装备": item["name"], "应配合计": 0, "实配合计": 0, "缺口合计": 0, "缺口地区数": 0})
            row["应配合计"] += item["required"]
            row["实配合计"] += item["quantity"] or 0  # not given: none owned
            row["缺口合计"] += item["shortfall"]
            row["缺口地区数"] += item["shortfall"] > 0
    rows = [r for r in stats.values() if r["缺口合计"] > 0]
    rows.sort(key=lambda r: -r["缺口合计"])  # stable: ties keep rubric order
    return pd.DataFrame(rows, columns=["装备", "应配合计", "实配合计", "缺口合计", "缺口地区数"])


def excluded_table(entries: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Inputs left out of the summary (manifest entries not "ok"), with every reason."""
    rows = [
        {
            "文件": Path(e["input"]).name,
            DISTRICT: e.get("district") or "（未能读取）",
            "状态": STATUS_NAMES.get(e["status"], e["status"]),
            "原因": "；".join(e.get("errors") or []),
        }
        for e in entries
        if e["status"] != "ok"
    ]
    return pd.DataFrame(rows, columns=["文件", DISTRICT, "状态", "原因"])


def like_with_like(now: Scores, before: Scores) -> tuple[str, Mapping[str, Any], Mapping[str, Any]]:
    """One district's two years on one basis: (basis, now, before), both 核定 when both
    years were reviewed, else both 自评 (see report.tables.comparison_basis)."""
    basis = comparison_basis(is_reviewed(now), is_reviewed(before))
    if basis == REVIEWED_BASIS:
        return basis, now, before
    return basis, self_assessed(now), self_assessed(before)


def year_over_year(current: Sequence[Scores], previous: Sequence[Scores]) -> pd.DataFrame:
    """Per district: the earlier and the current total, the change, and each category's change,
    on the basis its 比较口径 column names (核定得分 when both years were reviewed, else 自评估得分).

    Districts are matched by name; one without earlier scores shows blanks, not zeros.
    """
    before = {s["district"]: s for s in previous}
    cats = categories_of(current)
    rows = []
    for s in ranked(current):
        p = before.get(s["district"])
        basis, now, then_ = like_with_like(s, p) if p else (None, s, None)
        row: dict[str, Any] = {
            DISTRICT: s["district"],
            "比较口径": BASIS_WORDS[basis] if basis else None,
            "上期年度": p["year"] if p else None,
            "上期总得分": then_["total"] if then_ else None,
            "本期总得分": now["total"],
            "总得分变化": round(now["total"] - then_["total"], 4) if then_ else None,
        }
        for cid, name in cats:
            a, b = now["categories"].get(cid), then_["categories"].get(cid) if then_ else None
            row[f"{name}变化"] = round(a["points"] - b["points"], 4) if a and b else None
        row["上期结论"] = stated_words(then_) if then_ else None
        row["本期结论"] = stated_words(now)
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("上期年度", "上期总得分", "总得分变化", *(f"{n}变化" for _, n in cats)):
        table[column] = pd.to_numeric(table[column])
    table["上期年度"] = table["上期年度"].astype("Int64")
    return table


def category_change(current: Sequence[Scores], previous: Sequence[Scores]) -> pd.DataFrame:
    """Per category: the city's mean percent of maximum then and now, over districts in both,
    each district on the basis of `like_with_like`."""
    before = {s["district"]: s for s in previous}
    pairs = [like_with_like(s, before[s["district"]]) for s in current if s["district"] in before]
    now = category_percent([dict(n) for _, n, _ in pairs])
    then = category_percent([dict(b) for _, _, b in pairs])
    rows = [
        {
            "类别": name,
            "上期平均得分率(%)": round(float(then[name].mean()), 1) if name in then else None,
            "本期平均得分率(%)": round(float(now[name].mean()), 1),
            "变化(百分点)": round(float(now[name].mean() - then[name].mean()), 1) if name in then else None,
        }
        for name in now.columns
    ]
    return pd.DataFrame(rows, columns=["类别", "上期平均得分率(%)", "本期平均得分率(%)", "变化(百分点)"])


def key_figures(scores: Sequence[Scores]) -> str:
    """The few deterministic lines the notebook's NBVAL check compares: verdict count, then
    each district's total and verdict in ranking order."""
    lines = [pass_count(scores).text]
    lines += [f"{s['district']}：{s['total']}分，{stated_words(s)}" for s in ranked(scores)]
    return "\n".join(lines)
