"""Issue 20: what a re-run costs, and whether two runs give the same bytes.

    python bench/bench_incremental.py [--repeat 3] [--jobs 2]

Prints, each beside its floor measured in the same run (a shared machine is noisy: compare
ratios, not seconds from different runs):

1. the two floors of the main job: run_all.py's (one new Python process executing a trivial
   parameterised notebook with papermill on a new python3 kernel and exporting it to HTML,
   13 times: 12 districts + summary) and issue 20's stricter one (`run_all.pool_floor`: from
   this running Python, a ProcessPoolExecutor(`--jobs`) doing the same 13 notebooks, each
   exported with HTMLExporter(exclude_input=True)); and the main job itself into a new folder
   (`assessment batch` over the 12 wenzhou-2022 samples, `--jobs`, a new process);
2. the main job again into the same folder with nothing changed: target ≤ 0.15× the floor
   (the ratio to either floor is printed);
3. the main job again after one district's input changed (its 填报人 cell, a content change):
   target ≤ 0.4× the full run (the ratios to both floors are printed too);
4. two full runs into two new folders with `SOURCE_DATE_EPOCH` set: files that differ
   (target 0); and without it: files that differ and differing lines (target: the pages'
   one generation-time line each, and the manifests' `generated`/`timings`).

Medians of `--repeat` runs for 1–3.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_batch import set_basic_info, trivial_notebook
from run_all import EXAMPLES, FLOOR_PROCESS, met, strict_floors, wall

SAME_RATIO, ONE_CHANGED_RATIO = 0.15, 0.4


def batch(data: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "assessment", "batch", str(data), "--out", str(out), "--jobs", str(jobs)]


def compare(first: Path, second: Path) -> tuple[list[str], int]:
    """The files (relative names) whose bytes differ between two output folders, and how many
    text lines differ in them (binary files count one each)."""
    names = sorted({p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
                   | {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()})
    differing, lines = [], 0
    for name in names:
        a, b = first / name, second / name
        if a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes():
            continue
        differing.append(name)
        try:
            left, right = a.read_text("utf-8").splitlines(), b.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            lines += 1
            continue
        lines += sum(1 for line in difflib.unified_diff(left, right, lineterm="", n=0)
                     if line.startswith("-") and not line.startswith("---"))
    return differing, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        work = Path(tmp)
        data = work / "data"
        shutil.copytree(EXAMPLES, data)
        notebook = trivial_notebook(work)
        floor_cmd = [sys.executable, "-c", FLOOR_PROCESS, str(notebook), "13"]
        wall(floor_cmd, work)  # warm the disk cache and matplotlib's font cache
        floor = statistics.median(wall(floor_cmd, work) for _ in range(args.repeat))
        strict, _ = strict_floors(notebook, args.repeat, args.jobs)

        full, same, one = [], [], []
        for run in range(args.repeat):
            out = work / f"out{run}"
            full.append(wall(batch(data, out, args.jobs), work))
            same.append(wall(batch(data, out, args.jobs), work))
            set_basic_info(data / "龙湾区.xlsx", "填报人", f"填报人{run}")  # a content change an analyst makes
            one.append(wall(batch(data, out, args.jobs), work))
        t_full, t_same, t_one = (statistics.median(x) for x in (full, same, one))
        print(f"1. 主任务完整运行（12个示例地区+市级汇总，--jobs {args.jobs}，新进程）：{t_full:.1f} 秒；"
              f"下限（一个进程内13次空白notebook+导出HTML）{floor:.1f} 秒，比值 {t_full / floor:.2f}；"
              f"严格下限（已运行的Python中 {args.jobs} 个工作进程池，13次）{strict:.1f} 秒，比值 {t_full / strict:.2f}",
              flush=True)
        print(f"2. 无改动重新运行：{t_same:.2f} 秒；为下限的 {t_same / floor:.2f} 倍"
              f"（目标 ≤ {SAME_RATIO}：{met(t_same <= SAME_RATIO * floor)}），为严格下限的 {t_same / strict:.2f} 倍"
              f"（{met(t_same <= SAME_RATIO * strict)}）", flush=True)
        print(f"3. 改动一个地区后重新运行：{t_one:.1f} 秒；为完整运行的 {t_one / t_full:.2f} 倍"
              f"（目标 ≤ {ONE_CHANGED_RATIO}：{met(t_one <= ONE_CHANGED_RATIO * t_full)}）；"
              f"为下限的 {t_one / floor:.2f} 倍，为严格下限的 {t_one / strict:.2f} 倍", flush=True)

        epoch = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
        pair = []
        for env, label in ((epoch, "with"), (os.environ.copy(), "without")):
            folders = [work / f"{label}{n}" for n in (1, 2)]
            for folder in folders:
                wall_env(batch(data, folder, args.jobs), work, env)
            pair.append(compare(*folders))
        (with_files, _), (without_files, without_lines) = pair
        print(f"4. 两次完整运行（设 SOURCE_DATE_EPOCH）：不同的文件 {len(with_files)} 个"
              f"（目标 0：{met(not with_files)}）{'：' + '、'.join(with_files) if with_files else ''}", flush=True)
        print(f"   不设 SOURCE_DATE_EPOCH：不同的文件 {len(without_files)} 个，不同的行 {without_lines} 行"
              f"（各页面仅生成时间一行、清单的 generated 与 timings；账本随页面的哈希而变）", flush=True)


def wall_env(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    """Run a command in `env`; a failure stops the benchmark with its stderr."""
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode != 0:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"{command[0]} … 退出码 {done.returncode}")


if __name__ == "__main__":
    main()
