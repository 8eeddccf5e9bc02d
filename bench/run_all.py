"""Every speed target of issue 11, each beside its floor measured in the same run.

    python bench/run_all.py [--repeat 3] [--scaling 12,45,90] [--jobs 2]

Prints (medians of `--repeat` runs where a run is short; machines shared with other work
are noisy, so the ratios to floors measured minutes apart matter more than seconds):

1. Main job: `assessment batch` over the 12 sample workbooks (wenzhou-2022) with the
   municipal summary, `--jobs`, as a new Python process; floor: one new Python process
   that executes a trivial parameterised notebook on a new python3 kernel with papermill
   and exports it to HTML, 13 times in a row (12 districts + summary). Target ≤ 2×.
   Beside it the stricter floor of issue 20 (`pool_floor`): from this already running
   Python, a ProcessPoolExecutor(`--jobs`) whose workers execute the same notebook with
   papermill and export it with HTMLExporter(exclude_input=True), 13 times. Target ≤ 2×.
1b. A batch of five sample workbooks and one invalid (实际到岗执法人员数 not a number), as a
   new process (exit 2); stricter floor: the pool floor with 6 notebooks (5 reports and the
   summary). Target ≤ 2×. Beside both, the CPU seconds of their process trees (getrusage of
   the reaped children, medians) and what the batch's CPU alone allows on this machine's
   cores: no schedule of that work finishes sooner than CPU / cores.
2. One district: `assessment report` on one sample workbook, as a new Python process;
   floor: the same floor process doing it once, and the pool floor once. Target ≤ 2.5×.
3. Scaling: `assessment batch` (a new process) over 12, 45 and 90 seeded synthetic county
   workbooks with `--jobs` workers: districts per second, the share of worker time spent
   outside the notebooks (1 − Σ papermill durations / (wall × workers)), how busy the
   cores were (CPU seconds of the whole tree / (wall × cores)) and the peak memory of the
   whole process tree (psutil, 0.1 s samples). Target at 90: ≤ 60 s and < 1 GB. Its floor is derived
   from floors 1–2: one floor notebook costs (floor₁₃ − floor₁)/12 seconds once Python is
   up, so 90 of them on `--jobs` workers take 90 × that / jobs.
4. Scoring: `score` on seeded synthetic inputs in memory, districts per second: after a
   warm-up batch, `--repeat` batches of districts the scorer has not seen, each timed once
   (median); every result is then checked equal to `reference_score`'s, explanations
   included; floor: `reference_score` on the same batches. Target ≥ 5,000/s. Plan: `make_plan` per
   sample district that does not pass yet, median ms; floor: the same plans with the
   reference scorer. Target ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import papermill
from bench_batch import TreePeak, set_basic_info, synthetic_city, trivial_notebook

from assessment.inputs.files import load_input
from assessment.inputs.model import DistrictInput
from assessment.plan import actions as actions_module
from assessment.plan import milp as milp_module
from assessment.plan import solve as plan_module
from assessment.plan.solve import make_plan
from assessment.rubric.loader import default_rubric
from assessment.samples import synthetic_input
from assessment.scoring.engine import score
from assessment.scoring.reference import reference_score
from assessment.util.errors import EXIT_INVALID

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_templates" / "examples" / "wenzhou-2022"
SAMPLE = EXAMPLES / "龙湾区.xlsx"
SEED = 20221019
MAIN_RATIO, ONE_RATIO, BATCH_SECONDS, BATCH_BYTES = 2.0, 2.5, 60.0, 1 << 30
SCORING_RATE, PLAN_MS = 5_000, 50.0

FLOOR_PROCESS = """
import sys
from pathlib import Path
import papermill
from assessment.publish.html import notebook_to_html
notebook, count = Path(sys.argv[1]), int(sys.argv[2])
for n in range(count):
    executed = papermill.execute_notebook(
        str(notebook), None, parameters={"input_path": f"地区{n}"}, kernel_name="python3",
        progress_bar=False, cwd=str(notebook.parent), shutdown_kernel="immediate",
    )
    notebook_to_html(executed, f"地区{n}")
"""


def _quiet_worker() -> None:
    """The floor's kernels warn on stderr about plain TCP; a failure still raises in the caller."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


def _pool_floor_task(notebook: str, n: int) -> None:
    """One notebook of the pool floor: executed on a new python3 kernel, exported bare."""
    from nbconvert import HTMLExporter

    executed = papermill.execute_notebook(
        notebook, None, parameters={"input_path": f"地区{n}"}, kernel_name="python3", progress_bar=False,
        cwd=str(Path(notebook).parent), shutdown_kernel="immediate",
    )
    HTMLExporter(exclude_input=True).from_notebook_node(executed)


def pool_floor(notebook: Path, count: int, jobs: int) -> float:
    """The stricter floor of issue 20: from this already running Python (papermill and
    nbconvert imported), a ProcessPoolExecutor(jobs) whose workers run
    papermill.execute_notebook on the two-cell parameterised notebook (kernel python3,
    shutdown_kernel="immediate") and export it with HTMLExporter(exclude_input=True),
    `count` times: seconds from making the pool to the last page."""
    import nbconvert  # noqa: F401 - imported before the pool, as in an already running Python

    started = time.perf_counter()
    with ProcessPoolExecutor(jobs, initializer=_quiet_worker) as pool:
        for future in [pool.submit(_pool_floor_task, str(notebook), n) for n in range(count)]:
            future.result()
    return time.perf_counter() - started


def met(ok: bool) -> str:
    return "达到" if ok else "未达到"


def wall(command: list[str], cwd: Path, expect: int = 0) -> float:
    """Seconds a new process takes, start to exit; an exit code other than `expect` stops
    the benchmark with what the process wrote to stderr (kept off the figures otherwise:
    progress lines, and the floor kernels' warning about plain TCP, which papermill's
    default kernels use)."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode != expect:
        sys.stderr.write(done.stderr.decode(errors="replace"))
        raise SystemExit(f"{command[0]} … 退出码 {done.returncode}")
    return seconds


def median_wall(command: list[str], cwd: Path, repeat: int, fresh: Path | None = None, expect: int = 0) -> float:
    return median_wall_and_cpu(command, cwd, repeat, fresh, expect)[0]


def children_cpu() -> float:
    """CPU seconds of every process this one has reaped, and the ones they reaped."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def median_wall_and_cpu(
    command: list[str], cwd: Path, repeat: int, fresh: Path | None = None, expect: int = 0
) -> tuple[float, float]:
    """Medians of `wall` and of the CPU seconds the command's process tree used."""
    times, cpus = [], []
    for _ in range(repeat):
        if fresh is not None:
            shutil.rmtree(fresh, ignore_errors=True)
        before = children_cpu()
        times.append(wall(command, cwd, expect))
        cpus.append(children_cpu() - before)
    return statistics.median(times), statistics.median(cpus)


def pool_floor_cpu(notebook: Path, count: int, jobs: int) -> tuple[float, float]:
    """`pool_floor` and the CPU seconds its workers and their kernels used."""
    before = children_cpu()
    seconds = pool_floor(notebook, count, jobs)
    return seconds, children_cpu() - before


def strict_floors(notebook: Path, repeat: int, jobs: int) -> tuple[float, float]:
    """The pool floor (`pool_floor`) of the main job (13 notebooks) and of one report, medians."""
    pool_floor(notebook, 1, jobs)  # warm the disk cache and the kernel's imports
    main = statistics.median(pool_floor(notebook, 13, jobs) for _ in range(repeat))
    one = statistics.median(pool_floor(notebook, 1, jobs) for _ in range(repeat))
    return main, one


def five_and_one_bad(work: Path) -> Path:
    """A folder of five sample workbooks and one whose 实际到岗执法人员数 is not a number."""
    folder = work / "five-and-one-bad"
    folder.mkdir()
    for path in sorted(EXAMPLES.glob("*.xlsx"))[:6]:
        shutil.copy(path, folder)
    set_basic_info(sorted(folder.iterdir())[-1], "实际到岗执法人员数", "二十三")
    return folder


def end_to_end(work: Path, repeat: int, jobs: int) -> tuple[float, float]:
    """Targets 1 and 2; returns (floor of one notebook once Python is up, floor of 13)."""
    notebook = trivial_notebook(work)
    python = sys.executable
    floor = [python, "-c", FLOOR_PROCESS, str(notebook)]
    wall([*floor, "1"], work)  # warm the disk cache and matplotlib's font cache
    floor_one = median_wall([*floor, "1"], work, repeat)
    floor_main = median_wall([*floor, "13"], work, repeat)
    strict_main, strict_one = strict_floors(notebook, repeat, jobs)
    six_floors = [pool_floor_cpu(notebook, 6, jobs) for _ in range(repeat)]
    strict_six = statistics.median(seconds for seconds, _ in six_floors)
    strict_six_cpu = statistics.median(cpu for _, cpu in six_floors)
    out = work / "e2e"
    mixed = five_and_one_bad(work)
    six, six_cpu = median_wall_and_cpu(
        [python, "-m", "assessment", "batch", str(mixed), "--out", str(out), "--jobs", str(jobs)], work, repeat, out,
        expect=EXIT_INVALID,
    )
    cores = os.cpu_count() or 1
    one = median_wall([python, "-m", "assessment", "report", str(SAMPLE), "--out", str(out)], work, repeat, out)
    main = median_wall(
        [python, "-m", "assessment", "batch", str(EXAMPLES), "--out", str(out), "--jobs", str(jobs)], work, repeat, out
    )
    print(f"1. 主任务（12个示例地区+市级汇总，--jobs {jobs}，新进程）：{main:.1f} 秒；"
          f"下限（一个进程内13次：新内核执行空白参数化notebook+导出HTML）{floor_main:.1f} 秒，"
          f"比值 {main / floor_main:.2f}（目标 ≤ {MAIN_RATIO}：{met(main <= MAIN_RATIO * floor_main)}）；"
          f"严格下限（已运行的Python中 {jobs} 个工作进程池，13次）{strict_main:.1f} 秒，"
          f"比值 {main / strict_main:.2f}（目标 ≤ {MAIN_RATIO}：{met(main <= MAIN_RATIO * strict_main)}）", flush=True)
    print(f"2. 单个地区（assessment report，新进程）：{one:.2f} 秒；下限（一个进程内1次）{floor_one:.2f} 秒，"
          f"比值 {one / floor_one:.2f}（目标 ≤ {ONE_RATIO}：{met(one <= ONE_RATIO * floor_one)}）；"
          f"严格下限（工作进程池，1次）{strict_one:.2f} 秒，"
          f"比值 {one / strict_one:.2f}（目标 ≤ {ONE_RATIO}：{met(one <= ONE_RATIO * strict_one)}）", flush=True)
    print(f"1b. 5个有效地区+1个无效填报文件（批量，--jobs {jobs}，新进程）：{six:.1f} 秒；"
          f"严格下限（工作进程池，6次：5份报告+汇总）{strict_six:.1f} 秒，"
          f"比值 {six / strict_six:.2f}（目标 ≤ {MAIN_RATIO}：{met(six <= MAIN_RATIO * strict_six)}）；"
          f"进程树 CPU {six_cpu:.1f} 秒（下限 {strict_six_cpu:.1f} 秒），{cores} 核上仅 CPU 即需 ≥ {six_cpu / cores:.1f} 秒"
          f"（下限的 {six_cpu / cores / strict_six:.2f} 倍）", flush=True)
    return (floor_main - floor_one) / 12, floor_main


def notebook_seconds(out: Path) -> float:
    """Σ of the districts' render seconds (notebook and page export) the run's manifest
    records under `timings` (published notebooks carry no run times: they are reproducible)."""
    timings = json.loads((out / "manifest.json").read_text("utf-8"))["timings"] or {}
    return sum(s.get("render", 0.0) for s in (timings.get("seconds") or {}).values())


def batch_process(data: Path, out: Path, jobs: int) -> tuple[float, float, int | None]:
    """`assessment batch` as a new process: (wall seconds, CPU seconds of its whole tree,
    peak memory of the tree in bytes or None without psutil)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "assessment", "batch", str(data), "--out", str(out), "--jobs", str(jobs)],
            stdout=subprocess.DEVNULL, stderr=errors,
        )
        try:
            peak: TreePeak | None = TreePeak(process.pid)
        except ImportError:
            peak = None
        if process.wait() != 0:
            errors.seek(0)
            sys.stderr.write(errors.read().decode(errors="replace"))
            raise SystemExit(f"assessment batch failed on {data}")
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, None if peak is None else peak.stop()


def scaling(work: Path, sizes: list[int], jobs: int, per_notebook: float) -> None:
    """Target 3: districts per second as the batch grows, and where the time goes."""
    data = work / "city"
    data.mkdir()
    available = synthetic_city(data)
    files = sorted(data.iterdir())
    cores = os.cpu_count() or 1
    for size in sizes:
        size = min(size, available)
        subset = work / f"city-{size}"
        subset.mkdir()
        for path in files[:size]:
            os.link(path, subset / path.name)
        out = work / f"out-{size}"
        seconds, cpu, peak = batch_process(subset, out, jobs)
        ok = sum(1 for _ in out.glob("*/*/report.html"))
        inside = notebook_seconds(out)
        outside = 1 - inside / (seconds * jobs)
        floor = (size + 1) * per_notebook / jobs
        memory = "未测（未安装psutil）" if peak is None else f"{peak / 2**20:.0f} MB"
        line = (f"3. 批量 {size} 个地区（{ok} 份报告）+汇总，{jobs} 个工作进程，新进程：{seconds:.1f} 秒，"
                f"{size / seconds:.2f} 个/秒；工作进程时间中 报告生成（notebook 与导出）之外占 {outside:.0%}；"
                f"CPU 利用率 {cpu / (seconds * cores):.0%}（{cores} 核）；进程树峰值内存 {memory}；"
                f"推算下限 {floor:.1f} 秒（比值 {seconds / floor:.2f}）")
        if size >= 90:
            line += (f"（目标 ≤ {BATCH_SECONDS:.0f} 秒：{met(seconds <= BATCH_SECONDS)}；"
                     f"< 1024 MB：{met(peak is not None and peak < BATCH_BYTES)}）")
        print(line, flush=True)
        shutil.rmtree(out, ignore_errors=True)


def scoring(districts: int, repeat: int) -> None:
    """Target 4: exact scoring rate (same explained result as the reference) and plans."""
    rubric = default_rubric()
    rng = random.Random(SEED)

    def districts_batch() -> list[DistrictInput]:
        return [
            synthetic_input(rubric, f"地区{n}", rng.choice(("county", "city")), 2022, rng, rng.uniform(0.5, 1.0))
            for n in range(districts)
        ]

    warm_up, batches = districts_batch(), [districts_batch() for _ in range(repeat)]
    for inp in warm_up:  # a process that has scored some districts already
        score(rubric, inp)

    def rate(fn) -> float:  # each batch timed once: districts the scorer has not seen
        runs = []
        for batch in batches:
            started = time.perf_counter()
            for inp in batch:
                fn(rubric, inp)
            runs.append(districts / (time.perf_counter() - started))
        return statistics.median(runs)

    fast, floor = rate(score), rate(reference_score)
    for inp in [*warm_up, *(i for batch in batches for i in batch)]:  # the same explained result
        got, want = score(rubric, inp), reference_score(rubric, inp)
        if got != want or any(got.criteria[k].explanation != r.explanation for k, r in want.criteria.items()):
            raise SystemExit(f"compiled scoring differs from the reference for {inp.district}")
    print(f"4. 精确评分（内存中，每轮 {districts} 个未评过的地区，中位数；结果与参考评分逐项一致，含说明文字）："
          f"{fast:,.0f} 个/秒；参考评分器 {floor:,.0f} 个/秒（{fast / floor:.1f} 倍）"
          f"（目标 ≥ {SCORING_RATE:,}：{met(fast >= SCORING_RATE)}）", flush=True)

    samples = [load_input(p, rubric) for p in sorted(EXAMPLES.glob("*.xlsx"))]
    needing = [inp for inp in samples if not score(rubric, inp).passed]
    make_plan(rubric, needing[0])  # load the solver stack before timing

    def plan_ms() -> float:
        runs = []
        for inp in needing:
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                make_plan(rubric, inp)
                times.append(time.perf_counter() - started)
            runs.append(statistics.median(times) * 1000)
        return statistics.median(runs)

    fast_ms = plan_ms()
    saved = actions_module.score, milp_module.score, plan_module.score
    actions_module.score = milp_module.score = plan_module.score = reference_score
    try:
        floor_ms = plan_ms()
    finally:
        actions_module.score, milp_module.score, plan_module.score = saved
    print(f"4. 达标路径（{len(needing)} 个尚未达标的示例地区，每个中位数后取中位数）：{fast_ms:.0f} 毫秒；"
          f"用参考评分器 {floor_ms:.0f} 毫秒（目标 ≤ {PLAN_MS:.0f} 毫秒：{met(fast_ms <= PLAN_MS)}）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--scaling", default="12,45,90", help="批量规模，逗号分隔（空：不测批量）")
    parser.add_argument("--districts", type=int, default=2000, help="评分速度所用的合成地区数")
    args = parser.parse_args()
    print(f"机器：{os.cpu_count()} 核，Python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        per_notebook, _ = end_to_end(work, args.repeat, args.jobs)
        sizes = [int(s) for s in args.scaling.split(",") if s.strip()]
        if sizes:
            scaling(work, sizes, args.jobs, per_notebook)
    scoring(args.districts, args.repeat)


if __name__ == "__main__":
    main()
