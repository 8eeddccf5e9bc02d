"""`assessment convert SRC DST`: an input or a review between workbook and JSON, losslessly."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.util.console import safe
from assessment.util.errors import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("convert", help="在 .xlsx 与 .json 之间无损转换")
    p.add_argument("src", type=Path, metavar="SRC", help="源文件（.xlsx 或 .json）")
    p.add_argument("dst", type=Path, metavar="DST", help="目标文件（.json 或 .xlsx，按扩展名决定格式）")
    p.add_argument("--force", action="store_true",
                   help="替换已存在、但不是本工具转换生成的目标文件（例如他人的填报文件；不会替换源文件或特殊文件）")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from assessment import api
    from assessment.publish.ledger import record_file
    from assessment.publish.outputs import check_writable_file
    from assessment.rubric.loader import load_rubric

    check_writable_file(args.dst, [args.src], force=args.force)
    api.convert(args.src, args.dst, load_rubric(args.rubric))
    record_file(args.dst)  # the next convert onto it may replace it: it is provably ours
    print(f"已转换：{safe(args.src)} → {safe(args.dst)}")
    return EXIT_OK
