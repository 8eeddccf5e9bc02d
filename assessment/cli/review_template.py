"""`assessment review-template INPUT OUT.xlsx [--evidence DIR]`: the workbook a municipal
reviewer fills in, one row per value to confirm or correct with its reason."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.util.errors import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("review-template", help="生成复核表（.xlsx）：逐项核定自评值并写明理由")
    p.add_argument("input", type=Path, metavar="INPUT", help="区县自评填报文件（.xlsx 或 .json）")
    p.add_argument("out", type=Path, metavar="OUT.xlsx", help="复核表输出路径")
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR",
        help="佐证材料目录（每个区县一个子目录，或单个区县的目录）；缺失佐证的得分项预填“缺失”",
    )
    p.add_argument("--force", action="store_true",
                   help="替换已存在的复核表（其中已填写的内容将丢失；不会替换输入文件或特殊文件）")
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    from assessment.inputs.files import load_input
    from assessment.publish.outputs import check_writable_file
    from assessment.review.workbook import write_review_template
    from assessment.review.workbook_layout import CHECK_MISSING, R_CHECK
    from assessment.rubric.loader import load_rubric

    check_writable_file(args.out, [args.input], force=args.force, filled_in=True)
    rubric = load_rubric(args.rubric)
    inp = load_input(args.input, rubric)
    evidence = write_review_template(inp, rubric, args.out, args.evidence)
    print(f"已生成复核表：{args.out}（{inp.district} {inp.year}年）")
    if evidence.flags:
        print(f"  {len(evidence.flags)}个得分项缺少佐证，已在“{R_CHECK}”列预填“{CHECK_MISSING}”")
    return EXIT_OK
