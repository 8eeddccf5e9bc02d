"""What was received, sorted into years and districts: each district folder's claimed
scores and verification, what could not be used and why, the year's manifest, and the
files each district folder of the summary's output gets (copied as received, never
re-rendered).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import assessment
from assessment.collect.find import Unit, Unused, find_units
from assessment.collect.verify import STATUSES, Verification, verify_folder
from assessment.inputs.limits import read_limited
from assessment.inputs.model import InputError
from assessment.publish.outputs import DISTRICT_FILES, MANIFEST, PLAN_JSON, SCORES_JSON, district_dirname, folder_key
from assessment.rubric.model import Rubric

#: What a summary's manifest says its districts are: report folders received, not rendered.
MADE_FROM = "收到的报告文件夹"


@dataclass(frozen=True)
class Received:
    """One usable district folder: where it came from, what its scores.json claims (bytes
    as received), and its verification."""

    unit: Unit
    district: str
    year: int
    scores_bytes: bytes
    verification: Verification

    @property
    def dirname(self) -> str:
        """Its folder under the year folder of the output, as a report's would be."""
        return district_dirname(self.district)


def read_claimed(unit: Unit) -> tuple[bytes, dict[str, Any]] | Unused:
    """The scores.json of a unit as bytes and parsed, or why it cannot be used."""
    try:
        data = read_limited(unit.folder / SCORES_JSON)
        claimed = json.loads(data.decode("utf-8"))
    except InputError as exc:
        return Unused(unit.source, f"scores.json无法读取：{exc.problems[0].message if exc.problems else exc}")
    except (UnicodeDecodeError, ValueError, RecursionError):
        return Unused(unit.source, "scores.json不是有效的JSON（可能已截断或损坏）")
    if not isinstance(claimed, dict) or not isinstance(claimed.get("district"), str) or not claimed["district"].strip():
        return Unused(unit.source, "scores.json不是本工具生成的（缺少地区）")
    year = claimed.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9999:
        return Unused(unit.source, "scores.json不是本工具生成的（缺少或错误的年度）")
    return data, claimed


def receive(paths: Iterable[Path], scratch: Path, rubric: Rubric) -> tuple[list[Received], list[Unused]]:
    """Every usable district folder under `paths`, verified against `rubric`, sorted by year
    and district, and what could not be used: besides what `find_units` leaves out, a
    scores.json that cannot be read, and every folder of a district and year sent twice
    (neither is taken: which one is right is for the sender to say)."""
    units, unused = find_units(paths, scratch)
    claims: dict[tuple[int, str], list[tuple[Unit, bytes, dict[str, Any]]]] = {}
    for unit in units:
        read = read_claimed(unit)
        if isinstance(read, Unused):
            unused.append(read)
            continue
        data, claimed = read
        claims.setdefault(folder_key(claimed["year"], claimed["district"]), []).append((unit, data, claimed))
    received = []
    for (year, _), same in sorted(claims.items()):
        if len(same) > 1:
            sources = "、".join(f"“{u.source}”" for u, _, _ in same)
            for unit, _, claimed in same:
                why = f"{sources}是同一地区和年度（{claimed['district']} {year}年），无法判断以哪一份为准"
                unused.append(Unused(unit.source, why))
            continue
        unit, data, claimed = same[0]
        received.append(Received(unit, claimed["district"], year, data, verify_folder(unit.folder, data, claimed, rubric)))
    return received, unused


def district_files(received: Received) -> dict[str, bytes]:
    """The files the district's folder in the output gets: those of its report folder
    (`outputs.DISTRICT_FILES`) as received, scores.json exactly as verified; a person's own
    files in it (审核意见.docx …) are not the tool's to copy."""
    folder = received.unit.folder
    files = {
        name: read_limited(folder / name)
        for name in sorted(DISTRICT_FILES - {SCORES_JSON})
        if (folder / name).is_file() and not (folder / name).is_symlink()
    }
    return {**files, SCORES_JSON: received.scores_bytes}


def counts(received: Iterable[Received]) -> dict[str, int]:
    listed = list(received)
    return {status: sum(1 for r in listed if r.verification.status == status) for status in STATUSES}


def year_manifest(
    year: int, received: Iterable[Received], unused: Iterable[Unused], rubric: Rubric, generated: str
) -> dict[str, Any]:
    """The year's manifest.json: its districts (each `ok`, as a summary reads them, with
    where it came from and its verification) and everything received that was not used."""
    listed = [r for r in received if r.year == year]
    return {
        "year": year,
        "made_from": MADE_FROM,
        "tool_version": assessment.__version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "source": rubric.source},
        "rubric_sha256": rubric.sha256,
        "generated": generated,
        "verification_counts": counts(listed),
        "districts": [
            {
                "district": r.district,
                "year": r.year,
                "status": "ok",
                "folder": r.dirname,
                "source": r.unit.source,
                "verification": r.verification.to_dict(),
            }
            for r in listed
        ],
        "unused": [{"source": u.source, "reason": u.reason} for u in unused],
    }


def stage_year(stage: Path, manifest: Mapping[str, Any], received: Iterable[Received]) -> None:
    """Write into `stage` (a scratch year folder) what the year's summary reads: the
    manifest and each district's scores.json and plan.json."""
    stage.mkdir(parents=True, exist_ok=True)
    (stage / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    for r in received:
        folder = stage / r.dirname
        folder.mkdir()
        (folder / SCORES_JSON).write_bytes(r.scores_bytes)
        if (r.unit.folder / PLAN_JSON).is_file():
            (folder / PLAN_JSON).write_bytes(read_limited(r.unit.folder / PLAN_JSON))
