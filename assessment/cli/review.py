"""Command-line side of reviews and evidence: `review-template`, `score --review/--evidence`.

    assessment review-template INPUT OUT.xlsx [--evidence DIR]
    assessment score INPUT --review REVIEW [--evidence DIR] [--json]

`cli.build_parser` registers them with `add_review_parser(sub)` and
`add_score_review_arguments(score_parser)`; `cli.cmd_score` hands over to
`cmd_score_review` when either option is given.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assessment import api
from assessment.inputs.files import load_input
from assessment.inputs.model import DistrictInput, InputError, Location, Problem
from assessment.report.text import render_evidence_text, render_review_text, render_text
from assessment.review.corrections import (
    Review,
    district_scores,
    parse_review,
    read_raw_review,
    score_review,
)
from assessment.review.evidence import EvidenceCheck, check_evidence, evidence_folder
from assessment.review.workbook import CHECK_MISSING, R_CHECK, write_review_template
from assessment.rubric.loader import Rubric, load_rubric
from assessment.scoring.engine import score
from assessment.util.console import EXIT_INVALID, EXIT_OK, print_problems


def _evidence(rubric: Rubric, inp: DistrictInput, root: Path | None) -> EvidenceCheck | None:
    if root is None:
        return None
    return check_evidence(score(rubric, inp), evidence_folder(root, inp.district))


def cmd_score_review(args: argparse.Namespace) -> int:
    """`score` with `--review` (one input) and/or `--evidence DIR`; every problem of the
    inputs and of the review is printed at once, exit 2, and nothing else is printed."""
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


def add_score_review_arguments(parser: argparse.ArgumentParser) -> None:
    """Add `--review` and `--evidence` to the `score` command's parser."""
    parser.add_argument(
        "--review", type=Path, default=None, metavar="REVIEW", help="复核文件（.json 或 .xlsx）：按核定值计分，并列出自评分"
    )
    parser.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR",
        help="佐证材料目录（每个区县一个子目录，或单个区县的目录）：核查所列文件是否存在并记录其SHA-256",
    )


def cmd_review_template(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.rubric)
    inp = load_input(args.input, rubric)
    evidence = write_review_template(inp, rubric, args.out, args.evidence)
    print(f"已生成复核表：{args.out}（{inp.district} {inp.year}年）")
    if evidence.flags:
        print(f"  {len(evidence.flags)}个得分项缺少佐证，已在“{R_CHECK}”列预填“{CHECK_MISSING}”")
    return EXIT_OK


def add_review_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `review-template` (cli.build_parser calls this, like add_batch_parser)."""
    p = subparsers.add_parser("review-template", help="生成复核表（.xlsx）：逐项核定自评值并写明理由")
    p.add_argument("input", type=Path, metavar="INPUT", help="区县自评填报文件（.xlsx 或 .json）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="复核表输出路径")
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR",
        help="佐证材料目录（每个区县一个子目录，或单个区县的目录）；缺失佐证的得分项预填“缺失”",
    )
    p.set_defaults(func=cmd_review_template)
    return p
