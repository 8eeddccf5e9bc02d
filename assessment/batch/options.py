"""A batch run's settings as one value, handed unchanged from `run_batch` to every worker task.

Standard library only: the command line's parser reads `DEFAULT_TIMEOUT` from here without
loading the batch machinery (Jupyter's client libraries) behind `assessment --help`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessment.review.files import ReviewIndex

#: Seconds one district (or one year's summary) may take before it counts as failed.
DEFAULT_TIMEOUT = 600


def timeout_text(seconds: float) -> str:
    """What the manifest says of a district or summary stopped at its time limit."""
    return f"超时：超过 {seconds:g} 秒仍未完成（可用 --timeout 调整），已停止"


def _absolute(path: Path | str | None) -> Path | None:
    return Path(path).resolve() if path is not None else None


@dataclass(frozen=True)
class BatchOptions:
    """Everything a run and its workers need to know besides the inputs themselves.

    Folders and the rubric file are absolute (a run must not depend on where it was
    started from); `previous` is an earlier batch output, `review_dir` a folder of reviews,
    `evidence_dir` a folder of evidence folders, `pdf` also prints the pages; `notebook`
    and `summary_notebook` replace the packaged notebooks (None: the packaged ones);
    `timeout` limits each district and each summary in seconds (None: no limit); `force`
    lets the run replace files with its names that it cannot prove it wrote (never inputs).
    `reviews` are the run's reviews by the district named inside each (from `review_dir`,
    else from the reviews kept beside the inputs in `data_dir`), indexed once by the run.
    `run_time` is the generation time every page of the run shows, set once by the run
    (`clock.generation_time`), so that its reports and summary agree and a re-run differs
    only there (not at all with SOURCE_DATE_EPOCH).
    """

    data_dir: Path
    out_dir: Path
    jobs: int
    previous: Path | None = None
    rubric_path: Path | None = None
    notebook: Path | None = None
    summary_notebook: Path | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    review_dir: Path | None = None
    evidence_dir: Path | None = None
    pdf: bool = False
    force: bool = False
    reviews: ReviewIndex | None = None
    run_time: str | None = None

    @classmethod
    def resolved(
        cls,
        data_dir: Path | str,
        out_dir: Path | str,
        *,
        jobs: int | None = None,
        previous: Path | str | None = None,
        rubric: Path | str | None = None,
        notebook: Path | None = None,
        summary_notebook: Path | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        review: Path | str | None = None,
        evidence: Path | str | None = None,
        pdf: bool = False,
        force: bool = False,
    ) -> BatchOptions:
        """The options of `run_batch`'s arguments: folders made absolute, `jobs` one per CPU
        when not given."""
        return cls(
            data_dir=Path(data_dir).resolve(),
            out_dir=Path(out_dir).resolve(),
            jobs=max(1, jobs or os.cpu_count() or 1),
            previous=_absolute(previous),
            rubric_path=_absolute(rubric),
            notebook=notebook,
            summary_notebook=summary_notebook,
            timeout=timeout,
            review_dir=_absolute(review),
            evidence_dir=_absolute(evidence),
            pdf=pdf,
            force=force,
        )

    def deadline(self, now: float) -> float | None:
        """The monotonic time a district or summary started at `now` must end by."""
        return None if self.timeout is None else now + self.timeout
