"""`assessment` command line: a thin shell over `assessment.api` and friends.

Exit codes: 0 success, 2 invalid input (every problem is printed, in Chinese, with file,
sheet, row and column), 1 an internal error (a bug: the message says so).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__, api
from .batch import add_batch_parser
from .console import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, print_problems
from .model import InputError
from .plan import add_plan_parser
from .report import add_report_parser
from .rubric import RubricError, load_rubric
from .scoring import score
from .textreport import render_text


def _load_all(paths: Sequence[Path], rubric_path: Path | None):
    """(rubric, valid inputs, problems of all files)."""
    rubric = load_rubric(rubric_path)
    return (rubric, *api.load_all(list(paths), rubric))


def cmd_template(args: argparse.Namespace) -> int:
    api.make_template(args.out, load_rubric(args.rubric))
    print(f"已生成填报模板：{args.out}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    _, inputs, problems = _load_all(args.files, args.rubric)
    print_problems(problems)
    for inp in inputs:
        print(f"通过：{inp.path}（{inp.district} {inp.year}年）")
        for warning in inp.warnings:
            print(f"  提示：{warning}")
    bad = len(args.files) - len(inputs)
    if bad:
        print(f"{bad}个文件未通过校验，共{len(problems)}处问题", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    rubric, inputs, problems = _load_all(args.files, args.rubric)
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    for inp in inputs:
        result = score(rubric, inp)
        if args.json:
            print(json.dumps(api.scores_dict(result), ensure_ascii=False))
        else:
            print(render_text(result))
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    api.convert(args.src, args.dst, load_rubric(args.rubric))
    print(f"已转换：{args.src} → {args.dst}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assessment",
        description="生态环境保护综合行政执法机构规范化建设自评估（浙江省标准）",
    )
    parser.add_argument("--version", action="version", version=f"assessment {__version__}")
    parser.add_argument("--rubric", type=Path, default=None, help="评分标准文件（默认：内置浙江省2022版）")
    parser.add_argument("--debug", action="store_true", help="内部错误时打印完整堆栈")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("template", help="生成空白填报模板（.xlsx）")
    p.add_argument("out", type=Path)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("validate", help="校验填报文件，一次列出全部问题")
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("score", help="计算得分与达标结论")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--json", action="store_true", help="每个文件输出一行JSON")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("convert", help="在 .xlsx 与 .json 之间无损转换")
    p.add_argument("src", type=Path)
    p.add_argument("dst", type=Path)
    p.set_defaults(func=cmd_convert)

    add_report_parser(sub)
    add_batch_parser(sub)
    add_plan_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except InputError as exc:
        print_problems(exc.problems)
        return EXIT_INVALID
    except RubricError as exc:
        print(f"错误：评分标准文件无效：{exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: say it is a bug
        print(f"内部错误（请报告此问题）：{type(exc).__name__}: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
