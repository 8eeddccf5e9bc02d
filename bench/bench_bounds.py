"""Whether hostile inputs stay cheap in fact (issue 18): figures beside their floors, one run.

    python bench/bench_bounds.py [--sizes 16,256,3072]

Prints:
1. `assessment validate` of a 27 KB workbook holding one merged range AA1:XFD1048576 (17
   billion cells to openpyxl), as a new process: wall time and peak resident memory (the
   process and everything it started, psutil sampled every 0.1 s; wait4's figure too).
   Floor: `assessment validate` of the same workbook without the merged range. Target:
   under 3 s and 200 MB.
2. `assessment batch` over one real sample workbook plus a sparse `x.json` of each of
   `--sizes` MB (a hole: costs no disk), as a new process: peak memory of the process tree
   per size. Target: flat (the largest size within 10% of the smallest), because inputs are
   refused by size before they are read, and hashed while streaming.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench_batch import SAMPLE, TreePeak, verdict

from assessment.inputs.workbook import write_workbook
from assessment.rubric.loader import default_rubric
from assessment.samples import perfect_input

MERGED_BOMB = b'<mergeCells count="1"><mergeCell ref="AA1:XFD1048576"/></mergeCells>'
TARGET_SECONDS, TARGET_BYTES, TARGET_GROWTH = 3.0, 200 * 2**20, 1.10


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from assessment.cli import main; raise SystemExit(main())", *args]


def measured(argv: list[str]) -> tuple[float, int, int, int]:
    """(wall seconds, tree peak bytes sampled, wait4's max RSS in bytes, exit code) of a new process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = TreePeak(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, peak.stop(), usage.ru_maxrss * 1024, proc.returncode


def bomb_workbook(folder: Path) -> tuple[Path, Path]:
    """(a clean workbook, the same with one merged range over 17 billion cells)."""
    clean = folder / "龙湾区.xlsx"
    write_workbook(perfect_input(default_rubric(), district="龙湾区"), default_rubric(), clean)
    bomb = folder / "bomb" / "龙湾区.xlsx"
    bomb.parent.mkdir()
    with zipfile.ZipFile(clean) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b"</sheetData>" + MERGED_BOMB, 1)
            target.writestr(info.filename, content)
    return clean, bomb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16,256,3072", help="sizes of the sparse x.json, MB")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clean, bomb = bomb_workbook(root)
        print(f"1. validate 合并单元格炸弹（{bomb.stat().st_size / 1024:.0f} KB）")
        floor = measured(command("validate", str(clean)))
        real = measured(command("validate", str(bomb)))
        for label, (wall, tree, rss, code) in (("下限：正常工作簿", floor), ("炸弹工作簿", real)):
            print(f"   {label}：{wall:.2f} s，进程树峰值 {tree / 2**20:.0f} MB（wait4 {rss / 2**20:.0f} MB），退出码 {code}")
        met = real[0] < TARGET_SECONDS and max(real[1], real[2]) < TARGET_BYTES and real[3] == 2
        print(f"   目标 < {TARGET_SECONDS:.0f} s、< {TARGET_BYTES / 2**20:.0f} MB 且退出码2：{verdict(met)}")

        print("2. batch 峰值内存与输入大小")
        peaks = []
        for size in sizes:
            data = root / f"data-{size}"
            data.mkdir()
            shutil.copy(SAMPLE, data / SAMPLE.name)
            with open(data / "x.json", "wb") as sparse:
                sparse.truncate(size * 2**20)
            wall, tree, rss, code = measured(command("batch", str(data), "--out", str(root / f"out-{size}"), "--jobs", "1"))
            peaks.append(tree)
            print(f"   x.json {size} MB：{wall:.1f} s，进程树峰值 {tree / 2**20:.0f} MB"
                  f"（wait4 {rss / 2**20:.0f} MB），退出码 {code}")
        growth = peaks[-1] / peaks[0] if peaks and peaks[0] else float("inf")
        print(f"   最大/最小输入的峰值之比 {growth:.2f}（目标 ≤ {TARGET_GROWTH:.2f}）：{verdict(growth <= TARGET_GROWTH)}")


if __name__ == "__main__":
    main()
