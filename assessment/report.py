"""District reports: run the report notebook on one input and publish it as a folder.

A report is `<out>/<year>/<district>/` holding the executed notebook (report.ipynb), the
same as one self-contained offline page (report.html) and the scores behind it
(scores.json, the public JSON form) and the road to 达标 (plan.json). The input is validated
before anything is written; every file is made first and then each replaced atomically
(`outputs.publish_files`), so a reader (or a synced drive) never sees a half-written file, a
failed run leaves the previous report untouched, and files people keep in the folder
(审核意见.docx, 佐证材料/…) are never touched.

The notebook is the single template of the report's layout; it only calls the library
(`tables`, `charts`, `api`) and never computes a score itself.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from . import api, packaged
from .console import EXIT_INVALID, EXIT_OK, CommandError, print_problems, safe
from .exact import fmt
from .html_export import notebook_to_html
from .kernels import WarmKernel, run_notebook
from .model import DistrictInput, Location, Problem
from .outputs import (
    MANIFEST,
    PLAN_JSON,
    REPORT_HTML,
    REPORT_NOTEBOOK,
    SCORES_JSON,
    OutputLock,
    check_owned,
    clean_staging,
    district_dirname,
    publish_files,
)
from .plan import PLAN_MIMETYPE, make_plan, plan_to_dict, recorded_plan
from .result import Result
from .rubric import Rubric, load_rubric
from .scoring import score

NOTEBOOK_NAME = packaged.REPORT_NOTEBOOK
#: The files of a district's report folder, in the order they are published.
REPORT_FILES = (REPORT_NOTEBOOK, REPORT_HTML, SCORES_JSON, PLAN_JSON)


def default_notebook() -> Path:
    """The report notebook shipped in the package."""
    return packaged.notebook(NOTEBOOK_NAME)


@dataclass(frozen=True)
class ReportPaths:
    """Where one district's report was published, and what the reader should know about it."""

    folder: Path
    notebook: Path
    html: Path
    scores: Path
    warnings: tuple[str, ...] = ()


def report_folder(out_root: Path, year: int, district: str) -> Path:
    """`out_root/<year>/<district>`, the district name made safe as a folder name that never
    takes the name of a file the tool writes (see outputs.district_dirname)."""
    return Path(out_root) / str(year) / district_dirname(district)


def earlier_years(root: Path, year: int) -> list[int]:
    """The year folders (named by a number) under a batch output before `year`, latest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted((int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit() and int(p.name) < year),
                  reverse=True)


def find_previous_scores(previous_root: Path, district: str, year: int) -> Path | None:
    """The same district's scores.json from the latest earlier year under `previous_root`.

    Year folders are those named by a number; a later or equal year is never "previous",
    so re-rendering an old year does not compare it with the future.
    """
    root = Path(previous_root)
    for earlier in earlier_years(root, year):
        candidate = report_folder(root, earlier, district) / SCORES_JSON
        if candidate.is_file():
            return candidate
    return None


def check_previous_root(previous_root: Path | None) -> None:
    """CommandError unless `previous_root` is an earlier output: a folder with a year folder
    (named by a number) or a manifest. Checked before any work, so that a mistyped --previous
    stops the run instead of silently comparing with nothing."""
    if previous_root is None:
        return
    root = Path(previous_root)
    if not root.is_dir():
        raise CommandError(f"往年输出目录“{safe(root)}”不存在或不是文件夹（--previous 应为往年报告的输出目录）")
    if not (root / MANIFEST).is_file() and not any(p.is_dir() and p.name.isdigit() for p in root.iterdir()):
        raise CommandError(
            f"“{safe(root)}”不是往年的输出目录：其中没有按年度命名的文件夹（应为 <年度>/<地区>/scores.json）"
        )


#: Keys every scores.json has that the year-over-year table reads.
_PREVIOUS_KEYS = {"district": str, "year": int, "total": (int, float), "categories": dict, "indicators": dict}


def read_previous_scores(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """An earlier scores.json, or (None, a Chinese warning) when it is damaged: a bad file from
    last year costs the comparison, never this year's report."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None, f"往年得分文件“{path}”无法读取（不是有效的JSON），本报告未作同比比较"
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in _PREVIOUS_KEYS.items()):
        return None, f"往年得分文件“{path}”不是本工具生成的scores.json（缺少或错误的字段），本报告未作同比比较"
    return data, None


def report_title(inp: DistrictInput) -> str:
    """The page title, e.g. `龙湾区 2022年 规范化建设自评估报告`."""
    return f"{inp.district} {inp.year}年 规范化建设自评估报告"


def key_figures(result: Result) -> str:
    """The report's key figures as plain, stable text (the notebook's checked output).

    Deterministic on purpose: no times, paths or object addresses, so that nbval can
    compare it with the committed notebook and catch a library change that moves a score.
    """
    from .tables import equipment_score, verdict_text  # pandas: needed in the kernel, not in workers

    lines = [
        f"地区：{result.input.district}（{result.input.year}年）",
        f"结论：{verdict_text(result)}",
        f"总得分：{fmt(result.total)} / {fmt(result.total_max)}（含加分 {fmt(result.bonus)}）",
    ]
    equipment = equipment_score(result)
    if equipment is not None:
        lines.append(f"装备建设得分：{fmt(equipment[0])} / {fmt(equipment[1])}")
    lines += [
        f"{c.name}：{fmt(c.points)} / {fmt(c.max)}（{fmt(c.share * 100)}%）"
        for c in result.categories.values()
        if c.part == result.rubric.total_part
    ]
    lines += [f"{'满足' if c.met else '不满足'}：{c.name}" for c in result.conditions]
    return "\n".join(lines)


def _without_data(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without the outputs recorded only as data (the plan), which a page cannot show."""
    page = copy.deepcopy(nb)
    for cell in page.cells:
        if "outputs" in cell:
            cell.outputs = [o for o in cell.outputs if PLAN_MIMETYPE not in o.get("data", {})]
    return page


def render_report(
    input_path: Path,
    out_root: Path,
    *,
    previous_root: Path | None = None,
    rubric: str | Path | None = None,
    notebook: Path | None = None,
    kernel: WarmKernel | None = None,
    inp: DistrictInput | None = None,
    deadline: float | None = None,
) -> ReportPaths:
    """Validate, score and publish one district's report; returns where it went.

    `rubric` is a rubric file (the CLI's --rubric), not a loaded Rubric, because the
    notebook runs in its own kernel and can only be handed a path. `kernel` is a warm kernel
    to run on (batch workers); by default each report starts its own. `inp` is the input
    already read and validated from `input_path` (the batch reads each file once);
    `deadline` (time.monotonic()) stops a notebook still running then (kernels.NotebookTimeout).
    InputError is raised before anything is written; OutputError when a file the tool does
    not own is in the way. All files are made before any is published, so a failure leaves
    the previous report in place; files in the folder the tool did not write stay as they are.
    """
    input_path = Path(input_path).resolve()
    rubric_path = None if rubric is None else Path(rubric).resolve()
    loaded: Rubric = load_rubric(rubric_path)
    if inp is None:
        inp = api.load(input_path, loaded)
    result = score(loaded, inp)
    notebook = Path(notebook).resolve() if notebook is not None else default_notebook()
    folder = report_folder(out_root, inp.year, inp.district)
    check_owned(folder, REPORT_FILES, [input_path])
    warnings: list[str] = []
    previous = find_previous_scores(previous_root, inp.district, inp.year) if previous_root else None
    if previous is not None:
        _, warning = read_previous_scores(previous)
        if warning:
            warnings.append(warning)
            previous = None
    parameters = {
        "input_path": str(input_path),
        "previous_scores_path": None if previous is None else str(previous.resolve()),
        "run_time": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        "rubric_path": None if rubric_path is None else str(rubric_path),
    }
    executed = run_notebook(notebook, None, parameters, kernel, deadline)
    road = recorded_plan(executed)
    if road is None:  # a custom report notebook that does not record its plan
        road = plan_to_dict(make_plan(loaded, inp))
    files = {
        REPORT_NOTEBOOK: nbformat.writes(executed).encode("utf-8"),
        REPORT_HTML: notebook_to_html(_without_data(executed), report_title(inp)).encode("utf-8"),
        SCORES_JSON: api.scores_json(result).encode("utf-8"),
        PLAN_JSON: (json.dumps(road, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
    clean_staging(folder)
    publish_files(folder, files, [input_path])
    return ReportPaths(folder, folder / REPORT_NOTEBOOK, folder / REPORT_HTML, folder / SCORES_JSON, tuple(warnings))


def _duplicates(inputs: list[DistrictInput]) -> list[Problem]:
    """Inputs that would publish to the same folder: the later would silently replace one."""
    seen: dict[tuple[int, str], str] = {}
    problems = []
    for inp in inputs:
        key = (inp.year, district_dirname(inp.district))
        if key in seen:
            problems.append(
                Problem(Location(inp.path), f"与“{seen[key]}”的地区和年度相同（{inp.district} {inp.year}年），报告会互相覆盖")
            )
        else:
            seen[key] = inp.path
    return problems


def cmd_report(args: argparse.Namespace) -> int:
    """`assessment report INPUT… --out DIR [--previous DIR]`: all inputs valid, or nothing.

    Every input is validated and every output place checked first; if any input is invalid
    (or two would publish to the same folder) all problems are printed and nothing is
    written, so a run never publishes half of a district list.
    """
    rubric_path = getattr(args, "rubric", None)
    check_previous_root(args.previous)
    inputs, problems = api.load_all(args.files, load_rubric(rubric_path))
    problems.extend(_duplicates(inputs))
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    for inp in inputs:
        check_owned(report_folder(args.out, inp.year, inp.district), REPORT_FILES, args.files)
    with OutputLock(args.out):
        for inp in inputs:
            clean_staging(Path(args.out) / str(inp.year))
            paths = render_report(inp.path, args.out, previous_root=args.previous, rubric=rubric_path, inp=inp)
            for warning in paths.warnings:
                print(f"提示：{safe(warning)}", file=sys.stderr)
            print(f"已生成报告：{safe(paths.html)}")
    return EXIT_OK


def add_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `report` on the CLI's subparsers (cli.build_parser calls this)."""
    p = subparsers.add_parser("report", help="生成区县自评估报告（Notebook、离线HTML与scores.json）")
    p.add_argument("files", type=Path, nargs="+", metavar="INPUT", help="填报文件（.xlsx 或 .json）")
    p.add_argument("--out", type=Path, required=True, help="报告输出目录，按 <年度>/<地区>/ 存放")
    p.add_argument(
        "--previous", type=Path, default=None, help="往年报告目录（用于同比；默认不比较），按 <年度>/<地区>/scores.json 查找"
    )
    p.set_defaults(func=cmd_report)
    return p


def load_previous(path: str | Path | None) -> dict[str, Any] | None:
    """An earlier scores.json for the year-over-year table; None when not given or damaged
    (render_report has already warned about a damaged one)."""
    return None if path is None else read_previous_scores(Path(path))[0]
