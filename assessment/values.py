"""Reading what people type: 是/否, √, "80%", full-width digits, Excel percent cells.

Each parser returns the typed value or raises `ValueProblem` with the Chinese expectation
that the error message will show. Text is NFKC-normalised first, which turns full-width
digits and signs (８０％) into their ASCII forms.
"""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from typing import Any

from .exact import HUNDRED, to_fraction
from .model import Cell

TRUE_WORDS = {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "已", "已完成"}
FALSE_WORDS = {"否", "无", "×", "✗", "✘", "x", "n", "no", "false", "0", "未", "未完成"}
LEVEL_WORDS = {
    "county": {"county", "县级", "县", "区县", "区县级", "县(市、区)", "县级(含分局)"},
    "city": {"city", "市级", "设区市", "设区市级", "市"},
}
EXPECT = {
    "flag": "应填“是”或“否”（也可填 有/无、√/×、Y/N、1/0）",
    "rate": "应为0到100之间的百分比（如 85 或 85%）",
    "count": "应为不小于0的整数",
    "number": "应为不小于0的数",
}


class ValueProblem(ValueError):
    """A value that does not fit; the message is the Chinese expectation."""


def text_of(value: Any) -> str:
    """A cell's text, NFKC-normalised and stripped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def show(value: Any) -> str:
    """How a bad value is quoted back to the analyst."""
    return f"“{value}”" if isinstance(value, str) else repr(value)


def parse_flag(cell: Cell) -> bool:
    v = cell.value
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    word = text_of(v).lower() if isinstance(v, str) else None
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueProblem(f"{EXPECT['flag']}，实际为{show(v)}")


def _number(cell: Cell, expect: str) -> Fraction:
    v = cell.value
    if isinstance(v, bool):
        raise ValueProblem(f"{expect}，实际为{show(v)}")
    if isinstance(v, (int, float)):
        return to_fraction(v)
    text = text_of(v).replace(",", "") if isinstance(v, str) else None
    if not text:
        raise ValueProblem(f"{expect}，实际为{show(v)}")
    try:
        return to_fraction(text)
    except ValueError:
        raise ValueProblem(f"{expect}，实际为{show(v)}") from None


def parse_rate(cell: Cell) -> Fraction:
    """A percentage 0–100; "85%" and Excel cells formatted as percent (0.85) both mean 85."""
    v = cell.value
    if isinstance(v, str) and text_of(v).endswith("%"):
        value = _number(Cell(text_of(v)[:-1], cell.location), EXPECT["rate"])
    else:
        value = _number(cell, EXPECT["rate"])
        if cell.percent_format:
            value *= HUNDRED
    if not 0 <= value <= HUNDRED:
        raise ValueProblem(f"{EXPECT['rate']}，实际为{show(v)}")
    return value


def parse_count(cell: Cell, minimum: int = 0) -> int:
    expect = EXPECT["count"] if minimum == 0 else f"应为不小于{minimum}的整数"
    value = _number(cell, expect)
    if value.denominator != 1 or value < minimum:
        raise ValueProblem(f"{expect}，实际为{show(cell.value)}")
    return int(value)


def parse_number(cell: Cell) -> Fraction:
    value = _number(cell, EXPECT["number"])
    if value < 0:
        raise ValueProblem(f"{EXPECT['number']}，实际为{show(cell.value)}")
    return value


def parse_level(cell: Cell) -> str:
    word = text_of(cell.value).lower() if cell.value is not None else ""
    for level, words in LEVEL_WORDS.items():
        if word in words:
            return level
    raise ValueProblem(f"层级应为“县级”或“市级”，实际为{show(cell.value)}")


def parse_text(cell: Cell) -> str:
    if cell.blank:
        raise ValueProblem("不能为空")
    return text_of(cell.value) if not isinstance(cell.value, str) else cell.value.strip()


PARSERS = {"flag": parse_flag, "rate": parse_rate, "count": parse_count, "number": parse_number}
