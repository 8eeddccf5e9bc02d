"""The input model: raw cells as read (with where they came from) and the validated district.

Readers (JSON, workbook) produce a `RawInput` whose every value carries its `Location`, so
that validation can say exactly which file, sheet, row and column (or JSON path) is wrong.
Validation turns it into a `DistrictInput` with exact, typed values, or a list of `Problem`s.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from assessment.rubric.equipment import ExtraEquipment
from assessment.rubric.levels import Level
from assessment.util.errors import EXIT_INVALID, AssessmentError

LEVEL_NAMES = {"county": "县级", "city": "市级"}
#: The facts every district gives, by the label the workbook's 基本信息 sheet shows them under.
FACT_LABELS = {"district": "地区", "level": "层级", "year": "年度", "authorized": "核定编制数", "on_duty": "实际到岗执法人员数"}
#: The free facts the template asks for (基本信息: who filed it and when); the report says
#: them in its header, scores.json and the municipal summary carry them.
BASIC_INFO: dict[str, str] = {"unit": "填报单位", "filer": "填报人", "phone": "联系电话", "filed": "填报日期"}
BASIC_INFO_LABELS = tuple(BASIC_INFO.values())
FILING_DATE_LABEL = BASIC_INFO["filed"]
#: 填报日期 as people type it or a date cell shows it: 2023-01-15, 2023/1/15, 2023.1.15,
#: 2023年1月15日, optionally followed by a time.
_FILING_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
SAMPLE_LABEL = "示例数据"
INFO_HEADER_LABEL = "项目"
#: Labels of 基本信息 rows that are not free information items.
RESERVED_INFO_LABELS = frozenset({*FACT_LABELS.values(), SAMPLE_LABEL, INFO_HEADER_LABEL})
#: Unicode categories escaped when a message is shown: control, format, surrogate,
#: unassigned (noncharacters such as U+FFFE), line and paragraph separators.
UNPRINTABLE = {"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"}


def printable(text: str) -> str:
    """`text` with control and invisible characters written as `\\x1b`, `\\u200b`…

    Messages quote what people typed, file names and sheet names included; printed raw, an
    escape sequence in a district name would recolour or rewrite the analyst's terminal.
    """
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape", "backslashreplace").decode("ascii")
        if char != "\n" and unicodedata.category(char) in UNPRINTABLE
        else char
        for char in text
    )


@dataclass(frozen=True)
class Location:
    """Where a value came from: a workbook cell or a JSON path."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    json_path: str | None = None

    def describe(self) -> str:
        """Chinese description, e.g. `龙湾区.xlsx 工作表「指标填报」第12行 D列（填报值）`."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"{self.column}列" + (f"（{self.header}）" if self.header else ""))
        elif self.header:
            parts.append(f"「{self.header}」")
        if self.json_path:
            parts.append(f"JSON路径 {self.json_path}")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, said in Chinese with its location."""

    location: Location
    message: str

    def __str__(self) -> str:
        return printable(f"{self.location.describe()}：{self.message}")

    def to_dict(self) -> dict[str, Any]:
        return {"location": self.location.to_dict(), "message": self.message, "text": str(self)}


@dataclass(frozen=True)
class NumberLiteral:
    """A JSON number that has no sensible value (NaN, Infinity, 1e999, a 5,000-digit integer),
    kept as written so that validation refuses it with its location and quotes it verbatim."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Cell:
    """A raw value as typed, with its location.

    `percent_format` marks a workbook number whose number format scales it by 100 (0.85
    shown as 85%); `display` is the text the spreadsheet shows for a number or date, so that
    messages quote what the analyst sees rather than the stored value.
    """

    value: Any
    location: Location
    percent_format: bool = False
    display: str | None = None

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class RawExtra:
    """An extra equipment row as typed."""

    category: Cell
    name: Cell
    required: Cell
    quantity: Cell
    unit_price: Cell | None = None


@dataclass
class RawPerson:
    """A roster row as typed: 姓名, 学历, 专业类别, 是否持证, 是否应持证, 法律职业资格."""

    cells: dict[str, Cell]


@dataclass
class RawInput:
    """Everything a reader found, before any value is trusted."""

    path: str
    sha256: str
    district: Cell | None = None
    level: Cell | None = None
    year: Cell | None = None
    authorized: Cell | None = None
    on_duty: Cell | None = None
    sample: Cell | None = None
    info: dict[str, Cell] = field(default_factory=dict)
    answers: dict[str, Cell] = field(default_factory=dict)
    evidence: dict[str, Cell] = field(default_factory=dict)
    remarks: dict[str, Cell] = field(default_factory=dict)
    equipment: dict[str, Cell] = field(default_factory=dict)
    prices: dict[str, Cell] = field(default_factory=dict)
    extra_equipment: list[RawExtra] = field(default_factory=list)
    roster: list[RawPerson] | None = None
    problems: list[Problem] = field(default_factory=list)
    #: What the reader noticed about the file without it being wrong (a workbook named .xls):
    #: shown as warnings of the validated input.
    notes: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    """One enforcement officer of the optional roster."""

    name: str
    education: str
    major: str
    certified: bool
    cert_required: bool
    legal_qualification: bool


@dataclass(frozen=True)
class DistrictInput:
    """A district's validated facts and answers: exact values, known ids only.

    Answers map criterion ids to bool (flag), Fraction (rate 0–100, number) or int (count).
    `sources` keeps each answer's location so that later checks (and reports) can cite it.
    """

    district: str
    level: Level
    year: int
    authorized: int
    on_duty: int
    answers: Mapping[str, bool | int | Fraction]
    equipment: Mapping[str, int]
    extra_equipment: tuple[ExtraEquipment, ...] = ()
    roster: tuple[Person, ...] | None = None
    info: Mapping[str, str] = field(default_factory=dict)
    evidence: Mapping[str, str] = field(default_factory=dict)
    remarks: Mapping[str, str] = field(default_factory=dict)
    prices: Mapping[str, Fraction] = field(default_factory=dict)
    sample: bool = False
    path: str = "<memory>"
    sha256: str = ""
    #: Located Chinese notes on values that are valid but may not mean what was intended
    #: (a rate typed as 0.95); about how the file was written, so not part of the facts.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def basic_info(self) -> dict[str, str | None]:
        """基本信息 by key of BASIC_INFO (its Chinese labels), None where not filled in."""
        return {key: self.info.get(label) or None for key, label in BASIC_INFO.items()}

    @property
    def filed(self) -> date | None:
        """The filing date (基本信息's 填报日期) when it reads as a date; None when blank or
        written otherwise (it is free text: a plan then sets its deadlines without it)."""
        found = _FILING_DATE.fullmatch(self.info.get(FILING_DATE_LABEL, "").strip())
        if found is None:
            return None
        try:
            return date(*(int(g) for g in found.groups()))
        except ValueError:  # 2023-02-30
            return None


class InputError(AssessmentError, ValueError):
    """An input that cannot be scored; `problems` says every reason with its location."""

    exit_code = EXIT_INVALID

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
