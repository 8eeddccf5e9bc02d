"""Synthetic district inputs: full marks, empty, and seeded realistic ones.

Used for the bundled sample workbooks (marked 示例数据 in every report), the tests and the
benchmarks. Nothing here is real data; extra equipment rows are named as placeholders
because the national standard's unnamed items are unknown (reading r12).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

from assessment.inputs.edits import parse_path
from assessment.inputs.model import DistrictInput
from assessment.inputs.units import county_units
from assessment.rubric.equipment import ExtraEquipment
from assessment.rubric.kinds.base import RuleKind
from assessment.rubric.levels import Level
from assessment.rubric.model import Rubric

PLACEHOLDER = {"field": "（示例）其他现场执法辅助设备", "office": "（示例）其他通讯与办公设备"}


def _placeholder_extras(rubric: Rubric, quantity_over: int) -> tuple[ExtraEquipment, ...]:
    """Rows that complete each category to its expected item count."""
    extras = []
    for cat_id, (_, expected) in rubric.equipment_categories.items():
        if expected is None:
            continue
        named = sum(1 for e in rubric.equipment if e.category == cat_id)
        extras += [
            ExtraEquipment(cat_id, f"{PLACEHOLDER[cat_id]}{i + 1}", 1, 1 + quantity_over) for i in range(expected - named)
        ]
    return tuple(extras)


def _enough(rule: RuleKind, level: Level, bound: Fraction) -> int:
    """Occurrences that reach `bound` points at `level` (a count is answered per occurrence)."""
    count = rule.occurrences_for(bound, level)
    assert count is not None, f"a {rule.kind} rule answered by a count must say what a count earns"
    return count


def perfect_input(rubric: Rubric, district: str = "满分示例", level: Level = "county", year: int = 2023) -> DistrictInput:
    """Everything done, every rate at 100, every cap reached, every item above standard."""
    answers: dict[str, bool | int | Fraction] = {}
    for cid, kind in rubric.answerable().items():
        if kind == "flag":
            answers[cid] = cid in rubric.criteria
        elif kind == "rate":
            answers[cid] = Fraction(100)
        elif kind == "number":
            answers[cid] = Fraction(10)
        else:
            answers[cid] = _enough(rubric.criteria[cid].rule, level, Fraction(5))
    on_duty = 30
    equipment = {e.id: e.required(on_duty, level) + 1 for e in rubric.equipment}
    return DistrictInput(
        district=district,
        level=level,
        year=year,
        authorized=on_duty,
        on_duty=on_duty,
        answers=answers,
        equipment=equipment,
        extra_equipment=_placeholder_extras(rubric, 1),
        sample=True,
    )


def empty_input(rubric: Rubric, district: str = "空白示例", level: Level = "county", year: int = 2023) -> DistrictInput:
    """Nothing answered, nothing owned, staff fully on duty."""
    return DistrictInput(
        district=district, level=level, year=year, authorized=30, on_duty=30, answers={}, equipment={}, sample=True
    )


def synthetic_input(
    rubric: Rubric,
    district: str,
    level: Level,
    year: int,
    rng: random.Random,
    diligence: float,
    equipment_diligence: float | None = None,
) -> DistrictInput:
    """A plausible district: each thing done with probability `diligence` (0–1).

    `equipment_diligence` (default: the same) drives how completely equipment is owned, so
    that a sample set can hold a district that fails on equipment alone.
    """
    eq = diligence if equipment_diligence is None else equipment_diligence
    answers: dict[str, bool | int | Fraction] = {}
    for cid, kind in rubric.answerable().items():
        if cid not in rubric.criteria:  # veto items: rare
            answers[cid] = False
            continue
        criterion = rubric.criteria[cid]
        d = eq if criterion.indicator.startswith("e") else diligence
        if kind == "flag":
            answers[cid] = rng.random() < d
        elif kind == "rate":
            answers[cid] = Fraction(100) if rng.random() < d else Fraction(rng.randrange(40, 100))
        elif kind == "number":
            answers[cid] = Fraction(rng.randrange(30, 60), 10) if rng.random() < d else Fraction(rng.randrange(5, 30), 10)
        else:
            rule = criterion.rule
            cap = rule.max_points(level)
            top = _enough(rule, level, cap if cap is not None else Fraction(2))
            answers[cid] = sum(1 for _ in range(top + 1) if rng.random() < d * 0.9)
    authorized = rng.randrange(20, 60)
    on_duty = max(1, min(authorized, round(authorized * (0.7 + 0.3 * diligence) + rng.randrange(-2, 3))))
    equipment = {}
    for e in rubric.equipment:
        need = e.required(on_duty, level)
        roll = rng.random()
        equipment[e.id] = need + 1 if roll < eq * 0.4 else need if roll < eq else max(0, need - rng.randrange(1, 3))
    extras = tuple(
        ExtraEquipment(x.category, x.name, x.required, x.quantity if rng.random() < eq else 0)
        for x in _placeholder_extras(rubric, 0)
    )
    return DistrictInput(
        district=district,
        level=level,
        year=year,
        authorized=authorized,
        on_duty=on_duty,
        answers=answers,
        equipment=equipment,
        extra_equipment=extras,
        info={"填报单位": f"{district}（示例单位）", "填报人": "示例填报人"},
        sample=True,
    )


#: The seed of `province_inputs`: the benchmark and the province tests share one sample.
PROVINCE_SEED = 20221019


def province_inputs(rubric: Rubric, year: int = 2022, seed: int = PROVINCE_SEED) -> list[DistrictInput]:
    """One seeded synthetic county per unit of Zhejiang's list (`inputs.units`), in code
    order, each with its own diligence (0.75–0.99), so that cities differ: the province
    roll-up's tests and the 90-unit benchmark."""
    inputs = []
    for unit in county_units():
        rng = random.Random(f"{seed}:{unit.code}")
        inputs.append(synthetic_input(rubric, unit.name, "county", year, rng, rng.uniform(0.75, 0.99)))
    return inputs


#: Outcomes a sample set should show (issue: some pass, some fail a category, one fails on
#: equipment alone, one on the total alone).
PROFILES = ("pass", "fail_category", "fail_equipment_only", "fail_total_only")
_PROFILE_DILIGENCE = {
    "pass": (0.97, 0.97),
    "fail_category": (0.8, 0.9),
    "fail_equipment_only": (0.97, 0.55),
    "fail_total_only": (0.9, 0.97),
}


def profile_of(result) -> str | None:
    """Which of PROFILES a scored result shows (None: fails in another way)."""
    met = {c.id: c.met for c in result.conditions}
    if all(met.values()):
        return "pass"
    if not met["no_veto"]:
        return None
    if not met["categories"]:
        return "fail_category"
    if not met["equipment"] and met["total"]:
        return "fail_equipment_only"
    if not met["total"] and met["equipment"]:
        return "fail_total_only"
    return None


def sample_for_profile(rubric: Rubric, district: str, level: Level, year: int, profile: str, seed: int) -> DistrictInput:
    """The first seeded synthetic district (seed, seed+1, …) whose verdict shows `profile`."""
    from assessment.scoring.engine import score  # scoring imports nothing from here; keep samples light to import

    diligence, equipment = _PROFILE_DILIGENCE[profile]
    for attempt in range(10_000):
        rng = random.Random(f"{seed}:{district}:{attempt}")
        inp = synthetic_input(rubric, district, level, year, rng, diligence, equipment)
        if profile == "fail_total_only" and profile_of(score(rubric, inp)) == "pass":
            inp = _trim_total(rubric, inp, rng, score)
        if profile_of(score(rubric, inp)) == profile:
            return inp
    raise RuntimeError(f"no synthetic district with profile {profile!r} in 10000 attempts")


def _trim_total(rubric: Rubric, inp: DistrictInput, rng: random.Random, score) -> DistrictInput:
    """Withdraw answers one by one while every category stays above its bar, until the total
    no longer passes: a district that fails on its total alone."""
    kinds = rubric.answerable()
    lower: dict[str, bool | int | Fraction] = {"flag": False, "count": 0, "rate": Fraction(60), "number": Fraction(2)}
    candidates = [cid for cid in kinds if cid in rubric.criteria and not cid.startswith("e")]
    rng.shuffle(candidates)
    for cid in candidates:
        trial = replace(inp, answers={**inp.answers, cid: lower[kinds[cid]]})
        result = score(rubric, trial)
        if result.condition("categories").met:
            inp = trial
            if not result.condition("total").met:
                break
    return inp


def next_year_sample(inp: DistrictInput, actions: Sequence[Any], year: int) -> DistrictInput:
    """A district one year on, having carried out part of its plan (for the two-year samples
    and the follow-up check): of the plan's actions in order, every third is left undone,
    every third is done halfway (a count or quantity raised half the way; a flag or a roster
    change, which cannot be halved, is done), and the rest is done in full."""
    from assessment.inputs.edits import Edit, apply_edits

    edits = []
    for i, action in enumerate(actions):
        if i % 3 == 0:
            continue
        for e in action.edits:
            halfway = (
                i % 3 == 1
                and isinstance(e.new, (int, Fraction))
                and not isinstance(e.new, bool)
                and parse_path(e.path).section != "roster"
            )
            if halfway:
                start = e.old or 0
                middle = start + (e.new - start) // 2
                edits.append(Edit(e.path, e.old, middle if middle > start else e.new))
            else:
                edits.append(e)
    return replace(apply_edits(inp, edits), year=year)


def sample_evidence(rubric: Rubric, inp: DistrictInput) -> dict[str, str]:
    """Placeholder 佐证材料 lists for a sample district: every answer that earns points lists
    its indicator's file (a bonus answer its own), and every third indicator a second, 附件,
    file too, so that the `；` separator is exercised. The names are those
    `tools/make_review_samples.py` writes into the sample evidence folders."""
    from assessment.scoring.engine import score
    from assessment.util.fsutil import safe_dirname

    result = score(rubric, inp)
    order: list[str] = []
    out: dict[str, str] = {}
    for cid, r in result.criteria.items():
        if r.source != "answer" or r.points <= 0:
            continue
        indicator = result.indicators.get(r.indicator)
        stem = safe_dirname(f"示例-{indicator.name}" if indicator is not None else f"示例-加分-{r.name}")
        if stem not in order:
            order.append(stem)
        names = [f"{stem}.txt"] + ([f"{stem}-附件.txt"] if order.index(stem) % 3 == 2 else [])
        out[cid] = "；".join(names)
    return out


def with_sample_evidence(rubric: Rubric, inp: DistrictInput) -> DistrictInput:
    """`inp` with `sample_evidence` in its 佐证材料 cells."""
    return replace(inp, evidence=sample_evidence(rubric, inp))
