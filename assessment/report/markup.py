"""The HTML primitives every page of the report and the summary shares: escaped text, cell
text of numbers, China time and the data table (`<table class="data">`, `num` cells, `loss`
rows, `id` columns). Nothing here knows a score: `tables` (DataFrames) and `html_parts` (the
pieces of a page) both build on it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta, timezone
from numbers import Real
from typing import Any

import pandas as pd

from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt, is_change_column, signed

#: China Standard Time. A fixed offset rather than the tz database: China has kept UTC+8
#: without daylight saving since 1991, and a machine without tzdata must show the same time.
CHINA_TIME = timezone(timedelta(hours=8), "北京时间")
#: Columns that hold ids; the only place a reader meets one.
ID_COLUMNS = ("编号",)
#: Columns whose numbers are percentages (shown with a % sign).
PERCENT_COLUMNS = ("得分率",)
#: Text a numeric column may hold instead of a number (still right-aligned with it).
NUMERIC_PLACEHOLDERS = ("未填报", "—", "")
#: A figure as a cell shows it: 3, -0.5, +2, 87.5%, 1→0 (a change of points).
FIGURE = re.compile(r"[+\-−]?\d+(?:\.\d+)?%?(?:→[+\-−]?\d+(?:\.\d+)?%?)?")
#: A date (2022-12-31, 2022年12月31日), with or without a time: it never wraps.
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日(?: \d{2}:\d{2})?")
#: A header of up to this many characters is one word to a reader (完成后总分, 达标所需购置):
#: it never breaks.
HEADER_WORD = 6
#: A table of more columns than this (the summary's ranking and 同比变化) is set smaller so that it
#: fits the sheet, and scrolls sideways on a screen narrower than it.
WIDE_COLUMNS = 9
#: Punctuation a header may break around (before an opening bracket, after the others).
_BREAK_BEFORE = "（("
_BREAK_AFTER = "）)、/／·"


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def china_time(iso: str | None) -> str | None:
    """An ISO 8601 time as a Chinese reader writes it, in China time: `2026年11月28日 21:21`.

    A time without an offset is taken as already local (China time); None stays None; a
    text that is not ISO 8601 (a hand-passed notebook parameter) is shown as given.
    """
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA_TIME)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}"


# --------------------------------------------------------------------------- tables


def _is_number(value: Any) -> bool:
    """A number of any kind a table holds: int, float, Fraction, numpy's (an Int64 column's
    counts) alike; never a bool (是/否) or a missing value."""
    return isinstance(value, Real) and not isinstance(value, bool) and not pd.isna(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def cell_text(value: Any, *, percent: bool = False, change: bool = False) -> str:
    """Cell text: numbers without trailing zeros (3, 0.5, 76.67), a change with its sign
    (+3), 是/否, blanks as empty."""
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if _is_number(value):
        text = (signed if change else fmt)(to_fraction(value))
        return f"{text}%" if percent else text
    return str(value)


def is_figure(text: str) -> bool:
    """Whether a cell's text is a figure (a number, a percentage, a change 1→0)."""
    return FIGURE.fullmatch(text.strip()) is not None


def numeric_column(texts: Iterable[str]) -> bool:
    """Whether a column holds figures: most of its filled cells are figures (a 结论 row in
    a column of points does not turn it into text); placeholders (未填报, —) count for neither."""
    filled = [t for t in texts if t.strip() not in NUMERIC_PLACEHOLDERS]
    return bool(filled) and 2 * sum(is_figure(t) for t in filled) > len(filled)


def header_html(text: str) -> str:
    """A header's text, escaped, with `<wbr>` where it may break: the page sets headers
    `word-break: keep-all`, so a header breaks only here and a column is never narrower
    than its header's longest word.

    A header of up to HEADER_WORD characters never breaks. A longer one breaks around its
    brackets and separators, and within a run of Chinese characters every fourth character,
    leaving at least three characters a line (机构设置 / 规范化, 机构设置 / 规范化变化):
    Chinese headers are compounds of two-character words, and a line between two possible
    breaks is never shorter than three.
    """
    if len(text) <= HEADER_WORD:
        return esc(text)
    cjk = [_is_cjk(ch) for ch in text]
    pieces = []
    for n, ch in enumerate(text):
        start = n
        while start > 0 and cjk[start - 1] and cjk[n]:
            start -= 1
        end = n
        while end < len(text) and cjk[end] and cjk[n]:
            end += 1
        inside = cjk[n] and end - start > HEADER_WORD and n - start >= 4 and (n - start) % 4 == 0 and end - n >= 3
        around = (ch in _BREAK_BEFORE and n >= 2) or (n > 0 and text[n - 1] in _BREAK_AFTER and len(text) - n >= 2)
        if n > 0 and (inside or around):
            pieces.append("<wbr>")
        pieces.append(esc(ch))
    return "".join(pieces)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _classes(names: Sequence[str]) -> str:
    return f' class="{" ".join(names)}"' if names else ""


def data_table(df: pd.DataFrame, *, loss: str | None = None) -> str:
    """A `<table class="data">`: header row in `<thead>`, ids marked (`id`), dates marked
    (`date`), rows whose `loss` column is above zero marked `loss`, and every cell of a
    column of figures marked `num` (right-aligned, with its header).

    This is the one place a table's alignment is decided, from what its cells show (see
    `numeric_column`), so the district report, the review tables and the municipal summary
    align alike whatever type a column has (numbers, counts, figures written as text).
    Written here rather than with pandas' Styler because the page needs classes on header
    cells too, and stable markup (no generated ids) keeps committed notebooks diffable.
    """
    columns = list(df.columns)
    records = list(df.itertuples(index=False, name=None))  # plain tuples: columns may be district names
    texts = [
        [
            cell_text(value, percent=column in PERCENT_COLUMNS, change=is_change_column(column))
            for column, value in zip(columns, record)
        ]
        for record in records
    ]
    numeric = [numeric_column(row[k] for row in texts) for k in range(len(columns))]

    def kinds(k: int) -> list[str]:
        return [n for n, on in (("num", numeric[k]), ("id", columns[k] in ID_COLUMNS)) if on]

    head = "".join(f"<th{_classes(kinds(k))}>{header_html(str(c))}</th>" for k, c in enumerate(columns))
    rows = []
    for record, shown in zip(records, texts):
        values = dict(zip(columns, record))
        lost = loss is not None and _is_number(values.get(loss)) and values[loss] > 0
        cells = "".join(
            f"<td{_classes(kinds(k) + (['date'] if _is_date(values[c], text) else []))}>{esc(text)}</td>"
            for k, (c, text) in enumerate(zip(columns, shown))
        )
        rows.append(f'<tr class="loss">{cells}</tr>' if lost else f"<tr>{cells}</tr>")
    table = f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if len(columns) > WIDE_COLUMNS:  # set smaller, and scrolled on a narrow screen rather than cut
        return f'<div class="table-scroll"><table class="data wide">{table}</div>'
    return f'<table class="data">{table}'


def _is_date(value: Any, text: str) -> bool:
    return isinstance(value, date) or DATE.fullmatch(text.strip()) is not None
