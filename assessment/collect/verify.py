"""One received district folder checked against itself, number by number.

A folder is 已核验 when its enclosed input (the copy `outputs.INPUT_COPIES` names), read
and validated as any input is and re-scored with the rubric in use, gives every figure its
scores.json claims; when the input's and the rubric's sha256 in scores.json are those of
the input and rubric used; and when report.html is sealed on that scores.json
(`publish.stamp`). A figure that differs, or a sha256, makes it 不一致 with every
difference named in Chinese; what is missing (no input, no page, a page of an older
version, a review not enclosed) makes it 无法核验 with why. A different tool version
alone is a note: the re-scoring by this version is the proof.

`compare_scores`, `compare_provenance` and `check_page` are pure; only `verify_folder`
reads files.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import assessment
from assessment.inputs.files import load_input
from assessment.inputs.limits import read_limited
from assessment.inputs.model import BASIC_INFO, InputError
from assessment.publish.ledger import sha256_bytes
from assessment.publish.outputs import INPUT_COPIES, REPORT_HTML
from assessment.publish.stamp import stamped_scores
from assessment.report.summary.verification import MISMATCH, UNVERIFIABLE, VERIFIED
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.scoring.scores_json import SELF_KEYS, scores_dict
from assessment.util.formatting import fmt

STATUSES = (VERIFIED, MISMATCH, UNVERIFIABLE)
#: The reason a folder without its input cannot be checked.
NO_INPUT = "缺少填报文件"


@dataclass(frozen=True)
class Verification:
    """A district folder's status, the differences (不一致) or reasons (无法核验) behind it,
    and notes that do not change it."""

    status: str
    details: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """`已核验`, `不一致（总得分：scores.json为90，复算为85.5）`, `无法核验（缺少填报文件）`."""
        return f"{self.status}（{'；'.join(self.details)}）" if self.details else self.status

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "details": list(self.details), "notes": list(self.notes)}


def judged(differences: Sequence[str], unverifiable: Sequence[str], notes: Sequence[str] = ()) -> Verification:
    """The status of what was found: any difference is 不一致 (it names what is wrong,
    whatever else is missing), else any gap is 无法核验, else 已核验."""
    if differences:
        return Verification(MISMATCH, tuple(differences), tuple(notes))
    if unverifiable:
        return Verification(UNVERIFIABLE, tuple(unverifiable), tuple(notes))
    return Verification(VERIFIED, (), tuple(notes))


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _at(data: Any, *keys: str) -> Any:
    """data[k1][k2]…, or MISSING where a level is absent or not an object."""
    for key in keys:
        if not isinstance(data, Mapping) or key not in data:
            return MISSING
        data = data[key]
    return data


def _same(a: Any, b: Any) -> bool:
    """Equal as figures: a bool equals only a bool (True is not 1), numbers by value."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _shown(value: Any) -> str:
    if value is MISSING:
        return "（缺少）"
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return fmt(value, 4) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return f"“{value[:60]}”"
    return "（格式错误）"


def _named(claimed: Any, recomputed: Any, key: str) -> str:
    for source in (recomputed, claimed):
        name = _at(source, "name")
        if isinstance(name, str):
            return name
    return key


def _keyed(claimed: Any, recomputed: Any) -> list[str]:
    """The ids of both, recomputed first in their order, then any only claimed."""
    ids = list(recomputed) if isinstance(recomputed, Mapping) else []
    return ids + [k for k in (claimed if isinstance(claimed, Mapping) else {}) if k not in ids]


def _items(data: Any) -> dict[str, Any]:
    items = _at(data, "equipment", "items")
    return {str(i.get("id")): i for i in items if isinstance(i, Mapping)} if isinstance(items, list) else {}


def compared_figures(claimed: Mapping[str, Any], recomputed: Mapping[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    """(Chinese name, value claimed, value recomputed) of every figure scores.json states
    that the summary or the report shows: who and when, staff, total, verdict, each
    category, the equipment, each indicator and each criterion."""
    yield from (
        (label, _at(claimed, *path), _at(recomputed, *path))
        for label, path in (
            ("地区", ("district",)), ("年度", ("year",)), ("级别", ("level",)),
            ("编制人数", ("staff", "authorized")), ("在岗人数", ("staff", "on_duty")),
            *((label, ("basic_info", key)) for key, label in BASIC_INFO.items()),
            ("总得分", ("total",)), ("满分", ("total_max",)), ("是否达标", ("passed",)), ("称号", ("title",)),
            ("加分", ("bonus", "points")), ("装备得分", ("equipment", "points")), ("装备是否达标", ("equipment", "passed")),
        )
    )
    yield "达标（待核）", bool(_at(claimed, "pending") not in (None, MISSING)), bool(_at(recomputed, "pending"))
    for group, label in (("categories", "类别"), ("indicators", "指标"), ("criteria", "评分项")):
        mine, theirs = _at(recomputed, group), _at(claimed, group)
        for key in _keyed(theirs, mine):
            name = f"{label}“{_named(_at(theirs, key), _at(mine, key), key)}”"
            yield f"{name}得分", _at(theirs, key, "points"), _at(mine, key, "points")
            if group == "categories":
                yield f"{name}是否达标", _at(theirs, key, "passed"), _at(mine, key, "passed")
            if group == "criteria":
                yield f"{name}填报值", _at(theirs, key, "value"), _at(mine, key, "value")
    mine_items, their_items = _items(recomputed), _items(claimed)
    for key in _keyed(their_items, mine_items):
        name = f"装备“{_named(their_items.get(key), mine_items.get(key), key)}”"
        yield f"{name}实配数量", _at(their_items.get(key), "quantity"), _at(mine_items.get(key), "quantity")
        yield f"{name}缺口", _at(their_items.get(key), "shortfall"), _at(mine_items.get(key), "shortfall")


def compare_scores(claimed: Mapping[str, Any], recomputed: Mapping[str, Any], prefix: str = "") -> list[str]:
    """Every figure of `claimed` (a scores.json as received) that `recomputed` (the input
    re-scored) does not give, as `总得分：scores.json为90，复算为85.5`."""
    return [
        f"{prefix}{label}：scores.json为{_shown(theirs)}，复算为{_shown(mine)}"
        for label, theirs, mine in compared_figures(claimed, recomputed)
        if not _same(theirs, mine)
    ]


def _short(digest: Any) -> str:
    return f"{digest[:12]}…" if isinstance(digest, str) else _shown(digest)


def compare_provenance(
    claimed: Mapping[str, Any], *, rubric_sha256: str, input_sha256: str | None, tool_version: str
) -> tuple[list[str], list[str]]:
    """(differences, notes) of what scores.json says made it against what was found: the
    rubric's sha256 against the rubric in use, the input's against the enclosed input's
    (None: no input enclosed), the tool version against this one (a note only)."""
    differences, notes = [], []
    stated = _at(claimed, "provenance")
    if _at(stated, "rubric_sha256") != rubric_sha256:
        differences.append(
            f"评分标准sha256：scores.json记录为{_short(_at(stated, 'rubric_sha256'))}，本次所用评分标准为{_short(rubric_sha256)}"
        )
    if input_sha256 is not None and _at(stated, "input_sha256") != input_sha256:
        differences.append(
            f"填报文件sha256：scores.json记录为{_short(_at(stated, 'input_sha256'))}，所附填报文件为{_short(input_sha256)}"
        )
    version = _at(stated, "tool_version")
    if version != tool_version:
        notes.append(f"scores.json由本工具{_shown(version)}版生成，本次以{tool_version}版复算")
    return differences, notes


def check_page(html: str | None, scores_sha256: str) -> tuple[list[str], list[str]]:
    """(differences, gaps) of report.html against the scores.json it should show: sealed on
    another scores.json is a difference; no page, or a page without a seal, a gap."""
    if html is None:
        return [], [f"缺少{REPORT_HTML}"]
    stamps = stamped_scores(html)
    if not stamps:
        return [], [f"{REPORT_HTML}未记录其scores.json的sha256（由旧版本生成），无法确认页面与scores.json一致"]
    if stamps != [scores_sha256]:
        page, scores = _short(stamps[0]), _short(scores_sha256)
        return [f"{REPORT_HTML}不是由该scores.json生成的（页面记录的sha256为{page}，scores.json为{scores}）"], []
    return [], []


def enclosed_input(folder: Path, claimed: Mapping[str, Any]) -> Path | None:
    """The copy of the input in `folder`: the one whose sha256 scores.json names when there
    are several (a district that changed format), else the only one; None without one."""
    copies = sorted(folder / name for name in INPUT_COPIES if (folder / name).is_file())
    if len(copies) > 1:
        stated = _at(claimed, "provenance", "input_sha256")
        matching = [c for c in copies if sha256_bytes(read_limited(c)) == stated]
        return matching[0] if matching else copies[0]
    return copies[0] if copies else None


def verify_folder(folder: Path, scores_bytes: bytes, claimed: Mapping[str, Any], rubric: Rubric) -> Verification:
    """The verification of one district folder whose scores.json is `scores_bytes`
    (parsed: `claimed`), re-scored with `rubric`."""
    differences: list[str] = []
    gaps: list[str] = []
    copy = enclosed_input(folder, claimed)
    input_sha256 = None
    if copy is None:
        gaps.insert(0, NO_INPUT)
    else:
        try:
            data = read_limited(copy)
            input_sha256 = sha256_bytes(data)
            inp = load_input(copy, rubric)
        except InputError as exc:
            first = exc.problems[0].message if exc.problems else str(exc)
            gaps.insert(0, f"所附{copy.name}无法读取或未通过校验：{first}")
        else:
            recomputed = scores_dict(score(rubric, inp))
            if isinstance(_at(claimed, "review"), Mapping):  # 核定分: scored on a review the folder does not hold
                self_claimed = _at(claimed, "self")
                differences += compare_scores(self_claimed if isinstance(self_claimed, Mapping) else {},
                                              {k: recomputed[k] for k in SELF_KEYS}, prefix="自评")
                gaps.append("经市级复核的地区，核定分依据的复核文件不在文件夹中，无法复算核定分")
            else:
                differences += compare_scores(claimed, recomputed)
    found, version_notes = compare_provenance(
        claimed, rubric_sha256=rubric.sha256, input_sha256=input_sha256, tool_version=assessment.__version__
    )
    page = folder / REPORT_HTML
    on_page, page_gaps = check_page(read_limited(page).decode("utf-8", "replace") if page.is_file() else None,
                                    sha256_bytes(scores_bytes))
    return judged(differences + found + on_page, gaps + page_gaps, version_notes)
