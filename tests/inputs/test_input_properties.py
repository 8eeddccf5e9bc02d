"""Properties of reading inputs (hypothesis): any edit of a valid input either validates or
is refused with located problems, in bounded time; and every valid input's text survives
JSON → xlsx → JSON exactly, including text that looks like a formula."""

from __future__ import annotations

import copy
import dataclasses
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessment.inputs.json_form import input_to_dict, input_to_json, parse_json_input
from assessment.inputs.model import UNPRINTABLE, DistrictInput, InputError
from assessment.inputs.validate import validate
from assessment.inputs.workbook import read_workbook, write_workbook
from assessment.rubric.loader import default_rubric
from assessment.samples import perfect_input

RUBRIC = default_rubric()
BASE = input_to_dict(
    dataclasses.replace(
        perfect_input(RUBRIC, district="龙湾区"),
        info={"填报单位": "温州市生态环境局龙湾分局"},
        evidence={"s03_claim_rate": "龙环〔2024〕1号"},
        remarks={"s03_claim_rate": "应领40项"},
    )
)

# ----------------------------------------------------------------------------- random edits

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["1e999999999", "NaN", "Infinity", "-0", "1,000", "８５％", "85%", "0.95", "是", "", " ", "=1+1"]),
    st.sampled_from(["9" * 5000, "\x1b[31m", "\u200b", "\ud800", "\ufffe", "x" * 40_000]),
    st.text(max_size=20),
)
json_values = st.recursive(
    leaves,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12,
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `data` a value could be replaced or added."""
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
        out.append((*prefix, "zz_new"))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


PATHS = _paths(BASE)[1:]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4), deep=st.integers(0, 3000))
def test_any_edit_of_a_valid_input_validates_or_is_refused_with_locations(edits: list, deep: int) -> None:
    data = copy.deepcopy(BASE)
    for path, value in edits:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit replaced the container this path runs through
    text = json.dumps(data, ensure_ascii=False)
    if deep > 2000:
        text = text.replace('"answers": {', '"answers": {"x": ' + "[" * deep + "]" * deep + ", ", 1)
    try:
        validate(parse_json_input(text.encode("utf-8", "surrogatepass"), "edited.json"), RUBRIC)
    except InputError as exc:
        assert exc.problems and all(p.location.file == "edited.json" for p in exc.problems)
        shown = "".join(str(p) for p in exc.problems).replace("\n", "")
        assert not {unicodedata.category(c) for c in shown} & UNPRINTABLE  # nothing can drive a terminal


# ----------------------------------------------------------------------------- writing back

TRICKY = [
    "=1+1", "+x", "@x", "-x", "=SUM(A1:A3)", "'quoted", "_x000D_", "a\tb", "line1\nline2", "a\r\nb", "<b>&amp;</b>", "１２３"
]
visible = st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Cn", "Zl", "Zp"))
texts = st.one_of(st.sampled_from(TRICKY), st.text(visible, min_size=1, max_size=30), st.text(max_size=30))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(district=texts, label=texts, value=texts, evidence=texts, remark=texts, person=texts, item=texts)
def test_every_valid_text_round_trips_json_to_xlsx_to_json_exactly(
    tmp_path: Path, district: str, label: str, value: str, evidence: str, remark: str, person: str, item: str
) -> None:
    data = copy.deepcopy(BASE)
    data["district"] = district
    data["info"] = {label: value}
    data["evidence"] = {"s03_claim_rate": evidence}
    data["remarks"] = {"s03_claim_rate": remark}
    data["roster"] = [
        {"name": person, "education": "本科", "major": "法学类", "certified": True, "cert_required": True,
         "legal_qualification": False}
    ]
    data["answers"].pop("s05_college_rate", None)
    data["answers"].pop("s05_law_major_rate", None)
    data["answers"].pop("s06_certified_rate", None)
    data["extra_equipment"][0]["name"] = item
    text = json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")
    try:
        first = validate(parse_json_input(text, "in.json"), RUBRIC)
    except InputError:
        event("refused")
        return  # refused text (control characters, blank names…) never reaches a workbook
    event("valid")
    path = tmp_path / "out.xlsx"
    write_workbook(first, RUBRIC, path)
    raw = read_workbook(path, RUBRIC)
    assert raw.problems == []
    second = validate(raw, RUBRIC)
    assert _facts(second) == _facts(first)
    assert input_to_json(second) == input_to_json(first)


def _facts(inp: DistrictInput) -> DistrictInput:
    return dataclasses.replace(inp, path="", sha256="")


@pytest.mark.parametrize("formula_like", ["=1+1", "=HYPERLINK(\"http://x\")", "@SUM(1)"])
def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path: Path, formula_like: str) -> None:
    import openpyxl

    inp = dataclasses.replace(perfect_input(RUBRIC, district=formula_like), remarks={"s03_claim_rate": formula_like})
    path = tmp_path / "out.xlsx"
    write_workbook(inp, RUBRIC, path)
    cell = openpyxl.load_workbook(path)["基本信息"]["B2"]
    assert (cell.value, cell.data_type) == (formula_like, "s")
    assert validate(read_workbook(path, RUBRIC), RUBRIC).district == formula_like
