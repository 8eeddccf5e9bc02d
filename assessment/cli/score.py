"""`assessment score FILE… [--json] [--review REVIEW] [--evidence DIR]`: points and verdict.

Without `--review` and `--evidence` each input is scored on its own values; with
`--review` (one input) it is scored on the reviewed values (核定分) beside its own, and
with `--evidence DIR` its evidence is checked. Every problem of the inputs and of the
review is printed at once, exit 2, and nothing else is printed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.util.console import print_problems, safe
from assessment.util.errors import EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from assessment.inputs.model import DistrictInput
    from assessment.review.evidence import EvidenceCheck
    from assessment.rubric.model import Rubric


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("score", help="计算得分与达标结论（可按复核结果计分、核查佐证材料）")
    p.add_argument("files", type=Path, nargs="+", metavar="INPUT", help="填报文件（.xlsx 或 .json），可多个")
    p.add_argument("--json", action="store_true", help="每个文件输出一行JSON")
    p.add_argument(
        "--review", type=Path, default=None, metavar="REVIEW", help="复核文件（.json 或 .xlsx）：按核定值计分，并列出自评分"
    )
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR",
        help="佐证材料目录（每个区县一个子目录，或单个区县的目录）：核查所列文件是否存在并记录其SHA-256",
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    if args.review is not None or args.evidence is not None:
        return _run_with_review(args)
    from assessment import api
    from assessment.report.text import render_text
    from assessment.rubric.loader import load_rubric
    from assessment.scoring.engine import score

    rubric = load_rubric(args.rubric)
    inputs, problems = api.load_all(list(args.files), rubric)
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    for inp in inputs:
        result = score(rubric, inp)
        if args.json:
            print(json.dumps(api.scores_dict(result), ensure_ascii=False))
        else:
            print(safe(render_text(result)))
    return EXIT_OK


def _evidence(rubric: Rubric, inp: DistrictInput, root: Path | None) -> EvidenceCheck | None:
    from assessment.review.evidence import check_evidence, evidence_folder
    from assessment.scoring.engine import score

    if root is None:
        return None
    return check_evidence(score(rubric, inp), evidence_folder(root, inp.district))


def _run_with_review(args: argparse.Namespace) -> int:
    """`score` with `--review` (one input) and/or `--evidence DIR`."""
    from assessment import api
    from assessment.inputs.model import InputError, Location, Problem
    from assessment.report.text import render_evidence_text, render_review_text, render_text
    from assessment.review import Review, district_scores, parse_review, read_raw_review, score_review
    from assessment.rubric.loader import load_rubric
    from assessment.scoring.engine import score

    rubric = load_rubric(args.rubric)
    inputs, problems = api.load_all(list(args.files), rubric)
    review: Review | None = None
    if args.review is not None:
        if len(args.files) != 1:
            raise InputError([Problem(Location(str(args.review)), "使用 --review 时只能给出一个自评文件（复核对应一份自评）")])
        try:
            raw = read_raw_review(args.review, rubric)
            review = parse_review(raw, rubric, inputs[0] if inputs else None)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    for inp in inputs:
        evidence = _evidence(rubric, inp, args.evidence)
        if args.json:
            print(json.dumps(district_scores(rubric, inp, review, evidence), ensure_ascii=False))
            continue
        if review is not None:
            scores = score_review(rubric, inp, review)
            print(render_text(scores.reviewed), end="")
            print()
            print(render_review_text(scores), end="")
        else:
            print(render_text(score(rubric, inp)), end="")
        if evidence is not None:
            print()
            print(render_evidence_text(evidence), end="")
    return EXIT_OK
