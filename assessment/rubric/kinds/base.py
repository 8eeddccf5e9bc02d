"""What every rule kind tells the rest of the tool: the one interface the engine knows.

A criterion's `rule:` mapping in the rubric becomes an instance of one kind (a frozen
dataclass subclassing `RuleKind`). The scorer, the compiled scorer, the plan (its candidate
actions and its MILP), the 达标（待核） check, input validation, the workbook, the rubric's
own checks and the sample districts ask the kind, never the class, what they need: so a new
kind is one module and one registration (see docs/adding-a-rule-kind.md), and no module
outside this package names a kind class.

Every method is abstract so that a kind states each answer, even when it has nothing to
say; each method's docstring names the neutral value for that case.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Literal, Self

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.levels import Level
from assessment.util.exact import ZERO

AnswerType = Literal["flag", "rate", "count", "number"]
#: What the engine feeds a kind's `score`: the analyst's answer, a part's total, or equipment lines.
Feed = Literal["answer", "part_total", "equipment"]
#: The engine measure a rule may be computed from instead of answered: on duty / authorized × 100.
STAFFING_RATE = "staffing_rate"


@dataclass(frozen=True)
class Outcome:
    """Points earned and why, in the words a report shows.

    The explanation is deferred: formatting Chinese text costs far more than scoring, and
    batch runs, benchmarks and the plan search score many districts whose text nobody reads.
    """

    points: Fraction
    explain: Callable[[], str]

    @property
    def explanation(self) -> str:
        return self.explain()


@dataclass(frozen=True)
class PartConversion:
    """Points that are another part's total times `factor` (reading r6), capped by the rule."""

    part: str
    factor: Fraction


@dataclass(frozen=True)
class EquipmentTerms:
    """An equipment rule's points as sums that integers and a MILP can hold: `all_met` when
    every line it reads meets its standard, plus `each_above` per line strictly above its
    standard, at most `above_cap` in all (reading r3: the second part needs no first)."""

    all_met: Fraction
    each_above: Fraction = ZERO
    above_cap: Fraction = ZERO

    @property
    def pays_above(self) -> bool:
        """Whether buying more than the standard quantity can earn points."""
        return self.each_above > 0 and self.above_cap > 0


@dataclass(frozen=True)
class RubricNames:
    """What the rubric defines that a rule may refer to (checked when the rubric loads)."""

    earlier_parts: tuple[str, ...]  # the parts listed before the criterion's own
    equipment_items: frozenset[str]
    equipment_categories: frozenset[str]


@dataclass(frozen=True)
class AnswerSearch:
    """A plan's question to a rule: which answers of one criterion are worth proposing.

    `improves(v)` says whether setting the answer to `v` moves any category or the bonus
    (what the pass conditions read); `same(a, b)` whether answers `a` and `b` give the same
    category points and bonus. Both re-score the district, once per answer.
    """

    name: str  # the criterion's name, for the action's text
    action: str  # what the department does (the rubric's `action`)
    current: Any  # the answer now; None when unanswered
    level: Level
    top: Fraction  # the most the criterion contributes at this level (its caps included)
    limit: int | None  # the rubric's yearly planning bound on a count (plan_limit), if any
    every_step: bool  # one target per count up to the best (recognition: ask for as little as needed)
    on_duty: int  # staff on duty: a rate of people reads as a number of people
    counted: str | None  # what a roster measure counts (大专以上学历人数), when one could compute the rate
    improves: Callable[[Any], bool]
    same: Callable[[Any, Any], bool]


@dataclass(frozen=True)
class AnswerTarget:
    """An answer a plan may set, with the action's Chinese text (without 【需争取】)."""

    value: Any
    text: str


class RuleKind(ABC):
    """The behaviour of one kind of rule; subclasses are frozen dataclasses.

    Class data every kind sets: `kind` (the name the rubric's `rule: {kind: …}` uses) and
    `schema` (the JSON schema of its parameters, checked by `build_rule`).
    """

    kind: ClassVar[str]
    schema: ClassVar[dict[str, Any]]

    @classmethod
    @abstractmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Self:
        """The rule from its checked `rule:` mapping (exact Fractions, sorted tiers)."""

    # --- what the analyst answers ---------------------------------------------------------
    @property
    @abstractmethod
    def answer_type(self) -> AnswerType | None:
        """What an analyst fills in for this rule; None when the engine supplies the value."""

    @abstractmethod
    def computed_measure(self) -> str | None:
        """The engine measure (STAFFING_RATE) that always supplies the value instead of an
        answer. Neutral: None (answered, or fed a part total or equipment lines)."""

    @abstractmethod
    def roster_measure(self) -> str | None:
        """The roster measure (college, law_env_major, certified) that computes the answer
        when the district gives a roster with a denominator; the answer must then agree with
        it. Neutral: None (no roster can compute it)."""

    # --- what the engine feeds it and how it scores ---------------------------------------
    @abstractmethod
    def converts(self) -> PartConversion | None:
        """The part whose total this rule converts into its points. Neutral: None. A rule
        that converts is fed that part's total (`feed` "part_total")."""

    @abstractmethod
    def equipment_terms(self) -> EquipmentTerms | None:
        """Its points from the equipment lines it reads, as sums (the compiled scorer and
        the plan's MILP use them; they must agree with `score`). Neutral: None; a rule with
        terms is fed the lines `reads_line` accepts (`feed` "equipment")."""

    @abstractmethod
    def reads_line(self, line: EquipmentLine) -> bool:
        """Whether the rule judges this equipment line (by item id or by category).
        Neutral: False."""

    @abstractmethod
    def max_points(self, level: Level) -> Fraction | None:
        """Most points the rule itself can give; None when only a group or item cap bounds it."""

    @abstractmethod
    def point_amounts(self) -> tuple[Fraction, ...]:
        """Every amount of points the rule gives or adds at either level, caps included
        (points, tier points, units per occurrence): scores are sums of these, so the compiled
        scorer and the plan build their lattice 1/D from their denominators. Neutral: ()."""

    @abstractmethod
    def score(self, value: Any, level: Level) -> Outcome:
        """Points for `value`: an answer, a part total or equipment lines, per `feed`."""

    # --- what a plan may propose ----------------------------------------------------------
    @abstractmethod
    def thresholds(self) -> tuple[Fraction, ...]:
        """The values at which the rule's points rise, ascending: the bars a computed rate
        (staffing, roster) is raised to. Neutral: () (no value bar: a flag, a count, a rule
        fed a part total or equipment lines)."""

    @abstractmethod
    def answer_targets(self, search: AnswerSearch) -> tuple[AnswerTarget, ...]:
        """The answers worth proposing to the analyst's current one, each of which moves a
        score (see `AnswerSearch`), in the order a plan lists them. Neutral: () (nothing to
        answer, or nothing an answer can add)."""

    @abstractmethod
    def occurrences_for(self, points: Fraction, level: Level) -> int | None:
        """For a rule paying per occurrence: the fewest occurrences worth at least `points`
        at `level` before any cap. Neutral: None (the rule does not count occurrences)."""

    @abstractmethod
    def needs_plan_limit(self) -> bool:
        """Whether a plan could raise the answer without bound, so that the rubric must state
        a yearly `plan_limit` (and may state one only then). Neutral: False."""

    # --- the rubric's checks and what-ifs -------------------------------------------------
    @abstractmethod
    def reference_problems(self, names: RubricNames) -> tuple[str, ...]:
        """What the rule names that the rubric does not define, in words. Neutral: ()."""

    @abstractmethod
    def without_category_base(self, categories: Collection[str]) -> Self:
        """This rule with the points that need every item of one of `categories` at standard
        set to zero (达标（待核）: a ledger that lists too few items cannot prove them).
        Neutral: the rule itself (`is` the same object) when no points rest on them."""

    # --- derived from the above -------------------------------------------------------------
    @property
    def feed(self) -> Feed:
        """What the engine feeds `score`, derived so that it cannot disagree with
        `converts` and `equipment_terms`."""
        if self.converts() is not None:
            return "part_total"
        if self.equipment_terms() is not None:
            return "equipment"
        return "answer"

    def select(self, lines: Sequence[EquipmentLine]) -> tuple[EquipmentLine, ...]:
        """The lines this rule judges, in ledger order."""
        return tuple(line for line in lines if self.reads_line(line))
