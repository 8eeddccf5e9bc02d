"""The tasks a batch runs in its worker processes: check one input, render one report.

Tasks take and return only plain, picklable values (the run's `BatchOptions` among them)
and never raise (except by dying), so one district's fault stays that district's: a
failure comes back as a record with its error, and its traceback when it is a bug.
Each worker keeps one warm kernel (`assessment.publish.kernels`) for all its reports.
"""

from __future__ import annotations

import functools
import gc
import multiprocessing.util
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.batch.options import BatchOptions, timeout_text
from assessment.inputs.files import read_raw
from assessment.inputs.limits import sha256_limited
from assessment.inputs.model import DistrictInput, InputError, RawInput
from assessment.inputs.validate import MAX_YEAR, MIN_YEAR, validate
from assessment.inputs.values import parse_count
from assessment.publish import notebooks
from assessment.publish.deadline import NotebookTimeout
from assessment.rubric.loader import load_rubric
from assessment.util.errors import EXIT_INTERNAL, AssessmentError

if TYPE_CHECKING:  # the notebook stack is imported only by a worker that renders
    from assessment.publish.kernels import WarmKernel


def input_sha256(path: Path) -> str:
    """The input file's sha256 for the manifest, streamed: "" when it cannot be read or is
    over the size limit validation refuses it by (the record then says why)."""
    return sha256_limited(path) or ""


def error_text(exc: BaseException) -> str:
    """How the manifest names an unexpected error: its type and message."""
    return f"{type(exc).__name__}: {exc}"


def failure_record(exc: BaseException) -> dict[str, Any]:
    """The record of a task that raised `exc` (call it inside the `except`). The tool's own
    errors that the user can act on (a file in the way, Chromium that cannot print) say
    their lines; anything else is a bug and keeps its traceback for batch.log."""
    if isinstance(exc, AssessmentError) and exc.exit_code != EXIT_INTERNAL:
        return {"status": "failed", "errors": exc.lines()}
    return {"status": "failed", "errors": [error_text(exc)], "trace": traceback.format_exc()}


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


def review_of(options: BatchOptions, district: str, year: int) -> Path | None:
    """The district's review among the run's reviews (matched by the district named inside
    it), None without one; InputError when two claim it."""
    from assessment.review.files import one_review

    if options.reviews is None:
        return None
    return one_review(options.reviews.files_for(district, year), district)


def _changes(options: BatchOptions, inp: DistrictInput) -> dict[str, Any]:
    """The district's fingerprint and why its published folder must be made again (see
    `report.fingerprint`); InputError when its review does not fit its input, or two claim it."""
    from assessment.report.district import report_changes, report_folder

    fingerprint, reasons, provenance = report_changes(
        inp, options.out_dir, previous_root=options.previous, rubric=options.rubric_path, notebook=options.notebook,
        review=review_of(options, inp.district, inp.year), evidence=options.evidence_dir, pdf=options.pdf,
        deadline=options.deadline(time.monotonic()),
    )
    folder = report_folder(options.out_dir, inp.year, inp.district)
    return {"fingerprint": fingerprint.to_dict(), "reasons": reasons, "provenance": provenance, "folder": str(folder)}


def check_input(path: Path, options: BatchOptions, last_for_worker: bool = False) -> dict[str, Any]:
    """Read and validate one input, once: its validated input (handed on to render_input),
    or every problem with the district and year when those two cells could be read. With
    reviews the district's review (if any) is validated against the input
    too: an invalid review makes the district invalid, with its problems located. A valid
    input's record says why its report must be made again (`reasons`; empty: unchanged).

    The worker's kernel is started first (`start_kernel`): it starts and imports while
    inputs are checked, so that the first render finds it warm. `last_for_worker` (no more
    inputs to check than workers: each has this one only) stops that kernel again when the
    input is not to be rendered after all."""
    started = time.perf_counter()
    start_kernel(options)
    record: dict[str, Any] = {"sha256": input_sha256(path)}
    try:
        rubric = load_rubric(options.rubric_path)
        raw = None
        try:
            raw = read_raw(path, rubric)
            inp = validate(raw, rubric)
            changed = _changes(options, inp)
        except InputError as exc:
            year, district = _year_and_district(raw) if raw is not None else (None, None)
            record.update(
                status="invalid",
                district=district,
                year=year,
                errors=exc.lines(),
                problems=[p.to_dict() for p in exc.problems],
            )
        else:
            # the sha256 of the bytes validated, not of a later read: the manifest names what
            # the report (handed this very input as a snapshot) shows
            record.update(status="ok", district=inp.district, year=inp.year, input=inp, sha256=inp.sha256, **changed)
    except NotebookTimeout:
        record.update(status="failed", errors=[timeout_text(options.timeout or 0)])
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch
        record.update(status="failed", errors=[error_text(exc)], trace=traceback.format_exc())
    if last_for_worker and not (record["status"] == "ok" and record["reasons"]):
        drop_kernel()
    record["seconds"] = time.perf_counter() - started
    return record


#: This worker process's warm kernel, started with its first task.
_KERNEL: WarmKernel | None = None


def notebook_folder(options: BatchOptions) -> Path:
    """Where the run's report notebook lives: its kernel runs there (relative paths hold)."""
    return (options.notebook or notebooks.notebook(notebooks.REPORT_NOTEBOOK)).parent


def warm_kernel(cwd: Path, wait: bool = True) -> WarmKernel:
    """The worker's kernel, running in `cwd` (the notebook's folder), started (and imports
    warmed) on first use, after it died, or when the last notebook ran from another folder.
    With `wait` False a kernel started now warms up while the caller goes on (the notebook
    run on it waits for that: `WarmKernel.settle`)."""
    global _KERNEL
    kernel = started_kernel(cwd)
    if kernel is None:
        from assessment.publish.kernels import WarmKernel

        drop_kernel()
        _drop_at_exit()
        kernel = _KERNEL = WarmKernel(cwd=cwd, wait=wait)
    return kernel


@functools.cache
def _drop_at_exit() -> None:
    """Stop this process's kernel when it exits, registered once: multiprocessing workers
    leave through os._exit, which skips atexit handlers, but runs its finalizers."""
    multiprocessing.util.Finalize(None, drop_kernel, exitpriority=10)


def started_kernel(cwd: Path) -> WarmKernel | None:
    """This worker's kernel when one is running in `cwd` (its reports' kernel), else None."""
    if _KERNEL is not None and _KERNEL.alive() and _KERNEL.cwd == cwd.resolve():
        return _KERNEL
    return None


def start_kernel(options: BatchOptions) -> None:
    """Start this worker's kernel ahead of the notebooks it will run, unless it runs: only
    sent its warm-up, it starts and imports in its own process while this one goes on. Its
    failure is the notebook's to report, which starts a kernel again."""
    try:
        warm_kernel(notebook_folder(options), wait=False)
    except Exception:  # noqa: BLE001 - the render starts a kernel again and says why
        drop_kernel()


def drop_kernel() -> None:
    """Stop this process's kernel: after a failure (the next notebook starts a fresh one
    rather than trust it), when no notebook will run on it, and at the end. Stopped properly
    (`WarmKernel.shutdown`, ~15 ms): the main process of a one-input run (`pool.InlinePool`),
    unlike a worker, goes on, and must not keep its sockets."""
    global _KERNEL
    kernel, _KERNEL = _KERNEL, None
    if kernel is not None:
        try:
            kernel.shutdown()
        except Exception:  # noqa: BLE001 - whatever jupyter_client says, the kernel must go
            kernel.kill_now()


def render_input(inp: DistrictInput, options: BatchOptions) -> dict[str, Any]:
    """Publish one district's report (its input as check_input read it) on this worker's
    warm kernel; its notebook is stopped after the run's timeout (starting the kernel not
    counted), and the kernel then replaced. Review, evidence and pdf as for
    `report.render_report`."""
    from assessment.report.district import render_report

    started = time.perf_counter()
    try:
        kernel = warm_kernel(notebook_folder(options))  # not the district's time
        paths = render_report(
            Path(inp.path), options.out_dir, previous_root=options.previous, rubric=options.rubric_path,
            notebook=options.notebook, kernel=kernel, inp=inp, deadline=options.deadline(time.monotonic()),
            review=review_of(options, inp.district, inp.year), evidence=options.evidence_dir, pdf=options.pdf,
            force=options.force, run_time=options.run_time,
        )
        record: dict[str, Any] = {
            "status": "ok", "folder": str(paths.folder), "warnings": list(paths.warnings),
            "provenance": paths.provenance or {}, "fingerprint": paths.fingerprint,
        }
    except NotebookTimeout:
        record = {"status": "failed", "errors": [timeout_text(options.timeout or 0)]}
        drop_kernel()
    except Exception as exc:  # noqa: BLE001 - one district's failure is recorded, not raised
        record = failure_record(exc)
        if "trace" in record:
            drop_kernel()
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
