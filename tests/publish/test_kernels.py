"""Warm kernels: notebooks run one after another on one kernel see a clean namespace."""

from __future__ import annotations

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from assessment.publish.kernels import WarmKernel


def _notebook(tmp_path, name: str, *sources: str):
    nb = new_notebook(cells=[new_code_cell("value = None", metadata={"tags": ["parameters"]})]
                      + [new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    warm = WarmKernel(tmp_path_factory.mktemp("kernel"))
    yield warm
    warm.shutdown()


def _run(kernel: WarmKernel, notebook, **parameters):
    kernel.reset()
    return papermill.execute_notebook(
        str(notebook), None, parameters=parameters, kernel_name="python3", progress_bar=False, **kernel.engine_kwargs()
    )


def test_a_name_defined_by_one_notebook_is_gone_for_the_next(kernel, tmp_path):
    first = _notebook(tmp_path, "a.ipynb", "leak = value * 2", "print(leak)")
    second = _notebook(tmp_path, "b.ipynb", "print('leak' in dir())")
    assert _run(kernel, first, value=21).cells[-1].outputs[0]["text"] == "42\n"
    assert _run(kernel, second, value=0).cells[-1].outputs[0]["text"] == "False\n"


def test_each_notebook_counts_its_cells_from_1_and_stays_a_papermill_record(kernel, tmp_path):
    nb = _run(kernel, _notebook(tmp_path, "c.ipynb", "1 + 1"), value=3)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert nb.metadata.papermill.parameters == {"value": 3}


def test_imports_stay_warm_across_notebooks(kernel, tmp_path):
    nb = _run(kernel, _notebook(tmp_path, "d.ipynb", "import sys\nprint('assessment.report.charts' in sys.modules)"), value=1)
    assert nb.cells[-1].outputs[0]["text"] == "True\n"


def test_the_previous_notebooks_results_and_history_are_gone(kernel, tmp_path):
    first = _notebook(tmp_path, "e.ipynb", "secret = 'A'", "secret")
    second = _notebook(tmp_path, "f.ipynb", "print(repr(_), len(In), 'secret' in Out.values() if Out else False)")
    _run(kernel, first, value=1)
    assert _run(kernel, second, value=1).cells[-1].outputs[0]["text"].startswith("'' ")
    out = _run(kernel, second, value=1).cells[-1].outputs[0]["text"]
    assert out.split()[-1] == "False"


def test_kernels_keep_no_history_database_that_concurrent_kernels_would_fight_over(kernel, tmp_path):
    notebook = _notebook(tmp_path, "h.ipynb", "print(get_ipython().history_manager.enabled)")
    assert _run(kernel, notebook, value=0).cells[-1].outputs[0]["text"] == "False\n"


def test_a_notebook_past_its_deadline_is_interrupted(kernel, tmp_path):
    import time

    from assessment.publish.kernels import NotebookTimeout, run_notebook

    notebook = _notebook(tmp_path, "slow.ipynb", "import time\ntime.sleep(60)")
    started = time.monotonic()
    with pytest.raises(NotebookTimeout):
        run_notebook(notebook, None, {"value": 0}, kernel, deadline=time.monotonic() + 2)
    assert time.monotonic() - started < 20
    assert kernel.alive()  # interrupted, not killed: the next notebook may use it


def test_a_killed_kernel_leaves_no_files(tmp_path):
    from pathlib import Path

    warm = WarmKernel(tmp_path, warm=False)
    sockets = Path(warm.km.connection_file).parent
    assert sockets.is_dir()
    warm.kill_now()
    assert not sockets.exists()
    warm.km.provisioner.process.wait(10)



class _Channel:
    """A channel that hands out scripted messages, then nothing (queue.Empty)."""

    def __init__(self, messages):
        self.messages = list(messages)

    def get_msg(self, timeout=None):
        from queue import Empty

        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def _reply(parent):
    return {"parent_header": {"msg_id": parent}, "msg_type": "kernel_info_reply",
            "content": {"protocol_version": "5.3"}}


def _status(parent, state):
    return {"parent_header": {"msg_id": parent}, "msg_type": "status", "content": {"execution_state": state}}


def _scripted_client(shell, iopub, published=None):
    """A PromptClient whose kernel answers from scripts; its requests are numbered r1, r2…,
    and `published[request]` is what IOPub brings once that request has been sent."""
    from assessment.publish.kernels import PromptClient

    class Scripted(PromptClient):
        ATTEMPT_SECONDS = 0.05
        sent: list[str] = []
        shell_channel = _Channel(shell)
        iopub_channel = _Channel(iopub)

        def kernel_info(self):
            self.sent.append(f"r{len(self.sent) + 1}")
            self.iopub_channel.messages += (published or {}).get(self.sent[-1], [])
            return self.sent[-1]

        def is_alive(self):
            return True

    return Scripted()


def test_a_client_is_ready_at_its_own_requests_idle_and_no_later():
    """Ready once the reply to its kernel_info and that request's IOPub idle have arrived;
    replies and statuses of other requests do not count, and what IOPub brings after the
    idle is left to the notebook's client, which keeps only its own requests' messages."""
    later = _status("x", "busy")
    client = _scripted_client(
        shell=[_reply("old"), _reply("r1")],
        iopub=[_status("old", "idle"), _status("r1", "busy"), _status("r1", "idle"), later],
    )
    client.wait_for_ready(timeout=5)
    assert client.sent == ["r1"]
    assert client.iopub_channel.messages == [later]


def test_a_client_whose_iopub_missed_the_idle_asks_again():
    """A subscription still connecting misses the first request's IOPub messages (ZeroMQ's
    slow joiner): the client asks again rather than wait for silence."""
    client = _scripted_client(shell=[_reply("r1"), _reply("r2")], iopub=[],
                              published={"r2": [_status("r2", "busy"), _status("r2", "idle")]})
    client.wait_for_ready(timeout=5)
    assert client.sent == ["r1", "r2"]


def test_a_client_asks_again_soon_when_the_idle_does_not_follow_the_reply():
    """The kernel publishes the idle right after its reply: when it is not there shortly after
    (a kernel still starting, its subscription not connected yet), the client asks again
    then, not after the rest of the attempt."""
    client = _scripted_client(shell=[_reply("r1"), _reply("r2")], iopub=[],
                              published={"r2": [_status("r2", "busy"), _status("r2", "idle")]})
    client.ATTEMPT_SECONDS = 30.0
    waits: list[float] = []
    take = client.iopub_channel.get_msg

    def recorded(timeout=None):
        waits.append(timeout)
        return take(timeout)

    client.iopub_channel.get_msg = recorded
    client.wait_for_ready(timeout=60)
    assert client.sent == ["r1", "r2"]
    assert waits[0] <= client.IDLE_AFTER_REPLY_SECONDS


def test_a_client_that_is_never_answered_gives_up_at_its_timeout():
    client = _scripted_client(shell=[], iopub=[])
    with pytest.raises(RuntimeError, match="didn't respond"):
        client.wait_for_ready(timeout=0.2)
    assert len(client.sent) >= 2


def test_warm_kernels_hand_out_prompt_clients(kernel):
    from assessment.publish.kernels import PromptClient

    assert isinstance(kernel.km.client(), PromptClient)


def test_notebooks_on_a_warm_kernel_leave_no_client_running(kernel, tmp_path, monkeypatch):
    """nbclient leaves running the client it made on a kernel manager it does not own: its
    channel threads and a ZeroMQ context with its sockets, ten file descriptors a notebook,
    until a worker runs out of them ("Too many open files"). Every client handed out for a
    notebook (the namespace reset's and papermill's) is stopped once the notebook is done.
    The clients are watched rather than the process's descriptors, which other tests'
    processes and threads open and close at the same time."""
    from assessment.publish.kernels import run_notebook

    made = []
    hand_out = kernel.km.client

    def watched(**kwargs):
        made.append(hand_out(**kwargs))
        return made[-1]

    monkeypatch.setattr(kernel.km, "client", watched)
    notebook = _notebook(tmp_path, "g.ipynb", "print(value)")
    for value in range(5):
        assert run_notebook(notebook, None, {"value": value}, kernel).cells[-1].outputs[0]["text"] == f"{value}\n"
    assert len(made) == 10  # the reset's and papermill's, per notebook
    assert [c.channels_running for c in made] == [False] * 10
    channels = [(c.shell_channel, c.iopub_channel, c.stdin_channel, c.hb_channel, c.control_channel) for c in made]
    assert [[channel.socket for channel in five] for five in channels] == [[None] * 5] * 10  # sockets closed


def test_a_temporary_folder_too_deep_for_socket_paths_still_gives_a_working_kernel(tmp_path, monkeypatch):
    """A Unix socket's path has at most ~104 bytes; a deep TMPDIR (a service's, pytest-xdist's)
    would otherwise stop every report with "ZMQError: File name too long"."""
    import tempfile
    from pathlib import Path

    deep = tmp_path / ("很深的临时目录" * 6)
    deep.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    warm = WarmKernel(tmp_path, warm=False)
    try:
        sockets = Path(warm.km.connection_file).parent
        assert warm.km.transport == "ipc" and len(str(sockets).encode()) < 100
        warm._run("x = 1")
    finally:
        warm.shutdown()
    assert not sockets.exists() and list(deep.iterdir()) == []


def test_a_kernel_warms_up_while_its_starter_goes_on_and_its_first_notebook_waits_for_that(tmp_path):
    """With wait=False the warm-up is only sent: here it waits for a file that the test makes
    after the kernel is handed back (had the start waited for it, it would never end). The
    first notebook then finds what the warm-up imported, not the names it defined."""
    go = tmp_path / "go"
    warm_up = f"import os, time, json\nwhile not os.path.exists({str(go)!r}):\n    time.sleep(0.01)\nWARMED = 1"
    kernel = WarmKernel(tmp_path, wait=False, warm_up=warm_up)
    try:
        go.touch()
        nb = _run(kernel, _notebook(tmp_path, "w.ipynb", "import sys\nprint('json' in sys.modules, 'WARMED' in dir())"), value=1)
        assert nb.cells[-1].outputs[0]["text"] == "True False\n"
    finally:
        kernel.shutdown()


def test_a_warm_up_that_failed_is_said_when_the_first_notebook_waits_for_it(tmp_path):
    from assessment.publish.kernels import KernelError

    kernel = WarmKernel(tmp_path, wait=False, warm_up="import no_module_of_that_name")
    try:
        with pytest.raises(KernelError, match="ModuleNotFoundError"):
            kernel.reset()
    finally:
        kernel.shutdown()


def test_a_stopped_kernel_keeps_no_client_or_context_open(tmp_path):
    """A process that starts kernel after kernel (a batch's main process doing a one-input run,
    a test session) must not keep each one's sockets: "Too many open files" follows. The
    warm-up's client, never waited for here, is closed with the kernel, and so is the
    manager's ZeroMQ context; the batch's way of dropping a kernel stops it the same way."""
    from assessment.batch import workers

    for stop in ("shutdown", "drop_kernel"):
        kernel = WarmKernel(tmp_path, wait=False)
        clients = list(kernel.km.handed_out)
        assert clients  # the warm-up's
        if stop == "shutdown":
            kernel.shutdown()
        else:
            workers._KERNEL = kernel
            workers.drop_kernel()
            assert workers._KERNEL is None
        assert [c.channels_running for c in clients] == [False] * len(clients)
        assert kernel.km.context.closed
        assert not kernel.alive()


def test_clients_stopped_at_once_leave_no_thread_failing(tmp_path, monkeypatch):
    """jupyter_client's heartbeat thread, stopped before it has begun, spins making sockets
    until ZeroMQ refuses ("Too many open files"): a kernel stopped right after its start (an
    input found invalid meanwhile) did that 1 time in 5. The tool's own clients run without
    a heartbeat; no thread may fail."""
    import threading

    failures = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    for _ in range(20):
        WarmKernel(tmp_path, wait=False).shutdown()
    assert failures == []
