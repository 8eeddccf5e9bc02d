"""A city's batch: every district input of a folder reported in parallel, then summarised.

    assessment batch DATA_DIR --out DIR [--jobs N] [--previous DIR] [--timeout SECONDS]
                     [--review DIR] [--evidence DIR] [--pdf]

Each input is read and validated once, then scored and published with
`report.render_report` (one folder per district, see `assessment.publish.outputs` for what the tool
owns), in a pool of worker processes: a report's time is spent in
its notebook kernel (its own process) and in the nbconvert HTML export, which is pure
Python and CPU-bound, so threads would serialise the exports on the GIL. Workers are
started with "spawn" so that they behave the same on Linux, macOS and Windows and never
inherit a half-copied parent (tqdm's monitor thread, open kernels).

A district that fails does not stop the others: an invalid input is recorded as
"invalid" with every problem in Chinese, an exception while rendering as "failed" with
the error (its traceback goes to `batch.log`), a district taking longer than `--timeout`
as "failed" (超时), and a worker process that dies is retried alone once before it counts
as failed. Hidden and system files (`.*`, `~$*`, `._*`) and the tool's own file names are
not inputs; the top manifest lists them as skipped.

Only one run at a time uses an output folder (`outputs.OutputLock`). Workers and their
kernels end with the main process, however it ends: a worker watches its parent and kills
its kernel when the parent is gone or stops it; kernels watch their worker. Two inputs that
would publish to the same folder (same district and year) are caught before rendering; the
later file (by name) is recorded as invalid.

Outputs, all inside `out_dir` and each replaced atomically:
- `<year>/<district>/…`: the district reports (see `assessment.report.district`);
- `<year>/manifest.json`: this run's record for the year — per input its path, sha256,
  status, errors and seconds; the tool version, the rubric and its sha256, start and end
  time. An input whose year could not be read (e.g. a corrupt file) belongs to no year,
  so it is listed in the manifest of every year of the run, with `"year": null`;
- `<year>/summary.html` and `<year>/summary.xlsx`: the municipal summary of the year's
  successful districts (`notebooks/municipal_summary.ipynb`, `assessment.report.summary`);
- `manifest.json` at the top: the whole run (every input, the years and their summaries),
  written even when no input could be read at all;
- `batch.log`: the traceback of every district (and summary) that failed.
With `--review DIR` each district whose review is in DIR (`<district>.review.json` or
`.review.xlsx`, see `review.review_file_for`) is reported and summarised on its reviewed
values (核定分); a review that does not fit its input (another district or year, a changed
self-assessment, an invalid value) makes that district invalid with every problem located,
never the batch. With `--evidence DIR` each district's evidence (DIR/<district>/) is
checked. The manifest records per district the self-assessment's and the review's sha256
and the evidence count. `--pdf` also prints every report.pdf and the year's summary.pdf
(Chromium is looked for before any work).
Report folders of districts missing from a re-run are left as they were; the year's
manifest, which the summary follows, says which folders belong to the run.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

import assessment
from assessment.inputs.files import batch_inputs, read_raw
from assessment.inputs.model import DistrictInput, InputError, RawInput
from assessment.inputs.validate import MAX_YEAR, MIN_YEAR, validate
from assessment.inputs.values import parse_count
from assessment.publish import kernels
from assessment.publish import notebooks as packaged
from assessment.publish.kernels import NotebookTimeout, WarmKernel, run_notebook
from assessment.publish.outputs import (
    BATCH_LOG,
    MANIFEST,
    SUMMARY_HTML,
    SUMMARY_PDF,
    SUMMARY_XLSX,
    YEAR_FILES,
    OutputLock,
    check_owned,
    clean_staging,
    district_dirname,
    ensure_folder,
    publish_files,
)
from assessment.rubric.loader import load_rubric
from assessment.util.console import CommandError, safe

Status = Literal["ok", "invalid", "failed"]
STATUS_WORDS: dict[str, str] = {"ok": "完成", "invalid": "校验未通过", "failed": "生成失败"}
SUMMARY_NOTEBOOK = packaged.SUMMARY_NOTEBOOK
EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
WORKER_DIED = "工作进程意外退出（可能内存不足或程序崩溃）"
#: Seconds one district (or one year's summary) may take before it counts as failed.
DEFAULT_TIMEOUT = 600
#: How often a worker checks that the main process is still there.
PARENT_POLL_SECONDS = 0.5


def default_summary_notebook() -> Path:
    """The summary notebook shipped in the package."""
    return packaged.notebook(SUMMARY_NOTEBOOK)


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


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
    warnings: tuple[str, ...] = ()
    trace: str | None = None
    #: review.manifest_record of a published report: review file and sha256, evidence count.
    provenance: dict[str, Any] = field(default_factory=dict)

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
            "warnings": list(self.warnings),
            "folder": folder,
            "review": self.provenance.get("review"),
            "review_sha256": self.provenance.get("review_sha256"),
            "evidence_count": self.provenance.get("evidence_count"),
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
    trace: str | None = None


@dataclass(frozen=True)
class BatchOutcome:
    out_dir: Path
    districts: tuple[DistrictOutcome, ...]
    summaries: tuple[YearSummary, ...]
    manifest: Path
    started: str
    finished: str
    log: Path | None = None
    skipped: tuple[dict[str, str], ...] = ()

    def with_status(self, status: Status) -> list[DistrictOutcome]:
        return [d for d in self.districts if d.status == status]

    @property
    def exit_code(self) -> int:
        """1 when something failed by a bug (a traceback, a crashed worker), else 2 when some
        input was invalid or some output could not be made for a reason the user can act on
        (a time limit, a file in the way), else 0."""
        bugs = [d for d in self.with_status("failed") if d.trace or WORKER_DIED in d.errors]
        if bugs or any(s.trace or s.error == WORKER_DIED for s in self.summaries):
            return EXIT_FAILED
        if self.with_status("invalid") or self.with_status("failed") or any(s.error for s in self.summaries):
            return EXIT_INVALID
        return EXIT_OK


# --------------------------------------------------------------------------- worker life
# Workers ignore Ctrl-C (the main process handles it and stops them), kill their kernels and
# exit at once when told to stop (SIGTERM) or when they find the main process gone.


def _exit_now(code: int) -> None:
    kernels.kill_all()
    os._exit(code)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            _exit_now(1)


#: Thread pools of numeric libraries, one thread each in workers and their kernels: with a
#: report per core already running, BLAS threads only fight over the same cores (measured
#: on 2 cores: 12 sample districts in 37 s instead of 52 s). A caller's setting wins.
SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def _init_worker(parent: int) -> None:
    """Runs first in each worker, before numpy loads; kernels inherit its environment."""
    for name in SINGLE_THREAD_ENV:
        os.environ.setdefault(name, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: _exit_now(143))
    # nbclient and papermill log (to the terminal) what the batch records per district anyway.
    for name in ("traitlets", "papermill"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _timeout_text(seconds: float) -> str:
    return f"超时：超过 {seconds:g} 秒仍未完成（可用 --timeout 调整），已停止"


# --------------------------------------------------------------------------- worker tasks
# Run in worker processes: they take and return only plain, picklable values and never
# raise (except by dying), so one district's fault stays that district's.


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _year_and_district(raw: RawInput) -> tuple[int | None, str | None]:
    """Year and district of an invalid input when those two cells are fine, so that it is
    listed under its own year."""
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


def check_input(path: Path, rubric_path: Path | None, review_dir: Path | None = None) -> dict[str, Any]:
    """Read and validate one input, once: its validated input (handed on to render_input),
    or every problem with the district and year when those two cells could be read. With
    `review_dir` the district's review there (if any) is validated against the input too:
    an invalid review makes the district invalid, with its problems located."""
    started = time.perf_counter()
    record: dict[str, Any] = {"sha256": _sha256(path)}
    try:
        rubric = load_rubric(rubric_path)
        raw = None
        try:
            raw = read_raw(path, rubric)
            inp = validate(raw, rubric)
            if review_dir is not None:
                _check_review(review_dir, rubric, inp)
        except InputError as exc:
            year, district = _year_and_district(raw) if raw is not None else (None, None)
            record.update(
                status="invalid",
                district=district,
                year=year,
                errors=[str(p) for p in exc.problems],
                problems=[p.to_dict() for p in exc.problems],
            )
        else:
            record.update(status="ok", district=inp.district, year=inp.year, input=inp)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        record.update(status="failed", errors=[_error_text(exc)], trace=traceback.format_exc())
    record["seconds"] = time.perf_counter() - started
    return record


def _check_review(review_dir: Path, rubric: Any, inp: DistrictInput) -> None:
    """InputError when the district's review in `review_dir` does not fit its input."""
    from assessment.review.corrections import load_review, review_file_for

    review = review_file_for(review_dir, inp.district)
    if review is not None:
        load_review(review, rubric, inp)


#: This worker process's warm kernel (assessment.publish.kernels), started with its first report.
_KERNEL: WarmKernel | None = None


def _warm_kernel(notebook: Path | None) -> WarmKernel:
    """The worker's kernel, started (and imports warmed) on first use or after it died."""
    global _KERNEL
    if _KERNEL is None or not _KERNEL.alive():
        from assessment.report.district import default_notebook

        _drop_kernel()
        _KERNEL = WarmKernel(cwd=(notebook or default_notebook()).parent)
        # multiprocessing workers leave through os._exit, which skips atexit handlers.
        multiprocessing.util.Finalize(None, _drop_kernel, exitpriority=10)
    return _KERNEL


def _drop_kernel() -> None:
    """After a failure, start the next report on a fresh kernel rather than trust this one."""
    global _KERNEL
    if _KERNEL is not None:
        _KERNEL.kill_now()
        _KERNEL = None


def render_input(
    inp: DistrictInput,
    out_dir: Path,
    previous: Path | None,
    rubric_path: Path | None,
    notebook: Path | None,
    timeout: float | None = None,
    review_dir: Path | None = None,
    evidence_dir: Path | None = None,
    pdf: bool = False,
) -> dict[str, Any]:
    """Publish one district's report (its input as check_input read it) on this worker's
    warm kernel; its notebook is stopped after `timeout` seconds (starting the kernel not
    counted), and the kernel then replaced. `review_dir`, `evidence_dir` and `pdf` as for
    `report.render_report`."""
    from assessment.report.district import render_report

    started = time.perf_counter()
    try:
        kernel = _warm_kernel(notebook)  # starting a kernel is not the district's time
        paths = render_report(
            Path(inp.path), out_dir, previous_root=previous, rubric=rubric_path, notebook=notebook,
            kernel=kernel, inp=inp, deadline=None if timeout is None else time.monotonic() + timeout,
            review=review_dir, evidence=evidence_dir, pdf=pdf,
        )
        record: dict[str, Any] = {
            "status": "ok", "folder": str(paths.folder), "warnings": list(paths.warnings),
            "provenance": paths.provenance or {},
        }
    except NotebookTimeout:
        record = {"status": "failed", "errors": [_timeout_text(timeout or 0)]}
        _drop_kernel()
    except CommandError as exc:  # e.g. a file the tool does not own is in the way
        record = {"status": "failed", "errors": [str(exc)]}
    except Exception as exc:  # noqa: BLE001 - one district's failure is recorded, not raised
        record = {"status": "failed", "errors": [_error_text(exc)], "trace": traceback.format_exc()}
        _drop_kernel()
    _collect_garbage()
    record["seconds"] = time.perf_counter() - started
    return record


#: Whether this worker has frozen what its first report loaded (see _collect_garbage).
_FROZEN = False


def _collect_garbage() -> None:
    """Free a report's cyclic garbage (notebook nodes, exporters' trees, fonts being
    subset) before the next, rather than at Python's rare full collections, which let a
    worker grow by ~25 MB over 45 reports. What the first report loaded (nbconvert, papermill,
    fontTools) is frozen out of the collector's walk, so each collection costs ~5 ms."""
    global _FROZEN
    gc.collect()
    if not _FROZEN:
        gc.freeze()
        _FROZEN = True


def summarise_year(
    year_dir: Path,
    previous: Path | None,
    notebook: Path | None,
    run_time: str,
    timeout: float | None = None,
    pdf: bool = False,
) -> dict[str, Any]:
    """Render the year's summary page and workbook from the districts its manifest lists
    (and, with `pdf`, print the page to summary.pdf)."""
    try:
        html, xlsx = build_summary_files(
            year_dir, previous=previous, notebook=notebook, run_time=run_time,
            deadline=None if timeout is None else time.monotonic() + timeout,
        )
        publish_files(year_dir, {SUMMARY_HTML: html.encode("utf-8"), SUMMARY_XLSX: xlsx})
        if pdf:
            from assessment.report.district import print_pdf

            print_pdf(year_dir / SUMMARY_HTML, year_dir / SUMMARY_PDF)
        return {"status": "ok"}
    except CommandError as exc:  # Chromium could not print the page
        return {"status": "failed", "errors": [str(exc)]}
    except NotebookTimeout:
        return {"status": "failed", "errors": [_timeout_text(timeout or 0)]}
    except Exception as exc:  # noqa: BLE001 - recorded in the manifest and the exit code
        return {"status": "failed", "errors": [_error_text(exc)], "trace": traceback.format_exc()}


def build_summary_files(
    year_dir: Path,
    *,
    previous: Path | None = None,
    notebook: Path | None = None,
    run_time: str | None = None,
    deadline: float | None = None,
) -> tuple[str, bytes]:
    """The summary page (the notebook run on the year folder) and workbook, as content.

    Both come from the same `summary.load_summary` call, the page inside the notebook's
    kernel and the workbook here, so they show the same tables.
    """
    from assessment.publish.html import notebook_to_html
    from assessment.report.summary import load_summary, summary_title, summary_workbook_bytes

    notebook = Path(notebook or default_summary_notebook()).resolve()
    manifest = year_dir / MANIFEST
    parameters = {
        "scores_dir": str(year_dir.resolve()),
        "manifest_path": str(manifest.resolve()),
        "previous_dir": None if previous is None else str(Path(previous).resolve()),
        "run_time": run_time,
    }
    executed = run_notebook(notebook, None, parameters, deadline=deadline)
    summary = load_summary(scores_dir=year_dir, manifest_path=manifest, previous_dir=previous)
    return notebook_to_html(executed, summary_title(summary)), summary_workbook_bytes(summary)


# --------------------------------------------------------------------------- progress


class LineProgress:
    """Plain progress lines ("[3/12] 龙湾区 完成") for logs and pipes."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def advance(self, name: str, status: Status) -> None:
        self.done += 1
        print(f"[{self.done}/{self.total}] {safe(name)} {STATUS_WORDS[status]}", file=self.stream, flush=True)

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
        self.bar.set_description_str(safe(name))
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


@contextmanager
def _pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """A pool of spawned workers that, when the run is interrupted or fails, stops its busy
    workers at once (they kill their kernels) instead of waiting for their reports."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        # The executor has no public way to stop running tasks; its worker processes are in
        # the private `_processes` (there since Python 3.2), read defensively.
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        for worker in workers:
            worker.join(5)
        raise
    pool.shutdown(wait=True)


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
    return record["year"], district_dirname(record["district"])


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
        warnings=tuple(final.get("warnings", ())),
        trace=final.get("trace"),
        provenance=dict(final.get("provenance") or {}),
    )


def _report_all(
    pool: ProcessPoolExecutor,
    files: list[Path],
    out_dir: Path,
    *,
    previous: Path | None,
    rubric_path: Path | None,
    notebook: Path | None,
    timeout: float | None,
    progress: LineProgress | BarProgress,
    review_dir: Path | None = None,
    evidence_dir: Path | None = None,
    pdf: bool = False,
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

    check_futures = [(p, _submit(pool, check_input, p, rubric_path, review_dir)) for p in files]
    for path, future in check_futures:
        check = _result_or_none(future) or _isolated(check_input, path, rubric_path, review_dir)
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
        inp = check.pop("input", None)
        if check["status"] != "ok":
            settle(path, None)
            continue
        claimed[_folder_key(check)] = path
        task = (inp, out_dir, previous, rubric_path, notebook, timeout, review_dir, evidence_dir, pdf)
        renders[_submit(pool, render_input, *task)] = path
        checks[path]["task"] = task
    for future in as_completed(renders):
        path = renders[future]
        render = _result_or_none(future) or _isolated(render_input, *checks[path].pop("task"))
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


def _json_bytes(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _log_text(outcomes: Iterable[DistrictOutcome], summaries: Iterable[YearSummary]) -> str:
    """batch.log: every failure with its traceback (or its reason when there is none)."""
    parts = []
    for o in outcomes:
        if o.status == "failed":
            parts.append(f"== {o.input}（{o.name}）生成失败 ==\n{o.trace or '；'.join(o.errors)}")
    for s in summaries:
        if s.error:
            parts.append(f"== {s.year}年市级汇总生成失败 ==\n{s.trace or s.error}")
    return "\n\n".join(parts) + "\n" if parts else "本次运行没有失败。\n"


def check_batch_folders(
    data_dir: Path,
    out_dir: Path,
    previous: Path | None,
    review_dir: Path | None = None,
    evidence_dir: Path | None = None,
) -> None:
    """CommandError before any work: a missing data folder, an output that is the data folder
    (every later run would read its outputs), a --previous that is no earlier output, or a
    --review or --evidence that is no folder."""
    from assessment.report.district import check_previous_root

    if not data_dir.is_dir():
        what = "不是文件夹" if data_dir.exists() else "不存在"
        raise CommandError(f"填报文件目录“{safe(data_dir)}”{what}")
    if out_dir == data_dir:
        raise CommandError(f"输出目录“{safe(out_dir)}”与填报文件目录相同；请另选一个输出目录（例如 {safe(out_dir / '输出')}）")
    check_previous_root(previous)
    for folder, what in ((review_dir, "复核文件目录（--review）"), (evidence_dir, "佐证材料目录（--evidence）")):
        if folder is not None and not folder.is_dir():
            raise CommandError(f"{what}“{safe(folder)}”不存在或不是文件夹")


def _clean_leftovers(out_dir: Path) -> None:
    """Staging files of killed runs in the output, its year and its district folders."""
    clean_staging(out_dir)
    for year_dir in (p for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        clean_staging(year_dir)
        for district in (p for p in year_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            clean_staging(district)


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
    timeout: float | None = DEFAULT_TIMEOUT,
    review: Path | None = None,
    evidence: Path | None = None,
    pdf: bool = False,
) -> BatchOutcome:
    """Report every input of `data_dir` into `out_dir` and summarise each year (see module doc).

    `jobs` worker processes (default: one per CPU); `previous` is an earlier batch output
    for year-over-year comparisons; `progress` True for a bar, False for plain lines, None
    for a bar only on a terminal. `rubric` is a rubric file (default: the bundled one);
    `notebook` and `summary_notebook` replace the report and summary notebooks; `timeout`
    limits each district and each summary (seconds; None for no limit). `review` is a folder
    of reviews, `evidence` a folder of evidence folders, `pdf` also prints the pages.

    Workers are spawned, so a script calling this must guard its top level with
    `if __name__ == "__main__":` (the `assessment` command and notebooks need nothing).
    CommandError (exit 2) for folders that cannot be used, before any work.
    """
    data_dir, out_dir = Path(data_dir).resolve(), Path(out_dir).resolve()
    previous = Path(previous).resolve() if previous is not None else None
    rubric_path = Path(rubric).resolve() if rubric is not None else None
    review_dir = Path(review).resolve() if review is not None else None
    evidence_dir = Path(evidence).resolve() if evidence is not None else None
    jobs = max(1, jobs or os.cpu_count() or 1)
    check_batch_folders(data_dir, out_dir, previous, review_dir, evidence_dir)
    if pdf:
        from assessment.report.district import chromium_or_error

        chromium_or_error()
    with OutputLock(out_dir):
        return _run_locked(
            data_dir, out_dir, jobs=jobs, previous=previous, progress=progress, rubric_path=rubric_path,
            notebook=notebook, summary_notebook=summary_notebook, timeout=timeout,
            review_dir=review_dir, evidence_dir=evidence_dir, pdf=pdf,
        )


def _run_locked(
    data_dir: Path,
    out_dir: Path,
    *,
    jobs: int,
    previous: Path | None,
    progress: bool | None,
    rubric_path: Path | None,
    notebook: Path | None,
    summary_notebook: Path | None,
    timeout: float | None,
    review_dir: Path | None = None,
    evidence_dir: Path | None = None,
    pdf: bool = False,
) -> BatchOutcome:
    started = now_iso()
    files, skipped = batch_inputs(data_dir)
    _clean_leftovers(out_dir)
    check_owned(out_dir, [MANIFEST, BATCH_LOG], files)
    bar = make_progress(len(files), progress)
    common: dict[str, Any] = dict(rubric_path=rubric_path, data_dir=data_dir, started=started)
    try:
        # Report workers keep a warm kernel each (assessment.publish.kernels); the pool is closed
        # before the summaries so that those kernels' memory is freed first.
        with _pool(jobs) as pool:
            outcomes = _report_all(
                pool, files, out_dir, previous=previous, rubric_path=rubric_path, notebook=notebook,
                timeout=timeout, progress=bar, review_dir=review_dir, evidence_dir=evidence_dir, pdf=pdf,
            )
        years = sorted({o.year for o in outcomes if o.year is not None})
        yearless = [o for o in outcomes if o.year is None]
        for year in years:
            mine = [o for o in outcomes if o.year == year] + yearless
            year_dir = out_dir / str(year)
            ensure_folder(year_dir)
            check_owned(year_dir, YEAR_FILES, files)
            manifest = _manifest(outcomes=mine, year=year, year_dir=year_dir, finished=None, summary=None, **common)
            publish_files(year_dir, {MANIFEST: _json_bytes(manifest)})
        bar.note("正在生成市级汇总……" if years else "没有可汇总的年度")
        with _pool(max(1, min(jobs, len(years)))) as pool:
            futures = {
                y: _submit(pool, summarise_year, out_dir / str(y), previous, summary_notebook, started, timeout, pdf)
                for y in years
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
        publish_files(year_dir, {MANIFEST: _json_bytes(manifest)})
        summaries.append(
            YearSummary(
                year,
                year_dir,
                year_dir / MANIFEST,
                year_dir / SUMMARY_HTML if ok else None,
                year_dir / SUMMARY_XLSX if ok else None,
                None if ok else "；".join(result.get("errors", [])),
                results[year].get("trace"),
            )
        )
    top = _manifest(outcomes=outcomes, year=None, year_dir=None, finished=finished, summary=None, **common)
    top["years"] = {str(s.year): {"manifest": f"{s.year}/{MANIFEST}", "summary_error": s.error} for s in summaries}
    top["skipped"] = skipped
    top["log"] = BATCH_LOG
    log = _log_text(outcomes, summaries)
    publish_files(out_dir, {MANIFEST: _json_bytes(top), BATCH_LOG: log.encode("utf-8")})
    return BatchOutcome(
        out_dir, tuple(outcomes), tuple(summaries), out_dir / MANIFEST, started, finished, out_dir / BATCH_LOG,
        tuple(skipped),
    )


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
        timeout=args.timeout,
        review=getattr(args, "review", None),
        evidence=getattr(args, "evidence", None),
        pdf=getattr(args, "pdf", False),
    )
    ok, invalid, failed = (outcome.with_status(s) for s in ("ok", "invalid", "failed"))
    print(f"共{len(outcome.districts)}个填报文件：{len(ok)}个已生成报告，{len(invalid)}个校验未通过，{len(failed)}个生成失败")
    for s in outcome.summaries:
        print(f"{s.year}年：报告目录 {safe(s.folder)}")
        if s.html:
            print(f"  市级汇总：{safe(s.html)}")
            print(f"  汇总表格：{safe(s.xlsx)}")
            if getattr(args, "pdf", False):
                print(f"  汇总PDF：{safe(s.folder / SUMMARY_PDF)}")
        else:
            print(f"  市级汇总生成失败：{safe(s.error)}")
    print(f"运行记录：{safe(outcome.manifest)}")
    for item in outcome.skipped:
        print(f"已跳过：{safe(item['file'])}（{item['reason']}）", file=sys.stderr)
    for d in invalid:
        print(f"校验未通过：{safe(d.name)}（{safe(d.input.name)}）", file=sys.stderr)
        for error in d.errors:
            print(f"  错误：{safe(error)}", file=sys.stderr)
    for d in outcome.districts:
        for warning in d.warnings:
            print(f"提示：{safe(d.name)}：{safe(warning)}", file=sys.stderr)
    for d in failed:
        print(f"生成失败：{safe(d.name)}（{safe(d.input.name)}）：{safe('；'.join(d.errors))}", file=sys.stderr)
        if getattr(args, "debug", False) and d.trace:
            print(d.trace, file=sys.stderr)
    if getattr(args, "debug", False):
        for s in outcome.summaries:
            if s.trace:
                print(s.trace, file=sys.stderr)
    if failed or any(s.error for s in outcome.summaries):
        if failed:
            print("生成失败的地区：" + "、".join(safe(d.name) for d in failed), file=sys.stderr)
        print(f"失败详情（含堆栈）见：{safe(outcome.log)}", file=sys.stderr)
    return outcome.exit_code


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("应为正整数")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("应为秒数（正数）") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("应为秒数（正数）")
    return value


def add_batch_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `batch` on the CLI's subparsers (cli.build_parser calls this)."""
    p = subparsers.add_parser("batch", help="批量生成全市各区县报告与市级汇总")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="存放各区县填报文件（.xlsx 或 .json）的目录")
    p.add_argument("--out", type=Path, required=True, help="输出目录，按 <年度>/<地区>/ 存放报告，<年度>/ 下存放汇总")
    p.add_argument("--jobs", type=_positive, default=None, help="并行进程数（默认：CPU核数）")
    p.add_argument("--previous", type=Path, default=None, help="往年批量输出目录（用于同比；默认不比较）")
    p.add_argument(
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
        help=f"每个地区的最长用时（秒，默认 {DEFAULT_TIMEOUT}），超时记为生成失败",
    )
    p.add_argument(
        "--review", type=Path, default=None, metavar="DIR",
        help="复核文件目录（<地区>.review.json 或 .review.xlsx）：有复核的地区按核定分生成报告与汇总",
    )
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR", help="佐证材料目录（每个地区一个子目录）：核查得分项的佐证"
    )
    p.add_argument("--pdf", action="store_true", help="另存每个地区的 report.pdf 与市级汇总 summary.pdf（需要 Chromium）")
    p.set_defaults(func=cmd_batch)
    return p
