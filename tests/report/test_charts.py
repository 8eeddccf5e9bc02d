"""The report's charts: drawn without missing glyphs, rendered to PNG, with the right data."""

from __future__ import annotations

import base64
import html
import re
import warnings

import pytest
from matplotlib.figure import Figure

from assessment.report import charts
from assessment.scoring.engine import score

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def result(rubric, perfect):
    return score(rubric, perfect(answers={"s25_accident_insurance": False, "e11_attended_training": False}))


def _render_strictly(fig: Figure) -> bytes:
    """PNG bytes; any matplotlib warning (e.g. "Glyph … missing from font") fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return charts.to_png(fig)


@pytest.mark.parametrize("draw", [charts.category_bars, charts.category_radar, charts.equipment_indicators])
def test_each_chart_renders_to_png_with_every_chinese_glyph(result, draw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = draw(result)
    png = _render_strictly(fig)
    assert png.startswith(PNG_MAGIC)
    assert len(png) > 10_000


@pytest.mark.parametrize("draw", [charts.category_bars, charts.category_radar, charts.equipment_indicators])
def test_each_chart_has_a_chinese_title(result, draw):
    title = draw(result).axes[0].get_title()
    assert re.search(r"[\u4e00-\u9fff]", title)


def test_category_bars_show_each_category_score_against_its_max_and_its_80_percent_line(result):
    ax = charts.category_bars(result).axes[0]
    categories = [c for c in result.categories.values() if c.part == result.rubric.total_part]
    assert [t.get_text() for t in ax.get_yticklabels()] == [c.name for c in categories]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    expected = sorted([round(float(c.max), 6) for c in categories] + [round(float(c.points), 6) for c in categories])
    assert widths == expected
    line = next(col for col in ax.collections if col.get_label() == "80%达标线")
    xs = sorted(round(float(seg[0][0]), 6) for seg in line.get_segments())
    assert xs == sorted(round(float(c.max) * 0.8, 6) for c in categories)
    assert ax.get_xlabel() == "分值"


def test_radar_plots_category_shares_in_percent(result):
    ax = charts.category_radar(result).axes[0]
    shares = next(line for line in ax.get_lines() if line.get_label() == "得分率").get_ydata()
    categories = [c for c in result.categories.values() if c.part == result.rubric.total_part]
    assert list(shares[:-1]) == pytest.approx([float(c.share * 100) for c in categories])
    assert ax.get_ylim() == (0, 100)


def test_equipment_chart_names_the_13_annex1_indicators_in_full(result):
    ax = charts.equipment_indicators(result).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    names = [i.name for cat in result.rubric.part("equipment").categories for i in cat.indicators]
    assert [label.replace("\n", "") for label in labels] == names
    assert not any("…" in label for label in labels)
    scored = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert round(float(result.indicators["e11"].points), 6) in scored


def test_img_tag_embeds_the_png_and_escapes_the_alt_text(result):
    alt = '<b>"图"</b>'
    tag = charts.img_tag(charts.category_bars(result), alt)
    assert f'alt="{html.escape(alt, quote=True)}"' in tag
    data = re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)
    assert base64.b64decode(data).startswith(PNG_MAGIC)


def test_report_charts_are_three_with_chinese_alt_texts(result):
    made = charts.report_charts(result)
    assert len(made) == 3
    assert all(result.input.district in alt and isinstance(fig, Figure) for alt, fig in made)


def test_same_result_gives_byte_identical_png(result):
    assert charts.to_png(charts.category_radar(result)) == charts.to_png(charts.category_radar(result))


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("执法车辆", ["执法车辆"]),
        ("与同级财政部门沟通协调，落实执法装备资金保障要求", ["与同级财政部门沟通协调，", "落实执法装备资金保障要求"]),
        ("建立执法装备重点执法任务统筹调度制度", ["建立执法装备重点执法任务统", "筹调度制度"]),
    ],
)
def test_long_names_wrap_over_lines_without_losing_a_character(name, lines):
    assert charts.wrap_label(name).split("\n") == lines


def test_wrapped_lines_fit_their_display_width():
    text = "ab" * 20 + "中文字符" * 10
    lines = charts.wrap_label(text, cells=12).split("\n")
    assert "".join(lines) == text
    assert all(charts.display_width(line) <= 12 for line in lines)


def test_lost_points_are_labelled_in_the_fail_colour(result):
    ax = charts.equipment_indicators(result).axes[0]
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    lost = result.indicators["e11"]
    assert colours[f"{charts.fmt(lost.points)} / {charts.fmt(lost.max)}"] == charts.FAIL_COLOR


def test_figure_html_wraps_the_image_with_an_escaped_caption(result):
    page = charts.figure_html(charts.category_bars(result), "图<1>", "说明&")
    assert page.startswith('<figure class="chart"><img alt="图&lt;1&gt;" width="653" height="384" src="data:image/png;base64,')
    assert page.endswith("<figcaption>说明&amp;</figcaption></figure>")


def test_category_bars_colour_failing_categories_like_every_other_chart(rubric, perfect):
    lost = {"s21_dual_duty": False, "s22_integrity_pledge": False, "s22_discipline_reporting": False}
    failing = score(rubric, perfect(answers=lost))
    ax = charts.category_bars(failing).axes[0]
    labels = {t.get_text(): t.get_color() for t in ax.texts}
    assert labels["9 / 12"] == charts.FAIL_COLOR  # 综合保障体系化: 75% is not above 80%
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "得分（未达到要求）" in legend and "得分（达到要求）" in legend


def test_a_wrapped_line_never_starts_with_closing_punctuation():
    """避头点: the comma of 沟通协调，落实 stays at the end of the first line."""
    lines = charts.wrap_label("与同级财政部门沟通协调，落实执法装备资金保障要求", cells=22).split("\n")
    assert lines[0] == "与同级财政部门沟通协调，" and "".join(lines) == "与同级财政部门沟通协调，落实执法装备资金保障要求"
    assert not any(line[0] in charts.NO_LINE_START for line in lines)


def test_every_report_chart_fits_the_page_width_so_it_shows_at_its_drawn_size(result):
    """A chart wider than the text column is scaled down and its 9 pt labels shrink with it."""
    for alt, fig in charts.report_charts(result):
        assert fig.get_figwidth() <= charts.PAGE_WIDTH, alt
    width = re.search(r'width="(\d+)"', charts.img_tag(charts.category_bars(result), "x"))
    assert width and int(width.group(1)) == round(charts.category_bars(result).get_figwidth() * charts.CSS_PX_PER_INCH)


def test_radar_category_names_stay_off_the_circle_and_inside_the_figure(result):
    """Names beside the circle run away from it (left-aligned on the right, right-aligned on
    the left) and wrap, so none crosses the circle or is cut at the figure's edge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts.category_radar(result)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # as savefig lays it out: constrained layout, then the drawing
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    circle = ax.get_window_extent(renderer)
    cx, cy, radius = (circle.x0 + circle.x1) / 2, (circle.y0 + circle.y1) / 2, circle.width / 2
    page = fig.bbox
    for label in ax.get_xticklabels():
        box = label.get_window_extent(renderer)
        nearest_x = min(max(cx, box.x0), box.x1)
        nearest_y = min(max(cy, box.y0), box.y1)
        assert (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 > radius**2, label.get_text()
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, label.get_text()


def test_the_plan_chart_draws_every_figure_the_plan_moves_with_its_legend_outside_the_plot(rubric):
    """龙湾区 as reviewed: step 1 lifts the equipment score over 85, step 2 综合保障体系化 over 80%."""
    from pathlib import Path

    from assessment.plan import make_plan
    from assessment.report.district import report_data

    examples = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
    reviewed = report_data(examples / "wenzhou-2022" / "龙湾区.xlsx", rubric, examples / "wenzhou-2022-reviews")
    plan = make_plan(rubric, reviewed.result.input)
    fig = charts.plan_chart(plan)
    _render_strictly(fig)
    (ax,) = fig.axes
    lines = {line.get_label(): list(line.get_ydata()) for line in ax.get_lines()}
    category = lines["综合保障体系化得分率（%）"]
    assert category[1] < 80 < category[2]  # the second step fixes it
    assert lines["装备建设评分"][0] < 85 < lines["装备建设评分"][1]
    assert lines["类别达标线（高于80%）"][0] == 80
    (legend,) = fig.legends
    renderer = fig._get_renderer()  # the layout as drawn: constrained layout places the legend on draw
    fig.draw_without_rendering()
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
