"""The HTML primitives every page of the report and the summary shares: escaped text, cell
text of numbers, China time and the data table (`<table class="data">`, `num` cells, `loss`
rows, `id` columns). Nothing here knows a score: `tables` (DataFrames) and `html_parts` (the
pieces of a page) both build on it.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import pandas as pd

from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt, signed

#: China Standard Time. A fixed offset rather than the tz database: China has kept UTC+8
#: without daylight saving since 1991, and a machine without tzdata must show the same time.
CHINA_TIME = timezone(timedelta(hours=8), "北京时间")
#: Columns that hold ids; the only place a reader meets one.
ID_COLUMNS = ("编号",)
#: Columns whose numbers are percentages (shown with a % sign).
PERCENT_COLUMNS = ("得分率",)
#: Words that mark a column of changes (同比变化, 预计增分): its numbers carry their sign (+3).
CHANGE_WORDS = ("变化", "增分")
#: Text a numeric column may hold instead of a number (still right-aligned with it).
NUMERIC_PLACEHOLDERS = ("未填报", "—", "")


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
    return isinstance(value, int | float | Fraction) and not isinstance(value, bool) and not pd.isna(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def is_change_column(column: str) -> bool:
    """Whether a column holds changes (总得分变化, 变化(百分点), 预计增分)."""
    return any(word in column for word in CHANGE_WORDS)


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


def _numeric_column(values: Iterable[Any]) -> bool:
    seen = False
    for v in values:
        if _blank(v) or (isinstance(v, str) and v in NUMERIC_PLACEHOLDERS):
            continue
        if not _is_number(v):
            return False
        seen = True
    return seen


def data_table(df: pd.DataFrame, *, loss: str | None = None) -> str:
    """A `<table class="data">`: header row in `<thead>`, numbers right-aligned (`num`),
    ids marked (`id`), and rows whose `loss` column is above zero marked `loss`.

    Written here rather than with pandas' Styler because the page needs classes on header
    cells too, and stable markup (no generated ids) keeps committed notebooks diffable.
    """
    columns = list(df.columns)
    numeric = {c: _numeric_column(df[c]) for c in columns}

    def classes(column: str) -> str:
        names = [n for n, on in (("num", numeric[column]), ("id", column in ID_COLUMNS)) if on]
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{classes(c)}>{esc(c)}</th>" for c in columns)
    rows = []
    for record in df.itertuples(index=False, name=None):  # plain tuples: columns may be district names
        values = dict(zip(columns, record))
        lost = loss is not None and _is_number(values.get(loss)) and values[loss] > 0
        cells = "".join(
            f"<td{classes(c)}>{esc(cell_text(values[c], percent=c in PERCENT_COLUMNS, change=is_change_column(c)))}</td>"
            for c in columns
        )
        rows.append(f'<tr class="loss">{cells}</tr>' if lost else f"<tr>{cells}</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
