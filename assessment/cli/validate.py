"""`assessment validate FILE…`: every problem of every input at once, with its location."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessment.util.console import print_problems, safe
from assessment.util.errors import EXIT_INVALID, EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("validate", help="校验填报文件，一次列出全部问题")
    p.add_argument("files", type=Path, nargs="+", metavar="INPUT", help="填报文件（.xlsx 或 .json），可多个")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from assessment import api
    from assessment.inputs.validate import unfilled_count
    from assessment.rubric.loader import load_rubric

    rubric = load_rubric(args.rubric)
    inputs, problems = api.load_all(list(args.files), rubric)
    print_problems(problems)
    for inp in inputs:
        blank = unfilled_count(inp, rubric)
        verdict = f"通过（{blank}项未填）" if blank else "通过"
        print(f"{verdict}：{safe(inp.path)}（{safe(inp.district)} {inp.year}年）")
        if blank:
            print(f"  提示：{blank}项未填写，按未填报计0分；如属实可忽略，否则请补填")
        for warning in inp.warnings:
            print(f"  提示：{safe(warning)}")
    bad = len(args.files) - len(inputs)
    if bad:
        print(f"{bad}个文件未通过校验，共{len(problems)}处问题", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK
