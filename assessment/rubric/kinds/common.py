"""Pieces several kinds share: schema fragments, points by level, how values and shortfalls read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from assessment.rubric.equipment import EquipmentLine
from assessment.util.exact import to_fraction
from assessment.util.formatting import fmt

NUMBER: dict[str, Any] = {"type": "number", "minimum": 0}
#: Points that may differ by level: one number, or {county: …, city: …}.
POINTS_BY_LEVEL: dict[str, Any] = {
    "oneOf": [
        NUMBER,
        {
            "type": "object",
            "required": ["county", "city"],
            "additionalProperties": False,
            "properties": {"county": NUMBER, "city": NUMBER},
        },
    ]
}


def rule_schema(properties: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    """The JSON schema of a kind's `rule:` mapping: `kind` plus its own parameters, nothing else."""
    return {
        "type": "object",
        "required": ["kind", *required],
        "additionalProperties": False,
        "properties": {"kind": {"type": "string"}, **properties},
    }


def by_level(raw: Any) -> dict[str, Fraction]:
    """Points per level from POINTS_BY_LEVEL data."""
    if isinstance(raw, Mapping):
        return {level: to_fraction(raw[level]) for level in ("county", "city")}
    return {"county": to_fraction(raw), "city": to_fraction(raw)}


def describe(value: Fraction, input_type: str) -> str:
    """A rate with its percent sign, a number as it is."""
    return f"{fmt(value)}%" if input_type == "rate" else fmt(value)


def shortfall_text(lines: Sequence[EquipmentLine]) -> str:
    """Each line short of its standard: what it needs, has and lacks."""
    return "；".join(
        f"{line.name}需{line.required}{line.unit}、实有{line.present}{line.unit}，缺{line.shortfall}{line.unit}"
        for line in lines
        if not line.met
    )
