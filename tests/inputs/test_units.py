"""Zhejiang's list of county-level units: shipped with the package, one copy, and the city of a
unit found by the name it files under, never guessed."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

import pytest

from assessment.inputs.units import UNITS_FILE, cities, city_of, county_units

ROOT = Path(__file__).resolve().parents[2]
SOURCE_COPY = Path("/work/shared/source") / UNITS_FILE


def test_the_list_holds_zhejiangs_90_county_level_units_in_its_11_cities_in_official_order():
    units = county_units()
    assert len(units) == 90 and len({u.code for u in units}) == 90 and len({u.name for u in units}) == 90
    assert cities() == ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市",
                        "金华市", "衢州市", "舟山市", "台州市", "丽水市")
    assert [u.code for u in units] == sorted(u.code for u in units)
    assert {u.kind for u in units} == {"市辖区", "县级市", "县", "自治县"}
    assert sum(1 for u in units if u.city == "温州市") == 12


@pytest.mark.skipif(not SOURCE_COPY.is_file(), reason="the project's source documents are not on this machine")
def test_the_shipped_list_is_the_source_documents_list_byte_for_byte():
    shipped = resources.files("assessment.inputs.data").joinpath(UNITS_FILE).read_bytes()
    assert shipped == SOURCE_COPY.read_bytes()


def test_the_list_is_package_data_and_no_second_copy_is_kept_in_the_repository():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    assert "inputs/data/*.csv" in package_data["assessment"]
    sources = ("assessment", "bench", "data_templates", "docs", "notebooks", "tests", "tools")  # not build/, outputs/
    copies = [p.relative_to(ROOT) for folder in sources for p in (ROOT / folder).rglob(UNITS_FILE)]
    assert copies == [Path("assessment/inputs/data") / UNITS_FILE]
    assert (ROOT / "assessment/inputs/data/SOURCE.md").is_file()


@pytest.mark.parametrize(("name", "level", "city"), [
    ("鹿城区", "county", "温州市"),
    ("温州市鹿城区", "county", "温州市"),
    (" 龙港市 ", "county", "温州市"),
    ("普陀区", "county", "舟山市"),
    ("温州市", "city", "温州市"),
    ("温州市本级", "city", "温州市"),
])
def test_a_unit_is_placed_by_the_name_it_files_under(name, level, city):
    assert city_of(name, level) == city


@pytest.mark.parametrize(("name", "level"), [
    ("甲区", "county"),  # not on the list
    ("鹿城", "county"),  # no short forms: never guessed
    ("杭州市鹿城区", "county"),  # a county under another city's name
    ("鹿城区", "city"),  # a county filed as 市级
    ("温州市", "county"),  # a city filed as 县级
    ("温州", "city"),
])
def test_a_name_the_list_does_not_place_has_no_city(name, level):
    assert city_of(name, level) is None
