"""The run: every input of a folder checked and reported in a pool of workers, then each
year summarised, under the output folder's lock (see `assessment.batch` for what is written).

Each input is read and validated once, then published with `report.render_report`, in
worker processes (`assessment.batch.pool`): a report's time is spent in its notebook
kernel (its own process) and in the nbconvert HTML export, which is pure Python and
CPU-bound, so threads would serialise the exports on the GIL. With a single input to check
there is nothing to run side by side, and the main process does it itself, sparing a worker's
start and imports (`pool.InlinePool`). Two inputs that would publish
to the same folder (same district and year) are caught before rendering; the later file
(by name) is recorded as invalid.
"""

from __future__ import annotations

import functools
from concurrent.futures import Future, as_completed
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import assessment.batch.progress as progress_display
from assessment.batch.manifest import json_bytes, log_text, manifest_dict, shared_folders
from assessment.batch.options import DEFAULT_TIMEOUT, BatchOptions
from assessment.batch.outcome import WORKER_DIED, BatchOutcome, DistrictOutcome, YearSummary, district_outcome
from assessment.batch.pool import InlinePool, WorkerPool, inline_pool, result_or_none, run_isolated, submit, worker_pool
from assessment.batch.summary_step import summarise_year, summary_fingerprint, summary_names
from assessment.batch.unchanged import reused_check
from assessment.batch.workers import check_input, input_sha256, render_input
from assessment.inputs.files import batch_inputs
from assessment.inputs.model import DistrictInput
from assessment.publish.ledger import seal, sealed_folders
from assessment.publish.outputs import (
    BATCH_LOG,
    MANIFEST,
    SUMMARY_HTML,
    SUMMARY_XLSX,
    YEAR_FILES,
    OutputLock,
    check_links_inside,
    check_owned,
    clean_staging,
    ensure_folder,
    folder_key,
    publish_files,
)
from assessment.report.fingerprint import FORCED, Fingerprint, changes
from assessment.report.index import check_index, prepare_index, write_index, year_summary_name
from assessment.util.background import meanwhile
from assessment.util.clock import generation_time
from assessment.util.console import CommandError, safe

#: Up to this many inputs to check (a city's batch: no Zhejiang city has more than 13
#: county-level units), the year's summaries run on the workers' warm kernels; beyond it
#: (a province's batch) the pool is closed first, so that kernels grown over many reports
#: are freed before the summaries (90 districts: a peak of 1003 MB instead of 772 MB).
WARM_SUMMARY_LIMIT = 24


def now_iso() -> str:
    """The local time with its offset, to the second, as manifests' timings record it
    (measured; the time the run's pages show is `clock.generation_time`)."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


def check_batch_folders(options: BatchOptions) -> None:
    """CommandError before any work: a missing data folder, an output that is the data folder
    (every later run would read its outputs), a --previous that is no earlier output, or a
    --review or --evidence that is no folder."""
    from assessment.report.district import check_previous_root

    data_dir, out_dir = options.data_dir, options.out_dir
    if not data_dir.is_dir():
        what = "不是文件夹" if data_dir.exists() else "不存在"
        raise CommandError(f"填报文件目录“{safe(data_dir)}”{what}")
    if out_dir == data_dir:
        raise CommandError(f"输出目录“{safe(out_dir)}”与填报文件目录相同；请另选一个输出目录（例如 {safe(out_dir / '输出')}）")
    check_previous_root(options.previous)
    for folder, what in ((options.review_dir, "复核文件目录（--review）"), (options.evidence_dir, "佐证材料目录（--evidence）")):
        if folder is not None and not folder.is_dir():
            raise CommandError(f"{what}“{safe(folder)}”不存在或不是文件夹")


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
    force: bool = False,
) -> BatchOutcome:
    """Report every input of `data_dir` into `out_dir` and summarise each year (see `assessment.batch`).

    `jobs` worker processes (default: one per CPU); `previous` is an earlier batch output
    for year-over-year comparisons; `progress` True for a bar, False for plain lines, None
    for a bar only on a terminal. `rubric` is a rubric file (default: the bundled one);
    `notebook` and `summary_notebook` replace the report and summary notebooks; `timeout`
    limits each district and each summary (seconds; None for no limit). `review` is a folder
    of reviews, `evidence` a folder of evidence folders, `pdf` also prints the pages; `force`
    replaces files with the tool's names it cannot prove it wrote (`outputs.check_target`).

    Workers are spawned, so a script calling this must guard its top level with
    `if __name__ == "__main__":` (the `assessment` command and notebooks need nothing).
    CommandError (exit 2) for folders that cannot be used, before any work.
    """
    options = BatchOptions.resolved(
        data_dir, out_dir, jobs=jobs, previous=previous, rubric=rubric, notebook=notebook,
        summary_notebook=summary_notebook, timeout=timeout, review=review, evidence=evidence, pdf=pdf,
        force=force,
    )
    check_batch_folders(options)
    if options.pdf:
        from assessment.publish.pdf import chromium_or_error

        chromium_or_error()
    with OutputLock(options.out_dir):
        return _run_locked(options, progress)


def _clean_leftovers(out_dir: Path) -> None:
    """Staging files of killed runs in the output, its year and its district folders."""
    clean_staging(out_dir)
    for year_dir in (p for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        clean_staging(year_dir)
        for district in (p for p in year_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            clean_staging(district)


def _folder_key(record: dict[str, Any]) -> tuple[int, str]:
    """The report folder a checked input publishes to (`outputs.folder_key`)."""
    return folder_key(record["year"], record["district"])


def _unchanged(files: list[Path], options: BatchOptions) -> dict[Path, dict[str, Any] | None]:
    """The check record of each input whose folder is provably unchanged, found here in the
    main process so that a re-run that renders nothing starts no worker
    (`assessment.batch.unchanged`); None for the others (and for all with --force)."""
    index = {} if options.force else sealed_folders(options.out_dir)
    return {p: reused_check(p, options, index) if index else None for p in files}


def _report_all(
    pool: WorkerPool | InlinePool,
    files: list[Path],
    found: dict[Path, dict[str, Any] | None],
    options: BatchOptions,
    progress: progress_display.LineProgress | progress_display.BarProgress,
) -> list[DistrictOutcome]:
    """Check every input (but those `found` unchanged), then render each valid one, keeping
    the pool busy throughout.

    Checks are collected in file order and each valid district's render is submitted as
    soon as its check is in, so the pool never idles between the two stages and which of
    two same-folder inputs is refused does not depend on timing.
    """
    checks: dict[Path, dict[str, Any]] = {}
    renders: dict[Future, Path] = {}
    valid: dict[Path, DistrictInput] = {}
    claimed: dict[tuple[int, str], Path] = {}
    outcomes: dict[Path, DistrictOutcome] = {}

    def settle(path: Path, render: dict[str, Any] | None) -> None:
        outcome = district_outcome(path, checks[path], render)
        outcomes[path] = outcome
        progress.advance(outcome.name, outcome.status, outcome.done_words)

    to_check = [p for p, check in found.items() if check is None]
    # No more inputs to check than workers (a re-run after a few changed): each has a worker of
    # its own, whose kernel is stopped at once if its input is not rendered after all.
    last_for_worker = len(to_check) <= options.jobs
    check_futures = {p: submit(pool, check_input, p, options, last_for_worker) for p in to_check}
    for path in files:
        check = found[path] or result_or_none(check_futures[path]) or run_isolated(check_input, path, options)
        check.setdefault("sha256", input_sha256(path))
        checks[path] = check
        if check["status"] == "ok" and _folder_key(check) in claimed:
            first = claimed[_folder_key(check)]
            check.pop("folder", None)
            check.update(
                status="invalid",
                errors=[
                    f"{path.name}：与“{first.name}”的地区和年度相同"
                    f"（{check['district']} {check['year']}年；地区名称只差全角半角、首尾空格或大小写的视为同一地区），"
                    "报告会互相覆盖，本文件未生成报告"
                ],
            )
        inp = check.pop("input", None)
        if check["status"] != "ok":
            settle(path, None)
            continue
        claimed[_folder_key(check)] = path
        if options.force:
            check["reasons"] = [FORCED]
        elif not check["reasons"]:  # its folder is what this run would write: kept as it is
            settle(path, None)
            continue
        valid[path] = inp
        renders[submit(pool, render_input, inp, options)] = path
    for future in as_completed(renders):
        path = renders[future]
        render = result_or_none(future) or run_isolated(render_input, valid[path], options)
        settle(path, render)
    return [outcomes[p] for p in files]


def _year_outcomes(outcomes: list[DistrictOutcome], year: int) -> list[DistrictOutcome]:
    """The year's inputs, and every input whose year could not be read (it belongs to none)."""
    return [o for o in outcomes if o.year == year] + [o for o in outcomes if o.year is None]


def _with_reviews(options: BatchOptions, files: list[Path]) -> tuple[BatchOptions, list[Path], list[dict[str, str]]]:
    """The run's reviews indexed once by the district named inside each: those of --review,
    else the reviews kept beside the inputs (recognised by content, never read as inputs).
    Returns the options with the index, the inputs proper, and the beside-the-inputs reviews
    left unused because --review was given (each with its reason)."""
    from assessment.review.files import review_index, reviews_in
    from assessment.review.workbook import is_review_file
    from assessment.rubric.loader import load_rubric

    beside = [p for p in files if is_review_file(p)]
    inputs = [p for p in files if p not in beside]
    if options.review_dir is not None:
        unused = [{"file": p.name, "reason": "复核文件；已用--review指定复核文件目录，本文件未使用"} for p in beside]
        sources = reviews_in(options.review_dir)
    else:
        unused, sources = [], beside
    index = review_index(sources, load_rubric(options.rubric_path)) if sources else None
    return replace(options, reviews=index), inputs, unused


def _unmatched_reviews(options: BatchOptions, outcomes: list[DistrictOutcome]) -> list[dict[str, str]]:
    """Each review that belongs to no input of the run, with why: a warning, never silence."""
    if options.reviews is None:
        return []
    inputs = {(o.district, o.year) for o in outcomes if o.district is not None and o.year is not None}
    return [{"file": p.name, "reason": reason} for p, reason in options.reviews.unmatched(inputs)]


def _summary_print(outcomes: list[DistrictOutcome], year: int, options: BatchOptions) -> tuple[Fingerprint, list[str]]:
    """The year's summary fingerprint and why the summary must be made again (empty: kept)."""
    year_dir = options.out_dir / str(year)
    entries = [o.to_manifest(year_dir, options.data_dir, shared_folders(options)) for o in _year_outcomes(outcomes, year)]
    fingerprint = summary_fingerprint(entries, year, options)
    if options.force:
        return fingerprint, [FORCED]
    return fingerprint, changes(year_dir, fingerprint, summary_names(options))


def _run_locked(options: BatchOptions, progress: bool | None) -> BatchOutcome:
    started = now_iso()
    generated = generation_time()
    options = replace(options, run_time=generated)
    out_dir = options.out_dir
    files, skipped = batch_inputs(options.data_dir)
    check_links_inside(out_dir)
    options, files, unused = _with_reviews(options, files)
    skipped += unused
    _clean_leftovers(out_dir)
    check_owned(out_dir, [MANIFEST, BATCH_LOG], files, force=options.force)
    check_index(out_dir, force=options.force)
    bar = progress_display.make_progress(len(files), progress)
    found = _unchanged(files, options)
    try:
        # Each worker keeps a warm kernel (assessment.publish.kernels): the year's summaries run
        # on those kernels rather than start a worker and a kernel again (~2 s), unless the
        # run checked more inputs than a city has (see WARM_SUMMARY_LIMIT).
        # A run with at most one input to check (a re-run after one district changed) does it
        # all here, in the main process (`pool.InlinePool`).
        to_check = sum(1 for check in found.values() if check is None)
        with ExitStack() as stack:
            pool: WorkerPool | InlinePool
            if to_check <= 1:
                pool = stack.enter_context(inline_pool())
            else:
                pool = stack.enter_context(worker_pool(options.jobs))
            outcomes = _report_all(pool, files, found, options, bar)
            if to_check > WARM_SUMMARY_LIMIT:
                stack.close()
                pool = stack.enter_context(worker_pool(options.jobs))
            skipped += _unmatched_reviews(options, outcomes)
            years = sorted({o.year for o in outcomes if o.year is not None})
            for year in years:
                year_dir = out_dir / str(year)
                check_owned(year_dir, YEAR_FILES, files, force=options.force, root=out_dir)
                ensure_folder(year_dir)
                manifest = manifest_dict(
                    _year_outcomes(outcomes, year), options, year=year, year_dir=year_dir, generated=generated,
                    started=started, finished=None, summary=None,
                )
                publish_files(year_dir, {MANIFEST: json_bytes(manifest)}, force=options.force, root=out_dir)
            prints = {y: _summary_print(outcomes, y, options) for y in years}
            redo = {y: reasons for y, (_, reasons) in prints.items() if reasons}
            names = {y: year_summary_name(out_dir / str(y)) for y in years}
            for year in sorted(set(years) - set(redo)):
                bar.note(f"{year}年{names[year]}：未变化，沿用已有汇总")
            bar.note(f"正在生成{'、'.join(f'{y}年{names[y]}' for y in sorted(redo))}……" if redo else "没有需要重新生成的汇总")
            if isinstance(pool, WorkerPool) and pool.executor is None:  # a new pool: a worker per year to redo
                pool.jobs = max(1, min(options.jobs, len(redo)))
            # the index's font, made while the summaries run (for the pages they will leave)
            foresee = [functools.partial(prepare_index, out_dir, {}, [out_dir / str(y) for y in redo])] if redo else []
            with meanwhile(*foresee):
                futures = {y: submit(pool, summarise_year, out_dir / str(y), options, generated) for y in redo}
                results = {
                    y: result_or_none(f) or {"status": "failed", "errors": [WORKER_DIED]} for y, f in futures.items()
                }
        for year in years:
            if year not in redo:
                results[year] = {"status": "ok", "reused": True}
            elif results[year]["status"] == "ok":
                seal(out_dir / str(year), summary_names(options), prints[year][0].to_dict())
                results[year]["reasons"] = redo[year]
    finally:
        bar.close()
    finished = now_iso()
    summaries = []
    for year in years:
        year_dir = out_dir / str(year)
        result = {k: v for k, v in results[year].items() if k != "trace"}
        ok = result["status"] == "ok"
        summary_record = {
            **result, "reused": bool(result.get("reused")), "fingerprint": prints[year][0].to_dict() if ok else None,
            "html": SUMMARY_HTML if ok else None, "xlsx": SUMMARY_XLSX if ok else None,
        }
        manifest = manifest_dict(
            _year_outcomes(outcomes, year), options, year=year, year_dir=year_dir, generated=generated,
            started=started, finished=finished, summary=summary_record,
        )
        publish_files(year_dir, {MANIFEST: json_bytes(manifest)}, force=options.force, root=out_dir)
        summaries.append(
            YearSummary(
                year,
                year_dir,
                year_dir / MANIFEST,
                year_dir / SUMMARY_HTML if ok else None,
                year_dir / SUMMARY_XLSX if ok else None,
                None if ok else "；".join(result.get("errors", [])),
                results[year].get("trace"),
                reused=bool(result.get("reused")),
                reasons=tuple(result.get("reasons", ())),
                name=names[year],
            )
        )
    top = manifest_dict(
        outcomes, options, year=None, year_dir=None, generated=generated, started=started, finished=finished, summary=None,
    )
    top["years"] = {str(s.year): {"manifest": f"{s.year}/{MANIFEST}", "summary_error": s.error} for s in summaries}
    top["skipped"] = skipped
    top["log"] = BATCH_LOG
    log = log_text(outcomes, summaries, skipped, options)
    publish_files(out_dir, {MANIFEST: json_bytes(top), BATCH_LOG: log.encode("utf-8")}, force=options.force)
    write_index(out_dir, force=options.force)
    return BatchOutcome(
        out_dir, tuple(outcomes), tuple(summaries), out_dir / MANIFEST, started, finished, out_dir / BATCH_LOG,
        tuple(skipped),
    )
