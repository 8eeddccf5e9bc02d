"""District reports: run the report notebook on one input and publish it as a folder.

A report is `<out>/<year>/<district>/` holding the executed notebook (report.ipynb), the
same as one self-contained offline page (report.html) and the scores behind it
(scores.json, the public JSON form) and the road to 达标 (plan.json). The input is validated
before anything is written; every file is made first and then each replaced atomically
(`outputs.publish_files`), so a reader (or a synced drive) never sees a half-written file, a
failed run leaves the previous report untouched, and files people keep in the folder
(审核意见.docx, 佐证材料/…) are never touched.

The notebook is the single template of the report's layout; it only calls the library
(`report_data`, `tables`, `charts`, `api`) and never computes a score itself.

With a municipal review (`--review`, see `assessment.review`) the report is scored on the
reviewed values (核定分) and shows the self-assessment beside it, with every correction and
its reason; with an evidence folder (`--evidence`, see `assessment.review.evidence`) it lists the
evidence of every criterion that earned points and flags 缺少佐证. `--pdf` also prints the
page to report.pdf with headless Chromium (`assessment.publish.pdf`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.inputs import files as api_inputs
from assessment.inputs.files import validated_bytes
from assessment.inputs.json_form import input_snapshot
from assessment.inputs.limits import read_limited
from assessment.inputs.model import DistrictInput, InputError
from assessment.plan.json_form import plan_to_dict, recorded_plan
from assessment.plan.solve import make_plan
from assessment.publish import notebooks as packaged
from assessment.publish.fonts import remember_fonts
from assessment.publish.ledger import seal, sha256_bytes
from assessment.publish.outputs import (
    MANIFEST,
    PLAN_JSON,
    REPORT_HTML,
    REPORT_NOTEBOOK,
    REPORT_PDF,
    SCORES_JSON,
    check_owned,
    clean_staging,
    district_dirname,
    input_copy_name,
    publish_files,
    report_files,
)
from assessment.publish.pdf import chromium_or_error, print_pdf
from assessment.publish.stamp import stamp_scores
from assessment.report.fingerprint import Fingerprint, changes, district_fingerprint
from assessment.report.followup import with_followup
from assessment.report.review_tables import review_opinions, self_vs_reviewed
from assessment.review import (
    Review,
    district_scores,
    load_review,
    manifest_record,
    review_file_for,
    reviewed_input,
)
from assessment.review.evidence import check_evidence, evidence_folder, evidence_rows
from assessment.rubric.loader import load_rubric
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.util.background import meanwhile
from assessment.util.clock import generation_time
from assessment.util.console import CommandError, safe
from assessment.util.formatting import fmt

if TYPE_CHECKING:
    from assessment.publish.kernels import WarmKernel

NOTEBOOK_NAME = packaged.REPORT_NOTEBOOK


def default_notebook() -> Path:
    """The report notebook shipped in the package."""
    return packaged.notebook(NOTEBOOK_NAME)


@dataclass(frozen=True)
class ReportPaths:
    """Where one district's report was published, and what the reader should know about it.

    `provenance` is what a batch manifest records of it (review.manifest_record): the
    self-assessment's and the review's sha256 and the evidence count."""

    folder: Path
    notebook: Path
    html: Path
    scores: Path
    warnings: tuple[str, ...] = ()
    pdf: Path | None = None
    provenance: dict[str, Any] | None = None
    #: The fingerprint sealed in the folder's ledger (`fingerprint.Fingerprint.to_dict`).
    fingerprint: dict[str, Any] | None = None


@dataclass(frozen=True)
class ReportData:
    """What a report shows: `result` is scored on the reviewed values when there is a
    review (核定分), `scores` is the scores.json (with `self`, `review` and `evidence` when
    given), `self_result` the self-assessment's own score."""

    result: Result
    scores: dict[str, Any]
    self_result: Result
    review: Review | None = None

    @property
    def reviewed(self) -> bool:
        return self.review is not None


def review_for(review: Path | None, district: str, year: int | None = None) -> Path | None:
    """The review of a district: `review` itself when it is a file, the district's review in
    it when it is a folder of reviews (matched by the district and year inside each, see
    review.review_file_for), None without one."""
    if review is None:
        return None
    review = Path(review)
    return review_file_for(review, district, year) if review.is_dir() else review


def report_data(
    input_path: str | Path | None,
    rubric: Rubric,
    review_path: str | Path | None = None,
    evidence_dir: str | Path | None = None,
    *,
    inp: DistrictInput | None = None,
    deadline: float | None = None,
) -> ReportData:
    """Read, validate and score one district as its report shows it (the notebook and
    `render_report` both call this). `review_path` is a review file or a folder of reviews;
    `evidence_dir` an evidence folder (the district's own, or one holding a folder per
    district). InputError for an invalid input or review, with every problem located.
    Evidence is judged against the points the district claimed, not the reviewed ones;
    checking it stops with NotebookTimeout past `deadline` (time.monotonic())."""
    if inp is None:
        inp = api_inputs.load(Path(input_path), rubric)  # type: ignore[arg-type]
    own_review = review_for(None if review_path is None else Path(review_path), inp.district, inp.year)
    review = load_review(own_review, rubric, inp) if own_review is not None else None
    self_result = score(rubric, inp)
    evidence = None
    if evidence_dir is not None:
        evidence = check_evidence(self_result, evidence_folder(Path(evidence_dir), inp.district), deadline=deadline)
    result = score(rubric, reviewed_input(inp, review)) if review is not None else self_result
    return ReportData(result, district_scores(rubric, inp, review, evidence), self_result, review)


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd  # the kernel has it; batch workers need not import it

    return pd.DataFrame(rows)


def self_vs_reviewed_table(scores: dict[str, Any]) -> Any:
    """自评 beside 核定 per category, equipment, bonus, total and verdict (empty: no review)."""
    return _frame(self_vs_reviewed(scores))


def review_opinions_table(scores: dict[str, Any]) -> Any:
    """The 复核意见: each correction, its reason and its effect on points (empty: no review)."""
    return _frame(review_opinions(scores))


def evidence_table(scores: dict[str, Any]) -> Any:
    """Each criterion that earned points with its evidence and 缺少佐证 flags (empty: unchecked)."""
    return _frame(evidence_rows(scores))


def evidence_summary(scores: dict[str, Any]) -> str | None:
    """One sentence on the evidence check (None when evidence was not checked); its count of
    缺少佐证 is that of the table below it (evidence_rows), so the two never disagree."""
    record = scores.get("evidence")
    if record is None:
        return None
    listed = len(record["files"])
    flags = sum(1 for row in evidence_rows(scores) if row["标记"])
    where = "已在佐证材料目录中逐一核查" if record["folder"] is not None else "未提供佐证材料目录，未核查文件"
    verdict = f"{flags}个得分项标记为“缺少佐证”" if flags else "得分项均列有佐证材料"
    return f"填报列出佐证材料{listed}项，{where}，找到{record['count']}项；{verdict}。"


def report_folder(out_root: Path, year: int, district: str) -> Path:
    """`out_root/<year>/<district>`, the district name made safe as a folder name that never
    takes the name of a file the tool writes (see outputs.district_dirname)."""
    return Path(out_root) / str(year) / district_dirname(district)


def is_year_folder(folder: Path) -> bool:
    """A batch's year folder (named by a number, with no year folders of its own), the folder
    a batch prints: `--previous outputs/2022` means that year, as `--previous outputs` means
    every year in it."""
    folder = Path(folder)
    return folder.name.isdigit() and folder.is_dir() and not any(p.is_dir() and p.name.isdigit() for p in folder.iterdir())


def earlier_year_folders(root: Path, year: int) -> list[Path]:
    """The year folders before `year` under `--previous`, latest first: the numbered folders of
    an output, or `root` itself when it is one year folder."""
    root = Path(root)
    if not root.is_dir():
        return []
    if is_year_folder(root):
        return [root] if int(root.name) < year else []
    folders = [p for p in root.iterdir() if p.is_dir() and p.name.isdigit() and int(p.name) < year]
    return sorted(folders, key=lambda p: int(p.name), reverse=True)


def find_previous_scores(previous_root: Path, district: str, year: int) -> Path | None:
    """The same district's scores.json from the latest earlier year under `previous_root`
    (an output folder or one of its year folders).

    Year folders are those named by a number; a later or equal year is never "previous",
    so re-rendering an old year does not compare it with the future.
    """
    for folder in earlier_year_folders(Path(previous_root), year):
        candidate = folder / district_dirname(district) / SCORES_JSON
        if candidate.is_file():
            return candidate
    return None


def check_previous_root(previous_root: Path | None) -> None:
    """CommandError unless `previous_root` is an earlier output: a folder with a year folder
    (named by a number) or a manifest, or one such year folder. Checked before any work, so that a mistyped --previous
    stops the run instead of silently comparing with nothing."""
    if previous_root is None:
        return
    root = Path(previous_root)
    if not root.is_dir():
        raise CommandError(f"往年输出目录“{safe(root)}”不存在或不是文件夹（--previous 应为往年报告的输出目录）")
    if not (root / MANIFEST).is_file() and not is_year_folder(root) and not any(
        p.is_dir() and p.name.isdigit() for p in root.iterdir()
    ):
        raise CommandError(
            f"“{safe(root)}”不是往年的输出目录：其中没有按年度命名的文件夹（应为 <年度>/<地区>/scores.json）"
        )


#: Keys every scores.json has that the year-over-year table reads.
_PREVIOUS_KEYS: dict[str, type | tuple[type, ...]] = {
    "district": str, "year": int, "total": (int, float), "categories": dict, "indicators": dict
}


def _finite(value: Any) -> bool:
    """A number the comparison can subtract: not a bool, a string, NaN or infinity."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _points_ok(data: Mapping[str, Any]) -> bool:
    """Every figure the year-over-year tables read is a finite number."""
    parts = [*data["categories"].values(), *data["indicators"].values()]
    if isinstance(data.get("equipment"), dict):
        parts.append(data["equipment"])
    return _finite(data["total"]) and all(isinstance(p, dict) and _finite(p.get("points")) for p in parts)


def read_previous_scores(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """An earlier scores.json, or (None, a Chinese warning) when it is damaged: too large,
    truncated, mis-shaped or holding figures that are not numbers (NaN, text). A bad file
    from last year costs the comparison, never this year's report."""
    try:
        data = json.loads(read_limited(Path(path)).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError, RecursionError):
        return None, f"往年得分文件“{path}”无法读取（文件过大、已截断或不是有效的JSON），本报告未作同比比较"
    if not isinstance(data, dict) or any(not isinstance(data.get(k), t) for k, t in _PREVIOUS_KEYS.items()):
        return None, f"往年得分文件“{path}”不是本工具生成的scores.json（缺少或错误的字段），本报告未作同比比较"
    if not _points_ok(data):
        return None, f"往年得分文件“{path}”中有不是数值的得分（如NaN或文字），本报告未作同比比较"
    return data, None


def report_title(inp: DistrictInput) -> str:
    """The page title, e.g. `龙湾区 2022年 规范化建设自评估报告`."""
    return f"{inp.district} {inp.year}年 规范化建设自评估报告"


def key_figures(result: Result) -> str:
    """The report's key figures as plain, stable text (the notebook's checked output).

    Deterministic on purpose: no times, paths or object addresses, so that nbval can
    compare it with the committed notebook and catch a library change that moves a score.
    """
    from assessment.report.tables import equipment_score  # pandas: needed in the kernel, not in workers

    lines = [
        f"地区：{result.input.district}（{result.input.year}年）",
        f"结论：{result.verdict.words}",
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


def previous_state(path: str | Path | None, warning: str | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """The earlier scores for the 与往年比较 section and, when there are none to compare with
    because the earlier file is damaged, why: `warning` is what render_report found (it
    then passes no path), else the file at `path` is read here (a notebook run by hand)."""
    if warning:
        return None, warning
    if path is None:
        return None, None
    return read_previous_scores(Path(path))


def previous_for(previous_root: Path | None, district: str, year: int) -> tuple[Path | None, str | None]:
    """The earlier scores.json the report compares with, or (None, why) when it is damaged."""
    previous = find_previous_scores(previous_root, district, year) if previous_root else None
    if previous is None:
        return None, None
    _, warning = read_previous_scores(previous)
    return (None, warning) if warning else (previous, None)


def report_changes(
    inp: DistrictInput,
    out_root: Path,
    *,
    previous_root: Path | None = None,
    rubric: str | Path | None = None,
    notebook: Path | None = None,
    review: Path | None = None,
    evidence: Path | None = None,
    pdf: bool = False,
    deadline: float | None = None,
) -> tuple[Fingerprint, list[str], dict[str, Any]]:
    """The fingerprint of the district's report as `render_report` would make it now, why
    its published folder must be made again (empty: it is unchanged, no kernel needed), and
    its provenance as `ReportPaths` has it. InputError for a review that does not fit the input."""
    loaded = load_rubric(None if rubric is None else Path(rubric).resolve())
    data = report_data(inp.path, loaded, review, evidence, inp=inp, deadline=deadline)
    notebook = Path(notebook).resolve() if notebook is not None else default_notebook()
    previous = previous_for(previous_root, inp.district, inp.year)[0]
    fingerprint = district_fingerprint(inp, loaded, scores=data.scores, previous_scores=previous, notebook=notebook, pdf=pdf)
    reasons = changes(report_folder(out_root, inp.year, inp.district), fingerprint, report_files(inp.path, pdf))
    return fingerprint, reasons, manifest_record(data.scores)


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
    review: Path | None = None,
    evidence: Path | None = None,
    pdf: bool = False,
    force: bool = False,
    run_time: str | None = None,
) -> ReportPaths:
    """Validate, score and publish one district's report; returns where it went.

    `rubric` is a rubric file (the CLI's --rubric), not a loaded Rubric, because the
    notebook runs in its own kernel and can only be handed a path. `kernel` is a warm kernel
    to run on (batch workers); by default each report starts its own. `inp` is the input
    already read and validated from `input_path` (the batch reads each file once);
    `deadline` (time.monotonic()) stops the evidence check or a notebook still running then
    (kernels.NotebookTimeout).
    `review` is a review file or a folder of reviews and `evidence` an evidence folder (see
    `report_data`); `pdf` also prints report.pdf once the page is published (CommandError,
    before anything is written, when there is no Chromium). InputError is raised before
    anything is written; OutputError when a file the tool does not own is in the way. All
    files are made before any is published, so a failure leaves the previous report in
    place; files in the folder the tool did not write stay as they are, and such a file with
    an owned name (a person's own report.html) is refused unless `force`
    (`outputs.check_target`). `run_time` is the generation time the page shows (a batch
    gives all its reports its own; by default `clock.generation_time()`). The notebook is handed the validated input itself
    (json_form.input_snapshot), so the page and plan.json show the numbers of scores.json
    even when the file is saved again while it runs. Once every file is in place the
    folder's fingerprint (`assessment.report.fingerprint`) is sealed in its ledger.
    """
    import nbformat  # the notebook stack: only where a report is rendered (see publish.deadline)

    from assessment.publish.html import notebook_to_html, prepare_export
    from assessment.publish.kernels import run_notebook
    from assessment.publish.notebooks import without_run_times

    input_path = Path(input_path).resolve()
    notebook = Path(notebook).resolve() if notebook is not None else default_notebook()
    rubric_path = None if rubric is None else Path(rubric).resolve()
    loaded: Rubric = load_rubric(rubric_path)
    if pdf:
        chromium_or_error()
    if inp is None:
        inp = api_inputs.load(input_path, loaded)
    review = None if review is None else Path(review).resolve()
    evidence = None if evidence is None else Path(evidence).resolve()
    data = report_data(input_path, loaded, review, evidence, inp=inp, deadline=deadline)
    review_file = review_for(review, inp.district, inp.year)
    folder = report_folder(out_root, inp.year, inp.district)
    owned = report_files(input_path, pdf)
    check_owned(folder, owned, [input_path], force=force, root=out_root)
    input_bytes = validated_bytes(input_path, inp)  # before the notebook runs, as validated
    previous, previous_warning = previous_for(previous_root, inp.district, inp.year)
    warnings = [previous_warning] if previous_warning else []
    fingerprint = district_fingerprint(inp, loaded, scores=data.scores, previous_scores=previous, notebook=notebook, pdf=pdf)
    snapshot, snapshot_sha256 = input_snapshot(inp)
    parameters = {
        "input_path": str(input_path),
        "input_snapshot": snapshot,  # the notebook scores this, never a re-read of the file
        "input_snapshot_sha256": snapshot_sha256,
        "previous_scores_path": None if previous is None else str(previous.resolve()),
        "previous_warning": previous_warning,
        "review_path": None if review_file is None else str(review_file),
        "evidence_dir": None if evidence is None else str(evidence),
        "run_time": run_time or generation_time(),
        "rubric_path": None if rubric_path is None else str(rubric_path),
    }
    with meanwhile(prepare_export):  # the first page's tools, while the notebook runs
        executed = without_run_times(run_notebook(notebook, None, parameters, kernel, deadline))
    remember_fonts(folder / REPORT_HTML)  # the page's font, if its characters did not change
    road = recorded_plan(executed)
    if road is None:  # a custom report notebook that does not record its plan
        road = plan_to_dict(make_plan(loaded, data.result.input))
    scores_bytes = (json.dumps(with_followup(data.scores, previous), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    files = {
        REPORT_NOTEBOOK: nbformat.writes(executed).encode("utf-8"),
        REPORT_HTML: stamp_scores(notebook_to_html(executed, report_title(inp)), sha256_bytes(scores_bytes)).encode("utf-8"),
        SCORES_JSON: scores_bytes,
        PLAN_JSON: (json.dumps(road, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        input_copy_name(input_path): input_bytes,
    }
    clean_staging(folder)
    publish_files(folder, files, [input_path], force=force, root=out_root)
    printed = print_pdf(folder / REPORT_HTML, folder / REPORT_PDF) if pdf else None
    seal(folder, owned, fingerprint.to_dict())
    return ReportPaths(
        folder, folder / REPORT_NOTEBOOK, folder / REPORT_HTML, folder / SCORES_JSON, tuple(warnings), printed,
        manifest_record(data.scores), fingerprint.to_dict(),
    )
