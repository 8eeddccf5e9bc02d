"""Requirements the work plan sets that no criterion scores (未计分的创建要求), and what the
input already tells about them.

Most of them (a digital case area, injury insurance, deadlines) are facts the input does
not record, so they read 未核实: the report lists them so that a full score is not taken
for "everything the plan asks is done". Where an input fact does tell (the roster's
法律职业资格 column), the requirement is judged from it.
"""

from __future__ import annotations

from collections.abc import Callable

from assessment.inputs.model import DistrictInput
from assessment.rubric.model import UnscoredRequirement

UNVERIFIED = "未核实"


def _legal_qualification(inp: DistrictInput) -> str:
    if inp.roster is None:
        return f"{UNVERIFIED}（未提供执法人员名册）"
    qualified = sum(1 for p in inp.roster if p.legal_qualification)
    if qualified:
        return f"已满足（名册中{qualified}人取得法律职业资格）"
    return f"未满足（名册{len(inp.roster)}人中无人取得法律职业资格）"


#: What each `check:` of the rubric reads from an input.
CHECKS: dict[str, Callable[[DistrictInput], str]] = {
    "roster_legal_qualification": _legal_qualification,
}


def status(requirement: UnscoredRequirement, inp: DistrictInput) -> str:
    """已满足 / 未满足 with the fact behind it, or 未核实 when the input does not tell."""
    if requirement.check is None:
        return UNVERIFIED
    return CHECKS[requirement.check](inp)
