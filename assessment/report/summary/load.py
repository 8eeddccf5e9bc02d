"""Loading a summary: the `scores.json` and `plan.json` of a batch's year folder (following
its manifest), an earlier year's for comparison, or a folder of inputs scored in memory.
The only functions of the summary that read files.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assessment.inputs.files import batch_inputs, load_input
from assessment.inputs.limits import read_limited
from assessment.inputs.model import InputError
from assessment.plan.json_form import plan_to_dict
from assessment.plan.solve import make_plan
from assessment.publish.outputs import MANIFEST, PLAN_JSON, SCORES_JSON
from assessment.report.district import earlier_year_folders, read_previous_scores
from assessment.report.followup import read_previous_plan
from assessment.report.summary.build import Summary, build_summary
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text("utf-8"))


def manifest_verification(manifest: Mapping[str, Any]) -> dict[str, dict[str, Any]] | None:
    """The verification of each district a summary-of-received-folders manifest records
    (district → {"status", "details", "notes"}); None for a batch's manifest, which has none."""
    found = {e["district"]: e["verification"] for e in manifest["districts"]
             if e["status"] == "ok" and isinstance(e.get("verification"), dict)}
    return found or None


def _district_folders(year_dir: Path, manifest: Mapping[str, Any] | None) -> list[Path]:
    """The district folders of a year: those the manifest lists as ok, else every one with scores."""
    year_dir = Path(year_dir)
    if manifest is not None:
        return [year_dir / e["folder"] for e in manifest["districts"] if e["status"] == "ok" and e.get("folder")]
    return sorted(p.parent for p in year_dir.glob(f"*/{SCORES_JSON}"))


def load_scores_dir(year_dir: Path, manifest: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The scores.json of each district folder of a batch's year folder.

    With the year's manifest only the folders of districts that succeeded in that run are
    read, so a stale folder left by an earlier run (a district since removed or now
    invalid) never enters the summary; without it, every `*/scores.json`.
    """
    return [json.loads((f / SCORES_JSON).read_text("utf-8")) for f in _district_folders(year_dir, manifest)]


def load_plans_dir(year_dir: Path, manifest: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The plan.json (road to 达标) of each district folder that has one, like load_scores_dir."""
    folders = _district_folders(year_dir, manifest)
    return [json.loads((f / PLAN_JSON).read_text("utf-8")) for f in folders if (f / PLAN_JSON).is_file()]


def score_inputs(
    inputs_dir: Path, rubric: Rubric | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Score and plan every input of a folder in memory: (scores dicts, plan dicts,
    manifest-like entries of the invalid ones), for a summary without a batch run."""
    rubric = rubric or default_rubric()
    scores, plans, excluded = [], [], []
    for path in batch_inputs(Path(inputs_dir))[0]:  # the files a batch would read, no hidden copies
        try:
            inp = load_input(path, rubric)
        except InputError as exc:
            excluded.append({"input": str(path), "status": "invalid", "errors": [str(p) for p in exc.problems]})
            continue
        scores.append(scores_dict(score(rubric, inp)))
        plans.append(plan_to_dict(make_plan(rubric, inp)))
    return scores, plans, excluded


def _previous_folders(previous_dir: Path, year: int) -> tuple[list[Path], list[str]]:
    """The district folders of the latest year before `year` in an earlier batch output
    (an output, or its year folder; empty if none), and a warning when its manifest is
    damaged: too large, truncated or mis-shaped; then every folder with a scores.json is
    taken, as without a manifest."""
    folders = earlier_year_folders(Path(previous_dir), year)
    if not folders:
        return [], []
    year_dir = folders[0]
    manifest_path = year_dir / MANIFEST
    if not manifest_path.is_file():
        return _district_folders(year_dir, None), []
    try:
        return _district_folders(year_dir, json.loads(read_limited(manifest_path).decode("utf-8"))), []
    except (InputError, UnicodeDecodeError, ValueError, RecursionError, KeyError, TypeError, AttributeError):
        warning = f"往年清单文件“{manifest_path}”已损坏，已改为读取该年度各地区文件夹中的scores.json"
        return _district_folders(year_dir, None), [warning]


def previous_scores(previous_dir: Path, year: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Scores of the latest year before `year` in an earlier batch output (empty if none),
    and a warning for each damaged file: a district whose earlier scores.json is damaged
    simply has no earlier scores, and the summary says so."""
    folders, warnings = _previous_folders(previous_dir, year)
    found = []
    for folder in folders:
        data, warning = read_previous_scores(folder / SCORES_JSON)
        if data is not None:
            found.append(data)
        if warning is not None:
            warnings.append(warning)
    return found, warnings


def previous_plans(previous_dir: Path, year: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The plan.json of each district of the latest year before `year` in an earlier batch
    output (empty if none), and a warning for each damaged one (left out), like previous_scores."""
    plans, warnings = [], []
    for folder in _previous_folders(previous_dir, year)[0]:
        if not (folder / PLAN_JSON).is_file():
            continue
        plan, warning = read_previous_plan(folder / PLAN_JSON)
        if plan is not None:
            plans.append(plan)
        if warning is not None:
            warnings.append(warning.replace("本报告未作整改落实核对", "该地区未作整改落实核对"))
    return plans, warnings


def load_summary(
    scores_dir: Path | str | None = None,
    inputs_dir: Path | str | None = None,
    manifest_path: Path | str | None = None,
    previous_dir: Path | str | None = None,
) -> Summary:
    """The summary of a batch's year folder (`scores_dir`, following its manifest when given)
    or, without one, of a folder of inputs scored in memory; with `previous_dir` (an earlier
    batch output) the latest earlier year is compared."""
    manifest = load_manifest(Path(manifest_path)) if manifest_path else None
    if scores_dir is not None:
        scores = load_scores_dir(Path(scores_dir), manifest)
        plans = load_plans_dir(Path(scores_dir), manifest)
        excluded = [e for e in manifest["districts"] if e["status"] != "ok"] if manifest else []
        verification = manifest_verification(manifest) if manifest else None
    elif inputs_dir is not None:
        scores, plans, excluded = score_inputs(Path(inputs_dir))
        verification = None
    else:
        raise ValueError("scores_dir or inputs_dir is required")
    years = sorted({s["year"] for s in scores})
    previous, previous_warnings = previous_scores(Path(previous_dir), years[-1]) if previous_dir and years else ([], [])
    plans_before, plan_warnings = previous_plans(Path(previous_dir), years[-1]) if previous_dir and years else ([], [])
    summary = build_summary(scores, excluded, previous, plans, plans_before, verification)
    return dataclasses.replace(
        summary, previous_warnings=tuple(w.replace("本报告", "该地区") for w in previous_warnings),
        plan_warnings=tuple(plan_warnings),
    )
