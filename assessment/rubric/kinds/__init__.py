"""Rule kinds: the only scoring knowledge the engine has, and their registry.

Each kind is one module of this package: a frozen dataclass implementing `RuleKind`
(kinds/base.py), built from a criterion's `rule:` mapping. No kind knows any particular
criterion. `KINDS` maps the name a rubric writes (`rule: {kind: per, …}`) to its class;
the bundled kinds are registered below, and `register_kind` adds another (see
docs/adding-a-rule-kind.md).

Scoring is pure and exact (Fractions); comparisons follow reading r1 of the rubric:
thresholds are inclusive (≥).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, TypeVar

from assessment.rubric.kinds.base import (
    STAFFING_RATE,
    AnswerSearch,
    AnswerTarget,
    AnswerType,
    EquipmentTerms,
    Feed,
    Outcome,
    PartConversion,
    RubricNames,
    RuleKind,
)
from assessment.rubric.kinds.conversion import Conversion
from assessment.rubric.kinds.equipment_ratio import EquipmentRatio
from assessment.rubric.kinds.equipment_standard import EquipmentStandard
from assessment.rubric.kinds.flag import Flag
from assessment.rubric.kinds.per import Per
from assessment.rubric.kinds.threshold import Threshold
from assessment.rubric.kinds.tiers import Tier, Tiers
from assessment.util.errors import AssessmentError

__all__ = [
    "KINDS",
    "STAFFING_RATE",
    "AnswerSearch",
    "AnswerTarget",
    "AnswerType",
    "Conversion",
    "EquipmentRatio",
    "EquipmentStandard",
    "EquipmentTerms",
    "Feed",
    "Flag",
    "Outcome",
    "PartConversion",
    "Per",
    "RubricNames",
    "RuleDataError",
    "RuleKind",
    "Threshold",
    "Tier",
    "Tiers",
    "build_rule",
    "register_kind",
]

#: Every kind a rubric may use, by the name it writes.
KINDS: dict[str, type[RuleKind]] = {}
K = TypeVar("K", bound=type[RuleKind])


def register_kind(cls: K) -> K:
    """Make `cls` available to rubrics under `cls.kind`; returns it (usable as a decorator).

    Refuses a class that leaves part of the interface unimplemented, has no name or schema,
    or takes a name another kind holds."""
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise TypeError(f"rule kind {cls.__name__} does not implement: {missing}")
    name = getattr(cls, "kind", None)
    if not isinstance(name, str) or not isinstance(getattr(cls, "schema", None), dict):
        raise TypeError(f"rule kind {cls.__name__} needs the class attributes `kind` (a name) and `schema`")
    held = KINDS.get(name)
    if held is not None and held is not cls:
        raise ValueError(f"rule kind {name!r} is already registered ({held.__name__})")
    KINDS[name] = cls
    return cls


for _bundled in (Flag, Threshold, Tiers, Per, Conversion, EquipmentRatio, EquipmentStandard):
    register_kind(_bundled)


class RuleDataError(AssessmentError, ValueError):
    """A rule mapping the engine cannot use; the message says which key and why."""


def build_rule(raw: Mapping[str, Any], *, check: bool = True) -> RuleKind:
    """The rule object for a criterion's `rule:` mapping, after checking its parameters
    against its kind's schema (`check` False only for a rubric already proved valid: see
    `loader._schema_checked`)."""
    kind = raw.get("kind")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise RuleDataError(f"unknown rule kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    if check:
        import jsonschema  # slow to import; only needed for a rubric not yet proved valid

        try:
            jsonschema.validate(dict(raw), cls.schema)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "rule"
            raise RuleDataError(f"{kind} rule, {where}: {exc.message}") from None
    return cls.from_data(raw)
