"""The summary's charts, as matplotlib Figures (object-oriented API, like `report.charts`):
the indicator heat map, the category bars and the review bars, readable at 100 % zoom and
in the report's colour-blind-safe palette.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from assessment.publish.fonts import register_cjk_font
from assessment.report.charts import BAR_COLOR, FAIL_COLOR, PAGE_WIDTH, PASS_COLOR, TEXT_COLOR, wrap_label
from assessment.report.summary.cities import CITY, MEAN_TOTAL, PASS_RATE
from assessment.report.summary.tables import Scores, categories_of, ranked
from assessment.scoring.scores_json import is_reviewed, stated_words

#: Okabe-Ito orange: the self-assessed total beside the reviewed one (PASS_COLOR, blue).
SELF_COLOR = "#E69F00"
#: Okabe-Ito sky blue: a mean total, beside the pass rate (PASS_COLOR) in the city chart.
TOTAL_COLOR = "#56B4E9"
#: Pixels per inch of the summary's charts: 9 pt text is 14 px at 100 % zoom.
FIGURE_DPI = 110
#: Display cells per line of a heat-map row name: the names take under half the page width.
HEAT_LABEL_CELLS = 22


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
        before, after = stated_words(s["self"]), stated_words(s)
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


def city_figure(table: pd.DataFrame) -> Figure:
    """The province roll-up at a glance: each city's pass rate and mean total side by side,
    one bar per row of the city table (a city's 市级 unit on its own bar), labelled with its
    figure; the rows come in the table's (official) order, top to bottom."""
    register_cjk_font()
    labels = [_label(name) for name in table[CITY]]
    fig = Figure(figsize=(PAGE_WIDTH, 1.2 + 0.32 * len(table)), dpi=FIGURE_DPI, layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, column, color in ((axes[0], PASS_RATE, PASS_COLOR), (axes[1], MEAN_TOTAL, TOTAL_COLOR)):
        values = [float(v) for v in table[column]]
        ax.barh(range(len(values)), values, color=color)
        for i, value in enumerate(values):
            ax.text(value, i, f" {value:g}", va="center", fontsize=9, color=TEXT_COLOR)
        ax.set_xlim(0, max([*values, 1.0]) * 1.18)
        ax.set_title(column, fontsize=11)
    axes[0].set_yticks(range(len(labels)), labels, fontsize=9)
    axes[0].invert_yaxis()
    fig.suptitle("各地市达标率与平均总得分")
    return fig
