"""Where a batch's summary runs: a city's batch makes it on a worker's warm kernel, as its
reports were made; a batch of more inputs than `run.WARM_SUMMARY_LIMIT` closes its workers
first and makes it in a fresh one, so that kernels grown over many reports are freed.

Processes are counted with `-X importtime`, which spawned workers inherit: every Python
process imports `encodings` first, once (the main process, multiprocessing's resource
tracker, each worker). The summary's bytes do not depend on the kernel it ran on
(tests/e2e/test_reproducible.py compares runs)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
DISTRICTS = ("龙湾区", "苍南县", "鹿城区")

RUN = """
import sys
import assessment.batch.run as run
run.WARM_SUMMARY_LIMIT = int(sys.argv[1])
from assessment.cli.app import main
sys.exit(main(sys.argv[2:]))
"""


def _processes(tmp_path: Path, limit: int) -> int:
    data = tmp_path / "data"
    data.mkdir()
    for name in DISTRICTS:
        shutil.copy(SAMPLES / f"{name}.xlsx", data)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", RUN, str(limit), "batch", str(data), "--out", str(tmp_path / "out"),
         "--jobs", "1"],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "out" / "2022" / "summary.html").is_file()
    return sum(1 for line in done.stderr.splitlines() if line.startswith("import time:") and line.endswith("| encodings"))


@pytest.mark.parametrize(
    ("limit", "processes"), [(24, 3), (2, 4)], ids=["city-on-the-warm-worker", "beyond-the-limit-in-a-fresh-one"]
)
def test_the_summary_runs_on_the_reports_worker_up_to_the_limit(tmp_path: Path, limit: int, processes: int) -> None:
    """Three inputs, one job: more inputs than jobs, so only the limit decides."""
    assert _processes(tmp_path, limit) == processes
