"""A city's batch: every district input of a folder reported in parallel, then summarised.

    assessment batch DATA_DIR --out DIR [--jobs N] [--previous DIR]

Each input is validated, scored and published with `report.render_report` (one folder per
district, swapped in whole), in a pool of worker processes: a report's time is spent in
its notebook kernel (its own process) and in the nbconvert HTML export, which is pure
Python and CPU-bound, so threads would serialise the exports on the GIL. Workers are
started with "spawn" so that they behave the same on Linux, macOS and Windows and never
inherit a half-copied parent (tqdm's monitor thread, open kernels).

A district that fails does not stop the others: an invalid input is recorded as
"invalid" with every problem in Chinese, an exception while rendering as "failed" with
the error, and a worker process that dies is retried alone once before it counts as
failed. Two inputs that would publish to the same folder (same district and year) are
caught before rendering; the later file (by name) is recorded as invalid.

Outputs, all inside `out_dir` and each replaced atomically:
- `<year>/<district>/…`: the district reports (see `assessment.report`);
- `<year>/manifest.json`: this run's record for the year — per input its path, sha256,
  status, errors and seconds; the tool version, the rubric and its sha256, start and end
  time. An input whose year could not be read (e.g. a corrupt file) belongs to no year,
  so it is listed in the manifest of every year of the run, with `"year": null`;
- `<year>/summary.html` and `<year>/summary.xlsx`: the municipal summary of the year's
  successful districts (`notebooks/municipal_summary.ipynb`, `assessment.summary`);
- `manifest.json` at the top: the whole run (every input, the years and their summaries),
  written even when no input could be read at all.
Report folders of districts missing from a re-run are left as they were; the year's
manifest, which the summary follows, says which folders belong to the run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import multiprocessing.util
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TextIO

import assessment

from . import packaged
from .fsutil import atomic_write_bytes, atomic_write_text, safe_dirname
from .inputs import input_files, load_input, read_raw
from .kernels import WarmKernel, run_notebook
from .model import InputError
from .rubric import load_rubric
from .validate import MAX_YEAR, MIN_YEAR
from .values import parse_count

Status = Literal["ok", "invalid", "failed"]
STATUS_WORDS: dict[str, str] = {"ok": "完成", "invalid": "校验未通过", "failed": "生成失败"}
SUMMARY_NOTEBOOK = packaged.SUMMARY_NOTEBOOK
MANIFEST, SUMMARY_HTML, SUMMARY_XLSX = "manifest.json", "summary.html", "summary.xlsx"
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
WORKER_DIED = "工作进程意外退出（可能内存不足或程序崩溃）"


def default_summary_notebook() -> Path:
    """The summary notebook shipped in the package."""
    return packaged.notebook(SUMMARY_NOTEBOOK)


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class DistrictOutcome:
    """What became of one input file."""

    input: Path
    sha256: str
    status: Status
    district: str | None = None
    year: int | None = None
    folder: Path | None = None
    errors: tuple[str, ...] = ()
    problems: tuple[dict[str, Any], ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """How progress lines and messages call it: the district, else the file name."""
        return self.district or self.input.name

    def to_manifest(self, year_dir: Path | None) -> dict[str, Any]:
        folder = None
        if self.folder is not None:
            folder = str(self.folder.relative_to(year_dir)) if year_dir else str(self.folder)
        return {
            "input": str(self.input),
            "file": self.input.name,
            "sha256": self.sha256,
            "district": self.district,
            "year": self.year,
            "status": self.status,
            "errors": list(self.errors),
            "problems": list(self.problems),
            "folder": folder,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class YearSummary:
    """One year's municipal summary: where it went, or why it could not be made."""

    year: int
    folder: Path
    manifest: Path
    html: Path | None
    xlsx: Path | None
    error: str | None = None


@dataclass(frozen=True)
class BatchOutcome:
    out_dir: Path
    districts: tuple[DistrictOutcome, ...]
    summaries: tuple[YearSummary, ...]
    manifest: Path
    started: str
    finished: str

    def with_status(self, status: Status) -> list[DistrictOutcome]:
        return [d for d in self.districts if d.status == status]

    @property
    def exit_code(self) -> int:
        """1 when anything failed to render (a bug or an environment fault), else 2 when some
        input was invalid (the analyst's to fix), else 0."""
        if self.with_status("failed") or any(s.error for s in self.summaries):
            return EXIT_FAILED
        return EXIT_INVALID if self.with_status("invalid") else EXIT_OK


# --------------------------------------------------------------------------- worker tasks
# Run in worker processes: they take and return only plain, picklable values and never
# raise (except by dying), so one district's fault stays that district's.


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _readable_year_and_district(path: Path, rubric_path: Path | None) -> tuple[int | None, str | None]:
    """Year and district of an invalid input when those two cells are fine, so that it is
    listed under its own year; (None, None) for a file that cannot be read at all."""
    try:
        raw = read_raw(path, load_rubric(rubric_path))
    except Exception:  # noqa: BLE001 - unreadable is exactly what the caller asks about
        return None, None
    year = district = None
    try:
        parsed = parse_count(raw.year) if raw.year is not None else None
        year = parsed if parsed is not None and MIN_YEAR <= parsed <= MAX_YEAR else None
    except Exception:  # noqa: BLE001 - an unparsable year is simply unknown
        year = None
    if raw.district is not None and isinstance(raw.district.value, str) and raw.district.value.strip():
        district = raw.district.value.strip()
    return year, district


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def check_input(path: Path, rubric_path: Path | None) -> dict[str, Any]:
    """Validate one input: its district and year, or every problem."""
    started = time.perf_counter()
    record: dict[str, Any] = {"sha256": _sha256(path)}
    try:
        inp = load_input(path, load_rubric(rubric_path))
        record.update(status="ok", district=inp.district, year=inp.year)
    except InputError as exc:
        year, district = _readable_year_and_district(path, rubric_path)
        record.update(
            status="invalid",
            district=district,
            year=year,
            errors=[str(p) for p in exc.problems],
            problems=[p.to_dict() for p in exc.problems],
        )
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        record.update(status="failed", errors=[_error_text(exc)], trace=traceback.format_exc())
    record["seconds"] = time.perf_counter() - started
    return record


#: This worker process's warm kernel (assessment.kernels), started with its first report.
_KERNEL: WarmKernel | None = None


def _warm_kernel(notebook: Path | None) -> WarmKernel:
    """The worker's kernel, started (and imports warmed) on first use or after it died."""
    global _KERNEL
    if _KERNEL is None or not _KERNEL.alive():
        from .report import default_notebook

        _KERNEL = WarmKernel(cwd=(notebook or default_notebook()).parent)
        # multiprocessing workers leave through os._exit, which skips atexit handlers.
        multiprocessing.util.Finalize(None, _KERNEL.shutdown, exitpriority=10)
    return _KERNEL


def _drop_kernel() -> None:
    """After a failure, start the next report on a fresh kernel rather than trust this one."""
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.shutdown()
        _KERNEL = None


def render_input(
    path: Path, out_dir: Path, previous: Path | None, rubric_path: Path | None, notebook: Path | None
) -> dict[str, Any]:
    """Publish one district's report on this worker's warm kernel (render_report validates
    again: the file may have changed since it was checked)."""
    from .report import render_report

    started = time.perf_counter()
    try:
        paths = render_report(
            path, out_dir, previous_root=previous, rubric=rubric_path, notebook=notebook, kernel=_warm_kernel(notebook)
        )
        record: dict[str, Any] = {"status": "ok", "folder": str(paths.folder)}
    except InputError as exc:
        record = {
            "status": "invalid",
            "errors": [str(p) for p in exc.problems],
            "problems": [p.to_dict() for p in exc.problems],
        }
    except Exception as exc:  # noqa: BLE001 - one district's failure is recorded, not raised
        record = {"status": "failed", "errors": [_error_text(exc)], "trace": traceback.format_exc()}
        _drop_kernel()
    record["seconds"] = time.perf_counter() - started
    return record


def summarise_year(year_dir: Path, previous: Path | None, notebook: Path | None, run_time: str) -> dict[str, Any]:
    """Render the year's summary page and workbook from the districts its manifest lists."""
    try:
        html, xlsx = build_summary_files(year_dir, previous=previous, notebook=notebook, run_time=run_time)
        atomic_write_text(year_dir / SUMMARY_HTML, html)
        atomic_write_bytes(year_dir / SUMMARY_XLSX, xlsx)
        return {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - recorded in the manifest and the exit code
        return {"status": "failed", "errors": [_error_text(exc)], "trace": traceback.format_exc()}


def build_summary_files(
    year_dir: Path, *, previous: Path | None = None, notebook: Path | None = None, run_time: str | None = None
) -> tuple[str, bytes]:
    """The summary page (the notebook run on the year folder) and workbook, as content.

    Both come from the same `summary.load_summary` call, the page inside the notebook's
    kernel and the workbook here, so they show the same tables.
    """
    from .html_export import notebook_to_html
    from .summary import load_summary, summary_title, summary_workbook_bytes

    notebook = Path(notebook or default_summary_notebook()).resolve()
    manifest = year_dir / MANIFEST
    parameters = {
        "scores_dir": str(year_dir.resolve()),
        "manifest_path": str(manifest.resolve()),
        "previous_dir": None if previous is None else str(Path(previous).resolve()),
        "run_time": run_time,
    }
    executed = run_notebook(notebook, None, parameters)
    summary = load_summary(scores_dir=year_dir, manifest_path=manifest, previous_dir=previous)
    return notebook_to_html(executed, summary_title(summary)), summary_workbook_bytes(summary)


# --------------------------------------------------------------------------- progress


class LineProgress:
    """Plain progress lines ("[3/12] 龙湾区 完成") for logs and pipes."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def advance(self, name: str, status: Status) -> None:
        self.done += 1
        print(f"[{self.done}/{self.total}] {name} {STATUS_WORDS[status]}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Nothing to tidy: every line is already written."""


class BarProgress:
    """A tqdm bar for terminals: the district just finished, done/total and failures."""

    def __init__(self, total: int, stream: TextIO) -> None:
        from tqdm import tqdm

        self.failures = 0
        self.bar = tqdm(total=total, file=stream, unit="个", desc="生成报告", dynamic_ncols=True)

    def advance(self, name: str, status: Status) -> None:
        self.failures += status != "ok"
        self.bar.set_description_str(name)
        self.bar.set_postfix_str(f"未完成 {self.failures}")
        self.bar.update(1)

    def note(self, text: str) -> None:
        self.bar.write(text, file=self.bar.fp)

    def close(self) -> None:
        self.bar.close()


def make_progress(total: int, progress: bool | None, stream: TextIO | None = None) -> LineProgress | BarProgress:
    """A bar when asked (True) or when `stream` (stderr) is a terminal (None); lines otherwise."""
    stream = stream or sys.stderr
    use_bar = stream.isatty() if progress is None else progress
    return BarProgress(total, stream) if use_bar else LineProgress(total, stream)


# --------------------------------------------------------------------------- the run


#: Thread pools of numeric libraries, one thread each in workers and their kernels: with a
#: report per core already running, BLAS threads only fight over the same cores (measured
#: on 2 cores: 12 sample districts in 37 s instead of 52 s). A caller's setting wins.
SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _init_worker() -> None:
    """Runs first in each worker, before numpy loads; kernels inherit its environment."""
    for name in SINGLE_THREAD_ENV:
        os.environ.setdefault(name, "1")


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker
    )


def _result_or_none(future: Future) -> dict[str, Any] | None:
    """The task's record, or None when its worker process died (the pool is then broken)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def _submit(pool: ProcessPoolExecutor, fn: Callable[..., dict[str, Any]], *args: Any) -> Future:
    """Submit, turning a pool already broken by another task into a future that says so."""
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def _isolated(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run a task whose worker died once more, alone in a fresh process: only a task that
    kills its worker again is counted as failed, not the bystanders of the first crash."""
    with _pool(1) as pool:
        record = _result_or_none(pool.submit(fn, *args))
    return record or {"status": "failed", "errors": [WORKER_DIED], "seconds": 0.0}


def _folder_key(record: dict[str, Any]) -> tuple[int, str]:
    return record["year"], safe_dirname(record["district"])


def _outcome(path: Path, check: dict[str, Any], render: dict[str, Any] | None) -> DistrictOutcome:
    final = render if render is not None else check
    seconds = {"validate": round(check["seconds"], 3)}
    if render is not None:
        seconds["render"] = round(render["seconds"], 3)
    seconds["total"] = round(sum(seconds.values()), 3)
    return DistrictOutcome(
        input=path,
        sha256=check["sha256"],
        status=final["status"],
        district=check.get("district"),
        year=check.get("year"),
        folder=Path(final["folder"]) if final.get("folder") else None,
        errors=tuple(final.get("errors", ())),
        problems=tuple(final.get("problems", ())),
        seconds=seconds,
    )


def _report_all(
    pool: ProcessPoolExecutor,
    files: list[Path],
    out_dir: Path,
    *,
    previous: Path | None,
    rubric_path: Path | None,
    notebook: Path | None,
    progress: LineProgress | BarProgress,
) -> list[DistrictOutcome]:
    """Check every input, then render each valid one, keeping the pool busy throughout.

    Checks are collected in file order and each valid district's render is submitted as
    soon as its check is in, so the pool never idles between the two stages and which of
    two same-folder inputs is refused does not depend on timing.
    """
    checks: dict[Path, dict[str, Any]] = {}
    renders: dict[Future, Path] = {}
    claimed: dict[tuple[int, str], Path] = {}
    outcomes: dict[Path, DistrictOutcome] = {}

    def settle(path: Path, render: dict[str, Any] | None) -> None:
        outcome = _outcome(path, checks[path], render)
        outcomes[path] = outcome
        progress.advance(outcome.name, outcome.status)

    check_futures = [(p, _submit(pool, check_input, p, rubric_path)) for p in files]
    for path, future in check_futures:
        check = _result_or_none(future) or _isolated(check_input, path, rubric_path)
        check.setdefault("sha256", _sha256(path))
        checks[path] = check
        if check["status"] == "ok" and _folder_key(check) in claimed:
            first = claimed[_folder_key(check)]
            check.update(
                status="invalid",
                errors=[
                    f"{path.name}：与“{first.name}”的地区和年度相同"
                    f"（{check['district']} {check['year']}年），报告会互相覆盖，本文件未生成报告"
                ],
            )
        if check["status"] != "ok":
            settle(path, None)
            continue
        claimed[_folder_key(check)] = path
        renders[_submit(pool, render_input, path, out_dir, previous, rubric_path, notebook)] = path
    for future in as_completed(renders):
        path = renders[future]
        render = _result_or_none(future) or _isolated(render_input, path, out_dir, previous, rubric_path, notebook)
        settle(path, render)
    return [outcomes[p] for p in files]


def _manifest(
    *,
    outcomes: Iterable[DistrictOutcome],
    year: int | None,
    year_dir: Path | None,
    rubric_path: Path | None,
    data_dir: Path,
    started: str,
    finished: str | None,
    summary: dict[str, Any] | None,
) -> dict[str, Any]:
    rubric = load_rubric(rubric_path)
    entries = [o.to_manifest(year_dir) for o in outcomes]
    counts = {status: sum(1 for e in entries if e["status"] == status) for status in STATUS_WORDS}
    return {
        "year": year,
        "tool_version": assessment.__version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "source": rubric.source},
        "rubric_sha256": rubric.sha256,
        "data_dir": str(data_dir),
        "started": started,
        "finished": finished,
        "counts": counts,
        "districts": entries,
        "summary": summary,
    }


def _write_json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def run_batch(
    data_dir: Path,
    out_dir: Path,
    *,
    jobs: int | None = None,
    previous: Path | None = None,
    progress: bool | None = None,
    rubric: Path | None = None,
    notebook: Path | None = None,
    summary_notebook: Path | None = None,
) -> BatchOutcome:
    """Report every input of `data_dir` into `out_dir` and summarise each year (see module doc).

    `jobs` worker processes (default: one per CPU); `previous` is an earlier batch output
    for year-over-year comparisons; `progress` True for a bar, False for plain lines, None
    for a bar only on a terminal. `rubric` is a rubric file (default: the bundled one);
    `notebook` and `summary_notebook` replace the report and summary notebooks.

    Workers are spawned, so a script calling this must guard its top level with
    `if __name__ == "__main__":` (the `assessment` command and notebooks need nothing).
    """
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    previous = Path(previous).resolve() if previous is not None else None
    rubric_path = Path(rubric).resolve() if rubric is not None else None
    jobs = max(1, jobs or os.cpu_count() or 1)
    started = now_iso()
    files = input_files(data_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bar = make_progress(len(files), progress)
    common = dict(rubric_path=rubric_path, data_dir=data_dir, started=started)
    try:
        # Report workers keep a warm kernel each (assessment.kernels); the pool is closed
        # before the summaries so that those kernels' memory is freed first.
        with _pool(jobs) as pool:
            outcomes = _report_all(
                pool, files, out_dir, previous=previous, rubric_path=rubric_path, notebook=notebook, progress=bar
            )
        years = sorted({o.year for o in outcomes if o.year is not None})
        yearless = [o for o in outcomes if o.year is None]
        for year in years:
            mine = [o for o in outcomes if o.year == year] + yearless
            year_dir = out_dir / str(year)
            year_dir.mkdir(parents=True, exist_ok=True)
            manifest = _manifest(outcomes=mine, year=year, year_dir=year_dir, finished=None, summary=None, **common)
            _write_json(year_dir / MANIFEST, manifest)
        bar.note("正在生成市级汇总……" if years else "没有可汇总的年度")
        with _pool(max(1, min(jobs, len(years)))) as pool:
            futures = {
                y: _submit(pool, summarise_year, out_dir / str(y), previous, summary_notebook, started) for y in years
            }
            results = {y: _result_or_none(f) or {"status": "failed", "errors": [WORKER_DIED]} for y, f in futures.items()}
    finally:
        bar.close()
    finished = now_iso()
    summaries = []
    for year in years:
        year_dir = out_dir / str(year)
        result = {k: v for k, v in results[year].items() if k != "trace"}
        ok = result["status"] == "ok"
        summary_record = {**result, "html": SUMMARY_HTML if ok else None, "xlsx": SUMMARY_XLSX if ok else None}
        mine = [o for o in outcomes if o.year == year] + yearless
        manifest = _manifest(
            outcomes=mine, year=year, year_dir=year_dir, finished=finished, summary=summary_record, **common
        )
        _write_json(year_dir / MANIFEST, manifest)
        summaries.append(
            YearSummary(
                year,
                year_dir,
                year_dir / MANIFEST,
                year_dir / SUMMARY_HTML if ok else None,
                year_dir / SUMMARY_XLSX if ok else None,
                None if ok else "；".join(result.get("errors", [])),
            )
        )
    top = _manifest(outcomes=outcomes, year=None, year_dir=None, finished=finished, summary=None, **common)
    top["years"] = {str(s.year): {"manifest": f"{s.year}/{MANIFEST}", "summary_error": s.error} for s in summaries}
    _write_json(out_dir / MANIFEST, top)
    return BatchOutcome(out_dir, tuple(outcomes), tuple(summaries), out_dir / MANIFEST, started, finished)


# --------------------------------------------------------------------------- command line


def cmd_batch(args: argparse.Namespace) -> int:
    """`assessment batch`: run everything, then say where it went and what did not work."""
    outcome = run_batch(
        args.data_dir,
        args.out,
        jobs=args.jobs,
        previous=args.previous,
        progress=None,
        rubric=getattr(args, "rubric", None),
    )
    ok, invalid, failed = (outcome.with_status(s) for s in ("ok", "invalid", "failed"))
    print(f"共{len(outcome.districts)}个填报文件：{len(ok)}个已生成报告，{len(invalid)}个校验未通过，{len(failed)}个生成失败")
    for s in outcome.summaries:
        print(f"{s.year}年：报告目录 {s.folder}")
        if s.html:
            print(f"  市级汇总：{s.html}")
            print(f"  汇总表格：{s.xlsx}")
        else:
            print(f"  市级汇总生成失败：{s.error}")
    print(f"运行记录：{outcome.manifest}")
    for d in invalid:
        print(f"校验未通过：{d.name}（{d.input.name}）", file=sys.stderr)
        for error in d.errors:
            print(f"  错误：{error}", file=sys.stderr)
    for d in failed:
        print(f"生成失败：{d.name}（{d.input.name}）：{'；'.join(d.errors)}", file=sys.stderr)
    if failed:
        print("生成失败的地区：" + "、".join(d.name for d in failed), file=sys.stderr)
    return outcome.exit_code


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("应为正整数")
    return value


def add_batch_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `batch` on the CLI's subparsers (cli.build_parser calls this)."""
    p = subparsers.add_parser("batch", help="批量生成全市各区县报告与市级汇总")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="存放各区县填报文件（.xlsx 或 .json）的目录")
    p.add_argument("--out", type=Path, required=True, help="输出目录，按 <年度>/<地区>/ 存放报告，<年度>/ 下存放汇总")
    p.add_argument("--jobs", type=_positive, default=None, help="并行进程数（默认：CPU核数）")
    p.add_argument("--previous", type=Path, default=None, help="往年批量输出目录（用于同比；默认不比较）")
    p.set_defaults(func=cmd_batch)
    return p
