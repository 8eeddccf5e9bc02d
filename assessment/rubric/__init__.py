"""The rubric: the scoring standard as data, loaded, checked and frozen into a model.

What other packages use: the model (`model`), loading (`loader`), rule kinds and their
registry (`kinds`), equipment requirements (`equipment`), levels and the questions asked of
a rubric's criteria (`queries`).
"""

from assessment.rubric.equipment import EquipmentLine, EquipmentSpec, ExtraEquipment, equipment_lines
from assessment.rubric.kinds import KINDS, Outcome, RuleDataError, RuleKind, build_rule, register_kind
from assessment.rubric.levels import LEVELS, Level
from assessment.rubric.loader import DEFAULT_RUBRIC, RubricError, default_rubric, load_rubric, parse_rubric
from assessment.rubric.model import (
    Bonus,
    Category,
    Condition,
    Control,
    Criterion,
    Due,
    Group,
    Indicator,
    Part,
    PlanLimit,
    Reading,
    Rubric,
    TitleRule,
    UnscoredRequirement,
    Veto,
    VetoItem,
)
from assessment.rubric.queries import covering_criteria, staffing_criteria

__all__ = [
    "DEFAULT_RUBRIC",
    "KINDS",
    "LEVELS",
    "Bonus",
    "Category",
    "Condition",
    "Control",
    "Criterion",
    "Due",
    "EquipmentLine",
    "EquipmentSpec",
    "ExtraEquipment",
    "Group",
    "Indicator",
    "Level",
    "Outcome",
    "Part",
    "PlanLimit",
    "Reading",
    "Rubric",
    "RubricError",
    "RuleDataError",
    "RuleKind",
    "TitleRule",
    "UnscoredRequirement",
    "Veto",
    "VetoItem",
    "build_rule",
    "covering_criteria",
    "default_rubric",
    "equipment_lines",
    "load_rubric",
    "parse_rubric",
    "register_kind",
    "staffing_criteria",
]
