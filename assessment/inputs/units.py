"""Zhejiang's county-level units and their cities: the one list every part of the tool reads.

The list (package data `inputs/data/zhejiang-county-units.csv`, its source in
`inputs/data/SOURCE.md`) is read once. The province roll-up of the municipal summary finds
each unit's city here by the name the unit filed under, and never guesses: a name that is not
on the list has no city (`city_of` returns None) and the summary says so.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from assessment.rubric.levels import Level

UNITS_FILE = "zhejiang-county-units.csv"
#: What a city-level unit may add to its city's name: 温州市 or 温州市本级.
CITY_LEVEL_SUFFIX = "本级"


@dataclass(frozen=True)
class Unit:
    """One county-level unit: its division code, name, kind (市辖区, 县级市, 县, 自治县) and city."""

    code: str
    name: str
    kind: str
    city: str


@cache
def county_units() -> tuple[Unit, ...]:
    """The 90 county-level units of Zhejiang, in code order (so cities in official order)."""
    text = resources.files("assessment.inputs.data").joinpath(UNITS_FILE).read_text("utf-8")
    return tuple(Unit(r["code"], r["name"], r["kind"], r["city"]) for r in csv.DictReader(io.StringIO(text)))


@cache
def cities() -> tuple[str, ...]:
    """The 11 cities (地市), in official order."""
    return tuple(dict.fromkeys(u.city for u in county_units()))


@cache
def _city_by_name() -> dict[str, str]:
    return {u.name: u.city for u in county_units()}


def city_of(district: str, level: Level) -> str | None:
    """The city of a unit by the name it filed under, or None when the list does not say.

    A county-level unit is found by its own name (鹿城区) or its name after its city's
    (温州市鹿城区); a city-level unit (市级) by its city's name (温州市, 温州市本级). A name
    the list does not hold, or a county's name filed as 市级 (or a city's as 县级), has no
    city: the level decides which list a name is looked up in, so it is never guessed."""
    name = district.strip()
    if level == "city":
        city = name.removesuffix(CITY_LEVEL_SUFFIX)
        return city if city in cities() else None
    found = _city_by_name().get(name)
    if found is not None:
        return found
    for city in cities():
        if name.startswith(city) and _city_by_name().get(name[len(city):]) == city:
            return city
    return None
