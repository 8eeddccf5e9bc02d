"""Rule kinds: the only scoring knowledge the engine has.

Each kind is a small frozen dataclass built from a criterion's `rule:` mapping in the rubric.
It says what the analyst answers (if anything), what the criterion can score at most at a
level, and how an answer becomes points with a Chinese explanation. No kind knows any
particular criterion; adding a kind means adding one class here and listing it in `KINDS`.

Scoring functions are pure and exact (Fractions); comparisons follow reading r1 of the
rubric: thresholds are inclusive (≥).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar, Literal

from assessment.rubric.equipment import EquipmentLine
from assessment.rubric.levels import Level
from assessment.util.errors import AssessmentError
from assessment.util.exact import ZERO, fmt, to_fraction

AnswerType = Literal["flag", "rate", "count", "number"]
#: What the engine feeds a kind: the analyst's answer, a part's total, or equipment lines.
Feed = Literal["answer", "part_total", "equipment"]

_NUMBER = {"type": "number", "minimum": 0}
_POINTS = {
    "oneOf": [
        _NUMBER,
        {
            "type": "object",
            "required": ["county", "city"],
            "additionalProperties": False,
            "properties": {"county": _NUMBER, "city": _NUMBER},
        },
    ]
}


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


def _by_level(raw: Any) -> dict[str, Fraction]:
    if isinstance(raw, Mapping):
        return {level: to_fraction(raw[level]) for level in ("county", "city")}
    return {"county": to_fraction(raw), "city": to_fraction(raw)}


def _schema(properties: dict[str, Any], required: Sequence[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["kind", *required],
        "additionalProperties": False,
        "properties": {"kind": {"type": "string"}, **properties},
    }


class RuleKind(ABC):
    """Behaviour shared by every kind; subclasses are frozen dataclasses."""

    kind: ClassVar[str]
    feed: ClassVar[Feed] = "answer"
    schema: ClassVar[dict[str, Any]]

    @property
    def answer_type(self) -> AnswerType | None:
        """What an analyst fills in for this rule, or None when the engine computes it."""
        return None

    @abstractmethod
    def max_points(self, level: Level) -> Fraction | None:
        """Most points the rule itself can give; None when only a group or item cap bounds it."""

    @abstractmethod
    def score(self, value: Any, level: Level) -> Outcome:
        """Points for `value` (an answer, a part total or equipment lines, per `feed`)."""


@dataclass(frozen=True)
class Flag(RuleKind):
    """Yes/no: the thing was done (制度已建立、活动已开展) or not. Points may differ by level."""

    points: Mapping[str, Fraction]
    kind: ClassVar[str] = "flag"
    schema: ClassVar[dict[str, Any]] = _schema({"points": _POINTS}, ["points"])

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Flag:
        return cls(points=_by_level(raw["points"]))

    @property
    def answer_type(self) -> AnswerType:
        return "flag"

    def max_points(self, level: Level) -> Fraction:
        return self.points[level]

    def score(self, value: bool, level: Level) -> Outcome:
        p = self.points[level]
        if value:
            return Outcome(p, lambda: f"是，得{fmt(p)}分")
        return Outcome(ZERO, lambda: "否，不得分")


def _describe(value: Fraction, input_type: str) -> str:
    return f"{fmt(value)}%" if input_type == "rate" else fmt(value)


@dataclass(frozen=True)
class Threshold(RuleKind):
    """A rate (0–100) or a number that must reach `at_least` (inclusive, reading r1)."""

    input: Literal["rate", "number"]
    at_least: Fraction
    points: Fraction
    roster: str | None = None
    kind: ClassVar[str] = "threshold"
    schema: ClassVar[dict[str, Any]] = _schema(
        {
            "input": {"enum": ["rate", "number"]},
            "at_least": _NUMBER,
            "points": _NUMBER,
            "roster": {"enum": ["college", "law_env_major", "certified"]},
        },
        ["input", "at_least", "points"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Threshold:
        return cls(
            input=raw["input"],
            at_least=to_fraction(raw["at_least"]),
            points=to_fraction(raw["points"]),
            roster=raw.get("roster"),
        )

    @property
    def answer_type(self) -> AnswerType:
        return self.input

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def score(self, value: Fraction, level: Level) -> Outcome:
        def shown() -> str:
            return f"{_describe(value, self.input)}，" + ("达到" if value >= self.at_least else "未达到")

        bar = self.at_least
        if value >= bar:
            return Outcome(self.points, lambda: f"{shown()}{_describe(bar, self.input)}，得{fmt(self.points)}分")
        return Outcome(ZERO, lambda: f"{shown()}{_describe(bar, self.input)}，不得分")


@dataclass(frozen=True)
class Tier:
    at_least: Fraction
    points: Fraction


@dataclass(frozen=True)
class Tiers(RuleKind):
    """Points by the highest threshold reached (到岗率 60% → 1, 70% → 2, 80% → 3).

    `computed` names an engine measure (e.g. staffing_rate) that supplies the value instead
    of an answer.
    """

    input: Literal["rate", "number"]
    tiers: tuple[Tier, ...]
    computed: str | None = None
    kind: ClassVar[str] = "tiers"
    schema: ClassVar[dict[str, Any]] = _schema(
        {
            "input": {"enum": ["rate", "number"]},
            "computed": {"enum": ["staffing_rate"]},
            "tiers": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["at_least", "points"],
                    "additionalProperties": False,
                    "properties": {"at_least": _NUMBER, "points": _NUMBER},
                },
            },
        },
        ["input", "tiers"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Tiers:
        tiers = tuple(
            sorted(
                (Tier(to_fraction(t["at_least"]), to_fraction(t["points"])) for t in raw["tiers"]),
                key=lambda t: t.at_least,
            )
        )
        return cls(input=raw["input"], tiers=tiers, computed=raw.get("computed"))

    @property
    def answer_type(self) -> AnswerType | None:
        return None if self.computed else self.input

    def max_points(self, level: Level) -> Fraction:
        return max(t.points for t in self.tiers)

    def reached(self, value: Fraction) -> Tier | None:
        """The highest tier `value` reaches, if any."""
        met = [t for t in self.tiers if value >= t.at_least]
        return max(met, key=lambda t: t.points) if met else None

    def score(self, value: Fraction, level: Level) -> Outcome:
        tier = self.reached(value)
        if tier is None:
            lowest = self.tiers[0].at_least
            return Outcome(
                ZERO, lambda: f"{_describe(value, self.input)}，未达到最低档{_describe(lowest, self.input)}，不得分"
            )
        return Outcome(
            tier.points,
            lambda: f"{_describe(value, self.input)}，达到{_describe(tier.at_least, self.input)}档，得{fmt(tier.points)}分",
        )


@dataclass(frozen=True)
class Per(RuleKind):
    """Points per occurrence, optionally capped; a county may earn `county_factor` times each.

    The cap stays as printed when a county's points are doubled (reading r4).
    """

    each: Fraction
    cap: Fraction | None = None
    county_factor: Fraction = Fraction(1)
    kind: ClassVar[str] = "per"
    schema: ClassVar[dict[str, Any]] = _schema(
        {"each": _NUMBER, "cap": _NUMBER, "county_factor": {"type": "number", "exclusiveMinimum": 0}},
        ["each"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Per:
        cap = raw.get("cap")
        return cls(
            each=to_fraction(raw["each"]),
            cap=None if cap is None else to_fraction(cap),
            county_factor=to_fraction(raw.get("county_factor", 1)),
        )

    @property
    def answer_type(self) -> AnswerType:
        return "count"

    def unit(self, level: Level) -> Fraction:
        """Points for one occurrence at `level`."""
        return self.each * (self.county_factor if level == "county" else 1)

    def max_points(self, level: Level) -> Fraction | None:
        return self.cap

    def score(self, value: int, level: Level) -> Outcome:
        unit = self.unit(level)
        raw = unit * value
        doubled = "（县级加倍）" if level == "county" and self.county_factor != 1 else ""

        def text() -> str:
            return f"{value}×{fmt(unit)}分{doubled}={fmt(raw)}分"

        cap = self.cap
        if cap is not None and raw > cap:
            return Outcome(cap, lambda: f"{text()}，本项最高{fmt(cap)}分，得{fmt(cap)}分")
        return Outcome(raw, lambda: f"{text()}，得{fmt(raw)}分")


@dataclass(frozen=True)
class Conversion(RuleKind):
    """A part's total converted to this criterion's scale (装备评分 × 0.2, reading r6)."""

    of: str
    factor: Fraction
    points: Fraction
    kind: ClassVar[str] = "conversion"
    feed: ClassVar[Feed] = "part_total"
    schema: ClassVar[dict[str, Any]] = _schema(
        {"of": {"type": "string"}, "factor": _NUMBER, "points": _NUMBER}, ["of", "factor", "points"]
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Conversion:
        return cls(of=raw["of"], factor=to_fraction(raw["factor"]), points=to_fraction(raw["points"]))

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def score(self, value: Fraction, level: Level) -> Outcome:
        p = min(self.points, value * self.factor)
        return Outcome(p, lambda: f"装备能力建设评分{fmt(value)}分×{fmt(self.factor)}={fmt(p)}分")


def _shortfall_text(lines: Sequence[EquipmentLine]) -> str:
    return "；".join(
        f"{line.name}需{line.required}{line.unit}、实有{line.present}{line.unit}，缺{line.shortfall}{line.unit}"
        for line in lines
        if not line.met
    )


@dataclass(frozen=True)
class EquipmentRatio(RuleKind):
    """Full points when every listed equipment item reaches its required quantity."""

    items: tuple[str, ...]
    points: Fraction
    kind: ClassVar[str] = "equipment_ratio"
    feed: ClassVar[Feed] = "equipment"
    schema: ClassVar[dict[str, Any]] = _schema(
        {"items": {"type": "array", "minItems": 1, "items": {"type": "string"}}, "points": _NUMBER},
        ["items", "points"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EquipmentRatio:
        return cls(items=tuple(raw["items"]), points=to_fraction(raw["points"]))

    def max_points(self, level: Level) -> Fraction:
        return self.points

    def select(self, lines: Sequence[EquipmentLine]) -> list[EquipmentLine]:
        """The lines this rule judges: its listed items."""
        return [line for line in lines if line.id in self.items]

    def score(self, value: Sequence[EquipmentLine], level: Level) -> Outcome:
        if all(line.met for line in value):
            return Outcome(self.points, lambda: f"{len(value)}项均达到标准数量，得{fmt(self.points)}分")
        return Outcome(ZERO, lambda: f"{_shortfall_text(value)}，不得分")


@dataclass(frozen=True)
class EquipmentStandard(RuleKind):
    """Base points when every listed item of a category is at standard, plus points per item
    strictly above standard, capped; the bonus does not need the base (reading r3)."""

    category: str
    base: Fraction
    bonus_each: Fraction
    bonus_cap: Fraction
    kind: ClassVar[str] = "equipment_standard"
    feed: ClassVar[Feed] = "equipment"
    schema: ClassVar[dict[str, Any]] = _schema(
        {"category": {"type": "string"}, "base": _NUMBER, "bonus_each": _NUMBER, "bonus_cap": _NUMBER},
        ["category", "base", "bonus_each", "bonus_cap"],
    )

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> EquipmentStandard:
        return cls(
            category=raw["category"],
            base=to_fraction(raw["base"]),
            bonus_each=to_fraction(raw["bonus_each"]),
            bonus_cap=to_fraction(raw["bonus_cap"]),
        )

    def max_points(self, level: Level) -> Fraction:
        return self.base + self.bonus_cap

    def select(self, lines: Sequence[EquipmentLine]) -> list[EquipmentLine]:
        """The lines this rule judges: every item of its category, named or added."""
        return [line for line in lines if line.category == self.category]

    def score(self, value: Sequence[EquipmentLine], level: Level) -> Outcome:
        base_met = all(line.met for line in value)
        base = self.base if base_met else ZERO
        above = sum(1 for line in value if line.above)
        bonus = min(self.bonus_cap, self.bonus_each * above)
        def explain() -> str:
            parts = [
                f"所列{len(value)}项均达到标准，得{fmt(self.base)}分"
                if base_met
                else f"{_shortfall_text(value)}，基础分不得分"
            ]
            if above:
                parts.append(f"{above}项高于标准，加{fmt(bonus)}分（最高{fmt(self.bonus_cap)}分）")
            return "；".join(parts)

        return Outcome(base + bonus, explain)


KINDS: dict[str, type[RuleKind]] = {
    k.kind: k for k in (Flag, Threshold, Tiers, Per, Conversion, EquipmentRatio, EquipmentStandard)
}


class RuleDataError(AssessmentError, ValueError):
    """A rule mapping the engine cannot use; the message says which key and why."""


def build_rule(raw: Mapping[str, Any], *, check: bool = True) -> RuleKind:
    """The rule object for a criterion's `rule:` mapping, after checking its parameters
    (`check` False only for a rubric already proved valid: see rubric._schema_checked)."""
    kind = raw.get("kind")
    cls = KINDS.get(kind)  # type: ignore[arg-type]
    if cls is None:
        raise RuleDataError(f"unknown rule kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    if check:
        import jsonschema  # slow to import; only needed for a rubric not yet proved valid

        try:
            jsonschema.validate(dict(raw), cls.schema)
        except jsonschema.ValidationError as exc:
            where = "/".join(str(p) for p in exc.absolute_path) or "rule"
            raise RuleDataError(f"{kind} rule, {where}: {exc.message}") from None
    return cls.from_data(raw)  # type: ignore[attr-defined]
