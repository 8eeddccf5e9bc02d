"""The index page's HTML (index.html): its table of districts, its summary links, its inline
style and script; `report.index` gathers what it lists from the files and publishes it.

The page needs nothing but itself (style and script inline, the font embedded at FONT_MARK
by `report.index`); a browser without scripts shows the whole table, and with scripts a
reader sorts it by a column (figures by value, Chinese by its pinyin order) and filters it
by a text and a verdict, all by keyboard too.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assessment.publish.fonts import WEB_FONT_FAMILY
from assessment.report.summary_name import CITY_SUMMARY
from assessment.scoring.verdict import FAILED, PENDING
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt

DISTRICT, YEAR, VERDICT, TOTAL, SELF_TOTAL, REVIEWED_TOTAL, VERIFICATION, REPORT = (
    "地区", "年度", "结论", "总得分", "自评分", "核定分", "核验状态", "报告"
)
#: What a cell shows when the district has no such figure (not reviewed, not verified).
NONE = "—"


@dataclass(frozen=True)
class IndexRow:
    """One district as the index lists it; `link` is its report.html relative to the page (None: absent)."""

    district: str
    year: int | None
    verdict: str
    total: float | int
    self_total: float | int | None
    reviewed: bool
    verification: str | None
    link: str | None


@dataclass(frozen=True)
class SummaryLink:
    """A year's summary (and, on the top page, the year's own index), relative to the page;
    `name` is what the summary is called (市级汇总 or 全省汇总, `report.summary_name`)."""

    year: int | None
    summary: str | None
    index: str | None
    name: str = CITY_SUMMARY

STYLE = """
:root { --ink: #1f2933; --line: #c8d1dc; --head: #eef2f6; --accent: #1d4f91; }
html { color: var(--ink); background: #fff;
  font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "__WEB_FONT__", sans-serif;
  font-size: 15px; line-height: 1.6; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
ul.summaries { padding-left: 1.2rem; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; margin: .5rem 0; }
.controls[hidden] { display: none; }
.controls input, .controls select { font: inherit; padding: .2rem .4rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; word-break: keep-all; }
thead th { background: var(--head); }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
th button { font: inherit; color: inherit; background: none; border: 0; padding: 0; margin: 0; width: 100%;
  text-align: inherit; cursor: pointer; }
th button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tr[hidden] { display: none; }
.count { color: #52606d; }
"""

SCRIPT = """
(function () {
  var table = document.getElementById('districts');
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById('filter-text');
  var verdict = document.getElementById('filter-verdict');
  var count = document.getElementById('shown');
  document.getElementById('controls').hidden = false;
  function key(row, column, numeric) {
    var cell = row.cells[column];
    if (numeric) {
      var v = cell.getAttribute('data-value');
      return v === null || v === '' ? null : parseFloat(v);
    }
    return cell.textContent.trim();
  }
  function sortBy(th, column) {
    var numeric = th.classList.contains('num');
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var sorted = rows.slice().sort(function (a, b) {
      var x = key(a, column, numeric), y = key(b, column, numeric);
      if (x === null || y === null) { return x === y ? 0 : (x === null ? 1 : -1); }
      var order = numeric ? x - y : x.localeCompare(y, 'zh');
      return ascending ? order : -order;
    });
    sorted.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
    if (th.hasAttribute('data-nosort')) { return; }
    var button = document.createElement('button');
    button.type = 'button';
    button.title = '按' + th.textContent + '排序';
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener('click', function () { sortBy(th, column); });
  });
  function filter() {
    var words = text.value.trim().toLowerCase();
    var chosen = verdict ? verdict.value : '';
    var shown = 0;
    rows.forEach(function (row) {
      var hit = (!words || row.textContent.toLowerCase().indexOf(words) !== -1)
        && (!chosen || row.getAttribute('data-verdict') === chosen);
      row.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = '显示' + shown + '个，共' + rows.length + '个';
  }
  text.addEventListener('input', filter);
  if (verdict) { verdict.addEventListener('change', filter); }
  filter();
})();
"""


#: The words the script writes into the page (the count of rows shown, a header button's
#: title): the embedded font must hold them, though page_characters skips script source.
SCRIPT_WORDS = "显示个，共按排序"


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number_cell(value: float | int | None) -> str:
    if value is None:
        return f'<td class="num" data-value="">{NONE}</td>'
    return f'<td class="num" data-value="{_esc(value)}">{_esc(fmt(to_fraction(value)))}</td>'


def _columns(rows: Sequence[IndexRow], *, with_year: bool) -> list[str]:
    reviewed = any(r.reviewed for r in rows)
    return [
        DISTRICT, *([YEAR] if with_year else []), VERDICT, *([SELF_TOTAL, REVIEWED_TOTAL] if reviewed else [TOTAL]),
        *([VERIFICATION] if any(r.verification for r in rows) else []), REPORT,
    ]


def _row_html(row: IndexRow, columns: Sequence[str]) -> str:
    cells = {
        DISTRICT: f"<td>{_esc(row.district)}</td>",
        YEAR: f'<td class="num" data-value="{_esc(row.year if row.year is not None else "")}">{_esc(row.year or NONE)}</td>',
        VERDICT: f"<td>{_esc(row.verdict)}</td>",
        TOTAL: _number_cell(row.total),
        SELF_TOTAL: _number_cell(row.self_total),
        REVIEWED_TOTAL: _number_cell(row.total if row.reviewed else None),
        VERIFICATION: f"<td>{_esc(row.verification or NONE)}</td>",
        REPORT: f'<td><a href="{_esc(row.link)}">查看报告</a></td>' if row.link else "<td>缺少报告页面</td>",
    }
    return f'<tr data-verdict="{_esc(row.verdict)}">' + "".join(cells[c] for c in columns) + "</tr>"


NUM_CLASS = ' class="num"'


def _numeric(column: str) -> bool:
    return column in (YEAR, TOTAL, SELF_TOTAL, REVIEWED_TOTAL)


#: Where a page's font goes.
FONT_MARK = "<!-- font -->"


def page_html(title: str, rows: Sequence[IndexRow], summaries: Sequence[SummaryLink]) -> str:
    """The page (see the module's docstring) without its font, at FONT_MARK: the summaries,
    then the table of districts with its sort buttons and filters (made by the script, so a
    page without it is a plain table)."""
    with_year = len({r.year for r in rows}) > 1 or len(summaries) > 1
    columns = _columns(rows, with_year=with_year)
    head = "".join(
        f"<th scope=\"col\"{NUM_CLASS if _numeric(c) else ''}{' data-nosort' if c == REPORT else ''}>{_esc(c)}</th>"
        for c in columns
    )
    links = []
    for s in summaries:
        year = f"{s.year}年" if s.year is not None else ""
        parts = [f'<a href="{_esc(s.summary)}">{_esc(year)}{_esc(s.name)}</a>'] if s.summary else []
        if s.index:
            parts.append(f'<a href="{_esc(s.index)}">{_esc(year)}报告目录</a>')
        if parts:
            links.append(f"<li>{'　'.join(parts)}</li>")
    heading = "各年度" if any(s.index for s in summaries) else "、".join(sorted({s.name for s in summaries if s.summary}))
    verdicts = sorted({r.verdict for r in rows}, key=lambda v: (v == FAILED, v == PENDING, v))  # passes first
    options = "".join(f'<option value="{_esc(v)}">{_esc(v)}</option>' for v in verdicts)
    body = (
        f"<h1>{_esc(title)}</h1>\n"
        + (f'<h2>{heading}</h2>\n<ul class="summaries">{"".join(links)}</ul>\n' if links else "")
        + f"<h2>地区报告（{len(rows)}个）</h2>\n"
        + '<div class="controls" id="controls" hidden>'
        + '<label>筛选 <input type="search" id="filter-text" placeholder="地区、结论或状态"></label>'
        + f'<label>结论 <select id="filter-verdict"><option value="">全部</option>{options}</select></label>'
        + '<span class="count" id="shown" aria-live="polite"></span></div>\n'
        + f'<table id="districts"><thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "\n".join(_row_html(r, columns) for r in rows)
        + "\n</tbody></table>\n"
    )
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(title)}</title>\n<style>{STYLE.replace('__WEB_FONT__', WEB_FONT_FAMILY)}</style>\n"
        f"{FONT_MARK}\n</head>\n<body>\n"
        f"{body}<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
    return page


def index_title(years: Sequence[int | None]) -> str:
    known = sorted({y for y in years if y is not None})
    span = "" if not known else f"{known[0]}年" if len(known) == 1 else f"{known[0]}—{known[-1]}年"
    return f"{span}执法机构规范化建设自评估报告目录"
