"""The road to 达标: candidate actions, the exact plan search, and the plan's forms.

What other packages use; the modules say how (see `assessment.plan.solve` for the search).
"""

from assessment.plan.actions import EFFORT_NAMES, EFFORT_WEIGHT, RECOGNITION_MARK, Action, candidate_actions
from assessment.plan.details import due_of
from assessment.plan.json_form import PLAN_MIMETYPE, plan_to_dict, recorded_plan
from assessment.plan.milp import PlanSolverError
from assessment.plan.model import CostPlan, Gap, Plan, Purchase, Step
from assessment.plan.solve import gaps_of, make_plan
from assessment.plan.tables import opportunities_table, plan_table, purchase_table, suggestions_table
from assessment.plan.tasks import TASK_COLUMNS, task_rows, tasks_workbook_bytes, write_tasks
from assessment.plan.text import plan_text

__all__ = [
    "EFFORT_NAMES",
    "EFFORT_WEIGHT",
    "PLAN_MIMETYPE",
    "RECOGNITION_MARK",
    "TASK_COLUMNS",
    "Action",
    "CostPlan",
    "Gap",
    "Plan",
    "PlanSolverError",
    "Purchase",
    "Step",
    "candidate_actions",
    "due_of",
    "gaps_of",
    "make_plan",
    "opportunities_table",
    "plan_table",
    "plan_text",
    "plan_to_dict",
    "purchase_table",
    "recorded_plan",
    "suggestions_table",
    "task_rows",
    "tasks_workbook_bytes",
    "write_tasks",
]
