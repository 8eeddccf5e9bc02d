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

import dataclasses
import hashlib
import json
import math
import re
from collections import Counter
from fractions import Fraction
from itertools import accumulate
from pathlib import Path
from typing import Any

from assessment.inputs.limits import MAX_JSON_DEPTH, MAX_NUMBER_CHARS, read_limited
from assessment.inputs.model import (
    Cell,
    DistrictInput,
    InputError,
    Location,
    NumberLiteral,
    Problem,
    RawExtra,
    RawInput,
    RawPerson,
)
from assessment.inputs.validate import validate
from assessment.rubric.model import Rubric

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


class _Object(dict):
    """A JSON object as parsed, remembering keys that appeared more than once (the last wins)."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    obj.repeated = [] if len(obj) == len(pairs) else sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


def _integer(text: str) -> int | NumberLiteral:
    """An integer literal; one too long to be a count is kept as written (Python refuses
    to convert integers of over 4,300 digits, and no field needs more than a few)."""
    return NumberLiteral(text) if len(text) > MAX_NUMBER_CHARS else int(text)


def _float(text: str) -> float | NumberLiteral:
    """A decimal literal as a float; one that overflows (1e999), underflows to 0 (1e-999)
    or is absurdly long is kept as written, for validation to refuse."""
    if len(text) > MAX_NUMBER_CHARS:
        return NumberLiteral(text)
    value = float(text)
    mantissa = text.lower().partition("e")[0]
    if math.isinf(value) or (value == 0 and mantissa.strip("-+0.") != ""):
        return NumberLiteral(text)
    return value


def key_path(base: str, key: str) -> str:
    """`$.answers.s01` for a plain key; `$.info["a.b"]` for one with dots, brackets, quotes,
    spaces or invisible characters, so that a path always says which key is meant."""
    plain = re.fullmatch(r"[^\s.\[\]\"'\\]+", key) is not None and key.isprintable()
    return f"{base}.{key}" if plain else f"{base}[{json.dumps(key, ensure_ascii=False)}]"


#: A JSON string, matched whole so that brackets inside it do not count as nesting.
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
#: JSON's structural tokens and its strings (keys among them).
TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _too_deep(text: str) -> str | None:
    """The JSON path where `text` nests deeper than MAX_JSON_DEPTH, if it does.

    Checked on the text before parsing: Python's parser recurses once per level and fails
    with RecursionError (not a JSONDecodeError) on inputs nested a few thousand deep.
    """
    brackets = re.sub(r"[^\[\]{}]", "", STRING.sub("", text))
    if max(accumulate(1 if c in "[{" else -1 for c in brackets), default=0) <= MAX_JSON_DEPTH:
        return None  # the common case, without following keys and indices
    stack: list[list[Any]] = []  # per open container: [kind, current key or index]
    last_string: str | None = None
    for match in TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            if len(stack) >= MAX_JSON_DEPTH:
                return _stack_path(stack)
            stack.append([token, 0 if token == "[" else None])
        elif token in "]}":
            if stack:
                stack.pop()
        elif token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
        elif token == ":":
            if stack and stack[-1][0] == "{":
                stack[-1][1] = last_string
        else:
            try:
                last_string = json.loads(token)
            except ValueError:
                last_string = token
    return None


def _stack_path(stack: list[list[Any]]) -> str:
    """The path of the container about to be opened inside the innermost one of `stack`."""
    path = "$"
    for kind, position in stack:
        path = f"{path}[{position}]" if kind == "[" else key_path(path, str(position))
    return path


def _repeated_keys(data: Any, path: str, problems: list[Problem], file: str) -> None:
    """Every key given twice in one object, with the object's path (the depth is bounded)."""
    if isinstance(data, _Object):
        for key in data.repeated:
            problems.append(Problem(Location(file, json_path=key_path(path, key)), f"字段“{key}”重复出现，只能出现一次"))
        for key, value in data.items():
            _repeated_keys(value, key_path(path, key), problems, file)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _repeated_keys(value, f"{path}[{i}]", problems, file)


def load_json_object(text: bytes, path: str, what: str) -> tuple[dict[str, Any], list[Problem]]:
    """The top-level object of a JSON file people send us (an input or a review, `what`
    names which in messages), read strictly: UTF-8, nesting bounded before parsing,
    numbers kept exactly as written (NaN, Infinity and out-of-range literals become
    `NumberLiteral`s for validation to refuse with their path). Returns the object and the
    problems of keys repeated anywhere in it; what cannot be read at all raises InputError
    with line and column."""
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(Location(path), "无法读取：文件不是UTF-8编码的JSON")]) from None
    deep = _too_deep(decoded)
    if deep is not None:
        raise InputError([Problem(Location(path, json_path=deep), f"嵌套超过{MAX_JSON_DEPTH}层（上限），不是有效的{what}")])
    try:
        data = json.loads(
            decoded, object_pairs_hook=_object, parse_int=_integer, parse_float=_float, parse_constant=NumberLiteral
        )
    except json.JSONDecodeError as exc:
        where = Location(path, row=exc.lineno, json_path=f"第{exc.colno}列")
        raise InputError([Problem(where, f"JSON格式错误：{exc.msg}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(Location(path, json_path="$"), "顶层应为对象（{…}）")])
    problems: list[Problem] = []
    _repeated_keys(data, "$", problems, path)
    return data, problems


def parse_json_input(text: bytes, path: str) -> RawInput:
    """Raw cells from JSON bytes; malformed JSON raises InputError with line and column."""
    raw = RawInput(path=path, sha256=hashlib.sha256(text).hexdigest())
    data, repeated = load_json_object(text, path, "填报数据")
    raw.problems.extend(repeated)

    def cell(value: Any, json_path: str) -> Cell:
        return Cell(value, Location(path, json_path=json_path))

    for key in sorted(set(data) - TOP_KEYS):
        raw.problems.append(Problem(Location(path, json_path=key_path("$", key)), f"未知字段“{key}”"))
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
            target[k] = cell(v, key_path(f"$.{key}", k))

    extras = data.get("extra_equipment") or []
    if not isinstance(extras, list):
        raw.problems.append(Problem(Location(path, json_path="$.extra_equipment"), "应为数组（[…]）"))
        extras = []
    for i, row in enumerate(extras):
        base = f"$.extra_equipment[{i}]"
        row = _mapping(raw, row, base)
        for key in sorted(set(row) - set(EXTRA_FIELDS)):
            raw.problems.append(Problem(Location(path, json_path=key_path(base, key)), f"未知字段“{key}”"))
        price = row.get("unit_price")
        raw.extra_equipment.append(
            RawExtra(
                category=cell(row.get("category"), f"{base}.category"),
                name=cell(row.get("name"), f"{base}.name"),
                required=cell(row.get("required"), f"{base}.required"),
                quantity=cell(row.get("quantity"), f"{base}.quantity"),
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
                    raw.problems.append(Problem(Location(path, json_path=key_path(base, key)), f"未知字段“{key}”"))
                raw.roster.append(
                    RawPerson({h: cell(person.get(k), f"{base}.{k}") for k, h in ROSTER_FIELDS.items()})
                )
    return raw


def read_json(path: Path) -> RawInput:
    return parse_json_input(read_limited(path), str(path))


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


def flat_input(data: dict[str, Any]) -> dict[str, Any]:
    """A JSON form as one value per field path (`answers.<id>`, `staff.on_duty`,
    `roster[2].name`…), for naming field by field what differs between two contents."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items()})
        elif isinstance(value, list):
            for i, row in enumerate(value):
                items = row.items() if isinstance(row, dict) else [("", row)]
                out.update({f"{key}[{i}]" + (f".{k}" if k else ""): v for k, v in items})
        else:
            out[key] = value
    return out


def canonical_json(inp: DistrictInput) -> str:
    """The input's content as one canonical text (sorted keys, no spacing): a workbook, the
    same workbook re-saved by another program and its JSON conversion all give the same
    text, so its sha256 (`content_sha256`) names the content, not the file's bytes."""
    return json.dumps(input_to_dict(inp), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_sha256(inp: DistrictInput) -> str:
    """The sha256 of `canonical_json`: what a review binds to."""
    return hashlib.sha256(canonical_json(inp).encode("utf-8")).hexdigest()


def input_snapshot(inp: DistrictInput) -> tuple[str, str]:
    """The validated input as the text handed to a report's notebook, and its sha256.

    A run reads and validates its input once; everything it publishes (scores.json, the
    page, plan.json, the manifest) must come from that reading, even if the file is saved
    again meanwhile. So the notebook is handed this snapshot instead of the file's path:
    the canonical content plus what is about the file (its path, its bytes' sha256 and the
    located warnings of how it was written), which the JSON form does not carry."""
    text = json.dumps(
        {"input": input_to_dict(inp), "path": inp.path, "sha256": inp.sha256, "warnings": list(inp.warnings)},
        ensure_ascii=False, sort_keys=True,
    )
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_from_snapshot(text: str, digest: str, rubric: Rubric) -> DistrictInput:
    """The input `input_snapshot` made, checked against its sha256 (InputError when the text
    was altered on the way) and validated again, so it equals the input the run read."""
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
        raise InputError([Problem(Location("<snapshot>"), f"输入快照与其SHA-256（{digest}）不符，快照在传递中被改动")])
    data = json.loads(text)
    raw = parse_json_input(json.dumps(data["input"], ensure_ascii=False).encode("utf-8"), data["path"])
    inp = validate(raw, rubric)
    return dataclasses.replace(inp, path=data["path"], sha256=data["sha256"], warnings=tuple(data["warnings"]))
