"""The sections of the district report and of the municipal summary: one call per notebook cell.

The notebooks (notebooks/district_report.ipynb, notebooks/municipal_summary.ipynb) are the
layout of the two pages and nothing else: their cells set parameters, hold the Markdown
headings and call one function here, which displays what the page shows at that place. So
every decision a page makes (which verdict line, which of the plan's four cases, whether a
table or a "nothing to show" note) is type-checked, linted and tested with the library, and
a notebook saved from JupyterLab holds no code to drift.

Each table, chart or note is displayed as its own output, as the page template
(publish/templates/report) writes a cell's outputs one after another. Every text from an
input file reaches the page through `html_parts` (escaped).

The district's plan is solved once, by `plan_section`, which also records it as data
(plan.PLAN_MIMETYPE) in an output tagged publish.html.DATA_TAG: `assessment report`
publishes that record as plan.json (plan.recorded_plan) and the HTML export drops the
output from the page.

The module runs in the notebook kernel, where IPython is the display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from IPython.display import HTML, display

from assessment import plan
from assessment.inputs.json_form import input_from_snapshot
from assessment.publish.html import DATA_TAG, LAB_TAG, lab_style_html
from assessment.report import charts, followup, html_parts, tables
from assessment.report import summary as municipal
from assessment.report.district import (
    ReportData,
    evidence_summary,
    evidence_table,
    key_figures,
    previous_state,
    report_data,
    review_opinions_table,
    self_vs_reviewed_table,
)
from assessment.report.review_tables import review_statement
from assessment.report.summary.verification import VERIFICATION_NOTE, VERIFICATION_TABLE
from assessment.rubric.loader import load_rubric
from assessment.rubric.model import Rubric
from assessment.scoring.result import Result
from assessment.scoring.scores_json import is_reviewed, scores_dict
from assessment.util.formatting import fmt


def _show_html(*pieces: str) -> None:
    """Display each piece of HTML as one output of the cell."""
    for piece in pieces:
        display(HTML(piece))


def _show_table(df: pd.DataFrame, *, highlight: str | None = None) -> None:
    """Display a table as the page's `<table class="data">` (every text escaped); rows whose
    `highlight` column is above zero are marked as losses."""
    _show_html(tables.to_html(df, highlight=highlight))


def _show_lab_style() -> None:
    """Bring the page's stylesheet to JupyterLab, which shows the notebook without the page
    template; the output is tagged LAB_TAG, so the page (which inlines the stylesheet) drops it."""
    display({"text/html": lab_style_html()}, raw=True, metadata={"tags": [LAB_TAG]})


def _show_note(text: str) -> None:
    _show_html(html_parts.note(text))


# --------------------------------------------------------------------------- district report


@dataclass(frozen=True)
class DistrictReport:
    """One district as its report's sections show it, read and scored once (the first cell).

    `previous` is the earlier scores.json for the 与往年比较 section, or None with
    `previous_problem` saying why when the earlier file is damaged."""

    rubric: Rubric
    data: ReportData
    previous: dict[str, Any] | None
    previous_problem: str | None
    previous_scores_path: str | None
    run_time: str | None

    @property
    def result(self) -> Result:
        """The score the report shows: with a review, on the reviewed values (核定分)."""
        return self.data.result

    @property
    def scores(self) -> dict[str, Any]:
        """The report's scores.json, with `review` and `evidence` when given."""
        return self.data.scores


def district_report(
    input_path: str,
    *,
    rubric_path: str | None = None,
    review_path: str | None = None,
    evidence_dir: str | None = None,
    previous_scores_path: str | None = None,
    previous_warning: str | None = None,
    run_time: str | None = None,
    input_snapshot: str | None = None,
    input_snapshot_sha256: str | None = None,
) -> DistrictReport:
    """Score the district of the notebook's parameters (see district.report_data):
    `input_snapshot` with its sha256 is the input render_report validated (scored as it is,
    so the page cannot disagree with scores.json); without it (a notebook run by hand) the
    file at `input_path` is read and validated. InputError with every problem located."""
    rubric = load_rubric(rubric_path)
    inp = None
    if input_snapshot is not None:
        inp = input_from_snapshot(input_snapshot, input_snapshot_sha256 or "", rubric)
    data = report_data(input_path, rubric, review_path, evidence_dir, inp=inp)
    previous, previous_problem = previous_state(previous_scores_path, previous_warning)
    return DistrictReport(
        rubric=rubric,
        data=data,
        previous=previous,
        previous_problem=previous_problem,
        previous_scores_path=previous_scores_path,
        run_time=run_time,
    )


def verdict_section(report: DistrictReport) -> None:
    """The page's head: title, sample banner, verdict (核定 beside 自评 with a review), the
    pending note, the key figures and, with a review, the 自评与核定对比 table. First on the
    page, it also brings the page's stylesheet to JupyterLab."""
    _show_lab_style()
    result, scores = report.result, report.scores
    page = [html_parts.report_head(result)]
    if result.input.sample:
        page.append(html_parts.sample_banner("示例数据：本报告基于合成的示例数据生成，不代表任何单位的真实情况。"))
    if report.data.reviewed:
        self_verdict = report.data.self_result.verdict.words
        page.append(f"<p>核定结论：{html_parts.verdict_badge(result)}（自评结论：{html_parts.esc(self_verdict)}）</p>")
        page.append(html_parts.note(review_statement(scores) or ""))
    else:
        page.append(f"<p>结论：{html_parts.verdict_badge(result)}</p>")
    pending_note = html_parts.pending_note(result)  # 达标（待核）: the pass rests on unlisted equipment
    if pending_note is not None:
        page.append(pending_note)
    page.append(html_parts.report_figures(result))
    if report.data.reviewed:
        page.append("<h3>自评与核定对比</h3>" + tables.to_html(self_vs_reviewed_table(scores)))
        page.append(html_parts.note("本报告由评估工具根据填报文件与复核结果自动生成：得分、结论与失分清单均按核定值和评分标准计算。"))
    else:
        page.append(html_parts.note("本报告由评估工具根据填报文件自动生成：得分、结论与失分清单均按评分标准计算。"))
    _show_html("\n".join(page))


def review_section(report: DistrictReport) -> None:
    """四、复核意见: each correction and its reason, or one line saying there was no review."""
    if not report.data.reviewed:
        _show_note("未提供复核文件：本报告按自评值计分。")
        return
    _show_note("复核逐项更正的自评值、核定值、对得分的影响及理由；“认可”为复核认可自评值并附意见的项目。")
    opinions = review_opinions_table(report.scores)
    if opinions.empty:
        _show_note("复核认可全部自评值，无更正。")
    else:
        _show_table(opinions)


def evidence_section(report: DistrictReport) -> None:
    """五、佐证材料核查: the evidence of every criterion that earned points, 缺少佐证 first. One
    line alone when no evidence was checked, or when none of the listed files was found (a
    batch's evidence folder without this district's folder): a table would only repeat
    缺少佐证 on every row."""
    summary = evidence_summary(report.scores)
    if summary is None:
        _show_note("未提供佐证材料目录：本报告未核查佐证材料。")
        return
    _show_note(summary)
    if report.scores["evidence"]["count"]:
        _show_table(evidence_table(report.scores))


def conditions_section(report: DistrictReport) -> None:
    """一、达标条件: each condition of the pass rule, met (√) or not (×)."""
    _show_html(html_parts.conditions_list(report.result))


def key_figures_section(report: DistrictReport) -> None:
    """The key figures as plain, stable text for nbval to compare (the cell is hidden)."""
    print(key_figures(report.result))


def charts_section(report: DistrictReport) -> None:
    """二、得分图表: the report's charts in reading order."""
    for alt, figure in charts.report_charts(report.result):
        _show_html(charts.figure_html(figure, alt))


def scores_section(report: DistrictReport) -> None:
    """三、类别与指标得分: the category table, then the indicators with losses marked."""
    _show_table(tables.category_table(report.result))
    _show_table(tables.indicator_table(report.result), highlight="失分")


def lost_points_section(report: DistrictReport) -> None:
    """六、失分清单: the lost criteria by responsible department."""
    if tables.lost_criteria(report.result):
        _show_html(html_parts.department_sections(report.result))
    else:
        _show_note("无失分项。")


def equipment_shortfall_section(report: DistrictReport) -> None:
    """装备缺口: each item below its standard quantity."""
    shortfall = tables.equipment_shortfall(report.result)
    if shortfall.empty:
        _show_note("各项装备均达到标准数量。")
    else:
        _show_table(shortfall, highlight="缺口")


def unscored_section(report: DistrictReport) -> None:
    """八、未计分的创建要求 (after the plan: what the plan does not cover)."""
    _show_table(tables.unscored_table(report.result))


def _record_plan(road: plan.Plan) -> None:
    """Record the plan as data in an output the page drops (DATA_TAG); plan.json is written
    from this record, so the published plan is the one this page shows. Its text form is
    empty: JupyterLab, which has no renderer for the data, shows that and nothing else."""
    display(
        {plan.PLAN_MIMETYPE: plan.plan_to_dict(road), "text/plain": ""},
        raw=True,
        metadata={"tags": [DATA_TAG]},
    )


def _show_steps(road: plan.Plan) -> None:
    """The steps to 达标 of a district that can pass but has not: how many, the score after,
    the 需争取 warning, the table, the chart, the purchases and the cheapest alternative."""
    _show_html(
        f"<p>至少需采取 <b>{len(road.actions)}</b> 项措施方可达标，"
        f"完成后总得分 {html_parts.esc(fmt(road.score_after))} 分。</p>"
    )
    if road.recognition_points:
        _show_note(
            "注意：仅靠本单位可自主完成的措施无法达标。标“需争取”的措施"
            f"（共{fmt(road.recognition_points)}分）取决于上级评定、表彰或采纳，只能争取，不是可以安排完成的任务。"
        )
    _show_table(plan.plan_table(road))
    _show_html(charts.figure_html(charts.plan_chart(road), "达标路径：得分逐步提升至达标线"))
    purchases = plan.purchase_table(road)
    if not purchases.empty:
        _show_html("<h3>装备购置清单</h3>" + html_parts.note(
            "“达标所需购置”为达到标准数量所缺的数量；“超标准加分购置”为高于标准、用于装备评分加分的数量。"
        ))
        _show_table(purchases)
    if road.cheapest is not None:
        _show_note(f"费用最低方案：{len(road.cheapest.actions)}项措施，购置费用{fmt(road.cheapest.cost)}元。")


def plan_section(report: DistrictReport) -> None:
    """七、达标路径: solve the plan, record it as data, and show it: why the district cannot
    pass, the suggestions of one that has passed, or the steps to 达标; then the
    recognition (可争取事项) the plan does not count on."""
    road = plan.make_plan(report.rubric, report.result.input)
    _record_plan(road)
    if not road.passable:
        _show_html(f"<p><b>无法达标：</b>{html_parts.esc(road.reason or '')}</p>")
    elif road.already_passed:
        _show_html("<p><b>已达标。</b>以下措施可进一步提高得分：</p>")
        _show_table(plan.suggestions_table(road))
    else:
        _show_steps(road)
    hopes = plan.opportunities_table(road)
    if not hopes.empty:
        _show_html("<h3>可争取事项</h3>" + html_parts.note(
            "以下事项取决于上级评定、表彰或采纳，不计入达标方案；争取到时可增加的得分如下。"
        ))
        _show_table(hopes)


def notes_section(report: DistrictReport) -> None:
    """九、提示与口径说明: the scoring's warnings, then how the rubric's gaps were read."""
    notes = tables.warnings_table(report.result)
    if notes.empty:
        _show_note("无提示。")
    else:
        _show_table(notes)
    _show_html("<h3>口径说明</h3>" + html_parts.note("评分标准原文未写明之处，本工具按以下口径理解："))
    _show_table(tables.readings_table(report.result.rubric))


def previous_year_section(report: DistrictReport) -> None:
    """十、与往年比较: this year beside the earlier scores on one basis, named above the table
    (核定 with 核定 when both years were reviewed, else 自评 with 自评), or why there is none."""
    if report.previous is None:
        _show_note(report.previous_problem or "未提供往年得分（scores.json），本报告不作同比比较。")
    else:
        basis = tables.comparison_basis(report.data.reviewed, is_reviewed(report.previous))
        before: Mapping[str, Any]
        if basis == tables.REVIEWED_BASIS:
            now, before = report.result, report.previous
        else:
            now, before = report.data.self_result, tables.self_assessed(report.previous)
        _show_note(tables.comparison_label(report.previous, basis))
        _show_table(tables.year_over_year_table(now, before))


def followup_section(report: DistrictReport) -> None:
    """十一、上年整改落实情况: last year's plan.json checked against this year's scores."""
    checked, warning = followup.previous_followup(report.previous_scores_path, scores_dict(report.result))
    if checked is None:
        _show_note(warning or "未找到上年整改方案（plan.json），本报告不作整改落实核对。")
        return
    _show_note(followup.followup_text(checked))
    if checked.checks:
        _show_table(followup.followup_table(checked))


def provenance_section(report: DistrictReport) -> None:
    """十二、数据来源与版本: what a reviewer needs to reproduce the result."""
    _show_table(tables.provenance_table(report.result, report.run_time, report.scores.get("review")))


# --------------------------------------------------------------------------- municipal summary


def summary_heading_section(summary: municipal.Summary, run_time: str | None) -> None:
    """The summary's opening: title, verdict counts and what the page holds; first on the page,
    it also brings the page's stylesheet to JupyterLab."""
    _show_lab_style()
    _show_html(municipal.heading_html(summary, run_time) + html_parts.note(
        "本页汇总各区县的自评估结果：达标情况、排名、各指标得分率、类别对比、失分最多的指标、装备缺口合计、"
        "未纳入汇总的填报文件，以及提供往年数据时的同比变化。所有分数均来自各区县报告的 scores.json"
        "（或由评估程序直接计算），本页不做任何评分。"
    ))


def summary_key_figures_section(summary: municipal.Summary) -> None:
    """The verdict count and each district's total as plain text for nbval (the cell is hidden)."""
    print(municipal.key_figures(summary.scores))


def _show_summary_table(summary: municipal.Summary, name: str) -> None:
    _show_html(municipal.table_html(summary.tables[name]))


def _show_summary_table_or_note(summary: municipal.Summary, name: str, empty: str) -> None:
    """One table of the summary, or the note `empty` when it has no rows."""
    table = summary.tables[name]
    _show_html(municipal.table_html(table) if len(table) else html_parts.note(empty))


def summary_cities_section(summary: municipal.Summary) -> None:
    """各地市汇总, above the ranking, when the units span several cities (nothing otherwise):
    each city's pass rate and mean scores with their chart, then its equipment and, with
    plans, its road to 达标; first, any unit whose city the list of county-level units does
    not give."""
    if municipal.CITY_TABLE not in summary.tables:
        return
    _show_html("<h2>各地市汇总</h2>" + html_parts.note(
        "所属地市按浙江省县级行政区名单确定。各地市的区县与市级单位分行统计（两级评分标准不同，不合并平均）；"
        "达标率为达标数占单位数的百分比，各类别与装备得分为该组单位的平均得分。"
    ))
    unknown = municipal.unknown_note(summary.scores)
    if unknown:
        _show_note(unknown)
    table = summary.tables[municipal.CITY_TABLE]
    _show_summary_table(summary, municipal.CITY_TABLE)
    _show_html(charts.figure_html(municipal.city_figure(table), "各地市达标率与平均总得分条形图"))
    _show_html(f"<h3>{municipal.CITY_EQUIPMENT_TABLE}</h3>" + html_parts.note(
        "各组单位各装备类别的平均得分；装备缺口合计为各单位按标准应配数量与实配数量之差（仅计不足部分）的合计。"
    ))
    _show_summary_table(summary, municipal.CITY_EQUIPMENT_TABLE)
    if municipal.CITY_PLANS_TABLE in summary.tables:
        _show_html(f"<h3>{municipal.CITY_PLANS_TABLE}</h3>" + html_parts.note(
            "按各单位的达标方案：可按方案达标与无法达标的单位数、达标所需的平均措施数与平均增分，以及达标所需购置的装备合计。"
        ))
        _show_summary_table(summary, municipal.CITY_PLANS_TABLE)


def summary_ranking_section(summary: municipal.Summary) -> None:
    """排名, then, for received folders, 核验情况, then, when some district was reviewed,
    复核情况 with its chart."""
    _show_summary_table(summary, "排名")
    if VERIFICATION_TABLE in summary.tables:
        _show_html(f"<h3>{VERIFICATION_TABLE}</h3>" + html_parts.note(VERIFICATION_NOTE))
        _show_summary_table(summary, VERIFICATION_TABLE)
    if municipal.REVIEW_TABLE in summary.tables:
        _show_html(f"<h3>{municipal.REVIEW_TABLE}</h3>" + html_parts.note(
            "经市级复核的地区：自评分与核定分、核定较自评（核定分减自评分）、更正项数，以及复核前后的结论。"
        ))
        _show_summary_table(summary, municipal.REVIEW_TABLE)
        _show_html(charts.figure_html(municipal.review_figure(summary.scores), "复核地区自评分与核定分对比条形图"))


def summary_heatmap_section(summary: municipal.Summary) -> None:
    """各指标得分率: the districts × indicators heat map (nothing without districts)."""
    if summary.scores:
        heat = municipal.heatmap_figure(municipal.indicator_percent(summary.scores))
        _show_html(charts.figure_html(heat, "各地区各指标得分率热力图，未满分的格内标出得分率"))


def summary_categories_section(summary: municipal.Summary) -> None:
    """类别对比: each category's share per district (nothing without districts)."""
    if summary.scores:
        bars = municipal.category_figure(summary.scores)
        _show_html(charts.figure_html(bars, "各类别各地区得分率条形图，虚线为达标线"))


def summary_weakest_section(summary: municipal.Summary) -> None:
    """失分最多的指标."""
    _show_summary_table(summary, "失分最多的指标")


def summary_equipment_section(summary: municipal.Summary) -> None:
    """装备缺口合计: the listed districts' equipment shortfalls, summed (a city's or a province's)."""
    _show_summary_table(summary, "装备缺口")


def summary_plans_section(summary: municipal.Summary) -> None:
    """达标路径: each district's plan in brief and the city's purchases, when plans were given."""
    if "达标路径" not in summary.tables:
        _show_note("未提供各地区的达标方案（plan.json）。")
        return
    _show_summary_table(summary, "达标路径")
    _show_html("<h3>装备购置清单（各地区合计）</h3>")
    _show_summary_table_or_note(summary, "装备购置清单", "各地区达标方案均无需购置装备。")


def summary_excluded_section(summary: municipal.Summary) -> None:
    """未纳入汇总的填报文件, then 填报信息: who filed each district's workbook and when."""
    _show_summary_table_or_note(summary, "未纳入汇总", "全部填报文件均已纳入汇总。")
    if municipal.BASIC_INFO_TABLE in summary.tables and len(summary.tables[municipal.BASIC_INFO_TABLE]):
        _show_html(f"<h3>{municipal.BASIC_INFO_TABLE}</h3>"
                   + html_parts.note("各地区填报工作簿“基本信息”中的填报单位、填报人、联系电话与填报日期。"))
        _show_summary_table(summary, municipal.BASIC_INFO_TABLE)


def summary_year_over_year_section(summary: municipal.Summary) -> None:
    """同比变化: by district and by category, when an earlier year was given; first, any
    earlier file that was damaged and left out."""
    for warning in summary.previous_warnings:
        _show_note(warning)
    if "同比变化-地区" not in summary.tables:
        _show_note("未提供往年数据，不作同比。")
        return
    _show_note("同口径比较：两年均经市级复核的地区比较核定得分，其余地区比较两年的自评估得分（见“比较口径”列）。")
    _show_summary_table(summary, "同比变化-地区")
    _show_summary_table(summary, "同比变化-类别")


def summary_followup_section(summary: municipal.Summary) -> None:
    """上年整改落实情况: each district's completion and the actions most often left undone;
    first, any earlier plan.json that was damaged and left out."""
    for warning in summary.plan_warnings:
        _show_note(warning)
    if "上年整改落实" not in summary.tables:
        _show_note("未提供往年批量输出中的整改方案（plan.json），不作整改落实核对。")
        return
    _show_summary_table(summary, "上年整改落实")
    _show_html("<h3>未落实最多的措施</h3>")
    _show_summary_table_or_note(summary, "上年未落实事项", "上年各地区整改措施均已完成。")
