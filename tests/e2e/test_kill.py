"""However a run ends (Ctrl-C, SIGKILL of the main process, a district past its time limit),
no worker or kernel outlives it, no temporary file is left and the next run starts clean."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from assessment.batch import run as batch
from assessment.publish.ledger import LEDGER

psutil = pytest.importorskip("psutil")

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
SAMPLE = SAMPLES / "龙湾区.xlsx"
CLI = [sys.executable, "-m", "assessment"]


def _default_sigint() -> None:
    """A test runner started in the background ignores SIGINT, and children inherit that."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(args: list[str], tmp: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_default_sigint, **kwargs
    )


def _wait_for_kernels(proc: subprocess.Popen, count: int, timeout: float = 60) -> list:
    """The process's descendants once `count` kernels run among them."""
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        descendants = parent.children(recursive=True)
        kernels = [p for p in descendants if "ipykernel_launcher" in " ".join(_cmdline(p))]
        if len(kernels) >= count:
            return descendants
        time.sleep(0.2)
    raise AssertionError("kernels never started")


def _cmdline(process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _assert_all_gone(processes: list, within: float = 5.0) -> None:
    _, alive = psutil.wait_procs(processes, timeout=within)
    assert [(p.pid, _cmdline(p)) for p in alive] == []


@pytest.fixture
def tmpdir_for_children(tmp_path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_ctrl_c_stops_a_report_with_exit_130_one_line_and_nothing_left(tmp_path, tmpdir_for_children):
    proc = _start(["report", str(SAMPLE), "--out", str(tmp_path / "out")], tmpdir_for_children)
    descendants = _wait_for_kernels(proc, 1)
    time.sleep(1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode() == "已中断\n"
    _assert_all_gone(descendants)
    assert list(tmpdir_for_children.iterdir()) == []


def _ctrl_c_a_batch_in_a_terminal(
    tmp_path: Path, tmp: Path, inputs: tuple[str, ...], kernels: int, after: float
) -> list[list[str]]:
    """Start a batch over `inputs` in a session of its own, wait for its `kernels`, press Ctrl-C
    `after` seconds later (it reaches the whole foreground process group: the main process
    and any workers) and check it ends with one line, exit 130 and nothing left; returns the
    command lines of the processes it had then."""
    data = tmp_path / "data"
    data.mkdir()
    for name in inputs:
        shutil.copy(SAMPLES / f"{name}.xlsx", data)
    proc = _start(["batch", str(data), "--out", str(tmp_path / "out"), "--jobs", "2"], tmp, start_new_session=True)
    descendants = _wait_for_kernels(proc, kernels)
    had = [_cmdline(p) for p in descendants]
    time.sleep(after)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.decode().endswith("已中断\n") and "Traceback" not in err.decode() and "Task" not in err.decode()
    _assert_all_gone(descendants)
    assert list(tmp.iterdir()) == []
    return had


def test_ctrl_c_in_a_terminal_stops_a_batch_quietly(tmp_path, tmpdir_for_children):
    _ctrl_c_a_batch_in_a_terminal(tmp_path, tmpdir_for_children, ("龙湾区", "鹿城区"), kernels=2, after=1)


def test_ctrl_c_stops_a_one_input_batch_run_in_the_main_process_quietly(tmp_path, tmpdir_for_children):
    """One input to check: the main process renders it itself (`batch.pool.InlinePool`), so
    Ctrl-C lands in the middle of its notebook there (the whole run takes a few seconds), and
    its kernel goes with it."""
    had = _ctrl_c_a_batch_in_a_terminal(tmp_path, tmpdir_for_children, ("龙湾区",), kernels=1, after=0.3)
    assert len(had) == 1 and "ipykernel_launcher" in " ".join(had[0])  # its kernel, and no worker


#: A worker told to stop while its kernel runs; the kill of that kernel brings a second SIGTERM,
#: as when the main process stops its workers and the executor then terminates them too.
_SECOND_SIGTERM_WORKER = """
import os, signal, sys
from pathlib import Path
from assessment.batch import pool
from assessment.publish.kernels import WarmKernel

pool._init_worker(os.getppid())
kernel = WarmKernel(Path(sys.argv[1]), warm=False)
process = kernel.km.provisioner.process
print(process.pid, flush=True)
kill = process.kill

def kill_after_a_second_sigterm():
    os.kill(os.getpid(), signal.SIGTERM)
    kill()

process.kill = kill_after_a_second_sigterm
os.kill(os.getpid(), signal.SIGTERM)
signal.pause()
"""


def test_a_second_sigterm_inside_a_workers_clean_up_still_leaves_nothing(tmp_path, tmpdir_for_children):
    done = subprocess.run(
        [sys.executable, "-c", _SECOND_SIGTERM_WORKER, str(tmp_path)], capture_output=True, timeout=60,
        env={**os.environ, "TMPDIR": str(tmpdir_for_children)},
    )
    assert done.returncode == 143, done.stderr.decode()
    with contextlib.suppress(psutil.NoSuchProcess):  # already gone is what we want
        _assert_all_gone([psutil.Process(int(done.stdout.split()[0]))])
    assert list(tmpdir_for_children.iterdir()) == []


def test_sigkill_of_the_batch_ends_workers_and_kernels_and_a_rerun_leaves_a_clean_folder(tmp_path, tmpdir_for_children):
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    for name in ("龙湾区", "鹿城区", "瓯海区"):
        shutil.copy(SAMPLES / f"{name}.xlsx", data)
    proc = _start(["batch", str(data), "--out", str(out), "--jobs", "2"], tmpdir_for_children)
    descendants = _wait_for_kernels(proc, 2)
    time.sleep(2)
    proc.kill()
    proc.wait()
    _assert_all_gone(descendants)

    (out / "2022").mkdir(parents=True, exist_ok=True)
    (out / "2022" / ".永嘉县.0123456789abcdef.new").mkdir()  # what older versions left
    rerun = subprocess.run(
        [*CLI, "batch", str(data), "--out", str(out), "--jobs", "2"],
        capture_output=True, env={**os.environ, "TMPDIR": str(tmpdir_for_children)},
    )
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert [p.name for p in out.rglob(".*")] == [LEDGER] * len(list(out.rglob(LEDGER)))  # only the proof of what it wrote
    assert list(tmpdir_for_children.iterdir()) == []


def _slow_notebook(folder: Path) -> Path:
    parameters = new_code_cell("input_path = None\nprevious_scores_path = None\nrun_time = None\nrubric_path = None")
    parameters.metadata["tags"] = ["parameters"]
    slow = new_code_cell("import time\nif '鹿城区' in input_path:\n    time.sleep(120)")
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "slow.ipynb"
    nbformat.write(new_notebook(cells=[parameters, slow], metadata={"kernelspec": kernelspec}), path)
    return path


def test_a_district_past_its_time_limit_fails_as_timeout_and_the_others_go_on(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("鹿城区", "龙湾区"):
        shutil.copy(SAMPLES / f"{name}.xlsx", data)
    started = time.monotonic()
    outcome = batch.run_batch(
        data, tmp_path / "out", jobs=1, progress=False, notebook=_slow_notebook(tmp_path), timeout=4
    )
    assert time.monotonic() - started < 90
    by_name = {d.district: d for d in outcome.districts}
    assert by_name["龙湾区"].status == "ok"
    assert by_name["鹿城区"].status == "failed" and "超时" in by_name["鹿城区"].errors[0]
    assert "超时" in (tmp_path / "out" / "batch.log").read_text("utf-8")


def test_a_one_input_batch_past_its_time_limit_fails_as_timeout_in_the_main_process(tmp_path):
    """Run in the main process (`batch.pool.InlinePool`): the time limit interrupts the kernel
    there, the district fails as 超时, and the process keeps no kernel afterwards."""
    from assessment.publish import kernels

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "鹿城区.xlsx", data)
    started = time.monotonic()
    outcome = batch.run_batch(data, tmp_path / "out", jobs=2, progress=False, notebook=_slow_notebook(tmp_path), timeout=4)
    assert time.monotonic() - started < 90
    (district,) = outcome.districts
    assert district.status == "failed" and "超时" in district.errors[0]
    assert kernels._LIVE == set()


#: A process that presses Ctrl-C on itself at the moment the command line starts loading
#: (the import of assessment.cli.app), then runs the command as one of ENTRIES does.
CTRL_C_WHILE_LOADING = """
import importlib.abc, os, runpy, signal, sys
class CtrlC(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "assessment.cli.app":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, CtrlC())
{run}
"""
ENTRIES = {
    "the assessment script": "from assessment.cli import main\nsys.exit(main(sys.argv[1:]))",
    "python -m assessment": "runpy.run_module('assessment', run_name='__main__')",
}


@pytest.mark.parametrize("entry", ENTRIES)
def test_ctrl_c_while_the_command_line_loads_ends_it_with_one_line_too(tmp_path, entry):
    code = CTRL_C_WHILE_LOADING.format(entry=entry, run=ENTRIES[entry])
    done = subprocess.run([sys.executable, "-c", code, "validate", str(SAMPLE)], capture_output=True, cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stderr.decode()) == (130, "已中断\n")
