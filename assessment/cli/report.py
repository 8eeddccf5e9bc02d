"""`assessment report INPUT… --out DIR [--previous DIR] [--review REVIEW] [--evidence DIR] [--pdf]`:
district reports, all inputs valid or nothing written (see `assessment.report.district`)."""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.publish.outputs import (
    INDEX_HTML,
    REPORT_HTML,
    REPORT_PDF,
    SCORES_JSON,
    OutputLock,
    check_owned,
    clean_staging,
    folder_key,
    report_files,
)
from assessment.util.background import meanwhile
from assessment.util.console import CommandError, print_problems, safe, skipped_line
from assessment.util.errors import EXIT_INVALID, EXIT_OK

if TYPE_CHECKING:
    from assessment.inputs.model import DistrictInput, Problem
    from assessment.publish.kernels import WarmKernel


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("report", help=f"生成区县自评估报告（Notebook、离线HTML与{SCORES_JSON}）")
    p.add_argument("files", type=Path, nargs="+", metavar="INPUT", help="填报文件（.xlsx 或 .json）")
    p.add_argument("--out", type=Path, required=True, help="报告输出目录，按 <年度>/<地区>/ 存放")
    p.add_argument(
        "--previous", type=Path, default=None, help=f"往年报告目录（用于同比；默认不比较），按 <年度>/<地区>/{SCORES_JSON} 查找"
    )
    p.add_argument(
        "--review", type=Path, default=None, metavar="REVIEW",
        help=(
            "复核文件（.json 或 .xlsx），或存放复核文件的目录（按复核表中的地区与年度匹配）："
            "报告按核定分计分并列出自评分与复核意见"
        ),
    )
    p.add_argument(
        "--evidence", type=Path, default=None, metavar="DIR",
        help="佐证材料目录（每个区县一个子目录，或单个区县的目录）：逐项列出得分项的佐证并标记缺少佐证",
    )
    p.add_argument("--pdf", action="store_true", help=f"另存A4版面的 {REPORT_PDF}（需要 Chromium）")
    p.add_argument(
        "--force", action="store_true",
        help=(
            "重新生成（即使报告未变化），并替换地区目录中本工具无法证明由其生成的同名文件"
            "（如本人保存的 report.html；不会替换填报文件或特殊文件）"
        ),
    )
    p.set_defaults(func=run)
    return p


def check_review_and_evidence(review: Path | None, evidence: Path | None, inputs: int) -> None:
    """CommandError before any work for a --review or --evidence that cannot be used: a
    missing path, a review file for several inputs, an evidence path that is no folder."""
    if review is not None:
        if not Path(review).exists():
            raise CommandError(f"复核文件或目录“{safe(review)}”不存在")
        if Path(review).is_file() and inputs != 1:
            raise CommandError("--review 给出的是一个复核文件，只能对应一个填报文件；多个地区请给出存放复核文件的目录")
    if evidence is not None and not Path(evidence).is_dir():
        raise CommandError(f"佐证材料目录“{safe(evidence)}”不存在或不是文件夹")


def run(args: argparse.Namespace) -> int:
    """See `_run`; a kernel for the reports is started first when one is likely needed."""
    kernel = _kernel_in_advance(args)
    try:
        return _run(args, kernel)
    finally:
        if kernel is not None:
            kernel.shutdown()


def _kernel_in_advance(args: argparse.Namespace) -> WarmKernel | None:
    """A kernel for the reports, started before the inputs are read and checked so that it
    starts and imports meanwhile (about a sixth of one report), unless every input's file is
    the very file a sealed report folder of --out records (a re-run, most likely unchanged:
    no kernel at all). A kernel started for inputs that then turn out invalid or unchanged is
    stopped unused."""
    from assessment.inputs.limits import sha256_limited
    from assessment.publish.ledger import sealed_folders
    from assessment.publish.notebooks import REPORT_NOTEBOOK, notebook

    if not args.force:
        sealed = sealed_folders(Path(args.out))
        if all((p.name, sha256_limited(p)) in sealed for p in map(Path, args.files)):
            return None
    from assessment.publish.kernels import WarmKernel  # the notebook stack: only now

    return WarmKernel(notebook(REPORT_NOTEBOOK).parent, wait=False)


def _run(args: argparse.Namespace, kernel: WarmKernel | None) -> int:
    """Every input is validated and every output place checked first; if any input is invalid
    (or two would publish to the same folder) all problems are printed and nothing is
    written, so a run never publishes half of a district list. A report whose folder is
    already what this run would write (`report.fingerprint`) is kept, without a kernel,
    unless --force. The output folder and its year folders then get their index.html
    (`report.index`), listing every report in them. The reports run on `kernel` (one after
    another, each in a clean namespace), or each on a kernel of its own."""
    from assessment import api
    from assessment.inputs.model import InputError
    from assessment.publish.pdf import chromium_or_error
    from assessment.report.district import (
        check_previous_root,
        render_report,
        report_changes,
        report_data,
        report_folder,
    )
    from assessment.report.fingerprint import FORCED
    from assessment.report.index import check_index, prepare_index, write_index
    from assessment.review.files import unused_reviews
    from assessment.rubric.loader import load_rubric

    rubric_path = getattr(args, "rubric", None)
    check_previous_root(args.previous)
    check_review_and_evidence(args.review, args.evidence, len(args.files))
    if args.pdf:
        chromium_or_error()
    rubric = load_rubric(rubric_path)
    inputs, problems = api.load_all(args.files, rubric)
    problems.extend(duplicates(inputs))
    scores: dict[Path, dict[str, Any]] = {}
    for inp in inputs:
        try:
            scores[report_folder(args.out, inp.year, inp.district)] = report_data(
                inp.path, rubric, args.review, args.evidence, inp=inp
            ).scores
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        print_problems(problems)
        return EXIT_INVALID
    if args.review is not None and Path(args.review).is_dir():  # a review of none of them is said, as batch says it
        for path, reason in unused_reviews(Path(args.review), {(inp.district, inp.year) for inp in inputs}, rubric):
            print(skipped_line(path.name, reason), file=sys.stderr)
    for inp in inputs:
        owned = report_files(inp.path, args.pdf)
        check_owned(report_folder(args.out, inp.year, inp.district), owned, args.files, force=args.force, root=args.out)
    check_index(args.out, [inp.year for inp in inputs], force=args.force)
    with OutputLock(args.out):
        for inp in inputs:
            folder = report_folder(args.out, inp.year, inp.district)
            _, reasons, _ = report_changes(
                inp, args.out, previous_root=args.previous, rubric=rubric_path, review=args.review,
                evidence=args.evidence, pdf=args.pdf,
            )
            if not reasons and not args.force:  # the folder is what this run would write
                print(f"未变化，沿用已有报告：{safe(folder / REPORT_HTML)}")
                continue
            clean_staging(Path(args.out) / str(inp.year))
            # the index's font, made while the notebook runs (right if the next inputs are kept)
            with meanwhile(functools.partial(prepare_index, args.out, {folder: scores[folder]})):
                paths = render_report(
                    Path(inp.path), args.out, previous_root=args.previous, rubric=rubric_path, inp=inp,
                    review=args.review, evidence=args.evidence, pdf=args.pdf, force=args.force, kernel=kernel,
                )
            for warning in paths.warnings:
                print(f"提示：{safe(warning)}", file=sys.stderr)
            print(f"已生成报告：{safe(paths.html)}（{'、'.join([FORCED] if args.force else reasons)}）")
            if paths.pdf is not None:
                print(f"已打印PDF：{safe(paths.pdf)}")
        write_index(args.out, force=args.force)
    print(f"目录页（可离线浏览）：{safe(Path(args.out) / INDEX_HTML)}")
    return EXIT_OK


def duplicates(inputs: list[DistrictInput]) -> list[Problem]:
    """Inputs that would publish to the same folder: the later would silently replace one."""
    from assessment.inputs.model import Location, Problem

    seen: dict[tuple[int, str], str] = {}
    problems = []
    for inp in inputs:
        key = folder_key(inp.year, inp.district)
        if key in seen:
            problems.append(
                Problem(Location(inp.path), f"与“{seen[key]}”的地区和年度相同（{inp.district} {inp.year}年），报告会互相覆盖")
            )
        else:
            seen[key] = inp.path
    return problems
