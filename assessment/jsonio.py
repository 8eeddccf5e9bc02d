"""The JSON form of a district's input: reading it into raw cells, and writing it back.

Shape (all but district/level/year/staff optional):
    {"district": "龙湾区", "level": "county", "year": 2022,
     "staff": {"authorized": 40, "on_duty": 34},
     "answers": {"s01_group_established": true, "s05_college_rate": 92.5, ...},
     "equipment": {"vehicle": 7, ...}, "prices": {"vehicle": 180000},
     "extra_equipment": [{"category": "field", "name": "…", "required": 3, "quantity": 4}],
     "roster": [{"name": "…", "education": "本科", "major": "法学类", "certified": true,
                 "cert_required": true, "legal_qualification": false}],
     "info": {"填报单位": "…"}, "evidence": {"<id>": "…"}, "remarks": {"<id>": "…"},
     "sample": false}
Reading only locates values (with their JSON path); `validate` judges them.
"""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from .model import Cell, DistrictInput, InputError, Location, Problem, RawExtra, RawInput, RawPerson

TOP_KEYS = {
    "district", "level", "year", "staff", "answers", "equipment", "prices", "extra_equipment",
    "roster", "info", "evidence", "remarks", "sample",
}
#: Roster fields: JSON key → the workbook header validation knows them by.
ROSTER_FIELDS = {
    "name": "姓名",
    "education": "学历",
    "major": "专业类别",
    "certified": "是否持证",
    "cert_required": "是否应持证",
    "legal_qualification": "法律职业资格",
}
EXTRA_FIELDS = ("category", "name", "required", "quantity", "unit_price")


def _mapping(raw: RawInput, data: Any, path: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raw.problems.append(Problem(Location(raw.path, json_path=path), "应为对象（{…}）"))
        return {}
    return data


def parse_json_input(text: bytes, path: str) -> RawInput:
    """Raw cells from JSON bytes; malformed JSON raises InputError with line and column."""
    raw = RawInput(path=path, sha256=hashlib.sha256(text).hexdigest())
    try:
        data = json.loads(text.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError([Problem(Location(path), "无法读取：文件不是UTF-8编码的JSON")]) from None
    except json.JSONDecodeError as exc:
        where = Location(path, row=exc.lineno, json_path=f"第{exc.colno}列")
        raise InputError([Problem(where, f"JSON格式错误：{exc.msg}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(Location(path, json_path="$"), "顶层应为对象（{…}）")])

    def cell(value: Any, json_path: str) -> Cell:
        return Cell(value, Location(path, json_path=json_path))

    for key in sorted(set(data) - TOP_KEYS):
        raw.problems.append(Problem(Location(path, json_path=f"$.{key}"), f"未知字段“{key}”"))
    for key in ("district", "level", "year", "sample"):
        if key in data:
            setattr(raw, key, cell(data[key], f"$.{key}"))
    staff = _mapping(raw, data.get("staff"), "$.staff")
    if "authorized" in staff:
        raw.authorized = cell(staff["authorized"], "$.staff.authorized")
    if "on_duty" in staff:
        raw.on_duty = cell(staff["on_duty"], "$.staff.on_duty")
    for key in ("answers", "equipment", "prices", "info", "evidence", "remarks"):
        target: dict[str, Cell] = getattr(raw, key)
        for k, v in _mapping(raw, data.get(key), f"$.{key}").items():
            target[k] = cell(v, f"$.{key}.{k}")

    extras = data.get("extra_equipment") or []
    if not isinstance(extras, list):
        raw.problems.append(Problem(Location(path, json_path="$.extra_equipment"), "应为数组（[…]）"))
        extras = []
    for i, row in enumerate(extras):
        base = f"$.extra_equipment[{i}]"
        row = _mapping(raw, row, base)
        for key in sorted(set(row) - set(EXTRA_FIELDS)):
            raw.problems.append(Problem(Location(path, json_path=f"{base}.{key}"), f"未知字段“{key}”"))
        price = row.get("unit_price")
        raw.extra_equipment.append(
            RawExtra(
                *(cell(row.get(k), f"{base}.{k}") for k in ("category", "name", "required", "quantity")),
                unit_price=None if price is None else cell(price, f"{base}.unit_price"),
            )
        )

    if "roster" in data and data["roster"] is not None:
        roster = data["roster"]
        if not isinstance(roster, list):
            raw.problems.append(Problem(Location(path, json_path="$.roster"), "应为数组（[…]）"))
        else:
            raw.roster = []
            for i, person in enumerate(roster):
                base = f"$.roster[{i}]"
                person = _mapping(raw, person, base)
                for key in sorted(set(person) - set(ROSTER_FIELDS)):
                    raw.problems.append(Problem(Location(path, json_path=f"{base}.{key}"), f"未知字段“{key}”"))
                raw.roster.append(
                    RawPerson({h: cell(person.get(k), f"{base}.{k}") for k, h in ROSTER_FIELDS.items()})
                )
    return raw


def read_json(path: Path) -> RawInput:
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(Location(str(path)), f"无法读取文件：{exc.strerror}")]) from None
    return parse_json_input(text, str(path))


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else float(value)
    return value


def input_to_dict(inp: DistrictInput) -> dict[str, Any]:
    """The JSON form of a validated input; reading it back gives an equal input."""
    out: dict[str, Any] = {
        "district": inp.district,
        "level": inp.level,
        "year": inp.year,
        "staff": {"authorized": inp.authorized, "on_duty": inp.on_duty},
        "answers": {k: _plain(v) for k, v in inp.answers.items()},
        "equipment": dict(inp.equipment),
    }
    if inp.prices:
        out["prices"] = {k: _plain(v) for k, v in inp.prices.items()}
    if inp.extra_equipment:
        out["extra_equipment"] = [
            {
                "category": x.category,
                "name": x.name,
                "required": x.required,
                "quantity": x.quantity,
                **({"unit_price": _plain(x.unit_price)} if x.unit_price is not None else {}),
            }
            for x in inp.extra_equipment
        ]
    if inp.roster is not None:
        out["roster"] = [
            {
                "name": p.name,
                "education": p.education,
                "major": p.major,
                "certified": p.certified,
                "cert_required": p.cert_required,
                "legal_qualification": p.legal_qualification,
            }
            for p in inp.roster
        ]
    for key in ("info", "evidence", "remarks"):
        if getattr(inp, key):
            out[key] = dict(getattr(inp, key))
    if inp.sample:
        out["sample"] = True
    return out


def input_to_json(inp: DistrictInput) -> str:
    return json.dumps(input_to_dict(inp), ensure_ascii=False, indent=2) + "\n"
