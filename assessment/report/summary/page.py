"""The summary page's HTML pieces: its title, its opening (heading, verdict counts, notes)
and its tables, every text escaped (`report.html_parts`, `report.markup`)."""

from __future__ import annotations

import pandas as pd

from assessment.report import html_parts
from assessment.report.markup import china_time, data_table
from assessment.report.summary.build import SAMPLE_WARNING, Summary
from assessment.report.summary.tables import excluded_table, pass_count
from assessment.report.summary_name import known_cities, spans_cities, summary_name
from assessment.scoring.scores_json import stated_state

SUMMARY_HEADING = "生态环境保护综合行政执法机构规范化建设 {kind}"


def summary_title(summary: Summary) -> str:
    """The page title, e.g. `2022年 市级汇总（12个地区）`."""
    year = f"{summary.year}年 " if summary.year is not None else ""
    return f"{year}{summary_name(summary.scores)}（{len(summary.scores)}个地区）"


def heading_html(summary: Summary, run_time: str | None = None) -> str:
    """The page's opening: one title with its meta line (年度 · 地区数 · 生成时间, China
    time; 地市数 too when the units span several cities), the verdict counts as a row of
    figures, and the notes a reader needs first."""
    count = pass_count(summary.scores)
    meta = [f"{summary.year}年"] if summary.year is not None else []
    meta.append(f"{len(summary.scores)}个地区")
    if spans_cities(summary.scores):  # the province roll-up: how many cities the units span
        meta.append(f"{len(known_cities(summary.scores))}个地市")
    shown = china_time(run_time)
    if shown:
        meta.append(f"生成于{shown}")
    pending = sum(1 for s in summary.scores if stated_state(s) == "pending")
    items = [(str(count.passed), "达标地区"), (str(count.total - count.passed), "未达标地区")]
    if pending:
        items.append((str(pending), "达标待核（装备台账不全）"))
    lines = [html_parts.head(SUMMARY_HEADING.format(kind=summary_name(summary.scores)), meta), html_parts.figures(items)]
    if summary.sample:
        lines.append(html_parts.sample_banner(SAMPLE_WARNING))
    if summary.unverified:
        lines.append(html_parts.note(
            f"其中{len(summary.unverified)}个地区的数字未能核验（{'、'.join(summary.unverified)}）："
            "按其所报计入上述数字，不参与排名，见“核验情况”。"
        ))
    if summary.excluded:
        lines.append(html_parts.note(f"另有{len(excluded_table(summary.excluded))}个填报文件未纳入汇总，见文末。"))
    return "\n".join(lines)


def table_html(table: pd.DataFrame) -> str:
    """A table for the page (`<table class="data">`): no index, text left and numbers right,
    blanks empty, every text HTML-escaped (district names and messages come from files)."""
    return data_table(table)
