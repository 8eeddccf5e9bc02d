"""未计分的创建要求: what the work plan asks without scoring it, quoted exactly, in every report."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path

import pytest
import yaml

from assessment.inputs.model import Person
from assessment.report import tables
from assessment.rubric.loader import RubricError, parse_rubric
from assessment.scoring.engine import score
from assessment.scoring.unscored import CHECKS, UNVERIFIED, status


def _source() -> Path:
    """The source document. CI has `shared/` as a sibling of the clone; a git worktree sits
    deeper, so the nearest ancestor with a `shared/` wins."""
    repo = Path(__file__).resolve().parents[2]
    candidates = [folder / "shared" / "source" / "longwan-2022-work-plan.txt" for folder in repo.parents]
    return next((c for c in candidates if c.is_file()), candidates[0])


SOURCE = _source()
RUBRIC_YAML = resources.files("assessment.rubric.data").joinpath("zhejiang-2022.yaml").read_bytes()


def _with(change) -> bytes:
    data = yaml.safe_load(RUBRIC_YAML)
    change(data["unscored_requirements"])
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_the_rubric_lists_the_requirements_the_annexes_never_score(rubric):
    names = [r.name for r in rubric.unscored]
    assert "配备1名取得国家统一法律职业资格的执法人员" in names
    assert "为执法人员缴纳工伤保险" in names
    assert "使用全省执法办案系统" in names
    assert all(r.department and r.where for r in rubric.unscored)


@pytest.mark.skipif(not SOURCE.is_file(), reason=f"source document not found at {SOURCE}")
def test_every_quoted_source_sentence_occurs_verbatim_in_the_work_plan(rubric):
    text = SOURCE.read_text("utf-8")
    assert [r.id for r in rubric.unscored if r.source not in text] == []


def test_an_unscored_requirement_sharing_an_id_is_refused():
    def duplicate(reqs):
        reqs.append(dict(reqs[0]))

    with pytest.raises(RubricError, match="duplicate id 'u01_legal_qualification'"):
        parse_rubric(_with(duplicate))


@pytest.mark.parametrize(("key", "value"), [("check", "roster_guess"), ("source", ""), ("colour", "red")])
def test_an_unscored_requirement_of_the_wrong_shape_is_refused(key, value):
    def spoil(reqs):
        reqs[0][key] = value

    with pytest.raises(RubricError, match="unscored_requirements/0"):
        parse_rubric(_with(spoil))


def test_every_check_the_schema_allows_is_implemented():
    schema = json.loads(resources.files("assessment.rubric.data").joinpath("rubric.schema.json").read_text("utf-8"))
    allowed = schema["properties"]["unscored_requirements"]["items"]["properties"]["check"]["enum"]
    assert sorted(allowed) == sorted(CHECKS)


def _person(qualified: bool) -> Person:
    return Person("张三", "本科", "法学类", True, True, qualified)


@pytest.mark.parametrize(
    ("roster", "expected"),
    [
        (None, "未核实（未提供执法人员名册）"),
        ((_person(False), _person(True)), "已满足（名册中1人取得法律职业资格）"),
        ((_person(False), _person(False)), "未满足（名册2人中无人取得法律职业资格）"),
    ],
)
def test_the_legal_qualification_is_judged_from_the_roster(rubric, perfect, roster, expected):
    requirement = next(r for r in rubric.unscored if r.check == "roster_legal_qualification")
    assert status(requirement, perfect(roster=roster)) == expected


def test_a_requirement_without_a_check_is_unverified(rubric, perfect):
    requirement = next(r for r in rubric.unscored if r.check is None)
    assert status(requirement, perfect()) == UNVERIFIED


def test_the_report_table_names_each_requirement_with_its_quote_owner_and_state(rubric, perfect):
    result = score(rubric, dataclasses.replace(perfect(), roster=(_person(True),)))
    table = tables.unscored_table(result)
    assert list(table.columns) == ["编号", "创建要求", "原文", "出处", "责任科室", "落实情况"]
    assert len(table) == len(rubric.unscored)
    first = table.iloc[0]
    assert first["落实情况"].startswith("已满足")
    assert (table["落实情况"].iloc[1:] == UNVERIFIED).all()
