"""Warm kernels: one started kernel runs notebook after notebook, each in a clean namespace.

Starting a kernel and importing pandas, matplotlib, scipy and the library costs several
seconds, most of a district report's time. A batch therefore keeps one kernel per worker:
before each notebook the kernel's user namespace is reset (`%reset -f`, figures closed,
execution count back to 1, working directory restored), so no variable of one district can
leak into the next, while imported modules stay loaded. The notebook itself is still
executed by papermill, so its output remains a papermill record (parameters cell, metadata).

Kernels run without IPython's history database, keep their sockets and connection file in
one temporary folder removed with them, exit within a second of the process that started
them (jupyter_client's JPY_PARENT_PID), and can be killed at once (`kill_all`) by a worker
that is told to stop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_core.paths import jupyter_path

from .outputs import process_alive

KERNEL_NAME = "python3"
STARTUP_TIMEOUT = 60
#: IPython's history database is an SQLite file shared by every kernel of the user: kernels
#: running side by side (a batch's workers) collide in it and print "ERROR! Session/line
#: number was not unique in database" into reports. A report needs no history.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]

#: Kernels this process started and has not shut down, so that a worker told to stop (or
#: finding its parent gone) can kill them at once instead of leaving them behind.
_LIVE: set[WarmKernel] = set()

#: Run once per kernel: what the report notebooks import and build, so later runs are warm.
WARM_UP = """
import assessment.api, assessment.blocks, assessment.charts, assessment.plan, assessment.tables
import assessment.fonts, assessment.followup, assessment.pending, assessment.report, assessment.rubric
import scipy.optimize
assessment.rubric.default_rubric()
assessment.fonts.register_cjk_font()
"""

#: Run (silently, outside the history) before every notebook: a clean namespace. It does
#: what `%reset -f` does for a notebook's state (user names, In/Out history, `_` results,
#: the execution count, pyplot figures, the working directory) without its full garbage
#: collection, which alone costs ~0.2 s per report in a kernel holding pandas and
#: matplotlib; Python's automatic collector still frees cycles as they accumulate.
RESET = """
def __clean(ip=get_ipython(), cwd={cwd!r}):
    import os, sys
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    os.chdir(cwd)
    ip.history_manager.reset(new_session=False)
    keep = set(ip.user_ns_hidden) | {{"__builtin__", "__builtins__", "__name__"}}
    for name in [n for n in ip.user_ns if n not in keep]:
        del ip.user_ns[name]
    for name in ("_", "__", "___"):
        ip.user_ns[name] = ""
    ip.execution_count = 1
__clean()
"""


#: Socket folders are named after the process that owns them, so that one left behind by a
#: killed process (nothing can clean up after SIGKILL) is removed by the next start.
SOCKETS_PREFIX = "assessment-kernel-"


def _home_writable() -> bool:
    return os.access(Path.home(), os.W_OK)


def _remove_orphaned_sockets() -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"{SOCKETS_PREFIX}*-*"):
        owner = folder.name.removeprefix(SOCKETS_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not process_alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


class KernelError(RuntimeError):
    """The warm kernel refused code or died; the caller starts a fresh one."""


class WarmKernel:
    """A started `python3` kernel reused across notebooks (see module docstring)."""

    def __init__(self, cwd: Path, kernel_name: str = KERNEL_NAME, warm: bool = True) -> None:
        self.cwd = Path(cwd).resolve()
        # ipykernel before 6.30 lets debugpy warn about frozen modules on stderr, both in the
        # kernel and here, where jupyter_client imports ipykernel to find the kernel spec; it
        # reaches the analyst's terminal, and reports never use the debugger.
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        # Local IPC sockets (in a private temporary folder) rather than TCP: nothing listens
        # on the network, and the kernel does not warn about unencrypted TCP on every start.
        _remove_orphaned_sockets()
        self._sockets = tempfile.TemporaryDirectory(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-")
        settings: dict[str, Any] = {}
        if not _home_writable():
            # The spec search would otherwise ask IPython for ~/.ipython, which then makes a
            # temporary folder it never removes; kernel specs live in Jupyter's paths anyway.
            settings["kernel_spec_manager"] = KernelSpecManager(kernel_dirs=jupyter_path("kernels"))
        self.km = KernelManager(
            kernel_name=kernel_name,
            transport="ipc",
            ip=str(Path(self._sockets.name) / "k"),
            connection_file=str(Path(self._sockets.name) / "connection.json"),
            **settings,
        )
        _LIVE.add(self)
        try:
            # jupyter_client sets JPY_PARENT_PID: the kernel exits within a second of its parent.
            self.km.start_kernel(cwd=str(self.cwd), env=self._environment(), extra_arguments=KERNEL_ARGUMENTS)
        except BaseException:
            self.shutdown()
            raise
        if warm:
            self._run(WARM_UP)

    def _environment(self) -> dict[str, str]:
        """The kernel's environment: ours, except that with a home folder it cannot write
        (a service account, a sandbox) IPython, matplotlib and fontconfig would each make a
        temporary folder of their own and never remove it; they get a home inside the
        kernel's folder instead, removed with it."""
        env = {**os.environ}
        if not _home_writable():
            home = Path(self._sockets.name) / "home"
            home.mkdir()
            env["HOME"] = str(home)
        return env

    def _run(self, code: str) -> None:
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=STARTUP_TIMEOUT)
        finally:
            kc.stop_channels()
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def alive(self) -> bool:
        return bool(self.km.is_alive())

    def reset(self) -> None:
        """A clean user namespace and execution count, ready for the next notebook."""
        self._run(RESET.format(cwd=str(self.cwd)))

    def engine_kwargs(self) -> dict[str, Any]:
        """What papermill.execute_notebook needs to run on this kernel (passed to nbclient)."""
        return {"km": self.km}

    def shutdown(self) -> None:
        _LIVE.discard(self)
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        finally:
            self.km.cleanup_connection_file()
            self._sockets.cleanup()

    def interrupt(self) -> None:
        """Interrupt the running cell, as Ctrl-C would (safe from another thread: a signal)."""
        with contextlib.suppress(Exception):
            self.km.interrupt_kernel()

    def kill_now(self) -> None:
        """Kill the kernel process and remove its files without talking to it: safe from a
        signal handler or another thread, for a process about to exit."""
        _LIVE.discard(self)
        provisioner = self.km.provisioner
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
        shutil.rmtree(self._sockets.name, ignore_errors=True)


def kill_all() -> None:
    """Kill every kernel this process still runs (see WarmKernel.kill_now)."""
    for kernel in list(_LIVE):
        kernel.kill_now()


class NotebookTimeout(Exception):
    """The notebook was still running at its deadline and was interrupted."""


def run_notebook(
    notebook: Path,
    output: Path | None,
    parameters: dict[str, Any],
    kernel: WarmKernel | None = None,
    deadline: float | None = None,
) -> nbformat.NotebookNode:
    """Execute `notebook` with papermill from its own folder (so relative paths hold), in
    `kernel` after resetting its namespace, or in a kernel of its own; `output` None keeps
    the executed notebook in memory only. A notebook still running at `deadline` (a
    time.monotonic() value) is interrupted like Ctrl-C and NotebookTimeout raised: the
    client's wait for the kernel cannot be interrupted in this process (neither a signal nor
    nbclient's cell timeout ends a wait for output that never comes), the kernel can."""
    if kernel is None:
        own = WarmKernel(notebook.parent, warm=False)
        try:
            return _papermill(notebook, output, parameters, own, deadline)
        finally:
            own.shutdown()
    kernel.reset()
    return _papermill(notebook, output, parameters, kernel, deadline)


def _papermill(
    notebook: Path, output: Path | None, parameters: dict[str, Any], kernel: WarmKernel, deadline: float | None
) -> nbformat.NotebookNode:
    import papermill  # heavy import, only needed when rendering

    alarm = None
    if deadline is not None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NotebookTimeout
        alarm = threading.Timer(remaining, kernel.interrupt)
        alarm.daemon = True
        alarm.start()
    try:
        return papermill.execute_notebook(
            str(notebook),
            None if output is None else str(output),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            # Saving the whole notebook before and after every cell (papermill's default, for
            # watching long runs) costs more than our cells; the final notebook is still written.
            request_save_on_cell_execute=False,
            cwd=str(notebook.parent),
            **kernel.engine_kwargs(),
        )
    except Exception:
        if deadline is not None and time.monotonic() >= deadline:
            raise NotebookTimeout from None
        raise
    finally:
        if alarm is not None:
            alarm.cancel()
