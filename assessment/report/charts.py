"""Charts of a scored district, as matplotlib Figures with Chinese titles and labels.

Figures are built with the object-oriented API (`matplotlib.figure.Figure`), never through
pyplot's global state, so that a notebook, a batch run and the tests can draw in parallel
without one chart leaking into another, and no GUI backend is ever needed. Each function
registers the bundled CJK font first: a machine without one would otherwise draw boxes.
"""

from __future__ import annotations

import base64
import html
import io
import math
import unicodedata
from fractions import Fraction
from typing import TYPE_CHECKING, cast

from matplotlib.figure import Figure
from matplotlib.projections.polar import PolarAxes

from assessment.publish.fonts import register_cjk_font
from assessment.scoring.figures import CategoryResult
from assessment.scoring.result import Result
from assessment.util.formatting import fmt

if TYPE_CHECKING:
    from assessment.plan.model import Plan

# One palette for every chart of the report and the summary, safe for colour-blind readers
# (Okabe & Ito): blue is a score, a pass or a met condition; vermillion is a failure or a
# loss. They differ in lightness too, so they stay apart in grey print.
PASS_COLOR = "#0072B2"
FAIL_COLOR = "#D55E00"
SCORE_COLOR = PASS_COLOR
MAX_COLOR = "#dcdcdc"
BAR_COLOR = "#222222"  # the pass bar (80%达标线): neither pass nor fail
EQUIPMENT_COLOR = "#009E73"  # Okabe-Ito bluish green: the equipment score beside the total
TEXT_COLOR = "#222222"
DPI = 120
#: Width of the report sheet's text column in inches (A4, 18 mm margins each side). A chart
#: drawn at most this wide is shown at its drawn size (see img_tag), so its 9 pt labels read
#: as 9 pt at 100 % zoom and in print, instead of being scaled down to fit.
PAGE_WIDTH = 6.8
#: CSS pixels per inch: the page's unit for an image's display size.
CSS_PX_PER_INCH = 96
#: Punctuation that Chinese typesetting never puts at the start of a line.
NO_LINE_START = "，、。；：？！）》」』”’"
#: Display cells per line of a wrapped axis label (a CJK character takes two).
LABEL_CELLS = 26
#: Display cells per line of a radar category name beside the circle (four characters).
RADAR_SIDE_CELLS = 8


def _standard_categories(result: Result) -> list[CategoryResult]:
    """The six categories of the scored standard (Annex 2), in rubric order."""
    return [c for c in result.categories.values() if c.part == result.rubric.total_part]


def _share_bar(result: Result) -> Fraction | None:
    """The per-category pass bar as a fraction of the maximum (4/5), if the rubric has one."""
    cond = next((c for c in result.rubric.conditions if c.measure == "category_share"), None)
    return None if cond is None else cond.threshold


def _failing_categories(result: Result) -> set[str]:
    """The categories the pass rule names as failing (as scored, not re-judged here)."""
    measures = {c.id: c.measure for c in result.rubric.conditions}
    return {f for c in result.conditions if measures[c.id] == "category_share" for f in c.failing}


def _bar_label(bar: Fraction) -> str:
    return f"{fmt(bar * 100)}%达标线"


def category_bars(result: Result) -> Figure:
    """Each category's points against its maximum, with the pass bar (80%) marked on each.

    Categories differ in size (11 to 28 points), so the bar is drawn per category in points
    rather than as one line: a reader sees how far each is above or below its own bar.
    """
    register_cjk_font()
    categories = _standard_categories(result)
    bar = _share_bar(result)
    fig = Figure(figsize=(PAGE_WIDTH, 4.0), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    y = list(range(len(categories)))[::-1]
    failing = _failing_categories(result)
    ax.barh(y, [float(c.max) for c in categories], color=MAX_COLOR, height=0.6, label="满分")
    for met, label in ((True, "得分（达到要求）"), (False, "得分（未达到要求）")):
        shown = [(pos, c) for pos, c in zip(y, categories) if (c.id not in failing) == met]
        if shown:
            ax.barh(
                [pos for pos, _ in shown],
                [float(c.points) for _, c in shown],
                color=PASS_COLOR if met else FAIL_COLOR,
                height=0.6,
                label=label,
            )
    for pos, c in zip(y, categories):
        colour = FAIL_COLOR if c.id in failing else TEXT_COLOR
        ax.text(float(c.max) + 0.3, pos, f"{fmt(c.points)} / {fmt(c.max)}", va="center", fontsize=9, color=colour)
    if bar is not None:
        ax.vlines(
            [float(c.max * bar) for c in categories],
            [pos - 0.38 for pos in y],
            [pos + 0.38 for pos in y],
            colors=BAR_COLOR,
            linestyles="dashed",
            linewidth=1.6,
            label=_bar_label(bar),
        )
    ax.set_yticks(y, [c.name for c in categories])
    ax.set_xlim(0, max(float(c.max) for c in categories) * 1.22)
    ax.set_xlabel("分值")
    ax.set_title(f"{result.input.district} {result.input.year}年 各类别得分与满分")
    ax.legend(loc="lower right", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def category_radar(result: Result) -> Figure:
    """The six categories' shares of their maxima on one scale (0–100%), with the bar."""
    register_cjk_font()
    categories = _standard_categories(result)
    bar = _share_bar(result)
    angles = [2 * math.pi * n / len(categories) for n in range(len(categories))]
    closed = [*angles, angles[0]]
    shares = [float(c.share * 100) for c in categories]
    fig = Figure(figsize=(6, 5.4), dpi=DPI, layout="constrained")
    ax = cast(PolarAxes, fig.add_subplot(projection="polar"))
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.plot(closed, [*shares, shares[0]], color=SCORE_COLOR, linewidth=2, label="得分率")
    ax.fill(closed, [*shares, shares[0]], color=SCORE_COLOR, alpha=0.2)
    if bar is not None:
        ax.plot(closed, [float(bar * 100)] * len(closed), color=BAR_COLOR, linestyle="dashed", label=_bar_label(bar))
    # Clockwise from the top: a name on the right starts at its tick and one on the left
    # ends there, so that it runs away from the circle instead of across it; side names
    # wrap at four characters so that they stay inside the figure.
    sides = [math.sin(angle) for angle in angles]
    names = [
        c.name if abs(side) < 1e-9 else wrap_label(c.name, RADAR_SIDE_CELLS)
        for c, side in zip(categories, sides, strict=True)
    ]
    ax.set_xticks(angles, names)
    ax.tick_params(axis="x", pad=10)
    for side, label in zip(sides, ax.get_xticklabels(), strict=True):
        label.set_horizontalalignment("center" if abs(side) < 1e-9 else "left" if side > 0 else "right")
    ax.set_ylim(0, 100)
    ax.set_yticks([20, 40, 60, 80, 100], ["20%", "40%", "60%", "80%", "100%"], fontsize=8)
    ax.set_title(f"{result.input.district} {result.input.year}年 各类别得分率")
    ax.legend(loc="upper right", bbox_to_anchor=(1.15, 1.1), fontsize=9)
    return fig


def equipment_indicators(result: Result) -> Figure:
    """Annex 1 (装备能力建设) indicator by indicator: points against maximum."""
    register_cjk_font()
    equipment_part = result.rubric.equipment_part or next(
        p.id for p in result.rubric.parts if p.id != result.rubric.total_part
    )
    part = result.rubric.part(equipment_part)
    indicators = [result.indicators[i.id] for cat in part.categories for i in cat.indicators]
    fig = Figure(figsize=(PAGE_WIDTH, 5.6), dpi=DPI, layout="constrained")  # 13 bars, two-line names
    ax = fig.add_subplot()
    y = list(range(len(indicators)))[::-1]
    ax.barh(y, [float(i.max) for i in indicators], color=MAX_COLOR, height=0.6, label="满分")
    ax.barh(y, [float(i.points) for i in indicators], color=SCORE_COLOR, height=0.6, label="得分")
    for pos, i in zip(y, indicators):
        lost = i.points < i.max
        ax.text(
            float(i.max) + 0.2,
            pos,
            f"{fmt(i.points)} / {fmt(i.max)}",
            va="center",
            fontsize=9,
            color=FAIL_COLOR if lost else TEXT_COLOR,
        )
    ax.set_yticks(y, [wrap_label(i.name) for i in indicators], fontsize=9)
    ax.set_xlim(0, max(float(i.max) for i in indicators) * 1.25)
    ax.set_xlabel("分值")
    points = result.parts[equipment_part]
    ax.set_title(f"{part.name}：各指标得分（合计{fmt(points.points)} / {fmt(points.max)}分）")
    ax.legend(loc="lower right", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def display_width(text: str) -> int:
    """Cells a text takes: CJK characters two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_label(text: str, cells: int = LABEL_CELLS) -> str:
    """A long name over several lines, never cut: an official reads the whole name.

    Lines hold at most `cells` display cells; a line ends after a Chinese comma or 、 when
    one falls in its second half, so that a phrase is not split. Closing punctuation never
    starts a line (Chinese typesetting's 避头点): it stays at the end of the line before,
    one cell over the width.
    """
    lines: list[str] = []
    rest = text
    while display_width(rest) > cells:
        used, cut = 0, 0
        for n, ch in enumerate(rest):
            used += display_width(ch)
            if used > cells:
                break
            cut = n + 1
        breaks = [n + 1 for n, ch in enumerate(rest[:cut]) if ch in "，、；：" and n + 1 >= cut // 2]
        cut = breaks[-1] if breaks else cut
        while cut < len(rest) and rest[cut] in NO_LINE_START:
            cut += 1
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(lines)


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes (no timestamp in the metadata, so reruns give equal bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def img_tag(fig: Figure, alt: str) -> str:
    """An <img> with the PNG embedded as base64 and an escaped Chinese alt text.

    Reports are opened offline and read aloud by screen readers, so the picture travels
    inside the page and says what it shows. It is shown at its drawn size in inches (the
    PNG holds more pixels than that, for print), scaled down only where the page is narrower.
    """
    data = base64.b64encode(to_png(fig)).decode("ascii")
    width, height = (round(inches * CSS_PX_PER_INCH) for inches in fig.get_size_inches())
    return (
        f'<img alt="{html.escape(alt, quote=True)}" width="{width}" height="{height}" '
        f'src="data:image/png;base64,{data}">'
    )


def figure_html(fig: Figure, alt: str, caption: str | None = None) -> str:
    """A chart as the page shows it: `<figure class="chart">` with the image and a caption
    (the alt text when no caption is given), both escaped."""
    text = html.escape(caption if caption is not None else alt)
    return f'<figure class="chart">{img_tag(fig, alt)}<figcaption>{text}</figcaption></figure>'


def report_charts(result: Result) -> list[tuple[str, Figure]]:
    """The report's charts with their alt texts, in reading order."""
    district = f"{result.input.district} {result.input.year}年"
    return [
        (
            f"{district}各类别得分与满分条形图，虚线为各类别达标线，橙红色为未达到要求的类别",
            category_bars(result),
        ),
        (f"{district}六个类别得分率雷达图", category_radar(result)),
        (f"{district}装备能力建设13项指标得分条形图", equipment_indicators(result)),
    ]


#: Line styles of the categories a plan lifts over their bar (after the total and equipment).
SHARE_STYLES = (("#CC79A7", "^"), ("#E69F00", "v"), ("#56B4E9", "D"), ("#000000", "x"), ("#F0E442", "P"), ("#999999", "*"))


def plan_chart(plan: Plan) -> Figure:
    """Every figure the plan moves, step by step, with its pass bar: the total, the equipment
    score and each category below its bar (as a share of its maximum, in percent, on the
    same 0–100 scale). The legend sits below the plot, outside it, so it hides no line."""
    register_cjk_font()
    fig = Figure(figsize=(PAGE_WIDTH, 4.6), dpi=DPI, layout="constrained")
    ax = fig.subplots()
    xs = list(range(len(plan.steps) + 1))
    totals = [float(plan.score_before), *(float(s) for s in plan.steps)]
    ax.plot(xs, totals, marker="o", color=PASS_COLOR, label="总得分（含加分）")
    if plan.total_threshold is not None:
        ax.axhline(float(plan.total_threshold), color=BAR_COLOR, linestyle="--",
                   label=f"总分达标线（高于{fmt(plan.total_threshold)}分）")
    if plan.equipment_before is not None and plan.equipment_threshold is not None:
        equipment = [float(plan.equipment_before), *(float(s) for s in plan.equipment_steps)]
        ax.plot(xs, equipment, marker="s", color=EQUIPMENT_COLOR, label="装备建设评分")
        ax.axhline(float(plan.equipment_threshold), color=EQUIPMENT_COLOR, linestyle=":",
                   label=f"装备达标线（{fmt(plan.equipment_threshold)}分以上）")
    for track, (color, marker) in zip(plan.share_tracks, SHARE_STYLES * len(plan.share_tracks)):
        shares = [float(track.before), *(float(s) for s in track.steps)]
        ax.plot(xs, shares, marker=marker, color=color, label=f"{track.name}得分率（%）")
    bars = {(t.bar, t.op) for t in plan.share_tracks}
    for bar, op in sorted(bars):
        ax.axhline(float(bar), color=BAR_COLOR, linestyle="-.", linewidth=1,
                   label=f"类别达标线（{'高于' if op == 'gt' else '达到'}{fmt(bar)}%）")
    every = max(1, -(-len(xs) // 12))  # at most about 12 step labels, or they overlap
    ticks = xs[::every]
    ax.set_xticks(ticks, ["现状" if i == 0 else f"第{i}步" for i in ticks], fontsize=9)
    ax.set_xlabel("整改步骤")
    ax.set_ylabel("得分 / 类别得分率（%）" if plan.share_tracks else "得分")
    state = "已达标" if plan.already_passed else ("达标路径" if plan.passable else "无法达标")
    ax.set_title(f"{plan.district}{plan.year}年 {state}")
    fig.legend(loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    return fig
