"""The library calls behind the reading commands, for notebooks and scripts alike.

Every `assessment` command is one library call plus what it prints (`assessment.cli`):
`template` is `make_template`, `validate` is `load_all`, `score` is `score_path` and
`scores_dict`, `convert` is `convert`; the commands that compute plans or publish call
their own modules, which this facade leaves out so that importing it stays light:
`plan` is `plan.solve.make_plan`, `review-template` is `review.workbook.write_review_template`,
`report` is `report.district.render_report`, `batch` is `batch.run_batch`.
"""

from __future__ import annotations

from pathlib import Path

from assessment.inputs.files import load, load_all, load_input
from assessment.inputs.json_form import input_to_json
from assessment.inputs.model import InputError, Location, Problem
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.scoring.scores_json import scores_dict
from assessment.util.fsutil import atomic_write_text


def score_path(path: str | Path, rubric: Rubric | None = None) -> Result:
    """Read, validate and score one input file."""
    rubric = rubric or default_rubric()
    return score(rubric, load_input(Path(path), rubric))


def convert(src: str | Path, dst: str | Path, rubric: Rubric | None = None) -> None:
    """Convert an input, or a review (复核), between workbook and JSON forms (by the
    destination's suffix; a review is told apart by its shape, see `is_review_file`)."""
    rubric = rubric or default_rubric()
    src, dst = Path(src), Path(dst)
    from assessment.review.workbook import convert_review, is_review_file

    if is_review_file(src):
        convert_review(src, dst, rubric)
        return
    inp = load_input(src, rubric)
    suffix = dst.suffix.lower()
    if suffix == ".json":
        atomic_write_text(dst, input_to_json(inp))
    elif suffix == ".xlsx":
        from assessment.inputs.workbook import write_workbook

        write_workbook(inp, rubric, dst)
    else:
        raise InputError([Problem(Location(str(dst)), f"不支持的输出类型“{dst.suffix}”：应为 .xlsx 或 .json")])


def make_template(dst: str | Path, rubric: Rubric | None = None) -> None:
    """Write the blank workbook analysts fill in."""
    from assessment.inputs.workbook import write_template

    write_template(rubric or default_rubric(), Path(dst))


__all__ = ["convert", "load", "load_all", "make_template", "score_path", "scores_dict"]
