"""A year's municipal summary: the summary notebook run on the year folder, published as
summary.html and summary.xlsx (and, with `--pdf`, summary.pdf) beside its manifest.

`summarise_year` runs in a worker process, like the district tasks of
`assessment.batch.workers`: it returns a plain record and never raises.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import assessment
from assessment.batch.options import BatchOptions, timeout_text
from assessment.batch.workers import drop_kernel, failure_record, started_kernel
from assessment.publish import notebooks as packaged
from assessment.publish.deadline import NotebookTimeout

if TYPE_CHECKING:
    from assessment.publish.kernels import WarmKernel
    from assessment.report.fingerprint import Fingerprint
from assessment.publish.fonts import remember_fonts
from assessment.publish.ledger import sha256_file
from assessment.publish.outputs import MANIFEST, PLAN_JSON, SCORES_JSON, SUMMARY_HTML, SUMMARY_PDF, SUMMARY_XLSX, publish_files
from assessment.util.background import meanwhile


def default_summary_notebook() -> Path:
    """The summary notebook shipped in the package."""
    return packaged.notebook(packaged.SUMMARY_NOTEBOOK)


def summarise_year(year_dir: Path, options: BatchOptions, run_time: str) -> dict[str, Any]:
    """Render the year's summary page and workbook from the districts its manifest lists
    (and, with the run's `pdf`, print the page to summary.pdf), on the kernel this worker's
    reports ran on when there is one in the notebook's folder (`batch.run` says when), else
    on a kernel of its own."""
    try:
        notebook = Path(options.summary_notebook or default_summary_notebook())
        kernel = started_kernel(notebook.parent)
        html, xlsx = build_summary_files(
            year_dir, previous=options.previous, notebook=notebook, run_time=run_time,
            deadline=options.deadline(time.monotonic()), kernel=kernel,
        )
        publish_files(year_dir, {SUMMARY_HTML: html.encode("utf-8"), SUMMARY_XLSX: xlsx}, force=options.force)
        if options.pdf:
            from assessment.publish.pdf import print_pdf

            print_pdf(year_dir / SUMMARY_HTML, year_dir / SUMMARY_PDF)
        return {"status": "ok"}
    except NotebookTimeout:
        drop_kernel()
        return {"status": "failed", "errors": [timeout_text(options.timeout or 0)]}
    except Exception as exc:  # noqa: BLE001 - recorded in the manifest and the exit code
        record = failure_record(exc)
        if "trace" in record:
            drop_kernel()
        return record


def build_summary_files(
    year_dir: Path,
    *,
    previous: Path | None = None,
    notebook: Path | None = None,
    run_time: str | None = None,
    deadline: float | None = None,
    kernel: WarmKernel | None = None,
) -> tuple[str, bytes]:
    """The summary page (the notebook run on the year folder, on `kernel` or a kernel of its
    own) and workbook, as content.

    Both come from the same `summary.load_summary` call, the page inside the notebook's
    kernel and the workbook here, so they show the same tables.
    """
    from assessment.publish.html import notebook_to_html, prepare_export
    from assessment.publish.kernels import run_notebook

    notebook = Path(notebook or default_summary_notebook()).resolve()
    manifest = year_dir / MANIFEST
    parameters = {
        "scores_dir": str(year_dir.resolve()),
        "manifest_path": str(manifest.resolve()),
        "previous_dir": None if previous is None else str(Path(previous).resolve()),
        "run_time": run_time,
    }
    # the summary's helpers (pandas, openpyxl: ~0.3 s where no report ran) and the page's tools
    with meanwhile(_summary_helpers, prepare_export):
        executed = run_notebook(notebook, None, parameters, kernel, deadline)
    from assessment.report.summary import load_summary, summary_title, summary_workbook_bytes

    summary = load_summary(scores_dir=year_dir, manifest_path=manifest, previous_dir=previous)
    remember_fonts(year_dir / SUMMARY_HTML)  # the page's font, if its characters did not change
    return notebook_to_html(executed, summary_title(summary)), summary_workbook_bytes(summary)


def _summary_helpers() -> None:
    import assessment.report.summary  # noqa: F401 - loaded ahead, see build_summary_files


def summary_fingerprint(entries: list[dict[str, Any]], year: int, options: BatchOptions) -> Fingerprint:
    """What makes a year's summary: the year's manifest entries as the summary reads them
    (timings and how each report came to be apart, with each report's fingerprint digest),
    the earlier years' scores.json and plan.json it compares with, the tool, the summary
    notebook and page template, and `--pdf`."""
    from assessment.report.district import earlier_year_folders
    from assessment.report.fingerprint import make_fingerprint, template_digests

    kept = [
        {**{k: v for k, v in e.items() if k not in ("seconds", "reused", "reasons", "fingerprint")},
         "fingerprint": (e.get("fingerprint") or {}).get("digest")}
        for e in entries
    ]
    previous: dict[str, str] = {}
    for folder in earlier_year_folders(options.previous, year) if options.previous is not None else []:
        for path in sorted(folder.glob(f"*/{SCORES_JSON}")) + sorted(folder.glob(f"*/{PLAN_JSON}")):
            previous[f"{folder.name}/{path.parent.name}/{path.name}"] = sha256_file(path)
    notebook = Path(options.summary_notebook or default_summary_notebook()).resolve()
    return make_fingerprint(
        {"districts": kept, "previous": previous, "tool": assessment.__version__, "template": template_digests(notebook),
         "options": {"pdf": options.pdf}}
    )


def summary_names(options: BatchOptions) -> tuple[str, ...]:
    """The files of a year's summary, as its fingerprint covers them."""
    return (SUMMARY_HTML, SUMMARY_XLSX, SUMMARY_PDF) if options.pdf else (SUMMARY_HTML, SUMMARY_XLSX)
