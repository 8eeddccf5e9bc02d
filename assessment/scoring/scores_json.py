"""The JSON form of a result (`scores.json`, `assessment score --json`): a public contract
read by the municipal summary and by other tools; numbers in it are rounded to 4 decimals.

The verdict it states (`passed`, `title`, `pending`) is read back by `stated_state` and
`stated_words`, which word it as `scoring.verdict` does for a Result, so that a table built
from scores.json and one built from the Result say the same.

`basic_info` carries the workbook's 基本信息 (unit, filer, phone, filed: null when not filled
in), shown under their Chinese labels (`assessment.inputs.model.BASIC_INFO`: 填报单位, 填报人,
联系电话, 填报日期). Provenance names the input by its file name and sha256, never its folder:
scores.json is shared.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from assessment import __version__
from assessment.scoring.pending import Pending
from assessment.scoring.result import Result
from assessment.scoring.verdict import State, verdict_state, verdict_words
from assessment.util.exact import rounded

#: The keys of a scores dict that a reviewed district's `self` block repeats for the
#: self-assessment: its figures and its whole verdict.
SELF_KEYS = ("categories", "equipment", "bonus", "total", "passed", "title", "pending")


def _num(x: Fraction) -> int | float:
    return rounded(x)


def _value(v: Any) -> Any:
    return _num(v) if isinstance(v, Fraction) else v


def _pending_to_dict(pend: Pending | None) -> dict[str, Any] | None:
    """The `pending` key: what rests on equipment the ledger does not list (None: nothing).

    A reader of `passed` alone would take a pass at face value; this says how many standard
    items are unlisted, which criteria's base points depend on them, and the verdict
    without those points.
    """
    if pend is None:
        return None
    return {
        "unlisted": pend.unlisted,
        "categories": [
            {"id": i.category, "name": i.name, "listed": i.listed, "expected": i.expected} for i in pend.incomplete
        ],
        "criteria": list(pend.criteria),
        "total_without_base": _num(pend.total_without_base),
        "passed_without_base": pend.passed_without_base,
        "conditions_without_base": {cid: c.met for cid, c in pend.conditions_without_base.items()},
    }


def result_to_dict(result: Result, tool_version: str) -> dict[str, Any]:
    """The JSON form of a result (see module docstring)."""
    inp, rubric = result.input, result.rubric
    shares = {c.id: c for c in result.conditions}
    category_cond = shares.get("categories")
    failing = set(category_cond.failing) if category_cond else set()
    total_part = rubric.total_part
    equipment = result.parts.get(rubric.equipment_part) if rubric.equipment_part else None
    equipment_cond = next((c for c in result.conditions if c.id == "equipment"), None)
    return {
        "district": inp.district,
        "level": inp.level,
        "year": inp.year,
        "sample": inp.sample,
        "basic_info": inp.basic_info,
        "staff": {"authorized": inp.authorized, "on_duty": inp.on_duty},
        "total": _num(result.total),
        "total_max": _num(result.total_max),
        "passed": result.passed,
        "title": result.title,
        "title_full": result.title_full,
        "veto": list(result.veto),
        "pending": _pending_to_dict(result.verdict.pending),
        "conditions": [
            {
                "id": c.id,
                "name": c.name,
                "op": c.op,
                "threshold": _num(c.threshold),
                "value": _num(c.value),
                "met": c.met,
                "detail": c.detail,
            }
            for c in result.conditions
        ],
        "categories": {
            c.id: {
                "name": c.name,
                "points": _num(c.points),
                "max": _num(c.max),
                "percent": _num(c.share * 100),
                "passed": c.id not in failing,
            }
            for c in result.categories.values()
            if c.part == total_part
        },
        "equipment": {
            "points": _num(equipment.points) if equipment else None,
            "max": _num(equipment.max) if equipment else None,
            "passed": equipment_cond.met if equipment_cond else None,
            "categories": {
                c.id: {"name": c.name, "points": _num(c.points), "max": _num(c.max)}
                for c in result.categories.values()
                if equipment and c.part == equipment.id
            },
            "items": [
                {
                    "id": line.id,
                    "name": line.name,
                    "category": line.category,
                    "required": line.required,
                    "quantity": line.quantity,
                    "shortfall": line.shortfall,
                    "above": line.above,
                    "extra": line.extra,
                }
                for line in result.equipment_lines
            ],
        },
        "bonus": {"points": _num(result.bonus), "max": _num(result.bonus_max)},
        "indicators": {
            i.id: {
                "name": i.name,
                "category": i.category,
                "department": i.department,
                "points": _num(i.points),
                "max": _num(i.max),
            }
            for i in result.indicators.values()
        },
        "criteria": {
            c.id: {
                "name": c.name,
                "indicator": c.indicator,
                "department": c.department,
                "value": _value(c.value),
                "points": _num(c.points),
                "max": _num(c.max),
                "source": c.source,
                "explanation": c.explanation,
            }
            for c in result.criteria.values()
        },
        "missing": list(result.missing),
        "warnings": list(result.warnings),
        "provenance": {
            "rubric_id": rubric.id,
            "rubric_version": rubric.version,
            "rubric_sha256": rubric.sha256,
            "input": PurePath(inp.path).name,  # a shared document names the file, never where it lies
            "input_sha256": inp.sha256,
            "tool_version": tool_version,
        },
    }


def scores_dict(result: Result) -> dict[str, Any]:
    """The `scores.json` form of a result, stamped with this tool's version."""
    return result_to_dict(result, __version__)


def self_scores_dict(result: Result) -> dict[str, Any]:
    """The `self` block of a reviewed district's scores.json: the self-assessment's
    figures and verdict (`SELF_KEYS`), in the form of the top level."""
    full = scores_dict(result)
    return {k: full[k] for k in SELF_KEYS}


def is_reviewed(scores: Mapping[str, Any]) -> bool:
    """Whether a scores.json holds 核定 at its top level and the 自评 in its `self` block (the
    one test of it for reports, summaries and index pages)."""
    return isinstance(scores.get("self"), dict) and isinstance(scores.get("review"), dict)


def stated_state(scores: Mapping[str, Any]) -> State:
    """The verdict state a scores dict (or its `self` block) states: pass, pending or fail.

    A scores.json written before `pending` existed states no pending pass."""
    return verdict_state(scores["passed"], bool(scores.get("pending")))


def stated_words(scores: Mapping[str, Any]) -> str:
    """The verdict a scores dict (or its `self` block) states, worded as reports word it."""
    return verdict_words(stated_state(scores), scores.get("title"))
