"""The province roll-up: when a summary's units span several cities, its tables by city.

Each unit's city comes from Zhejiang's list of county-level units (`inputs.units.city_of`)
by the name and level it filed under; a unit the list does not place is grouped under
未知地市 and named in a note, never guessed. A city-level unit (市级) is kept apart from its
counties, as the rubric's levels are (their maxima and equipment quantities differ): each
city has one row for its counties (温州市) and, when it sent one, another for its 市级 unit
(温州市（市级）), never one average of both.

Every mean and rate is computed exactly (Fractions, from the figures' decimal text) and
rounded only as the table holds it (`util.exact.rounded`); the page and workbook show it
through the formatting every other table uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from assessment.inputs.model import LEVEL_NAMES
from assessment.inputs.units import cities
from assessment.report.summary.plans import plan_overview, purchase_split
from assessment.report.summary.tables import DISTRICT, EQUIPMENT, Scores, categories_of, equipment_shortfall
from assessment.report.summary_name import UNKNOWN_CITY, city_name, level_of, spans_cities
from assessment.rubric.levels import LEVELS, Level
from assessment.util.exact import rounded, to_fraction

CITY = "地市"
UNITS, PASSED, PASS_RATE, MEAN_TOTAL = "单位数", "达标数", "达标率(%)", "平均总得分"
SHORT_UNITS, SHORTFALL = "有装备缺口单位数", "装备缺口合计"
PLANNED, UNPASSABLE, MEAN_ACTIONS, MEAN_GAIN, TO_BUY = (
    "可按方案达标单位数", "无法达标单位数", "平均达标所需措施数", "方案平均增分", "达标所需购置合计",
)
#: The tables of the roll-up (page sections and workbook sheets), shown above the ranking; the
#: last only when the units' plans are given.
CITY_TABLE, CITY_EQUIPMENT_TABLE, CITY_PLANS_TABLE = "各地市汇总", "各地市装备", "各地市达标路径"
#: Decimals a mean or rate keeps in the tables.
PLACES = 2


@dataclass(frozen=True)
class Group:
    """The units of one city at one level (or of no known city: `UNKNOWN_CITY`)."""

    city: str
    level: Level
    scores: tuple[Scores, ...]


def groups(scores: Sequence[Scores]) -> list[Group]:
    """The units by city (official order, 未知地市 last), counties before a city's 市级 unit."""
    order = [*cities(), UNKNOWN_CITY]
    keyed: dict[tuple[str, Level], list[Scores]] = {}
    for s in scores:
        keyed.setdefault((city_name(s), level_of(s)), []).append(s)
    return [Group(city, level, tuple(keyed[city, level])) for city in order for level in LEVELS if (city, level) in keyed]


def unknown_note(scores: Sequence[Scores]) -> str | None:
    """The note naming every unit whose city the list does not give (None: every unit placed)."""
    unknown = [f"{s['district']}（{LEVEL_NAMES[level_of(s)]}）" for s in scores if city_name(s) == UNKNOWN_CITY]
    if not unknown:
        return None
    return (f"以下{len(unknown)}个单位无法按浙江省县级行政区名单确定所属地市，列于“{UNKNOWN_CITY}”："
            f"{'、'.join(unknown)}。区县按区县名称（如“鹿城区”）、市级单位按地市名称（如“温州市”）填报即可归入所属地市。")


def _mean(values: Sequence[Any]) -> int | float | None:
    """The exact mean of figures as written (None when there are none), rounded as tables hold it."""
    if not values:
        return None
    return rounded(sum((to_fraction(v) for v in values), Fraction(0)) / len(values), PLACES)


def _equipment_categories(scores: Sequence[Scores]) -> list[tuple[str, str]]:
    """(id, name) of the equipment rubric's categories, as the units report them."""
    seen: dict[str, str] = {}
    for s in scores:
        for cid, cat in s["equipment"].get("categories", {}).items():
            seen.setdefault(cid, cat["name"])
    return list(seen.items())


def group_name(city: str, level: Level) -> str:
    """How a table names a city's units of one level: 温州市 (its counties), 温州市（市级）."""
    return f"{city}（{LEVEL_NAMES['city']}）" if level == "city" else city


def _group_label(group: Group) -> dict[str, Any]:
    return {CITY: group_name(group.city, group.level), UNITS: len(group.scores)}


def city_table(scores: Sequence[Scores]) -> pd.DataFrame:
    """Per city and level: units, how many pass and the pass rate, the mean total, and the
    mean points of each of the six categories and of the equipment score (装备得分, headed
    as in the ranking)."""
    cats = categories_of(scores)
    rows = []
    for group in groups(scores):
        units = group.scores
        passed = sum(1 for s in units if s["passed"])
        row = {**_group_label(group), PASSED: passed, PASS_RATE: rounded(Fraction(100 * passed, len(units)), PLACES),
               MEAN_TOTAL: _mean([s["total"] for s in units])}
        row.update({name: _mean([s["categories"][cid]["points"] for s in units if cid in s["categories"]])
                    for cid, name in cats})
        row[EQUIPMENT] = _mean([s["equipment"]["points"] for s in units])
        rows.append(row)
    columns = [CITY, UNITS, PASSED, PASS_RATE, MEAN_TOTAL, *(n for _, n in cats), EQUIPMENT]
    return _typed(pd.DataFrame(rows, columns=columns), float_columns=columns[3:])


def equipment_table(scores: Sequence[Scores]) -> pd.DataFrame:
    """Per city and level (its units counted in `city_table`, above it on the page): the
    mean points of each of the equipment rubric's categories, how many units lack some item,
    and the shortfall (the summary's `equipment_shortfall` of its units, summed)."""
    equipment = _equipment_categories(scores)
    rows = []
    for group in groups(scores):
        units = group.scores
        row: dict[str, Any] = {CITY: group_name(group.city, group.level)}
        row.update({name: _mean([s["equipment"]["categories"][cid]["points"] for s in units
                                 if cid in s["equipment"].get("categories", {})])
                    for cid, name in equipment})
        row[SHORT_UNITS] = sum(1 for s in units if any(i["shortfall"] > 0 for i in s["equipment"]["items"]))
        row[SHORTFALL] = int(equipment_shortfall(units)["缺口合计"].sum())
        rows.append(row)
    columns = [CITY, *(n for _, n in equipment), SHORT_UNITS, SHORTFALL]
    return _typed(pd.DataFrame(rows, columns=columns), float_columns=[n for _, n in equipment])


def plans_table(scores: Sequence[Scores], plans: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Per city and level, the road to 达标 of its units (`plan_overview`, `purchase_split`):
    how many can pass by their plan and how many cannot, the mean actions and points the
    plans need, and the items to buy to meet the standard."""
    rows = []
    for group in groups(scores):
        units = group.scores
        overview = plan_overview(units, plans)
        totals = {s["district"]: s["total"] for s in units}
        road = overview[overview["现状"] == "未达标"]
        rows.append({
            **_group_label(group),
            PLANNED: len(road),
            UNPASSABLE: int((overview["现状"] == "无法达标").sum()),
            MEAN_ACTIONS: _mean(list(road["达标所需措施数"])),
            MEAN_GAIN: _mean([to_fraction(after) - to_fraction(totals[name])
                              for name, after in zip(road[DISTRICT], road["完成后总分"])]),
            TO_BUY: int(purchase_split(units, plans)["达标所需购置合计"].sum()),
        })
    columns = [CITY, UNITS, PLANNED, UNPASSABLE, MEAN_ACTIONS, MEAN_GAIN, TO_BUY]
    return _typed(pd.DataFrame(rows, columns=columns), float_columns=[MEAN_ACTIONS, MEAN_GAIN])


def _typed(table: pd.DataFrame, float_columns: Sequence[str]) -> pd.DataFrame:
    """Means and rates as float columns (blank where a group has none), like the other tables."""
    for column in float_columns:
        table[column] = pd.to_numeric(table[column]).astype("float64")
    return table


def city_column(ranking: pd.DataFrame, scores: Sequence[Scores]) -> pd.DataFrame:
    """The ranking with each unit's city after its name; a 市级 unit's reads e.g. 温州市（市级）."""
    label = {s["district"]: group_name(city_name(s), level_of(s)) for s in scores}
    out = ranking.copy()
    out.insert(list(out.columns).index(DISTRICT) + 1, CITY, out[DISTRICT].map(label))
    return out


def city_sheets(ranking: pd.DataFrame, scores: Sequence[Scores]) -> dict[str, pd.DataFrame]:
    """Per city (official order, 未知地市 last): the ranking's rows of its units, 市级 included,
    each keeping its rank among all units."""
    city = {s["district"]: city_name(s) for s in scores}
    names = list(dict.fromkeys(g.city for g in groups(scores)))
    return {name: ranking[ranking[DISTRICT].map(city) == name].reset_index(drop=True) for name in names}


def with_cities(tables: Mapping[str, pd.DataFrame], scores: Sequence[Scores],
                plans: Sequence[Mapping[str, Any]] = ()) -> dict[str, pd.DataFrame]:
    """The summary's tables with the roll-up when the units span several cities (else as
    they are): the city tables first, the ranking with a 地市 column, a table per city
    after it, then the rest in their order."""
    if not spans_cities(scores):
        return dict(tables)
    ranking = city_column(tables["排名"], scores)
    rest = {name: table for name, table in tables.items() if name != "排名"}
    roll_up = {CITY_TABLE: city_table(scores), CITY_EQUIPMENT_TABLE: equipment_table(scores),
               **({CITY_PLANS_TABLE: plans_table(scores, plans)} if plans else {})}
    return {**roll_up, "排名": ranking, **city_sheets(ranking, scores), **rest}

