"""Exact numbers as people read them: 3, 0.5, 76.67 (no trailing zeros, few decimals), and
changes with their sign: +3, -1.5.

Kept apart from `exact` (which only computes) because text is for reports, tables and
messages: the arithmetic never depends on how a number is shown.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache


@lru_cache(maxsize=8192, typed=True)  # typed: 0.5 and Fraction(1, 2) stay apart
def fmt(value: Fraction, places: int = 2) -> str:
    """Human text for a number: no trailing zeros, at most `places` decimals (3, 0.5, 76.67).

    Cached: reports and pass conditions format the same few hundred point values over and
    over, and rounding a Fraction costs several times a cache lookup."""
    text = f"{float(round(value, places)):.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: Fraction, places: int = 2) -> str:
    """A change as people read it, with its direction always written: +3, -1.5, 0.

    Every difference shown (year over year, a plan step's gain, a review's correction) goes
    through here, so that a rise never reads like a level: "3" next to a total is ambiguous,
    "+3" is not."""
    text = fmt(value, places)
    return text if text.startswith("-") or text == "0" else f"+{text}"


#: Words that mark a column of changes (同比变化, 总得分变化, 预计增分): its numbers carry their
#: sign (+3) on the page and in every workbook.
CHANGE_WORDS = ("变化", "增分")


def is_change_column(column: str) -> bool:
    """Whether a column holds changes (总得分变化, 变化(百分点), 预计增分)."""
    return any(word in column for word in CHANGE_WORDS)


def with_detail(text: str, detail: str | None) -> str:
    """`text（detail）`, or `text` alone when the detail adds nothing: empty, or words the text
    already says (a criterion whose action is its name would read 设置专门装备间（设置专门装备间）)."""
    if not detail or detail.strip() in text:
        return text
    return f"{text}（{detail}）"
