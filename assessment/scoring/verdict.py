"""The verdict: one value per Result (`Verdict`, judged once: see `Result.verdict`), pass,
pending or fail, with the title earned, its Chinese words, the evaluated conditions of the
pass rule (`scoring.conditions`) and what rests on unlisted equipment (`scoring.pending`).

Reading r12 decides the one case the pass rule alone does not: a pass resting on equipment
the ledger does not list is 达标（待核）, not a plain pass. Every report, table and text says
a verdict with `verdict_words`, from a Result or from its scores.json, so none can disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assessment.scoring.figures import ConditionResult
from assessment.scoring.pending import Pending

State = Literal["pass", "pending", "fail"]
PASSED, PENDING, FAILED = "达标", "达标（待核）", "未达标"


def verdict_state(passed: bool, pending: bool) -> State:
    """pass, pending (a pass resting on unlisted equipment, reading r12) or fail."""
    if not passed:
        return "fail"
    return "pending" if pending else "pass"


def verdict_words(state: State, title: str | None) -> str:
    """未达标, 达标（待核）, or 达标 with the title earned (达标（示范单位）): the one wording
    of a verdict, whether it is read from a Result or from its scores.json."""
    if state == "fail":
        return FAILED
    if state == "pending":
        return PENDING
    return f"{PASSED}（{title}）" if title else PASSED


@dataclass(frozen=True)
class Verdict:
    """A district's verdict: `state`, the `title` earned by the pass (None without one),
    the evaluated `conditions` and `pending`, what rests on unlisted equipment (None when
    nothing does; also given for a fail, which it does not change)."""

    state: State
    title: str | None
    title_full: str | None
    conditions: tuple[ConditionResult, ...]
    pending: Pending | None

    @property
    def words(self) -> str:
        """达标（示范单位） / 达标（待核） / 未达标, as every report says it."""
        return verdict_words(self.state, self.title)

    @property
    def pending_pass(self) -> Pending | None:
        """What the pass rests on when it is 达标（待核）; None for a plain pass or a fail."""
        return self.pending if self.state == "pending" else None


def judge(
    passed: bool,
    title: str | None,
    title_full: str | None,
    conditions: tuple[ConditionResult, ...],
    pending: Pending | None,
) -> Verdict:
    """The verdict of a district whose conditions are all met (`passed`) or not."""
    return Verdict(verdict_state(passed, pending is not None), title, title_full, conditions, pending)
