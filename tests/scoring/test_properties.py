"""Invariants over arbitrary districts (hypothesis): never above a maximum, totals add up,
more never scores less, and the JSON form round-trips to the same score."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.inputs.json_form import input_to_json, parse_json_input
from assessment.inputs.model import DistrictInput
from assessment.inputs.validate import validate
from assessment.rubric.equipment import ExtraEquipment
from assessment.rubric.loader import default_rubric
from assessment.scoring.engine import score

RUBRIC = default_rubric()
ANSWERABLE = RUBRIC.answerable()
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

rates = st.decimals(min_value=0, max_value=100, places=2).map(lambda d: Fraction(d))
numbers = st.decimals(min_value=0, max_value=20, places=2).map(lambda d: Fraction(d))
VALUE = {
    "flag": st.booleans(),
    "rate": rates,
    "count": st.integers(min_value=0, max_value=12),
    "number": numbers,
}


@st.composite
def districts(draw) -> DistrictInput:
    answers = {}
    for cid, kind in ANSWERABLE.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # sometimes missing
        answers[cid] = draw(st.just(False)) if cid.startswith("v_") and draw(st.booleans()) else draw(VALUE[kind])
    authorized = draw(st.integers(1, 80))
    equipment = {e.id: draw(st.integers(0, 90)) for e in RUBRIC.equipment if draw(st.integers(0, 7))}
    extras = draw(
        st.lists(
            st.builds(
                ExtraEquipment,
                st.sampled_from(["field", "office"]),
                st.sampled_from(["气体检测仪", "水质检测箱", "打印机"]),
                st.integers(1, 5),
                st.integers(0, 8),
            ),
            max_size=12,
        )
    )
    return DistrictInput(
        district=draw(st.sampled_from(["龙湾区", "鹿城区", "瑞安市"])),
        level=draw(st.sampled_from(["county", "city"])),
        year=draw(st.integers(2022, 2026)),
        authorized=authorized,
        on_duty=draw(st.integers(1, authorized + 3)),
        answers=answers,
        equipment=equipment,
        extra_equipment=tuple(extras),
    )


@SETTINGS
@given(districts())
def test_nothing_ever_scores_above_its_maximum(inp):
    r = score(RUBRIC, inp)
    assert all(0 <= c.points <= c.max for c in r.criteria.values())
    assert all(0 <= i.points <= i.max for i in r.indicators.values())
    assert all(0 <= c.points <= c.max for c in r.categories.values())
    assert all(0 <= p.points <= p.max for p in r.parts.values())
    assert 0 <= r.bonus <= r.bonus_max and 0 <= r.total <= r.total_max == 105


@SETTINGS
@given(districts())
def test_totals_add_up_from_indicators_to_the_total(inp):
    r = score(RUBRIC, inp)
    for cat in r.categories.values():
        assert cat.points == sum(i.points for i in r.indicators.values() if i.category == cat.id)
    for part in r.parts.values():
        assert part.points == sum(c.points for c in r.categories.values() if c.part == part.id)
    assert r.total == r.parts["standard"].points + r.bonus
    assert r.criteria["s09_equipment"].points == r.parts["equipment"].points / 5
    assert r.passed == all(c.met for c in r.conditions)


def _more(inp: DistrictInput, cid: str, kind: str, data) -> DistrictInput:
    old = inp.answers.get(cid)
    if kind == "flag":
        new = True
    elif kind == "count":
        new = (old or 0) + data.draw(st.integers(1, 5))
    else:
        top = Fraction(100) if kind == "rate" else Fraction(20)
        low = old if old is not None else Fraction(0)
        new = low + (top - low) * Fraction(data.draw(st.integers(0, 100)), 100)
    return dataclasses.replace(inp, answers={**inp.answers, cid: new})


@SETTINGS
@given(districts(), st.data())
def test_more_of_any_answer_never_scores_less(inp, data):
    cid = data.draw(st.sampled_from(sorted(k for k in ANSWERABLE if not k.startswith("v_"))))
    before, after = score(RUBRIC, inp), score(RUBRIC, _more(inp, cid, ANSWERABLE[cid], data))
    assert after.total >= before.total
    assert all(after.categories[k].points >= c.points for k, c in before.categories.items())
    assert after.passed or not before.passed


@SETTINGS
@given(districts(), st.data())
def test_more_equipment_never_scores_less(inp, data):
    item = data.draw(st.sampled_from([e.id for e in RUBRIC.equipment]))
    more = {**inp.equipment, item: inp.equipment.get(item, 0) + data.draw(st.integers(1, 10))}
    before, after = score(RUBRIC, inp), score(RUBRIC, dataclasses.replace(inp, equipment=more))
    assert after.parts["equipment"].points >= before.parts["equipment"].points
    assert after.total >= before.total


@SETTINGS
@given(districts())
def test_json_round_trip_scores_the_same(inp):
    back = validate(parse_json_input(input_to_json(inp).encode(), "x.json"), RUBRIC)
    assert dataclasses.replace(back, path=inp.path, sha256=inp.sha256) == inp
    assert score(RUBRIC, back).total == score(RUBRIC, inp).total
