"""How fast a city batch is, against what any one-kernel-per-report design can reach.

    python bench/bench_batch.py [--districts 90] [--repeat 5] [--jobs N]

Prints, in one run:
1. the floor: a trivial parameterised notebook executed with papermill (fresh kernel,
   shutdown_kernel="immediate") and exported with notebook_to_html, `--repeat` times;
2. the real per-report time: render_report on a bundled sample workbook, `--repeat` times;
3. their ratio (target ≤ 1.3);
4. the wall time and peak memory of run_batch over one synthetic workbook per row of
   Zhejiang's county-level units (assessment.samples.province_inputs; seeded; 90 rows; target ≤ 60 s on
   2 cores and < 1 GB). Peak memory is the whole process tree sampled every 0.1 s with
   psutil when installed; getrusage's figures (largest single process) are printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import openpyxl
import papermill
from nbformat.v4 import new_code_cell, new_notebook

from assessment.batch.run import run_batch
from assessment.inputs.units import county_units
from assessment.inputs.workbook import write_workbook
from assessment.inputs.workbook.layout import SHEET_INFO
from assessment.publish.html import notebook_to_html
from assessment.publish.kernels import WarmKernel
from assessment.report.district import default_notebook, render_report
from assessment.rubric.loader import default_rubric
from assessment.samples import province_inputs

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
TARGET_RATIO, TARGET_SECONDS, TARGET_BYTES = 1.3, 60.0, 1 << 30


def set_basic_info(workbook: Path, label: str, value: object) -> None:
    """An analyst's edit: `value` beside `label` on the basic-information sheet (基本信息),
    saved in place."""
    book = openpyxl.load_workbook(workbook)
    sheet = book[SHEET_INFO]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label)
    sheet.cell(row, 2).value = value
    book.save(workbook)


def trivial_notebook(folder: Path) -> Path:
    """One parameters cell and one output: all a report costs besides its own content."""
    nb = new_notebook(cells=[
        new_code_cell("input_path = None", metadata={"tags": ["parameters"]}),
        new_code_cell("print(input_path)"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "trivial.ipynb"
    nbformat.write(nb, path)
    return path


def floor_once(notebook: Path, n: int) -> None:
    executed = papermill.execute_notebook(
        str(notebook), None, parameters={"input_path": f"地区{n}"}, kernel_name="python3",
        progress_bar=False, cwd=str(notebook.parent), shutdown_kernel="immediate",
    )
    notebook_to_html(executed, f"地区{n}")


def timed(fn: Callable[[int], object], repeat: int) -> list[float]:
    seconds = []
    for n in range(repeat):
        started = time.perf_counter()
        fn(n)
        seconds.append(time.perf_counter() - started)
    return seconds


def synthetic_city(folder: Path) -> int:
    """One seeded synthetic county workbook per unit of Zhejiang; returns how many."""
    rubric = default_rubric()
    units = {u.name: u.code for u in county_units()}
    inputs = province_inputs(rubric)
    for inp in inputs:
        write_workbook(inp, rubric, folder / f"{units[inp.district]}-{inp.district}.xlsx")
    return len(inputs)


class TreePeak:
    """Peak resident memory of a process and all its descendants, sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        import psutil

        self._psutil, self.root, self.peak = psutil, psutil.Process(pid), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except self._psutil.Error:
                tree = []
            for p in tree:
                try:
                    total += p.memory_info().rss
                except self._psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def verdict(met: bool) -> str:
    return "达到" if met else "未达到"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=None, help="只用前 N 个单位（默认全部90个）")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        notebook = trivial_notebook(work)
        floor_once(notebook, -1)  # warm caches (imports, font cache) before measuring
        floor = statistics.median(timed(lambda n: floor_once(notebook, n), args.repeat))
        cold = statistics.median(timed(lambda n: render_report(SAMPLE, work / "single"), args.repeat))
        kernel = WarmKernel(default_notebook().parent)
        try:
            render_report(SAMPLE, work / "warm", kernel=kernel)  # the worker's first report warms it
            warm = statistics.median(
                timed(lambda n: render_report(SAMPLE, work / "warm", kernel=kernel), args.repeat)
            )
        finally:
            kernel.shutdown()
        print(f"下限（空白参数化notebook执行+导出HTML，每次新内核，中位数，{args.repeat}次）：{floor:.2f} 秒")
        print(f"单份报告，新内核（assessment report 的方式，中位数）：{cold:.2f} 秒，比值 {cold / floor:.2f}")
        ratio = warm / floor
        print(f"单份报告，预热内核（assessment batch 的方式，中位数）：{warm:.2f} 秒，"
              f"比值 {ratio:.2f}（目标 ≤ {TARGET_RATIO}：{verdict(ratio <= TARGET_RATIO)}）")

        data = work / "city"
        data.mkdir()
        count = synthetic_city(data)
        if args.districts:
            for extra in sorted(data.iterdir())[args.districts:]:
                extra.unlink()
            count = min(count, args.districts)
        try:
            memory: TreePeak | None = TreePeak(os.getpid())
        except ImportError:
            memory = None
        started = time.perf_counter()
        outcome = run_batch(data, work / "out", jobs=jobs, progress=False)
        wall = time.perf_counter() - started
        peak = memory.stop() if memory else None
    ok = len(outcome.with_status("ok"))
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(f"批量：{count}个地区（{ok}个成功），{jobs}个进程，{os.cpu_count()}核：墙钟 {wall:.1f} 秒，"
          f"平均 {wall / count:.2f} 秒/个（目标 ≤ {TARGET_SECONDS:.0f} 秒：{verdict(wall <= TARGET_SECONDS)}）")
    print(f"getrusage 最大常驻内存：本进程 {self_peak / 2**20:.0f} MB，最大子进程 {child_peak / 2**20:.0f} MB")
    if peak is not None:
        print(f"进程树峰值内存（psutil采样）：{peak / 2**20:.0f} MB"
              f"（目标 < 1024 MB：{verdict(peak < TARGET_BYTES)}）")
    else:
        bound = self_peak + 2 * jobs * child_peak
        print(f"峰值内存上界（本进程 + 2×进程数×最大子进程）：{bound / 2**20:.0f} MB"
              f"（目标 < 1024 MB：{verdict(bound < TARGET_BYTES)}）")
    sys.exit(0 if ok == count else 1)


if __name__ == "__main__":
    main()
