"""Reading what people type: 是/否, √, "80%", full-width digits, Excel percent cells, names.

Each parser returns the typed value or raises `ValueProblem` with the Chinese expectation
that the error message will show. Text is NFKC-normalised first, which turns full-width
digits and signs (８０％) into their ASCII forms.

Every number of both input forms goes through one strict reader, `_number`: plain decimal
text only (no exponent, at most `MAX_NUMBER_CHARS` characters), finite, and smaller than
`MAX_MAGNITUDE`. This bounds the work: `Fraction(Decimal("1e999999999"))` alone would
compute a billion-digit integer.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assessment.inputs.limits import MAX_MAGNITUDE, MAX_NAME_CHARS, MAX_NUMBER_CHARS, MAX_TEXT_CHARS
from assessment.inputs.model import Cell, NumberLiteral
from assessment.util.errors import EXIT_INVALID, AssessmentError
from assessment.util.exact import HUNDRED

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
#: A number as people write it: digits, at most one decimal point, an optional sign.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
#: Longest quotation of a bad value in a message.
SHOWN_CHARS = 40
DATE_TYPES = (datetime.date, datetime.time, datetime.timedelta)


class ValueProblem(AssessmentError, ValueError):
    """A value that does not fit; the message is the Chinese expectation."""

    exit_code = EXIT_INVALID


def text_of(value: Any) -> str:
    """A cell's text, NFKC-normalised and stripped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def show(value: Any) -> str:
    """How a bad value is quoted back to the analyst: text in quotes, cut short if long."""
    if isinstance(value, (list, tuple)):
        return "数组（[…]）"
    if isinstance(value, dict):
        return "对象（{…}）"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value) if isinstance(value, (str, NumberLiteral, *DATE_TYPES)) else repr(value)
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "…"
    return f"“{text}”" if isinstance(value, str) else text


def shown(cell: Cell) -> str:
    """The cell as the analyst sees it: the spreadsheet's display text when known."""
    return f"“{cell.display}”" if cell.display is not None else show(cell.value)


def _bad(cell: Cell, expect: str, reason: str = "") -> ValueProblem:
    return ValueProblem(f"{expect}，实际为{shown(cell)}{reason}")


def _checked(cell: Cell, expect: str, value: Decimal) -> Fraction:
    """The exact value of a finite Decimal whose size was bounded by the caller."""
    if abs(value) >= MAX_MAGNITUDE:
        raise _bad(cell, expect, f"（数值过大：绝对值应小于{MAX_MAGNITUDE:,}）")
    return Fraction(value)


def _number(cell: Cell, expect: str, text: str | None = None) -> Fraction:
    """The one strict number reader; `text` overrides the cell's value (a rate without its %)."""
    v = cell.value if text is None else text
    if isinstance(v, DATE_TYPES):
        raise ValueProblem(f"单元格为日期格式（显示为{shown(cell)}），{expect}；请将单元格格式改为“常规”或“数值”后重新填写")
    if isinstance(v, NumberLiteral):
        raise _bad(cell, expect, "（不是有限的数，或超出可表示的范围）")
    if isinstance(v, bool):
        raise _bad(cell, expect)
    if isinstance(v, int):
        if abs(v) >= MAX_MAGNITUDE:
            raise _bad(cell, expect, f"（数值过大：绝对值应小于{MAX_MAGNITUDE:,}）")
        return Fraction(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise _bad(cell, expect, "（不是有限的数）")
        return _checked(cell, expect, Decimal(repr(v)))  # repr: the shortest decimal meaning this float
    if not isinstance(v, str):
        raise _bad(cell, expect)
    plain = text_of(v).replace(",", "")
    if not plain:
        raise _bad(cell, expect)
    if len(plain) > MAX_NUMBER_CHARS:
        raise _bad(cell, expect, f"（超过{MAX_NUMBER_CHARS}个字符）")
    if PLAIN_NUMBER.fullmatch(plain) is None:
        exponent = re.fullmatch(r"[+-]?[\d.]+e[+-]?\d+", plain, re.IGNORECASE) is not None
        raise _bad(cell, expect, "（请写成普通数字，不用科学计数法）" if exponent else "")
    return _checked(cell, expect, Decimal(plain))


def plain_number(value: int | float | Decimal) -> str:
    """A finite number as plain decimal text, as a General-format cell shows it: 2024, 0.5."""
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if abs(number) >= MAX_MAGNITUDE * 1000:
        return repr(value)
    return f"{number.normalize():f}" if number else "0"


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
    raise _bad(cell, EXPECT["flag"])


def _rate_text(cell: Cell) -> str | None:
    """The number part of a rate typed as text with a percent sign ("85%", "８５％")."""
    if isinstance(cell.value, str):
        text = text_of(cell.value)
        if text.endswith("%"):
            return text[:-1]
    return None


def parse_rate(cell: Cell) -> Fraction:
    """A percentage 0–100; "85%" and cells formatted as percent (0.85 shown as 85%) both mean 85."""
    text = _rate_text(cell)
    value = _number(cell, EXPECT["rate"], text)
    if text is None and cell.percent_format:
        value *= HUNDRED
    if not 0 <= value <= HUNDRED:
        raise _bad(cell, EXPECT["rate"])
    return value


def ambiguous_rate(cell: Cell, value: Fraction) -> bool:
    """True when a valid rate of at most 1 was typed without any percent sign in sight.

    0.95 in a plain cell (or JSON) is read as 0.95 %, but was most likely meant as 95 %;
    a percent sign typed, shown by a literal-% format, or implied by a percent format
    says what was meant.
    """
    if not 0 < value <= 1 or cell.percent_format or _rate_text(cell) is not None:
        return False
    return cell.display is None or not cell.display.endswith("%")


def parse_count(cell: Cell, minimum: int = 0) -> int:
    expect = EXPECT["count"] if minimum == 0 else f"应为不小于{minimum}的整数"
    value = _number(cell, expect)
    if value.denominator != 1 or value < minimum:
        raise _bad(cell, expect)
    return int(value)


def parse_number(cell: Cell) -> Fraction:
    value = _number(cell, EXPECT["number"])
    if value < 0:
        raise _bad(cell, EXPECT["number"])
    return value


def parse_level(cell: Cell) -> str:
    word = text_of(cell.value).lower() if isinstance(cell.value, str) else ""
    for level, words in LEVEL_WORDS.items():
        if word in words:
            return level
    raise _bad(cell, "应为“县级”或“市级”")


# ----------------------------------------------------------------------------- text

#: Unicode categories never allowed in a name: control, format (zero-width, bidi), surrogate,
#: line and paragraph separators. Free text may contain tabs and line breaks only.
NAME_FORBIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}
TEXT_FORBIDDEN = {"Cc", "Cs"}
TEXT_ALLOWED = {"\t", "\n"}
#: Not characters in XML (so never storable in .xlsx), though valid in JSON strings.
NONCHARACTERS = {"\ufffe", "\uffff"}


def _forbidden(text: str, categories: set[str], allowed: set[str]) -> str | None:
    """A Chinese note on the first invisible or control character of `text`, if any."""
    for position, char in enumerate(text, start=1):
        if char in allowed:
            continue
        if char in NONCHARACTERS or unicodedata.category(char) in categories:
            return f"含有控制字符或不可见字符 U+{ord(char):04X}（第{position}个字符），请删除后重新填写"
    return None


def parse_name(cell: Cell) -> str:
    """A name (地区, 姓名, 装备名称): text, stripped, without control or invisible characters.

    Such characters are refused rather than removed: they come from copying out of web
    pages or terminals, and silently editing a name would make the report disagree with
    the file the analyst sees.
    """
    if cell.blank:
        raise ValueProblem("不能为空")
    if not isinstance(cell.value, str):
        raise _bad(cell, "应为文字")
    text = cell.value.strip()
    if len(text) > MAX_NAME_CHARS:
        raise ValueProblem(f"超过{MAX_NAME_CHARS}个字符")
    note = _forbidden(text, NAME_FORBIDDEN, set())
    if note is not None:
        raise ValueProblem(note)
    return text


def district_key(name: str) -> str:
    """A district name as names are compared: NFKC (full-width 开发区１ is 开发区1, a full-width
    space a space) with spaces trimmed, so one district typed two ways is never two districts."""
    return unicodedata.normalize("NFKC", name).strip()


def parse_district(cell: Cell) -> str:
    """A district name (see parse_name) in its compared form (district_key): the name every
    report, folder and summary uses, whatever width or spacing the file typed it in."""
    return district_key(parse_name(cell))


def parse_free_text(cell: Cell) -> str:
    """Free text (佐证材料, 备注, 其他信息): line breaks as \\n, stripped, no control characters.

    A number or date (a telephone number, 填报日期) is taken as the text the spreadsheet shows.
    """
    v = cell.value
    if isinstance(v, str):
        text = v.replace("\r\n", "\n").replace("\r", "\n").strip()
    elif cell.display is not None:
        text = cell.display
    elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
        text = plain_number(v)
    else:
        raise _bad(cell, "应为文字")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueProblem(f"超过{MAX_TEXT_CHARS}个字符（Excel单元格的上限）")
    note = _forbidden(text, TEXT_FORBIDDEN, TEXT_ALLOWED)
    if note is not None:
        raise ValueProblem(note)
    return text


def label_key(value: Any) -> str:
    """A label or header as compared: NFKC (全角→半角), surrounding spaces and a trailing colon gone."""
    return unicodedata.normalize("NFKC", str(value)).strip().rstrip(":").strip()


PARSERS = {"flag": parse_flag, "rate": parse_rate, "count": parse_count, "number": parse_number}
