"""`assessment summary FOLDER... --out OUT`: the municipal summary of the report folders
districts sent (folders, year folders, zips), each verified against itself
(`assessment.collect`), without re-rendering any report.

With `--previous` (an earlier output of `batch` or `summary`, OUT itself included) each year
is compared with the latest earlier year found there (同比变化, 上年整改落实), as a batch's
summary is; those earlier files are read as they are, not verified again.

Everything is read, verified and made in a scratch folder first; only then is OUT written,
through the tool's owned-file publishing (`publish.outputs`), so a bad input leaves no
partial output and no file the tool did not write is ever replaced.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from assessment.util.console import CommandError, safe
from assessment.util.errors import EXIT_OK


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("summary", help="汇总收到的各区县报告文件夹（逐一核验，不重新生成报告）")
    p.add_argument(
        "folders", type=Path, nargs="+", metavar="FOLDER",
        help="收到的报告：区县报告文件夹、含多个区县的年度文件夹、整个输出目录，或它们的ZIP压缩包；可给多个",
    )
    p.add_argument(
        "--out", type=Path, required=True,
        help=(
            "输出目录：<年度>/<地区>/ 存放收到的报告文件夹，"
            "<年度>/ 下存放 manifest.json（含核验结果）、summary.html 与 summary.xlsx"
        ),
    )
    p.add_argument(
        "--previous", type=Path, default=None,
        help="往年的输出目录（往年 batch 或 summary 的输出，可以就是 --out）：用于同比变化与上年整改落实；默认不比较",
    )
    p.add_argument(
        "--force", action="store_true",
        help="替换输出目录中本工具无法证明由其生成的同名文件（不会替换特殊文件）",
    )
    p.set_defaults(func=run)
    return p


def check_received(folders: list[Path], out: Path) -> None:
    """CommandError, before any work, when a FOLDER is missing or neither a folder nor a
    zip, or when OUT lies inside one (a later summary would receive its own copies)."""
    real_out = Path(out).resolve()
    for folder in folders:
        if not folder.exists():
            raise CommandError(f"“{safe(folder)}”不存在（应为收到的报告文件夹或zip压缩包）")
        if folder.is_file() and folder.suffix.lower() != ".zip":
            raise CommandError(f"“{safe(folder)}”不是文件夹或zip压缩包（应为收到的报告文件夹或其zip压缩包）")
        if folder.is_dir() and real_out.is_relative_to(folder.resolve()):
            raise CommandError(f"输出目录“{safe(out)}”位于收到的文件夹“{safe(folder)}”之中；请换一个输出目录")


def run(args: argparse.Namespace) -> int:
    """Receive, verify, make every year's summary in scratch, then publish it all."""
    import json

    from assessment.batch.summary_step import build_summary_files
    from assessment.collect.desk import counts, district_files, receive, stage_year, year_manifest
    from assessment.collect.verify import VERIFIED
    from assessment.publish.outputs import (
        DISTRICT_FILES,
        INDEX_HTML,
        MANIFEST,
        SUMMARY_HTML,
        SUMMARY_XLSX,
        OutputLock,
        check_owned,
        publish_files,
        withdraw_files,
    )
    from assessment.report.district import check_previous_root
    from assessment.report.index import check_index, write_index, year_summary_name
    from assessment.rubric.loader import load_rubric
    from assessment.util.clock import generation_time

    out, force = Path(args.out), getattr(args, "force", False)
    check_received(args.folders, out)
    previous = getattr(args, "previous", None)
    check_previous_root(previous)
    rubric = load_rubric(getattr(args, "rubric", None))
    with tempfile.TemporaryDirectory(prefix="assessment-summary-") as scratch:
        (Path(scratch) / "received").mkdir()
        received, unused = receive(args.folders, Path(scratch) / "received", rubric)
        if not received:
            raise CommandError(
                "没有可汇总的报告文件夹（应含 scores.json）："
                + ("；".join(f"“{safe(u.source)}”{safe(u.reason)}" for u in unused) or "给出的文件夹为空")
            )
        years = sorted({r.year for r in received})
        files = {id(r): district_files(r) for r in received}
        for r in received:
            check_owned(out / str(r.year) / r.dirname, files[id(r)], force=force, root=out)
        for year in years:
            check_owned(out / str(year), (MANIFEST, SUMMARY_HTML, SUMMARY_XLSX), force=force, root=out)
        check_index(out, years, force=force)
        generated = generation_time()
        made: dict[int, dict[str, bytes]] = {}
        for year in years:
            manifest = year_manifest(year, received, unused, rubric, generated)
            stage = Path(scratch) / "stage" / str(year)
            stage_year(stage, manifest, [r for r in received if r.year == year])
            html, xlsx = build_summary_files(stage, previous=previous, run_time=generated)
            made[year] = {
                MANIFEST: (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                SUMMARY_HTML: html.encode("utf-8"),
                SUMMARY_XLSX: xlsx,
            }
        with OutputLock(out):
            for r in received:  # as received: an old copy of a file not sent again does not linger
                publish_files(out / str(r.year) / r.dirname, files[id(r)], force=force, root=out)
                withdraw_files(out / str(r.year) / r.dirname, sorted(DISTRICT_FILES - set(files[id(r)])))
            for year in years:
                publish_files(out / str(year), made[year], force=force, root=out)
            write_index(out, force=force)
    for year in years:
        listed = [r for r in received if r.year == year]
        tally = "，".join(f"{n}个{status}" for status, n in counts(listed).items() if n)
        print(f"{year}年：{len(listed)}个地区（{tally}）")
        print(f"  {year_summary_name(out / str(year))}：{safe(out / str(year) / SUMMARY_HTML)}")
        print(f"  汇总表格：{safe(out / str(year) / SUMMARY_XLSX)}")
        print(f"  核验记录：{safe(out / str(year) / MANIFEST)}")
    print(f"目录页（可离线浏览）：{safe(out / INDEX_HTML)}")
    for r in received:
        if r.verification.status != VERIFIED:
            print(f"{r.verification.status}：{safe(r.district)}（{safe(r.unit.source)}）：{safe('；'.join(r.verification.details))}",
                  file=sys.stderr)
    for u in unused:
        print(f"未使用：{safe(u.source)}（{safe(u.reason)}）", file=sys.stderr)
    return EXIT_OK
