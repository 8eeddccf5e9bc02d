"""Exact numbers as people read them: 3, 0.5, 76.67 (no trailing zeros, few decimals).

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


def with_detail(text: str, detail: str | None) -> str:
    """`text（detail）`, or `text` alone when the detail adds nothing: empty, or words the text
    already says (a criterion whose action is its name would read 设置专门装备间（设置专门装备间）)."""
    if not detail or detail.strip() in text:
        return text
    return f"{text}（{detail}）"
