"""`assessment` command line: a thin shell over `assessment.api` and friends.

Exit codes: 0 success, 2 invalid input (every problem is printed, in Chinese, with file,
sheet, row and column) or an unusable environment (a missing or unwritable folder, a file in
the way: the message names the path), 130 interrupted (Ctrl-C), 1 an internal error (a bug:
the message says so). A closed output pipe (`assessment score x | head -1`) ends the
command quietly.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assessment import __version__
from assessment.publish.outputs import OutputError, ensure_folder, os_error
from assessment.rubric.loader import load_rubric
from assessment.util.console import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, print_problems, safe
from assessment.util.errors import AssessmentError


def _load_all(paths: Sequence[Path], rubric_path: Path | None):
    """(rubric, valid inputs, problems of all files)."""
    from assessment import api

    rubric = load_rubric(rubric_path)
    return (rubric, *api.load_all(list(paths), rubric))


def _writable_file(path: Path) -> None:
    """OutputError unless `path` can be a file: not a folder, its parent a folder."""
    if path.is_dir():
        raise OutputError(f"无法写入“{safe(path)}”：该路径是文件夹，应为文件名（例如 {safe(path / '填报模板.xlsx')}）")
    ensure_folder(path.parent)


def cmd_template(args: argparse.Namespace) -> int:
    from assessment import api

    _writable_file(args.out)
    api.make_template(args.out, load_rubric(args.rubric))
    print(f"已生成填报模板：{safe(args.out)}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    _, inputs, problems = _load_all(args.files, args.rubric)
    print_problems(problems)
    for inp in inputs:
        print(f"通过：{safe(inp.path)}（{safe(inp.district)} {inp.year}年）")
        for warning in inp.warnings:
            print(f"  提示：{safe(warning)}")
    bad = len(args.files) - len(inputs)
    if bad:
        print(f"{bad}个文件未通过校验，共{len(problems)}处问题", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    from assessment import api
    from assessment.report.text import render_text
    from assessment.scoring.engine import score

    if args.review is not None or args.evidence is not None:
        from assessment.cli.review import cmd_score_review

        return cmd_score_review(args)
    rubric, inputs, problems = _load_all(args.files, args.rubric)
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


def cmd_convert(args: argparse.Namespace) -> int:
    from assessment import api

    _writable_file(args.dst)
    if args.dst.exists() and args.dst.resolve() == args.src.resolve():
        raise OutputError(f"无法写入“{safe(args.dst)}”：输出与输入是同一个文件")
    api.convert(args.src, args.dst, load_rubric(args.rubric))
    print(f"已转换：{safe(args.src)} → {safe(args.dst)}")
    return EXIT_OK


def _add_template_parser(sub: Any) -> None:
    p = sub.add_parser("template", help=COMMANDS["template"][0])
    p.add_argument("out", type=Path)
    p.set_defaults(func=cmd_template)


def _add_validate_parser(sub: Any) -> None:
    p = sub.add_parser("validate", help=COMMANDS["validate"][0])
    p.add_argument("files", type=Path, nargs="+")
    p.set_defaults(func=cmd_validate)


def _add_score_parser(sub: Any) -> None:
    from assessment.cli.review import add_score_review_arguments

    p = sub.add_parser("score", help=COMMANDS["score"][0])
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument("--json", action="store_true", help="每个文件输出一行JSON")
    add_score_review_arguments(p)
    p.set_defaults(func=cmd_score)


def _add_convert_parser(sub: Any) -> None:
    p = sub.add_parser("convert", help=COMMANDS["convert"][0])
    p.add_argument("src", type=Path)
    p.add_argument("dst", type=Path)
    p.set_defaults(func=cmd_convert)


#: Every command: its help line (the top-level `--help`) and "module:function" registering
#: its full parser on the subparsers (imported only when the command is chosen).
COMMANDS: dict[str, tuple[str, str]] = {
    "template": ("生成空白填报模板（.xlsx）", "assessment.cli.app:_add_template_parser"),
    "validate": ("校验填报文件，一次列出全部问题", "assessment.cli.app:_add_validate_parser"),
    "score": ("计算得分与达标结论（可按复核结果计分、核查佐证材料）", "assessment.cli.app:_add_score_parser"),
    "convert": ("在 .xlsx 与 .json 之间无损转换", "assessment.cli.app:_add_convert_parser"),
    "report": ("生成区县自评估报告（Notebook、离线HTML与scores.json）", "assessment.report.district:add_report_parser"),
    "batch": ("批量生成全市各区县报告与市级汇总", "assessment.batch.run:add_batch_parser"),
    "plan": ("计算达标所需的最少整改措施", "assessment.plan.solve:add_plan_parser"),
    "review-template": ("生成复核表（.xlsx）：逐项核定自评值并写明理由", "assessment.cli.review:add_review_parser"),
}


def _registrar(command: str) -> Callable[[Any], Any]:
    module, _, function = COMMANDS[command][1].partition(":")
    return getattr(importlib.import_module(module), function)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; only `command`'s own parser is built in full (its module imported),
    every other command is a placeholder that names it and gives its help line."""
    parser = argparse.ArgumentParser(
        prog="assessment",
        description="生态环境保护综合行政执法机构规范化建设自评估（浙江省标准）",
    )
    parser.add_argument("--version", action="version", version=f"assessment {__version__}")
    parser.add_argument("--rubric", type=Path, default=None, help="评分标准文件（默认：内置浙江省2022版）")
    parser.add_argument("--debug", action="store_true", help="内部错误时打印完整堆栈")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_line, _) in COMMANDS.items():
        if name == command:
            _registrar(name)(sub)
        else:
            placeholder = sub.add_parser(name, help=help_line, add_help=False)
            placeholder.set_defaults(func=None)
    return parser


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """Find the command with placeholders (light), then parse again with its full parser."""
    argv = list(sys.argv[1:] if argv is None else argv)
    known, _ = build_parser().parse_known_args(argv)
    return build_parser(known.command).parse_args(argv)


def _quiet_broken_pipe() -> int:
    """The reader of our output went away (`| head`): stop quietly. Python's documented
    recipe: point stdout at devnull so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_arguments(argv)
    # SIGTERM unwinds like Ctrl-C, so that kernels and workers are stopped and temporary
    # files removed (only where this process owns the default handler).
    previous_handler = signal.getsignal(signal.SIGTERM)
    if previous_handler is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupted)
    try:
        code = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except AssessmentError as exc:  # the tool's own errors say what to print and which exit code
        if exc.exit_code == EXIT_INTERNAL:
            print(f"内部错误（请报告此问题）：{type(exc).__name__}: {safe(exc)}", file=sys.stderr)
            if args.debug:
                traceback.print_exc()
        else:
            print_problems(exc.lines())
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the environment (a full disk, a folder without permission), not a bug
        print(f"错误：{os_error(exc, doing='读写')}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INVALID
    except Exception as exc:  # noqa: BLE001 - the last line of defence: say it is a bug
        print(f"内部错误（请报告此问题）：{type(exc).__name__}: {safe(exc)}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        if previous_handler is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main())
