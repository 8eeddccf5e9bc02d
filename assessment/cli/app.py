"""`assessment` command line: the parser of every command, and the one place where errors
become messages and exit codes.

Exit codes: 0 success, 2 invalid input (every problem is printed, in Chinese, with file,
sheet, row and column) or an unusable environment (a missing or unwritable folder, a file in
the way: the message names the path), 130 interrupted (Ctrl-C), 1 an internal error (a bug:
the message says so). A closed output pipe (`assessment score x | head -1`) ends the
command quietly.

Each command is a module of this package with `add_parser(subparsers)` and `run(args)`;
a command module imports the library only inside `run`, so building the whole parser
(`assessment --help`) loads no data-frame, plotting, workbook or notebook library.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import gc
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import assessment.cli.batch as batch
import assessment.cli.convert as convert
import assessment.cli.plan as plan
import assessment.cli.report as report
import assessment.cli.review_template as review_template
import assessment.cli.score as score
import assessment.cli.summary as summary
import assessment.cli.template as template
import assessment.cli.validate as validate
from assessment import __version__
from assessment.cli.parser import VERSION_HELP, ChineseArgumentParser
from assessment.publish.outputs import os_error
from assessment.util.console import print_problems, safe
from assessment.util.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_INVALID, EXIT_OK, INTERRUPTED, AssessmentError
from assessment.util.iri_grammar import defer_iri_grammar

#: The commands in the order `--help` lists them.
COMMANDS = (template, validate, score, convert, report, batch, summary, plan, review_template)


def build_parser() -> argparse.ArgumentParser:
    """The CLI's parser: the options every command shares, then each command's own."""
    parser = ChineseArgumentParser(
        prog="assessment",
        description="生态环境保护综合行政执法机构规范化建设自评估（浙江省标准）",
    )
    parser.add_argument("--version", action="version", version=f"assessment {__version__}", help=VERSION_HELP)
    parser.add_argument("--rubric", type=Path, default=None, help="评分标准文件（默认：内置浙江省2022版）")
    parser.add_argument("--debug", action="store_true", help="内部错误时打印完整堆栈")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def _quiet_broken_pipe() -> int:
    """The reader of our output went away (`| head`): stop quietly. Python's documented
    recipe: point stdout at devnull so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _internal_error(exc: BaseException, debug: bool) -> None:
    print(f"内部错误（请报告此问题）：{type(exc).__name__}: {safe(exc)}", file=sys.stderr)
    if debug:
        traceback.print_exc()


@functools.cache
def _quick_exit() -> None:
    """At exit, take everything alive out of the cyclic collector's reach (`gc.freeze`): the
    interpreter's final collections then skip the notebook stack a command loaded (~0.15 s
    of every report, nothing but time spent before the memory goes back to the system
    anyway). Registered once; it runs before the interpreter tears modules down."""
    atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    defer_iri_grammar()  # before anything loads jsonschema: ~0.8 s a process (util.iri_grammar)
    _quick_exit()
    args = build_parser().parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so that kernels and workers are stopped and temporary
    # files removed (only where this process owns the default handler).
    previous_handler = signal.getsignal(signal.SIGTERM)
    if previous_handler is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupted)
    try:
        code: int = args.func(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except AssessmentError as exc:  # the tool's own errors say what to print and which exit code
        if exc.exit_code == EXIT_INTERNAL:
            _internal_error(exc, args.debug)
        else:
            print_problems(exc.lines())
        return exc.exit_code
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:  # the environment (a full disk, a folder without permission), not a bug
        print(f"错误：{os_error(exc, doing='读写')}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INVALID
    except Exception as exc:  # noqa: BLE001 - the last line of defence: say it is a bug
        _internal_error(exc, args.debug)
        return EXIT_INTERNAL
    finally:
        if previous_handler is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


if __name__ == "__main__":
    sys.exit(main())
