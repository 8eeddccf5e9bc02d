"""`assessment batch DATA_DIR --out DIR …`: every district of a folder, then the city's
summaries (see `assessment.batch`); says where everything went and what did not work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessment.batch.options import DEFAULT_TIMEOUT
from assessment.publish.outputs import INDEX_HTML, REPORT_PDF, SUMMARY_PDF
from assessment.util.console import safe, skipped_line


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为“{text}”") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为“{text}”")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("应为秒数（正数）") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("应为秒数（正数）")
    return value


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("batch", help="批量生成各区县报告与汇总（一个地市：市级汇总；多个地市：全省汇总）")
    p.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="存放各区县填报文件（.xlsx 或 .json）的目录")
    p.add_argument("--out", type=Path, required=True, help="输出目录，按 <年度>/<地区>/ 存放报告，<年度>/ 下存放汇总")
    p.add_argument("--jobs", type=_positive, default=None, help="并行进程数（默认：CPU核数）")
    p.add_argument("--previous", type=Path, default=None, help="往年批量输出目录（用于同比；默认不比较）")
    p.add_argument(
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT,
        help=f"每个地区的最长用时（秒，默认 {DEFAULT_TIMEOUT}），超时记为生成失败",
    )
    p.add_argument(
        "--review", type=Path, default=None, metavar="DIR",
        help=(
            "复核文件目录（.xlsx 或 .json，文件名不限，按复核表中的地区与年度匹配；未匹配的复核会列出）："
            "有复核的地区按核定分生成报告与汇总"
        ),
    )
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR", help="佐证材料目录（每个地区一个子目录）：核查得分项的佐证"
    )
    p.add_argument(
        "--pdf", action="store_true", help=f"另存每个地区的 {REPORT_PDF} 与汇总的 {SUMMARY_PDF}（需要 Chromium）"
    )
    p.add_argument(
        "--force", action="store_true",
        help=(
            "全部重新生成（不沿用未变化的报告与汇总），并替换输出目录中本工具无法证明由其生成的同名文件"
            "（如本人保存的 manifest.json；不会替换填报文件或特殊文件）"
        ),
    )
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Run everything, then say where it went and what did not work; the exit code is the
    run's (`BatchOutcome.exit_code`)."""
    from assessment.batch.manifest import counts_line, rerun_lines
    from assessment.batch.run import run_batch

    pdf, debug = getattr(args, "pdf", False), getattr(args, "debug", False)
    outcome = run_batch(
        args.data_dir,
        args.out,
        jobs=args.jobs,
        previous=args.previous,
        progress=None,
        rubric=getattr(args, "rubric", None),
        timeout=args.timeout,
        review=getattr(args, "review", None),
        evidence=getattr(args, "evidence", None),
        pdf=pdf,
        force=getattr(args, "force", False),
    )
    ok, invalid, failed = (outcome.with_status(s) for s in ("ok", "invalid", "failed"))
    print(counts_line(outcome.districts))
    for line in rerun_lines(outcome.districts, outcome.summaries):
        print(safe(line))
    for s in outcome.summaries:
        print(f"{s.year}年：报告目录 {safe(s.folder)}")
        if s.html:
            print(f"  {s.name}：{safe(s.html)}")
            print(f"  汇总表格：{safe(s.xlsx)}")
            if pdf:
                print(f"  汇总PDF：{safe(s.folder / SUMMARY_PDF)}")
        else:
            print(f"  {s.name}生成失败：{safe(s.error)}")
    print(f"运行记录：{safe(outcome.manifest)}")
    print(f"目录页（可离线浏览）：{safe(outcome.out_dir / INDEX_HTML)}")
    for item in outcome.skipped:
        print(skipped_line(item["file"], item["reason"]), file=sys.stderr)
    for d in invalid:
        print(f"校验未通过：{safe(d.name)}（{safe(d.input.name)}）", file=sys.stderr)
        for error in d.errors:
            print(f"  错误：{safe(error)}", file=sys.stderr)
    for d in outcome.districts:
        for warning in d.warnings:
            print(f"提示：{safe(d.name)}：{safe(warning)}", file=sys.stderr)
    for d in failed:
        print(f"生成失败：{safe(d.name)}（{safe(d.input.name)}）：{safe('；'.join(d.errors))}", file=sys.stderr)
        if debug and d.trace:
            print(d.trace, file=sys.stderr)
    if debug:
        for s in outcome.summaries:
            if s.trace:
                print(s.trace, file=sys.stderr)
    if failed or invalid or any(s.error for s in outcome.summaries):
        if failed:
            print("生成失败的地区：" + "、".join(safe(d.name) for d in failed), file=sys.stderr)
        print(f"未通过校验和失败的详情见：{safe(outcome.log)}", file=sys.stderr)
    return outcome.exit_code
