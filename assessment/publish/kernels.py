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
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING, Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from jupyter_core.paths import jupyter_path

from assessment.publish.deadline import NotebookTimeout
from assessment.publish.outputs import process_alive
from assessment.util.errors import AssessmentError

if TYPE_CHECKING:
    import nbformat

KERNEL_NAME = "python3"
STARTUP_TIMEOUT = 60
#: How long a killed kernel is waited for before its files are removed anyway.
STOP_TIMEOUT = 5
#: IPython's history database is an SQLite file shared by every kernel of the user: kernels
#: running side by side (a batch's workers) collide in it and print "ERROR! Session/line
#: number was not unique in database" into reports. A report needs no history.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]

#: Kernels this process started and has not shut down, so that a worker told to stop (or
#: finding its parent gone) can kill them at once instead of leaving them behind.
_LIVE: set[WarmKernel] = set()

#: Run once per kernel: what both notebooks import and build (the rubric, the charts' font),
#: so later notebooks find them done; what it loaded is frozen out of the collector's walk
#: (see RESET). No more than that: a kernel is often waited for while it warms up, so a
#: district that needs a plan imports the solver (scipy.optimize, ~0.17 s) when it does.
WARM_UP = """
import assessment.publish.fonts, assessment.report.sections, assessment.report.summary, assessment.rubric.loader
assessment.rubric.loader.default_rubric()
assessment.publish.fonts.register_cjk_font()
import gc
gc.collect()
gc.freeze()
del gc
"""

#: Run (silently, outside the history) before every notebook: a clean namespace. It does
#: what `%reset -f` does for a notebook's state (user names, In/Out history, `_` results,
#: the execution count, pyplot figures, the working directory), then collects the previous
#: notebook's garbage. Figures, frames and workbooks are cyclic and would otherwise wait
#: for Python's rare full collections: a kernel grew by ~1.2 MB a report (258 MB after 45,
#: 215 MB with the collection). A full collection over a kernel holding pandas, matplotlib
#: and scipy costs ~0.2 s, so the warm-up freezes what it loaded (`gc.freeze`) and each
#: collection walks only what reports made since: ~10 ms.
RESET = """
def __clean(ip=get_ipython(), cwd={cwd!r}):
    import gc, os, sys
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
    gc.collect()
__clean()
"""


#: Socket folders are named after the process that owns them, so that one left behind by a
#: killed process (nothing can clean up after SIGKILL) is removed by the next start.
SOCKETS_PREFIX = "assessment-kernel-"


#: The longest Unix socket path that fits sun_path everywhere (108 bytes on Linux, 104 on
#: macOS, with its terminating NUL), and the longest socket name jupyter_client adds to `ip`.
SOCKET_PATH_LIMIT = 103
SOCKET_SUFFIX = "/k-65535"
#: Where a kernel's folder goes when the temporary folder's path is too long for sockets.
SHORT_BASE = "/tmp"


def _fits(folder: str) -> bool:
    return len(os.fsencode(folder + SOCKET_SUFFIX)) <= SOCKET_PATH_LIMIT


def _sockets_folder() -> tempfile.TemporaryDirectory[str]:
    """The kernel's private folder: in the temporary folder, or, when that path is so long (a
    deep TMPDIR) that its sockets' paths would not fit, in /tmp."""
    prefix = f"{SOCKETS_PREFIX}{os.getpid()}-"
    folder = tempfile.TemporaryDirectory(prefix=prefix)
    if _fits(folder.name) or not os.access(SHORT_BASE, os.W_OK):
        return folder
    folder.cleanup()
    return tempfile.TemporaryDirectory(prefix=prefix, dir=SHORT_BASE)


def _transport(folder: str) -> tuple[str, str]:
    """(transport, ip) of a kernel whose files live in `folder`: Unix sockets there, or, when
    even /tmp is out of reach, TCP on the loopback interface (the kernel then warns that it
    is unencrypted; nothing outside this machine reaches it)."""
    return ("ipc", str(Path(folder) / "k")) if _fits(folder) else ("tcp", "127.0.0.1")


def _home_writable() -> bool:
    return os.access(Path.home(), os.W_OK)


def _remove_orphaned_sockets() -> None:
    bases = {Path(tempfile.gettempdir()), Path(SHORT_BASE)}
    for folder in (f for base in bases for f in base.glob(f"{SOCKETS_PREFIX}*-*")):
        owner = folder.name.removeprefix(SOCKETS_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not process_alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


class PromptClient(BlockingKernelClient):
    """A kernel client that is ready as soon as the kernel has answered it on both channels.

    jupyter_client's `wait_for_ready` ends only after IOPub has been quiet for 0.2 s, and a
    warm report starts two clients (the namespace reset, then papermill's own): 0.4 s of
    waiting per district, a third of a warm report. The messaging protocol gives a
    definite end instead: every request is followed on IOPub by `status: idle` with the
    request as its parent, after everything it published. So the client is ready, and its
    IOPub drained of its own traffic, once that idle for its `kernel_info` request has
    arrived besides the reply. An IOPub subscription still connecting can miss it (ZeroMQ's
    slow joiner); the request is then sent again, as jupyter_client does.
    """

    #: How long to wait for one request's reply and idle before asking again.
    ATTEMPT_SECONDS = 1.0
    #: How long the idle may follow the reply: the kernel publishes it right after replying,
    #: so missing it means the subscription was not connected yet (a kernel still starting);
    #: asking again then costs this rather than the rest of ATTEMPT_SECONDS.
    IDLE_AFTER_REPLY_SECONDS = 0.1

    def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            if self._answered(msg_id, min(deadline, time.monotonic() + self.ATTEMPT_SECONDS)):
                return
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    def _answered(self, msg_id: str, until: float) -> bool:
        """Whether both the reply to `msg_id` and its IOPub idle arrive before `until`."""
        replied = idle = False
        while not replied:
            try:
                msg = self.shell_channel.get_msg(timeout=max(0.0, until - time.monotonic()))
            except Empty:
                return False
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "kernel_info_reply":
                self._handle_kernel_info_reply(msg)
                replied = True
        until = min(until, time.monotonic() + self.IDLE_AFTER_REPLY_SECONDS)
        while not idle:
            try:
                msg = self.iopub_channel.get_msg(timeout=max(0.0, until - time.monotonic()))
            except Empty:
                return False
            idle = (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            )
        return True


class _Manager(KernelManager):
    """A kernel manager that stops the clients it handed out once their notebook is done.

    nbclient stops its client only when it owns the kernel manager, so on a warm kernel
    every notebook would leave one running: its ZeroMQ context, five sockets and three
    threads, ten file descriptors a report, until a worker's 100th report or so fails
    with "Too many open files".
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.handed_out: list[BlockingKernelClient] = []

    def client(self, **kwargs: Any) -> BlockingKernelClient:
        client = super().client(**kwargs)
        self.handed_out.append(client)
        return client

    def release_clients(self) -> None:
        """Stop every client handed out so far (their channels, sockets and context)."""
        while self.handed_out:
            self.handed_out.pop().stop_channels()


class KernelError(AssessmentError, RuntimeError):
    """The warm kernel refused code or died; the caller starts a fresh one."""


class WarmKernel:
    """A started `python3` kernel reused across notebooks (see module docstring)."""

    def __init__(
        self, cwd: Path, kernel_name: str = KERNEL_NAME, warm: bool = True, wait: bool = True, warm_up: str = WARM_UP
    ) -> None:
        """Start the kernel in `cwd` and, with `warm`, run `warm_up` in it. With `wait` False the
        warm-up is only sent: the kernel starts and imports while the caller goes on (reads
        and checks its input), and the first notebook waits for it (`settle`)."""
        self.cwd = Path(cwd).resolve()
        #: The client that sent the warm-up and the request's id, until its reply is read.
        self._warming: tuple[BlockingKernelClient, str] | None = None
        #: Whether code has run in the user namespace since the start or the last reset (the
        #: warm-up leaves the names it imported): the next notebook then needs a reset first.
        self.dirty = warm
        # ipykernel before 6.30 lets debugpy warn about frozen modules on stderr, both in the
        # kernel and here, where jupyter_client imports ipykernel to find the kernel spec; it
        # reaches the analyst's terminal, and reports never use the debugger.
        os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        # Local IPC sockets (in a private temporary folder) rather than TCP: nothing listens
        # on the network, and the kernel does not warn about unencrypted TCP on every start
        # (see _sockets_folder for a temporary folder too deep for socket paths).
        _remove_orphaned_sockets()
        self._sockets = _sockets_folder()
        settings: dict[str, Any] = {}
        if not _home_writable():
            # The spec search would otherwise ask IPython for ~/.ipython, which then makes a
            # temporary folder it never removes; kernel specs live in Jupyter's paths anyway.
            settings["kernel_spec_manager"] = KernelSpecManager(kernel_dirs=jupyter_path("kernels"))
        transport, ip = _transport(self._sockets.name)
        self.km = _Manager(
            kernel_name=kernel_name,
            transport=transport,
            ip=ip,
            connection_file=str(Path(self._sockets.name) / "connection.json"),
            client_factory=PromptClient,
            **settings,
        )
        _LIVE.add(self)
        try:
            # jupyter_client sets JPY_PARENT_PID: the kernel exits within a second of its parent.
            self.km.start_kernel(cwd=str(self.cwd), env=self._environment(), extra_arguments=KERNEL_ARGUMENTS)
        except BaseException:
            self.shutdown()
            raise
        if warm and wait:
            self._run(warm_up)
        elif warm:
            # Sent before the kernel listens: ZeroMQ queues it until the kernel connects.
            kc = self.km.client()
            kc.start_channels(hb=False)  # see _run
            self._warming = kc, kc.execute(warm_up, silent=True, store_history=False)

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

    def settle(self) -> None:
        """Wait for the warm-up sent at start (see __init__), if it is still pending;
        KernelError when it failed or the kernel died."""
        if self._warming is None:
            return
        kc, msg_id = self._warming
        self._warming = None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while True:
                try:
                    reply = kc.get_shell_msg(timeout=PromptClient.ATTEMPT_SECONDS)
                except Empty:
                    if not self.alive():
                        raise KernelError("内核在预热时退出") from None
                    if time.monotonic() > deadline:
                        raise KernelError(f"内核预热超过 {STARTUP_TIMEOUT} 秒") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
        finally:
            kc.stop_channels()
        self._check(reply)

    @staticmethod
    def _check(reply: dict[str, Any]) -> None:
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def _run(self, code: str) -> None:
        self.settle()
        kc = self.km.client()
        # No heartbeat: the manager tells whether the kernel lives, and jupyter_client's
        # heartbeat thread, stopped before it has begun, spins making sockets until ZeroMQ
        # refuses with "Too many open files" (its `_running` is set after `stop` cleared it).
        kc.start_channels(hb=False)
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=STARTUP_TIMEOUT)
        finally:
            kc.stop_channels()
        self._check(reply)

    def alive(self) -> bool:
        return bool(self.km.is_alive())

    def reset(self) -> None:
        """A clean user namespace and execution count, ready for the next notebook (a kernel
        just started has one already)."""
        if self.dirty:
            self._run(RESET.format(cwd=str(self.cwd)))
            self.dirty = False

    def engine_kwargs(self) -> dict[str, Any]:
        """What papermill.execute_notebook needs to run on this kernel (passed to nbclient);
        whatever it runs makes the next `reset` due."""
        self.dirty = True
        return {"km": self.km}

    def release_clients(self) -> None:
        """Stop the clients of the notebooks run so far (see _Manager)."""
        self.km.release_clients()

    def shutdown(self) -> None:
        """Stop the kernel and remove its files. It is killed and reaped here first:
        jupyter_client's own shutdown then finds it gone, where it would poll every 0.1 s for
        the end of a process it just killed (0.11 s of every `assessment report`). Its clients
        and ZeroMQ context are closed too, so a process that starts kernel after kernel (a
        batch's main process, a test session) keeps no file descriptors of the old ones. It
        stays listed until it is gone: a SIGTERM that cuts in still finds it (`kill_all`)."""
        self._warming = None
        try:
            self.km.release_clients()  # a warm-up's client never waited for
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                    process.kill()
                    process.wait(STOP_TIMEOUT)
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        finally:
            self.km.cleanup_connection_file()
            self._sockets.cleanup()
            _LIVE.discard(self)

    def interrupt(self) -> None:
        """Interrupt the running cell, as Ctrl-C would (safe from another thread: a signal)."""
        with contextlib.suppress(Exception):
            self.km.interrupt_kernel()

    def kill_now(self) -> None:
        """Kill the kernel process and remove its files without talking to it: safe from a
        signal handler or another thread, for a process about to exit. It stays listed until
        both are done, so that a second call cut into this one still finds it."""
        provisioner = self.km.provisioner
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
        shutil.rmtree(self._sockets.name, ignore_errors=True)
        _LIVE.discard(self)


def kill_all() -> None:
    """Kill every kernel this process still runs (see WarmKernel.kill_now)."""
    for kernel in list(_LIVE):
        kernel.kill_now()


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
        executed = papermill.execute_notebook(
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
        # Not on KeyboardInterrupt: the process is leaving, and stopping a client that
        # nbclient's pending tasks still read would print their failures on the way out.
        kernel.release_clients()
        if deadline is not None and time.monotonic() >= deadline:
            raise NotebookTimeout from None
        raise
    finally:
        if alarm is not None:
            alarm.cancel()
    kernel.release_clients()
    return executed
