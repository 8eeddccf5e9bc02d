"""A city's batch: every district input of a folder reported in parallel, then summarised.

    assessment batch DATA_DIR --out DIR [--jobs N] [--previous DIR] [--timeout SECONDS]
                     [--review DIR] [--evidence DIR] [--pdf]

A district that fails does not stop the others: an invalid input is recorded as
"invalid" with every problem in Chinese, an exception while rendering as "failed" with
the error (its traceback goes to `batch.log`), a district taking longer than `--timeout`
as "failed" (超时), and a worker process that dies is retried alone once before it counts
as failed. Hidden and system files (`.*`, `~$*`, `._*`) and the tool's own file names are
not inputs; the top manifest lists them as skipped. Only one run at a time uses an output
folder (`outputs.OutputLock`); workers and their kernels end with the main process,
however it ends.

Outputs, all inside the output folder and each replaced atomically (file names from
`assessment.publish.outputs`):
- `<year>/<district>/…`: the district reports (see `assessment.report.district`);
- `<year>/manifest.json`: this run's record for the year — per input its path, sha256,
  status, errors and seconds; the tool version, the rubric and its sha256, start and end
  time. An input whose year could not be read (e.g. a corrupt file) belongs to no year,
  so it is listed in the manifest of every year of the run, with `"year": null`;
- `<year>/summary.html` and `<year>/summary.xlsx`: the municipal summary of the year's
  successful districts (`notebooks/municipal_summary.ipynb`, `assessment.report.summary`);
- `manifest.json` at the top: the whole run (every input, the years and their summaries),
  written even when no input could be read at all;
- `batch.log`: the traceback of every district (and summary) that failed;
- `index.html` at the top and in each year folder: an offline page linking the summaries and
  every district's report with its verdict and score, sortable and filterable
  (`assessment.report.index`), rewritten only when what it lists changed.
With `--review DIR` (or reviews kept beside the inputs) each district whose review is there
(matched by the district and year written inside it, whatever the file is called, see
`review.files`; every review matched to no input is named) is reported and summarised on its reviewed
values (核定分); a review that does not fit its input (another district or year, a changed
self-assessment, an invalid value) makes that district invalid with every problem located,
never the batch. With `--evidence DIR` each district's evidence (DIR/<district>/) is
checked. The manifest records per district the self-assessment's and the review's sha256
and the evidence count. `--pdf` also prints every report.pdf and the year's summary.pdf
(Chromium is looked for before any work).
Report folders of districts missing from a re-run are left as they were; the year's
manifest, which the summary follows, says which folders belong to the run.

Modules, in the order a run uses them: `options` (the run's settings as one value),
`run` (`run_batch`: the lock, the two stages, the manifests), `unchanged` (the inputs whose
report folders a re-run keeps, found before any worker starts), `pool` (worker processes,
started as tasks come, or the main process itself when only one input is to be checked),
`workers` (checking and rendering one input), `progress`, `manifest` (manifest and batch.log
text), `summary_step` (a year's summary), `outcome` (what became of it all).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assessment.batch.options import DEFAULT_TIMEOUT, BatchOptions
from assessment.batch.outcome import BatchOutcome, DistrictOutcome, YearSummary

if TYPE_CHECKING:
    from assessment.batch.run import run_batch

__all__ = ["DEFAULT_TIMEOUT", "BatchOptions", "BatchOutcome", "DistrictOutcome", "YearSummary", "run_batch"]


def __getattr__(name: str) -> object:
    """`run_batch` is loaded on first use, so that reading `DEFAULT_TIMEOUT` (the command
    line's parser does) does not load Jupyter's client libraries, which the run needs."""
    if name == "run_batch":
        from assessment.batch.run import run_batch

        return run_batch
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
