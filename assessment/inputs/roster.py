"""Rates computed from the staff roster (执法人员名册), when an analyst provides one.

A roster is the evidence behind three rates of indicator s05/s06; computing them from it
avoids the copy errors of a hand-typed percentage.
"""

from __future__ import annotations

from fractions import Fraction

from assessment.inputs.model import Person
from assessment.util.exact import percent

EDUCATION_LEVELS = ("博士研究生", "硕士研究生", "本科", "大专", "高中及以下")
#: 大专以上学历: what counts, including the usual synonyms people type.
COLLEGE_OR_ABOVE = {"博士研究生", "博士", "硕士研究生", "硕士", "研究生", "本科", "大学本科", "大专", "专科", "大学专科"}
EDUCATION_WORDS = COLLEGE_OR_ABOVE | {"高中及以下", "高中", "中专", "职高", "初中", "小学"}
MAJOR_CATEGORIES = ("法学类", "生态环境相关", "其他")
LAW_OR_ENVIRONMENT = {"法学类", "生态环境相关"}

#: Which roster measure each `roster:` key of a threshold rule means, in words.
MEASURE_NAMES = {
    "college": "大专以上学历人数 / 名册人数",
    "law_env_major": "法学类或生态环境相关专业人数 / 名册人数",
    "certified": "持证人数 / 应持证人数",
}


def roster_rate(measure: str, roster: tuple[Person, ...]) -> tuple[Fraction, int, int] | None:
    """(rate, numerator, denominator) for a roster measure; None when it has no denominator."""
    if measure == "certified":
        required = [p for p in roster if p.cert_required]
        hits = sum(1 for p in required if p.certified)
        base = len(required)
    elif measure == "college":
        hits, base = sum(1 for p in roster if p.education in COLLEGE_OR_ABOVE), len(roster)
    elif measure == "law_env_major":
        hits, base = sum(1 for p in roster if p.major in LAW_OR_ENVIRONMENT), len(roster)
    else:
        raise KeyError(measure)
    return None if base == 0 else (percent(hits, base), hits, base)
