"""A plan as JSON (`plan_to_dict`) and as the record a report notebook keeps of it.

Numbers are rounded to 4 decimals (`rounded`); the keys are the contract of `assessment plan
--json`, of a report's plan.json and of the plan a report notebook records.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from assessment.plan.actions import Action
from assessment.plan.model import Plan, Purchase, Step
from assessment.util.exact import rounded


def json_value(value: Any) -> Any:
    """A value as JSON shows it: a Fraction rounded, anything else as it is."""
    return rounded(value) if isinstance(value, Fraction) else value


def _action_dict(a: Action) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": a.id,
        "criterion": a.criterion_id,
        "text": a.text,
        "points": rounded(a.points),
        "department": a.department,
        "effort": a.effort,
        "recognition": a.recognition,
        "edits": [{"path": e.path, "from": json_value(e.old), "to": json_value(e.new)} for e in a.edits],
    }
    if a.cost is not None:
        out["cost"] = rounded(a.cost)
    return out


def _purchase_dict(p: Purchase) -> dict[str, Any]:
    return {"item": p.item, "name": p.name, "category": p.category, "unit": p.unit, "from": p.present,
            "to": p.target, "required": p.required, "to_standard": p.to_standard, "above_standard": p.above_standard}


def _step_dict(a: Action, step: Step, total: Fraction) -> dict[str, Any]:
    return {
        **_action_dict(a),
        "serves": list(step.serves),
        "due": step.due.isoformat(),
        "due_basis": step.due_basis,
        "evidence": step.evidence,
        "moves": step.moves,
        "total_after": rounded(total),
        "goals": list(step.goals),
        **({"purchase": _purchase_dict(step.purchase)} if step.purchase else {}),
    }


#: The MIME type under which a report notebook records its plan as data (see recorded_plan).
PLAN_MIMETYPE = "application/vnd.assessment.plan+json"


def recorded_plan(nb: Any) -> dict[str, Any] | None:
    """The plan a report notebook displayed under PLAN_MIMETYPE, if any: the report's plan
    is solved once, in the notebook, and published from its record."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLAN_MIMETYPE in data:
                return dict(data[PLAN_MIMETYPE])
    return None


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The JSON form of a plan (numbers rounded to 4 decimals); `suggestions` for a passing one."""
    cheapest = plan.cheapest
    return {
        "district": plan.district,
        "year": plan.year,
        "passable": plan.passable,
        "already_passed": plan.already_passed,
        "reason": plan.reason,
        "controllable_only": plan.controllable_only,
        "recognition_points": rounded(plan.recognition_points),
        "actions": [_step_dict(a, d, s) for a, d, s in zip(plan.actions, plan.details, plan.steps)],
        "total_before": rounded(plan.score_before),
        "total_after": rounded(plan.score_after),
        "steps": [rounded(s) for s in plan.steps],
        **({"cost": rounded(plan.cost)} if plan.cost is not None else {}),
        "cheapest": None if cheapest is None else {
            "cost": rounded(cheapest.cost),
            "actions": [_action_dict(a) for a in cheapest.actions],
            "total_after": rounded(cheapest.total_after),
            "steps": [rounded(s) for s in cheapest.steps],
            "unpriced": list(cheapest.unpriced),
            "note": "仅装备购置计入费用（数量×单价）；未填单价的购置按0计，费用为下限",
        },
        "suggestions": [_action_dict(a) for a in plan.suggestions],
        "opportunities": [_action_dict(a) for a in plan.opportunities],
        "gaps": [{"condition": g.condition, "name": g.name, "best": rounded(g.best), "bar": rounded(g.bar),
                  "op": g.op, "gap": rounded(g.gap), "text": g.text} for g in plan.gaps],
        "purchases": [_purchase_dict(p) for p in plan.purchases],
    }

