"""Next year's check: was last year's plan carried out? (上年整改落实情况)

A published plan (`plan.json`) states, for each action, what the input must show once the
action is done (`goals`: a criterion's value, the staff on duty, an equipment item's
quantity). Next year's `scores.json` records those same values, so the check reads only
the two public JSON forms, and the district report and the municipal summary give the
same answer:

- 已完成: every goal of the action holds now (a flag is set, a count, rate or quantity is at
  least its target);
- 部分完成: not all, but something moved towards the target (a count, rate or quantity is
  above where the plan started, or one goal of several holds);
- 未完成: nothing moved, or the value is not reported at all.

Actions marked 需争取 (others' recognition) are checked and shown too, but the completion
rate counts only the tasks the district controls: a hope not granted is not a task left
undone. A plan.json written before goals existed is read from its edits.

The report records its check in its own scores.json (`followup`, see `followup_dict`), so a
summary of the folders districts send reads completion without last year's files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from assessment.inputs.edits import STAFF_PATH, parse_path
from assessment.inputs.limits import read_limited
from assessment.inputs.model import InputError
from assessment.publish.outputs import PLAN_JSON
from assessment.util.exact import rounded

DONE, PARTIAL, UNDONE = "已完成", "部分完成", "未完成"
STATUSES = (DONE, PARTIAL, UNDONE)

Scores = Mapping[str, Any]
PlanDict = Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    """One action of last year's plan against this year's values."""

    number: int
    key: str  # what the action is about: a criterion id or 购置「name」, to count across districts
    label: str  # its Chinese name
    text: str
    department: str
    recognition: bool
    due: str | None
    goal: str
    now: str
    status: str
    #: The action's id in last year's plan.json (None in a plan written before actions had ids).
    id: str | None = None
    #: Each goal as the plan states it (what, id, name, from, to) with its value `now` and its `status`.
    goals: tuple[Mapping[str, Any], ...] = ()


@dataclass(frozen=True)
class FollowUp:
    district: str
    previous_year: int | None
    year: int | None
    previous_state: str
    checks: tuple[Check, ...]

    def count(self, status: str, *, tasks_only: bool = False) -> int:
        return sum(1 for c in self.checks if c.status == status and not (tasks_only and c.recognition))

    @property
    def tasks(self) -> int:
        """Actions the district controls (the base of the completion rate)."""
        return sum(1 for c in self.checks if not c.recognition)

    @property
    def rate(self) -> Fraction | None:
        """Share of the tasks done in full; None when last year's plan had no task."""
        return Fraction(self.count(DONE, tasks_only=True), self.tasks) if self.tasks else None


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


def _shown(value: Any) -> str:
    if value is None:
        return "未填报"
    if value is True:
        return "是"
    if value is False:
        return "否"
    number = _number(value)
    return f"{float(number):g}" if number is not None else str(value)


def goals_of(action: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The action's goals; for a plan.json without them, read from its edits (a district's
    own equipment row and roster rows cannot be named from an edit: left out)."""
    if action.get("goals"):
        return list(action["goals"])
    out = []
    for e in action.get("edits", []):
        try:
            path = parse_path(e["path"])
        except ValueError:  # not an input path: nothing to check it against
            continue
        if path.section == "answers":
            out.append({"what": "criterion", "id": path.key, "name": path.key, "from": e["from"], "to": e["to"]})
        elif str(path) == STAFF_PATH:
            out.append({"what": "staff", "id": "on_duty", "name": "实际到岗执法人员数", "from": e["from"], "to": e["to"]})
        elif path.section == "equipment":
            out.append({"what": "equipment", "id": path.key, "name": path.key, "from": e["from"], "to": e["to"]})
    return out


def value_now(goal: Mapping[str, Any], scores: Scores) -> Any:
    """This year's value for a goal, from scores.json; None when not reported."""
    what = goal["what"]
    if what == "criterion":
        return scores.get("criteria", {}).get(goal["id"], {}).get("value")
    if what == "staff":
        return scores.get("staff", {}).get(goal["id"])
    items = scores.get("equipment", {}).get("items", [])
    if what == "equipment":
        found = [i for i in items if not i["extra"] and i["id"] == goal["id"]]
    else:  # a district's own row: by name (its index may change between years)
        found = [i for i in items if i["extra"] and i["name"] == goal["name"]
                 and i.get("category", goal.get("category")) == goal.get("category", i.get("category"))]
    return found[0]["quantity"] if found else None


def goal_status(goal: Mapping[str, Any], now: Any) -> str:
    """已完成 when the value reaches the target, 部分完成 when it moved towards it."""
    target = goal["to"]
    if target is True:
        return DONE if now is True else UNDONE
    value, aim, start = _number(now), _number(target), _number(goal.get("from")) or Fraction(0)
    if value is None or aim is None:
        return UNDONE
    if value >= aim:
        return DONE
    return PARTIAL if value > start else UNDONE


def _status(statuses: Sequence[str]) -> str:
    if statuses and all(s == DONE for s in statuses):
        return DONE
    return PARTIAL if any(s != UNDONE for s in statuses) else UNDONE


def _about(action: Mapping[str, Any], goals: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """(key, Chinese label) of what an action is about, to count it across districts."""
    purchase = action.get("purchase")
    if purchase:
        return f"购置「{purchase['name']}」", f"购置「{purchase['name']}」"
    if action.get("criterion"):
        name = goals[0]["name"] if goals and goals[0].get("what") == "criterion" else action["criterion"]
        return action["criterion"], name
    return action["text"], action["text"]


def follow_up(previous_plan: PlanDict, scores: Scores) -> FollowUp:
    """Last year's plan checked action by action against this year's scores.json."""
    if not previous_plan.get("passable", True):
        state = "上年无法达标：" + (previous_plan.get("reason") or "")
    elif previous_plan.get("already_passed"):
        state = "上年已达标，无整改措施"
    else:
        state = f"上年整改方案共{len(previous_plan.get('actions', []))}项措施"
    checks = []
    for n, action in enumerate(previous_plan.get("actions", []), start=1):
        goals = goals_of(action)
        nows = [value_now(g, scores) for g in goals]
        statuses = [goal_status(g, v) for g, v in zip(goals, nows)]
        key, label = _about(action, goals)
        checks.append(Check(
            number=n,
            key=key,
            label=label,
            text=action["text"],
            department=action.get("department", ""),
            recognition=bool(action.get("recognition", False)),
            due=action.get("due"),
            goal="；".join(f"{g['name']} {_shown(g.get('from'))}→{_shown(g['to'])}" for g in goals) or "无法核对",
            now="；".join(f"{g['name']} {_shown(v)}" for g, v in zip(goals, nows)) or "无法核对",
            status=_status(statuses),
            id=action.get("id"),
            goals=tuple({**g, "now": v, "status": st} for g, v, st in zip(goals, nows, statuses)),
        ))
    return FollowUp(scores.get("district", previous_plan.get("district", "")), previous_plan.get("year"),
                    scores.get("year"), state, tuple(checks))


FOLLOWUP_COLUMNS = ["序号", "措施", "责任科室", "性质", "完成时限", "上年目标", "本年实际", "落实情况"]


def followup_table(f: FollowUp):
    """The report's table 上年整改落实情况: one row per action of last year's plan."""
    import pandas as pd

    rows = [{
        "序号": c.number,
        "措施": c.text,
        "责任科室": c.department,
        "性质": "需争取" if c.recognition else "自主完成",
        "完成时限": c.due or "—",
        "上年目标": c.goal,
        "本年实际": c.now,
        "落实情况": c.status,
    } for c in f.checks]
    return pd.DataFrame(rows, columns=FOLLOWUP_COLUMNS)


def followup_text(f: FollowUp) -> str:
    """One Chinese sentence: how much of last year's plan was done.

    A plan made for assessment year Y is due in Y+1 (`assessment.plan.details.due_of`), which
    is the year this check reads; a plan of an earlier year (the year between was not
    provided) is said to be checked against a later year than it was due in."""
    year = f"{f.previous_year}年" if f.previous_year is not None else "上年"
    if not f.checks:
        return f"{year}：{f.previous_state}。"
    due_year = f.previous_year + 1 if f.previous_year is not None else None
    if due_year is not None and f.year is not None and f.year != due_year:
        year = f"{year}（该方案应于{due_year}年完成，此处按{f.year}年的填报核对）"
    elif due_year is not None:
        year = f"{year}评估后（{due_year}年完成）的"
    counts = "、".join(f"{s}{f.count(s)}项" for s in STATUSES)
    hoped = len(f.checks) - f.tasks
    rate = "无自主完成事项" if f.rate is None else f"自主完成事项完成率{float(f.rate) * 100:.1f}%"
    extra = f"（{hoped}项需争取事项不计入完成率）" if hoped else ""
    return f"{year}整改方案共{len(f.checks)}项措施：{counts}；{rate}{extra}。"


def previous_plan_path(previous_scores_path: str | Path | None) -> Path | None:
    """The plan.json published beside an earlier scores.json (`<out>/<year>/<district>/`)."""
    if previous_scores_path is None:
        return None
    path = Path(previous_scores_path).with_name(PLAN_JSON)
    return path if path.is_file() else None


def plan_problem(plan: Any) -> str | None:
    """Why an earlier plan.json cannot be checked, if it cannot: checking it against empty
    scores walks every field the check reads, so a mis-shaped plan fails here, not in the
    middle of this year's report or summary."""
    if not isinstance(plan, dict) or not isinstance(plan.get("actions", []), list):
        return "不是本工具生成的plan.json（缺少或错误的字段）"
    try:
        follow_up(plan, {})
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        return "不是本工具生成的plan.json（措施的字段缺少或类型错误）"
    return None


def read_previous_plan(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """An earlier plan.json, or (None, a Chinese warning) when it is too large, truncated or
    mis-shaped: last year's damage costs the follow-up check, never this year's outputs."""
    try:
        plan = json.loads(read_limited(path).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError, RecursionError):
        return None, f"上年整改方案“{path}”无法读取（文件过大、已截断或不是有效的JSON），本报告未作整改落实核对"
    problem = plan_problem(plan)
    if problem is not None:
        return None, f"上年整改方案“{path}”{problem}，本报告未作整改落实核对"
    return plan, None


def load_previous_plan(previous_scores_path: str | Path | None) -> dict[str, Any] | None:
    """The earlier plan.json beside `previous_scores_path`, or None when there is none or it
    is damaged (see previous_followup for the warning)."""
    path = previous_plan_path(previous_scores_path)
    return None if path is None else read_previous_plan(path)[0]


def previous_followup(previous_scores_path: str | Path | None, scores: Scores) -> tuple[FollowUp | None, str | None]:
    """(last year's plan checked against `scores`, None) when there is a readable plan.json
    beside the earlier scores.json; (None, why) when it is damaged; (None, None) without one."""
    path = previous_plan_path(previous_scores_path)
    if path is None:
        return None, None
    plan, warning = read_previous_plan(path)
    return (None, warning) if plan is None else (follow_up(plan, scores), None)


#: The keys of a check that its scores.json record repeats (all but `goals`, written goal by goal).
_CHECK_KEYS = ("number", "id", "key", "label", "text", "department", "recognition", "due", "goal", "now", "status")


def followup_dict(f: FollowUp) -> dict[str, Any]:
    """The `followup` key of scores.json: last year's plan checked action by action, as the
    report's table shows it (each action with its goals, the values now and its status), with
    the counts and the completion rate of the tasks, so that a summary of received folders
    gives each district's completion without last year's files (`followup_from_dict`)."""
    return {
        "previous_year": f.previous_year,
        "year": f.year,
        "previous_state": f.previous_state,
        "actions": [
            {**{k: getattr(c, k) for k in _CHECK_KEYS}, "goals": [dict(g) for g in c.goals]} for c in f.checks
        ],
        "counts": {s: f.count(s) for s in STATUSES},
        "tasks": f.tasks,
        "rate": None if f.rate is None else rounded(f.rate),
    }


def followup_from_dict(recorded: Mapping[str, Any], district: str) -> FollowUp:
    """The follow-up a district's scores.json records (`followup_dict`), read back: its counts
    and rate are computed from the actions again, never taken from the stored figures."""
    checks = tuple(
        Check(**{k: a.get(k) for k in _CHECK_KEYS}, goals=tuple(a.get("goals", ()))) for a in recorded.get("actions", [])
    )
    return FollowUp(district, recorded.get("previous_year"), recorded.get("year"), recorded["previous_state"], checks)


def with_followup(scores: Mapping[str, Any], previous_scores_path: str | Path | None) -> dict[str, Any]:
    """`scores` with the `followup` of last year's plan (the plan.json beside the earlier
    scores.json the report compares with) when there is a readable one; unchanged otherwise
    (no earlier plan, or a damaged one: the report says why)."""
    checked, _ = previous_followup(previous_scores_path, scores)
    return dict(scores) if checked is None else {**scores, "followup": followup_dict(checked)}
