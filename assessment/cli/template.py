"""`assessment template OUT.xlsx`: the blank workbook districts fill in."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.util.console import safe
from assessment.util.errors import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("template", help="生成空白填报模板（.xlsx）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="模板输出路径")
    p.add_argument("--force", action="store_true",
                   help="替换已存在的同名模板（其中已填写的内容将丢失；不会替换输入文件或特殊文件）")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from assessment import api
    from assessment.publish.outputs import check_writable_file
    from assessment.rubric.loader import load_rubric

    check_writable_file(args.out, force=args.force, filled_in=True)
    api.make_template(args.out, load_rubric(args.rubric))
    print(f"已生成填报模板：{safe(args.out)}")
    return EXIT_OK
