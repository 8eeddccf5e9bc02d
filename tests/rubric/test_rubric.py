"""The rubric file: complete, consistent, and refused when it does not add up."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from assessment.rubric.loader import RubricError, parse_rubric

RUBRIC_FILE = Path(__file__).parents[2] / "assessment" / "rubric" / "data" / "zhejiang-2022.yaml"
PUBLIC_IDS = Path(__file__).parents[1] / "data" / "public_ids.txt"


def _mutated(mutate) -> bytes:
    data = yaml.safe_load(RUBRIC_FILE.read_bytes())
    mutate(data)
    return yaml.safe_dump(data, allow_unicode=True).encode()


def _standard(data):
    return next(p for p in data["parts"] if p["id"] == "standard")


def test_every_public_id_is_in_the_rubric_and_no_other(rubric):
    lines = PUBLIC_IDS.read_text(encoding="utf-8").splitlines()
    public = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert len(public) == 117
    assert set(rubric.criteria) | {v.id for v in rubric.veto.items} == public


def test_category_maxima_are_those_of_the_source(rubric):
    standard = {c.id: c.max for c in rubric.part("standard").categories}
    assert standard == {"c1": 12, "c2": 17, "c3": 28, "c4": 20, "c5": 11, "c6": 12}
    assert [c.max for c in rubric.part("equipment").categories] == [15, 55, 30]
    assert len(list(rubric.part("standard").categories[0].indicators)) == 4
    assert sum(1 for i in rubric.indicators() if i.id.startswith("s")) == 25
    assert sum(1 for i in rubric.indicators() if i.id.startswith("e")) == 13
    assert rubric.bonus.max == 5


def test_every_criterion_names_a_department_an_action_and_its_source_sentence(rubric):
    for c in rubric.criteria.values():
        assert c.department and c.action and c.source, c.id
    for ind in rubric.indicators():
        if ind.id.startswith("s"):
            assert ind.evidence, ind.id


def test_readings_are_recorded_with_reasons(rubric):
    ids = {r.id for r in rubric.readings}
    assert {"r1_comparisons", "r2_bonus_in_total", "r3_equipment_standard_items", "r4_county_doubling"} <= ids
    assert all(r.reason for r in rubric.readings)


def test_unknown_rule_kind_is_refused():
    text = _mutated(lambda d: _standard(d)["categories"][0]["indicators"][0]["criteria"][0]["rule"].update(kind="magic"))
    with pytest.raises(RubricError, match="unknown rule kind 'magic'"):
        parse_rubric(text)


def test_duplicate_id_is_refused():
    def dup(d):
        crits = _standard(d)["categories"][0]["indicators"][0]["criteria"]
        crits[1]["id"] = crits[0]["id"]

    with pytest.raises(RubricError, match="duplicate id 's01_group_established'"):
        parse_rubric(_mutated(dup))


def test_indicator_maxima_that_do_not_add_up_to_their_category_are_refused():
    def shrink(d):
        _standard(d)["categories"][0]["max"] = 13

    with pytest.raises(RubricError, match="category c1: indicators add up to 12, not its max 13"):
        parse_rubric(_mutated(shrink))


def test_category_maxima_must_add_up_to_the_part():
    def grow(d):
        _standard(d)["categories"][1]["max"] = 18
        _standard(d)["categories"][1]["indicators"][0]["max"] = 5

    with pytest.raises(RubricError, match="part standard: categories add up to 101"):
        parse_rubric(_mutated(grow))


def test_an_indicator_that_cannot_reach_its_maximum_is_refused():
    def weaken(d):
        _standard(d)["categories"][0]["indicators"][0]["criteria"][0]["rule"]["points"] = 0.5

    with pytest.raises(RubricError, match="indicator s01: at most 7/2 reachable"):
        parse_rubric(_mutated(weaken))


def test_bad_rule_parameters_name_the_criterion():
    text = _mutated(lambda d: _standard(d)["categories"][0]["indicators"][0]["criteria"][0]["rule"].update(points=-1))
    with pytest.raises(RubricError, match="criterion s01_group_established: flag rule"):
        parse_rubric(text)


def test_all_problems_are_reported_together():
    def two(d):
        _standard(d)["categories"][0]["max"] = 13
        _standard(d)["categories"][0]["indicators"][0]["criteria"][0]["rule"]["kind"] = "magic"

    with pytest.raises(RubricError) as info:
        parse_rubric(_mutated(two))
    assert len(info.value.problems) >= 2


def test_rubric_numbers_are_exact_decimals(rubric):
    assert rubric.criteria["s14_cases_provincial"].rule.each == Fraction(3, 10)


def test_every_bundled_rubric_passes_the_schema_and_is_recorded_as_checked():
    """The record that lets loading skip the schema pass must vouch only for what passes."""
    import jsonschema
    import yaml

    from assessment.rubric.loader import SCHEMA_CHECKED_FILE, _schema, schema_key

    folder = Path(__file__).parents[2] / "assessment" / "rubric" / "data"
    recorded = json.loads((folder / SCHEMA_CHECKED_FILE).read_text("utf-8"))
    for rubric_file in sorted(folder.glob("*.yaml")):
        text = rubric_file.read_bytes()
        jsonschema.Draft202012Validator(_schema()).validate(yaml.safe_load(text))
        parse_rubric(text, force_check=True)  # every rule's parameters against its kind's schema
        assert schema_key(text) in recorded, f"run `python -m assessment.rubric` after editing {rubric_file.name}"


def test_an_edited_rubric_is_checked_against_the_schema_even_if_it_was_bundled():
    from assessment.rubric.loader import DEFAULT_RUBRIC

    text = (Path(__file__).parents[2] / "assessment" / "rubric" / "data" / DEFAULT_RUBRIC).read_bytes()
    broken = text.replace(b"\nlevels:", b"\nunexpected_key: 1\nlevels:", 1)
    assert broken != text
    with pytest.raises(RubricError, match="unexpected_key"):
        parse_rubric(broken)


def test_rubric_reads_the_same_data_with_libyaml_as_with_pure_python_yaml():
    import yaml

    from assessment.rubric import loader as rubric_module

    text = RUBRIC_FILE.read_bytes()
    assert yaml.load(text, Loader=rubric_module._SAFE_LOADER) == yaml.safe_load(text)
