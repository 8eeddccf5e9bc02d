"""A review binds to the self-assessment's content, not to its file's bytes.

`input_sha256` is the sha256 of the canonical JSON form (json_form.content_sha256): the same
answers saved again by another program, or converted to JSON, keep the review valid; a real
change refuses it, naming every changed field when the review recorded the content it
reviewed (`input`). Reviews that carry the old byte sha256 stay valid."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import openpyxl
import pytest

from assessment import api
from assessment.inputs.json_form import content_sha256, input_to_dict, input_to_json
from assessment.inputs.model import InputError
from assessment.review.io import parse_json_review
from assessment.review.parse import parse_review

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
LONGWAN = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"


@pytest.fixture(scope="module")
def longwan(rubric):
    return api.load(LONGWAN, rubric)


def review_json(inp, input_sha256: str, **extra) -> bytes:
    data = {"district": inp.district, "year": inp.year, "input_sha256": input_sha256, "reviewer": "王复核",
            "date": "2023-03-01", "changes": [{"path": "equipment.vehicle", "to": 4, "reason": "一辆不在册"}], **extra}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def refusal(text: bytes, rubric, inp) -> str:
    with pytest.raises(InputError) as exc:
        parse_review(parse_json_review(text, "复核.json"), rubric, inp)
    return "\n".join(exc.value.lines())


def test_a_review_of_the_content_holds_for_the_workbook_saved_again_and_for_its_json_form(tmp_path, rubric, longwan):
    resaved = tmp_path / "龙湾区-另存.xlsx"
    openpyxl.load_workbook(LONGWAN).save(resaved)  # saved again by another program: other bytes, same answers
    converted = tmp_path / "龙湾区.json"
    converted.write_text(input_to_json(longwan), "utf-8")
    text = review_json(longwan, content_sha256(longwan))
    for path in (LONGWAN, resaved, converted):
        inp = api.load(path, rubric)
        review = parse_review(parse_json_review(text, "复核.json"), rubric, inp)
        assert review.changes[0].to == 4
    assert api.load(resaved, rubric).sha256 != longwan.sha256


def test_a_review_carrying_the_old_byte_sha256_stays_valid_for_that_file(rubric, longwan):
    review = parse_review(parse_json_review(review_json(longwan, longwan.sha256), "复核.json"), rubric, longwan)
    assert review.input_sha256 == longwan.sha256


def test_a_review_of_changed_content_is_refused_naming_each_changed_field(rubric, longwan):
    text = review_json(longwan, content_sha256(longwan), input=input_to_dict(longwan))
    changed = dataclasses.replace(
        longwan,
        answers={**longwan.answers, "s12_annual_plan": False},
        equipment={**longwan.equipment, "vehicle": longwan.equipment["vehicle"] + 2},
        on_duty=longwan.on_duty - 1,
    )
    message = refusal(text, rubric, changed)
    assert "JSON路径 $.input_sha256" in message and "改动的项目" in message
    assert "「年度现场检查计划并上报备案」：复核时为是，现为否" in message
    vehicle = next(spec.name for spec in rubric.equipment if spec.id == "vehicle")
    assert f"「{vehicle}" in message and f"现为{longwan.equipment['vehicle'] + 2}" in message
    assert f"复核时为{longwan.on_duty}，现为{longwan.on_duty - 1}" in message
    assert "s12_annual_plan" not in message  # ids stay in code: the person reads names


def test_a_review_of_other_content_without_a_record_of_it_says_it_does_not_match(rubric, longwan):
    message = refusal(review_json(longwan, "0" * 64), rubric, longwan)
    assert "JSON路径 $.input_sha256" in message and "不符" in message and content_sha256(longwan) in message


def filled_review_workbook(tmp_path: Path, rubric, inp) -> Path:
    """The review template of `inp` as a reviewer returns it: name and date filled, one correction."""
    from assessment.review.workbook import write_review_template

    path = tmp_path / "复核-龙湾区.xlsx"
    write_review_template(inp, rubric, path)
    wb = openpyxl.load_workbook(path)
    info = wb["复核信息"]
    for label, value in (("复核人", "王复核"), ("复核日期", "2023-03-01")):
        row = next(r for r in info.iter_rows(min_row=2) if r[0].value == label)
        row[1].value = value
    sheet = wb["复核"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("编号")].value == "equipment.vehicle")
    row[header.index("核定值")].value = 4
    row[header.index("复核意见")].value = "一辆不在册"
    wb.save(path)
    return path


def test_a_review_workbook_names_each_field_changed_since_its_self_assessed_values(tmp_path, rubric, longwan):
    from assessment.review.io import load_review

    path = filled_review_workbook(tmp_path, rubric, longwan)
    assert load_review(path, rubric, longwan).changes[0].to == 4  # the content it reviewed: valid
    changed = dataclasses.replace(
        longwan,
        answers={**longwan.answers, "s12_annual_plan": False},
        equipment={**longwan.equipment, "vehicle": longwan.equipment["vehicle"] + 2},
    )
    with pytest.raises(InputError) as exc:
        load_review(path, rubric, changed)
    message = "\n".join(exc.value.lines())
    assert "复核信息" in message and "改动的项目" in message
    assert "「年度现场检查计划并上报备案」：复核时为是，现为否" in message
    vehicle = next(spec.name for spec in rubric.equipment if spec.id == "vehicle")
    before = longwan.equipment["vehicle"]
    assert f"「{vehicle}" in message and f"复核时为{before}，现为{before + 2}" in message
    assert message.count("复核时为") == 2  # only the changed fields, not every row
    assert "s12_annual_plan" not in message
