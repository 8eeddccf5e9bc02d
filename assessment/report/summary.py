"""The municipal summary: a city's districts side by side, from their `scores.json` dicts.

Everything here starts from the public `scores.json` form (see `assessment.scoring.result`), never
from workbooks or notebooks, so the summary of a batch shows exactly what the district
reports show. The table and figure builders are pure; the loaders at the end of the module
are the only functions that read files, and `summary_workbook_bytes` is the only writer
(of bytes, not of files) — the notebook `notebooks/municipal_summary.ipynb` and
`assessment.batch.run` put them together.

Text that came from an input (district names, extra equipment names, error messages that
quote file names) goes into HTML only through `blocks` (which escapes every text), and into
the workbook only through `assessment.util.xlsx`, which stops Excel from evaluating it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from assessment.publish.fonts import register_cjk_font
from assessment.report import blocks
from assessment.report.blocks import china_time
from assessment.report.charts import BAR_COLOR, FAIL_COLOR, PAGE_WIDTH, PASS_COLOR, TEXT_COLOR, wrap_label
from assessment.util.xlsx import set_text, set_value, workbook_bytes

Scores = Mapping[str, Any]

PASSED, FAILED = "达标", "未达标"
STATUS_NAMES = {"ok": "完成", "invalid": "校验未通过", "failed": "生成失败"}
DISTRICT, TOTAL, EQUIPMENT, VERDICT, RANK = "地区", "总得分", "装备得分", "结论", "排名"
#: Columns of the review table (复核情况), shown when some district was reviewed.
SELF_TOTAL, REVIEWED_TOTAL, REVIEW_CHANGE, CORRECTIONS = "自评分", "核定分", "核定较自评", "更正项数"
SELF_VERDICT, REVIEWED_VERDICT = "自评结论", "核定结论"
#: The review table's name, as a page heading and a workbook sheet.
REVIEW_TABLE = "复核情况"
#: Okabe-Ito orange: the self-assessed total beside the reviewed one (PASS_COLOR, blue).
SELF_COLOR = "#E69F00"
#: Characters that make Excel (or LibreOffice) read a text cell as a formula or command.
#: Pixels per inch of the summary's charts: 9 pt text is 14 px at 100 % zoom.
FIGURE_DPI = 110
#: Display cells per line of a heat-map row name: the names take under half the page width.
HEAT_LABEL_CELLS = 22


# --------------------------------------------------------------------------- tables


PENDING = "达标（待核）"


def verdict_text(scores: Scores) -> str:
    """达标 / 未达标, with the title earned (e.g. 达标（示范单位）), or 达标（待核） when the
    pass rests on equipment the district's ledger does not list (scores["pending"])."""
    if not scores["passed"]:
        return FAILED
    if scores.get("pending"):
        return PENDING
    return f"{PASSED}（{scores['title']}）" if scores.get("title") else PASSED


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


def is_reviewed(scores: Scores) -> bool:
    """Whether a district's scores.json was scored on a municipal review (核定分)."""
    return "self" in scores and "review" in scores


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
        row[VERDICT] = verdict_text(s)
        rows.append(row)
    table = pd.DataFrame(rows, columns=[DISTRICT, TOTAL, *(n for _, n in cats), EQUIPMENT, VERDICT])
    table.insert(0, RANK, table[TOTAL].rank(method="min", ascending=False).astype("int64"))
    return table


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
            SELF_VERDICT: verdict_text(s["self"]),
            REVIEWED_VERDICT: verdict_text(s),
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


def year_over_year(current: Sequence[Scores], previous: Sequence[Scores]) -> pd.DataFrame:
    """Per district: the earlier and the current total, the change, and each category's change.

    Districts are matched by name; one without earlier scores shows blanks, not zeros.
    """
    before = {s["district"]: s for s in previous}
    cats = categories_of(current)
    rows = []
    for s in ranked(current):
        p = before.get(s["district"])
        row: dict[str, Any] = {
            DISTRICT: s["district"],
            "上期年度": p["year"] if p else None,
            "上期总得分": p["total"] if p else None,
            "本期总得分": s["total"],
            "总得分变化": round(s["total"] - p["total"], 4) if p else None,
        }
        for cid, name in cats:
            now, then = s["categories"].get(cid), p["categories"].get(cid) if p else None
            row[f"{name}变化"] = round(now["points"] - then["points"], 4) if now and then else None
        row["上期结论"] = verdict_text(p) if p else None
        row["本期结论"] = verdict_text(s)
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("上期年度", "上期总得分", "总得分变化", *(f"{n}变化" for _, n in cats)):
        table[column] = pd.to_numeric(table[column])
    table["上期年度"] = table["上期年度"].astype("Int64")
    return table


def category_change(current: Sequence[Scores], previous: Sequence[Scores]) -> pd.DataFrame:
    """Per category: the city's mean percent of maximum then and now, over districts in both."""
    common = {s["district"] for s in current} & {s["district"] for s in previous}
    now = category_percent([s for s in current if s["district"] in common])
    then = category_percent([s for s in previous if s["district"] in common])
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
    lines += [f"{s['district']}：{s['total']}分，{verdict_text(s)}" for s in ranked(scores)]
    return "\n".join(lines)


@dataclass(frozen=True)
class Summary:
    """Every table of one year's municipal summary, in the order reports show them."""

    year: int | None
    scores: tuple[Scores, ...]
    excluded: tuple[Mapping[str, Any], ...] = ()
    previous: tuple[Scores, ...] = ()
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


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


def build_summary(
    scores: Sequence[Scores],
    excluded: Sequence[Mapping[str, Any]] = (),
    previous: Sequence[Scores] = (),
    plans: Sequence[Mapping[str, Any]] = (),
    previous_plans: Sequence[Mapping[str, Any]] = (),
) -> Summary:
    """All tables (sheet name → DataFrame) for one year; comparison tables only with
    `previous`; the road to 达标 and the purchase list only with `plans` (plan.json dicts);
    last year's plans checked against this year only with `previous_plans`."""
    years = sorted({s["year"] for s in scores})
    tables = {
        "排名": ranking_table(scores),
        **({REVIEW_TABLE: review_table(scores)} if any_reviewed(scores) else {}),
        "指标得分率": indicator_percent(scores).reset_index(),
        "失分最多的指标": weakest_indicators(scores),
        "装备缺口": equipment_shortfall(scores),
        "未纳入汇总": excluded_table(excluded),
    }
    if plans:
        tables["达标路径"] = plan_overview(scores, plans)
        tables["装备购置清单"] = purchase_split(scores, plans)
    if previous_plans:
        rates = followup_rates(scores, previous_plans)
        tables["排名"] = with_completion(tables["排名"], rates)
        tables["上年整改落实"] = rates
        tables["上年未落实事项"] = undone_actions(scores, previous_plans)
    if previous:
        tables["同比变化-地区"] = year_over_year(scores, previous)
        tables["同比变化-类别"] = category_change(scores, previous)
    return Summary(years[-1] if years else None, tuple(scores), tuple(excluded), tuple(previous), tables)


# --------------------------------------------------------------------------- figures


def _label(text: str) -> str:
    """Text for a chart: "$" would start matplotlib mathtext in a district name."""
    return text.replace("$", r"\$")


def heat_colormap() -> LinearSegmentedColormap:
    """0% vermillion through pale to 100% blue: the report's pass/fail palette, readable by
    colour-blind readers and in grey print (lightness rises towards the middle)."""
    return LinearSegmentedColormap.from_list("pass_fail", [FAIL_COLOR, "#f7f7f7", PASS_COLOR])


def _text_color(rgba: Sequence[float]) -> str:
    """White on a dark cell, near-black on a light one (WCAG relative luminance)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgba[:3])
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.25 else TEXT_COLOR


def heatmap_figure(percent: pd.DataFrame) -> Figure:
    """Indicators × districts coloured by percent of maximum (vermillion: points lost).

    Readable at 100 % zoom: indicator names wrapped (never cut), each lost cell labelled in
    9 pt, white on dark cells and dark on light ones. Rows are the index level 指标 (names);
    ids stay in the table's 编号 column.
    """
    register_cjk_font()
    names = percent.index.get_level_values("指标") if "指标" in (percent.index.names or []) else percent.index
    rows, cols = percent.shape
    # The page's width for a city's dozen or so districts (names at 9 pt, so the chart is
    # shown unscaled); more columns widen it and the page scales it down.
    fig = Figure(figsize=(max(PAGE_WIDTH, 2.6 + 0.3 * cols), 1.8 + 0.4 * rows), dpi=FIGURE_DPI, layout="constrained")
    ax = fig.add_subplot()
    cmap = heat_colormap()
    values = percent.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(cols), [_label(c) for c in percent.columns], rotation=90, fontsize=9)
    ax.set_yticks(range(rows), [_label(wrap_label(str(i), HEAT_LABEL_CELLS)) for i in names], fontsize=9)
    fig.suptitle("各地区指标得分率（%）：未满分的格内标出得分率")
    for r in range(rows):
        for c in range(cols):
            value = values[r, c]
            if value == value and value < 100:  # NaN: the district lacks this indicator
                color = _text_color(cmap(value / 100))
                ax.text(c, r, f"{value:.0f}", ha="center", va="center", fontsize=9, color=color)
    fig.colorbar(image, ax=ax, label="得分率（%）", location="top", shrink=0.6, aspect=30)
    return fig


def category_bar_percent(scores: Sequence[Scores]) -> float | None:
    """The category bar of the pass rule in percent, as the scores state it (None: no such rule)."""
    for s in scores:
        for condition in s["conditions"]:
            if condition["id"] == "categories":
                return 100 * condition["threshold"]
    return None


def category_figure(scores: Sequence[Scores]) -> Figure:
    """One small bar chart per category: every district's percent, red where the category
    fails the pass rule (as scored, not re-judged here), with the 80% bar drawn."""
    register_cjk_font()
    cats = categories_of(scores)
    order = ranked(scores)
    ncols = 2
    nrows = -(-len(cats) // ncols)
    fig = Figure(figsize=(max(PAGE_WIDTH, 0.28 * len(order) * ncols), 2.8 * nrows), dpi=FIGURE_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    districts = [_label(s["district"]) for s in order]
    bar = category_bar_percent(scores)
    for ax, (cid, name) in zip(axes.flat, cats):
        shown = [s["categories"].get(cid) for s in order]
        values = [c["percent"] if c else 0 for c in shown]
        colors = [PASS_COLOR if c and c["passed"] else FAIL_COLOR for c in shown]
        ax.bar(range(len(values)), values, color=colors)
        if bar is not None:
            ax.axhline(bar, color=BAR_COLOR, linestyle="--", linewidth=1)
        ax.set_title(_label(name), fontsize=11)
        ax.set_ylim(0, 100)
        ax.set_xticks(range(len(values)), districts, rotation=90, fontsize=9)
    for ax in list(axes.flat)[len(cats):]:
        ax.set_visible(False)
    guide = f"，虚线为{bar:g}%" if bar is not None else ""
    fig.suptitle(f"各类别得分率（%）：蓝色为达到、橙红色为未达到该类别要求{guide}")
    return fig


def review_figure(scores: Sequence[Scores]) -> Figure:
    """自评分 beside 核定分 for every reviewed district (ranking order), each bar labelled,
    with the verdict line under the district name when the review changed it."""
    register_cjk_font()
    order = [s for s in ranked(scores) if is_reviewed(s)]
    fig = Figure(figsize=(PAGE_WIDTH, 1.2 + 0.62 * len(order)), dpi=FIGURE_DPI, layout="constrained")
    ax = fig.add_subplot()
    height = 0.38
    for i, s in enumerate(order):
        for offset, value, color in ((-height / 2, s["self"]["total"], SELF_COLOR), (height / 2, s["total"], PASS_COLOR)):
            ax.barh(i + offset, value, height=height, color=color)
            ax.text(value, i + offset, f" {value:g}", va="center", fontsize=9, color=TEXT_COLOR)
    labels = []
    for s in order:
        before, after = verdict_text({**s, **s["self"], "pending": None}), verdict_text(s)
        change = f"\n{before}→{after}" if before != after else ""
        labels.append(_label(s["district"] + change))
    ax.set_yticks(range(len(order)), labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max([s["total_max"] for s in order] + [s["self"]["total"] for s in order]) * 1.1)
    ax.set_xlabel("总得分（分）")
    handles = [Patch(color=SELF_COLOR, label="自评分"), Patch(color=PASS_COLOR, label="核定分")]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)
    ax.set_title("复核地区：自评分与核定分")
    return fig


# --------------------------------------------------------------------------- page pieces


def summary_title(summary: Summary) -> str:
    """The page title, e.g. `2022年 市级汇总（12个地区）`."""
    year = f"{summary.year}年 " if summary.year is not None else ""
    return f"{year}市级汇总（{len(summary.scores)}个地区）"


SUMMARY_HEADING = "生态环境保护综合行政执法机构规范化建设 市级汇总"


def heading_html(summary: Summary, run_time: str | None = None) -> str:
    """The page's opening: one title with its meta line (年度 · 地区数 · 生成时间, China
    time), the verdict counts as a row of figures, and the notes a reader needs first."""
    count = pass_count(summary.scores)
    meta = [f"{summary.year}年"] if summary.year is not None else []
    meta.append(f"{len(summary.scores)}个地区")
    shown = china_time(run_time)
    if shown:
        meta.append(f"生成于{shown}")
    pending = sum(1 for s in summary.scores if s["passed"] and s.get("pending"))
    items = [(str(count.passed), "达标地区"), (str(count.total - count.passed), "未达标地区")]
    if pending:
        items.append((str(pending), "达标待核（装备台账不全）"))
    lines = [blocks.head(SUMMARY_HEADING, meta), blocks.figures(items)]
    if any(s.get("sample") for s in summary.scores):
        lines.append(blocks.sample_banner("注意：含示例数据，不代表任何单位的真实情况。"))
    if summary.excluded:
        lines.append(blocks.note(f"另有{len(excluded_table(summary.excluded))}个填报文件未纳入汇总，见文末。"))
    return "\n".join(lines)


def table_html(table: pd.DataFrame) -> str:
    """A table for the page (`<table class="data">`): no index, text left and numbers right,
    blanks empty, every text HTML-escaped (district names and messages come from files)."""
    return blocks.data_table(table)


# --------------------------------------------------------------------------- workbook


def summary_workbook_bytes(summary: Summary) -> bytes:
    """The summary's tables as an .xlsx: one sheet each, bold frozen Chinese header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for sheet, table in summary.tables.items():
        ws = wb.create_sheet(sheet)
        for n, column in enumerate(table.columns, start=1):  # district names head the heat table
            cell = ws.cell(1, n)
            set_text(cell, str(column))
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for r, row in enumerate(table.itertuples(index=False), start=2):
            for n, value in enumerate(row, start=1):
                set_value(ws.cell(r, n), value)
        ws.freeze_panes = "A2"
        for n, column in enumerate(table.columns, start=1):
            longest = max([_width(str(column)), *(_width(str(v)) for v in table[column].head(200))])
            ws.column_dimensions[get_column_letter(n)].width = min(60, longest + 2)
    return workbook_bytes(wb)


def _width(text: str) -> int:
    """Columns an Excel cell needs: CJK characters are two wide."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


# --------------------------------------------------------------------------- loading


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text("utf-8"))


def _district_folders(year_dir: Path, manifest: Mapping[str, Any] | None) -> list[Path]:
    """The district folders of a year: those the manifest lists as ok, else every one with scores."""
    year_dir = Path(year_dir)
    if manifest is not None:
        return [year_dir / e["folder"] for e in manifest["districts"] if e["status"] == "ok" and e.get("folder")]
    return sorted(p.parent for p in year_dir.glob("*/scores.json"))


def _readable_scores(path: Path) -> dict[str, Any] | None:
    """An earlier run's scores.json, or None when it is damaged (its district then simply has
    no earlier scores: last year's bad file never costs this year's summary)."""
    from assessment.report.district import read_previous_scores

    return read_previous_scores(path)[0]


def load_scores_dir(year_dir: Path, manifest: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The scores.json of each district folder of a batch's year folder.

    With the year's manifest only the folders of districts that succeeded in that run are
    read, so a stale folder left by an earlier run (a district since removed or now
    invalid) never enters the summary; without it, every `*/scores.json`.
    """
    return [json.loads((f / "scores.json").read_text("utf-8")) for f in _district_folders(year_dir, manifest)]


def load_plans_dir(year_dir: Path, manifest: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The plan.json (road to 达标) of each district folder that has one, like load_scores_dir."""
    folders = _district_folders(year_dir, manifest)
    return [json.loads((f / "plan.json").read_text("utf-8")) for f in folders if (f / "plan.json").is_file()]


def score_inputs(
    inputs_dir: Path, rubric=None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Score and plan every input of a folder in memory: (scores dicts, plan dicts,
    manifest-like entries of the invalid ones), for a summary without a batch run."""
    from assessment.inputs.files import batch_inputs, load_input
    from assessment.inputs.model import InputError
    from assessment.plan.solve import make_plan, plan_to_dict
    from assessment.rubric.loader import default_rubric
    from assessment.scoring.engine import score
    from assessment.scoring.scores_json import scores_dict

    rubric = rubric or default_rubric()
    scores, plans, excluded = [], [], []
    for path in batch_inputs(Path(inputs_dir))[0]:  # the files a batch would read, no hidden copies
        try:
            inp = load_input(path, rubric)
        except InputError as exc:
            excluded.append({"input": str(path), "status": "invalid", "errors": [str(p) for p in exc.problems]})
            continue
        scores.append(scores_dict(score(rubric, inp)))
        plans.append(plan_to_dict(make_plan(rubric, inp)))
    return scores, plans, excluded


def previous_scores(previous_dir: Path, year: int) -> list[dict[str, Any]]:
    """Scores of the latest year before `year` in an earlier batch output (empty if none)."""
    from assessment.report.district import earlier_years

    years = earlier_years(Path(previous_dir), year)
    if not years:
        return []
    year_dir = Path(previous_dir) / str(years[0])
    manifest_path = year_dir / "manifest.json"
    try:
        manifest = load_manifest(manifest_path) if manifest_path.is_file() else None
        folders = _district_folders(year_dir, manifest)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # a damaged earlier manifest
        folders = _district_folders(year_dir, None)
    found = (_readable_scores(f / "scores.json") for f in folders)
    return [s for s in found if s is not None]


def load_summary(
    scores_dir: Path | str | None = None,
    inputs_dir: Path | str | None = None,
    manifest_path: Path | str | None = None,
    previous_dir: Path | str | None = None,
) -> Summary:
    """The summary of a batch's year folder (`scores_dir`, following its manifest when given)
    or, without one, of a folder of inputs scored in memory; with `previous_dir` (an earlier
    batch output) the latest earlier year is compared."""
    manifest = load_manifest(Path(manifest_path)) if manifest_path else None
    if scores_dir is not None:
        scores = load_scores_dir(Path(scores_dir), manifest)
        plans = load_plans_dir(Path(scores_dir), manifest)
        excluded = [e for e in manifest["districts"] if e["status"] != "ok"] if manifest else []
    elif inputs_dir is not None:
        scores, plans, excluded = score_inputs(Path(inputs_dir))
    else:
        raise ValueError("scores_dir or inputs_dir is required")
    years = sorted({s["year"] for s in scores})
    previous = previous_scores(Path(previous_dir), years[-1]) if previous_dir and years else []
    plans_before = previous_plans(Path(previous_dir), years[-1]) if previous_dir and years else []
    return build_summary(scores, excluded, previous, plans, plans_before)


# --------------------------------------------------------------------------- last year's plans


COMPLETION = "上年整改完成率(%)"


def followup_rates(scores: Sequence[Scores], previous_plans: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Per district (ranked): how much of its previous plan.json this year's scores show done.

    The rate counts the tasks a district controls (see `assessment.report.followup`); a district
    without a previous plan shows blanks, one whose plan had no task shows no rate."""
    from assessment.report.followup import DONE, PARTIAL, UNDONE, follow_up

    by_district = {p["district"]: p for p in previous_plans}
    rows = []
    for s in ranked(scores):
        plan = by_district.get(s["district"])
        if plan is None:
            rows.append({DISTRICT: s["district"], "上年措施数": None, DONE: None, PARTIAL: None, UNDONE: None,
                         COMPLETION: None, "说明": "无上年整改方案（plan.json）"})
            continue
        f = follow_up(plan, s)
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
    from assessment.report.followup import DONE, PARTIAL, UNDONE, follow_up

    current = {s["district"]: s for s in scores}
    stats: dict[str, dict[str, Any]] = {}
    for plan in previous_plans:
        s = current.get(plan["district"])
        if s is None:
            continue
        for c in follow_up(plan, s).checks:
            row = stats.setdefault(c.key, {"事项": c.label, "性质": "需争取" if c.recognition else "自主完成",
                                           UNDONE: 0, PARTIAL: 0, "列入方案地区数": 0, "_who": []})
            row["列入方案地区数"] += 1
            if c.status != DONE:
                row[c.status] += 1
                row["_who"].append(s["district"])
    rows = [{**{k: v for k, v in r.items() if k != "_who"}, "未落实地区": "、".join(r["_who"])}
            for r in stats.values() if r["_who"]]
    rows.sort(key=lambda r: (-r[UNDONE], -r[PARTIAL], r["事项"]))
    columns = ["事项", "性质", UNDONE, PARTIAL, "列入方案地区数", "未落实地区"]
    return pd.DataFrame(rows[:limit], columns=columns)


def previous_plans(previous_dir: Path, year: int) -> list[dict[str, Any]]:
    """The plan.json of each district of the latest year before `year` in an earlier batch
    output (empty if none), like previous_scores."""
    from assessment.report.district import earlier_years

    years = earlier_years(Path(previous_dir), year)
    if not years:
        return []
    year_dir = Path(previous_dir) / str(years[0])
    manifest_path = year_dir / "manifest.json"
    return load_plans_dir(year_dir, load_manifest(manifest_path) if manifest_path.is_file() else None)


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
