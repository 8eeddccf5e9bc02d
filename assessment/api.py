"""The library calls behind every CLI command, for notebooks and scripts alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import __version__
from .fsutil import atomic_write_text
from .inputs import load_input
from .jsonio import input_to_json
from .model import DistrictInput, InputError, Location, Problem
from .result import Result, result_to_dict
from .rubric import Rubric, default_rubric
from .scoring import score


def load(path: str | Path, rubric: Rubric | None = None) -> DistrictInput:
    """A validated district input from a .xlsx or .json file (InputError otherwise)."""
    return load_input(Path(path), rubric or default_rubric())


def load_all(paths: list[str | Path], rubric: Rubric) -> tuple[list[DistrictInput], list[Problem]]:
    """Every input validated: (valid inputs, problems of all the others), so a command can
    report every problem of every file at once before doing anything."""
    inputs, problems = [], []
    for path in paths:
        try:
            inputs.append(load_input(Path(path), rubric))
        except InputError as exc:
            problems.extend(exc.problems)
    return inputs, problems


def score_path(path: str | Path, rubric: Rubric | None = None) -> Result:
    """Read, validate and score one input file."""
    rubric = rubric or default_rubric()
    return score(rubric, load_input(Path(path), rubric))


def scores_dict(result: Result) -> dict[str, Any]:
    """The `scores.json` form of a result, stamped with this tool's version."""
    return result_to_dict(result, __version__)


def scores_json(result: Result) -> str:
    return json.dumps(scores_dict(result), ensure_ascii=False, indent=2) + "\n"


def convert(src: str | Path, dst: str | Path, rubric: Rubric | None = None) -> None:
    """Convert an input, or a review (复核), between workbook and JSON forms (by the
    destination's suffix; a review is told apart by its shape, see `is_review_file`)."""
    rubric = rubric or default_rubric()
    src, dst = Path(src), Path(dst)
    from .review_workbook import convert_review, is_review_file

    if is_review_file(src):
        convert_review(src, dst, rubric)
        return
    inp = load_input(src, rubric)
    suffix = dst.suffix.lower()
    if suffix == ".json":
        atomic_write_text(dst, input_to_json(inp))
    elif suffix == ".xlsx":
        from .workbook import write_workbook

        write_workbook(inp, rubric, dst)
    else:
        raise InputError([Problem(Location(str(dst)), f"不支持的输出类型“{dst.suffix}”：应为 .xlsx 或 .json")])


def make_template(dst: str | Path, rubric: Rubric | None = None) -> None:
    """Write the blank workbook analysts fill in."""
    from .workbook import write_template

    write_template(rubric or default_rubric(), Path(dst))
