"""`assessment convert SRC DST`: an input or a review between workbook and JSON, losslessly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.util.console import safe
from assessment.util.errors import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("convert", help="在 .xlsx 与 .json 之间无损转换")
    p.add_argument("src", type=Path)
    p.add_argument("dst", type=Path)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from assessment import api
    from assessment.publish.outputs import OutputError, check_writable_file
    from assessment.rubric.loader import load_rubric

    check_writable_file(args.dst)
    if args.dst.exists() and args.dst.resolve() == args.src.resolve():
        raise OutputError(f"无法写入“{safe(args.dst)}”：输出与输入是同一个文件")
    api.convert(args.src, args.dst, load_rubric(args.rubric))
    print(f"已转换：{safe(args.src)} → {safe(args.dst)}")
    return EXIT_OK
