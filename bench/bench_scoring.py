"""How many districts per second the engine scores, and reads and validates from workbooks.

    python bench/bench_scoring.py [--districts 1000] [--workbooks 50]

Scoring alone is score(rubric, input) on seeded synthetic inputs already in memory
(target: 5,000 districts per second, issue 11); reading + validating is load_input on seeded
synthetic workbooks written to a temporary folder (no target: openpyxl dominates).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from assessment.inputs.files import load_input
from assessment.inputs.workbook import write_workbook
from assessment.rubric.loader import default_rubric
from assessment.samples import synthetic_input
from assessment.scoring.engine import score

SEED = 20221019
TARGET_PER_SECOND = 5_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=1000)
    parser.add_argument("--workbooks", type=int, default=50)
    args = parser.parse_args()
    rubric = default_rubric()
    rng = random.Random(SEED)
    inputs = [
        synthetic_input(rubric, f"地区{n}", rng.choice(("county", "city")), 2022, rng, rng.uniform(0.5, 1.0))
        for n in range(args.districts)
    ]
    score(rubric, inputs[0])  # warm the rubric's caches
    started = time.perf_counter()
    for inp in inputs:
        score(rubric, inp)
    rate = args.districts / (time.perf_counter() - started)
    met = "达到" if rate >= TARGET_PER_SECOND else "未达到"
    print(f"评分（内存中，{args.districts}个地区）：{rate:,.0f} 个/秒（目标 {TARGET_PER_SECOND:,} 个/秒：{met}）")

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, inp in enumerate(inputs[: args.workbooks]):
            path = Path(tmp) / f"{n}.xlsx"
            write_workbook(inp, rubric, path)
            paths.append(path)
        started = time.perf_counter()
        for path in paths:
            load_input(path, rubric)
        rate = len(paths) / (time.perf_counter() - started)
    print(f"读取并校验工作簿（{len(paths)}个）：{rate:,.1f} 个/秒")


if __name__ == "__main__":
    main()
