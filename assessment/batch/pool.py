"""The batch's worker processes: how they start, how they end, how a crash is told apart
(and `InlinePool`, the main process standing in for them when one input is to be checked).

Workers are started with "spawn" so that they behave the same on Linux, macOS and Windows
and never inherit a half-copied parent (tqdm's monitor thread, open kernels). They ignore
Ctrl-C (the main process handles it and stops them), kill their kernels and exit at once
when told to stop (SIGTERM) or when they find the main process gone; kernels watch their
worker. A task whose worker died is run once more alone before it counts as failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from assessment.batch.outcome import WORKER_DIED
from assessment.batch.workers import drop_kernel, failure_record
from assessment.util.iri_grammar import defer_iri_grammar

#: How often a worker checks that the main process is still there.
PARENT_POLL_SECONDS = 0.5

#: Thread pools of numeric libraries, one thread each in workers and their kernels: with a
#: report per core already running, BLAS threads only fight over the same cores (measured
#: on 2 cores: 12 sample districts in 37 s instead of 52 s). A caller's setting wins.
SINGLE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


#: Held by the first way out taken (SIGTERM, the parent gone). The main process may send
#: SIGTERM twice (its own stop, then the executor's); the second handler runs inside the first
#: one's clean-up and must return to it rather than exit with a kernel's folder half removed.
_LEAVING = threading.Lock()


def _exit_now(code: int) -> None:
    if not _LEAVING.acquire(blocking=False):
        return
    kernels = sys.modules.get("assessment.publish.kernels")  # imported only where a report ran
    if kernels is not None:
        kernels.kill_all()
    os._exit(code)


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(PARENT_POLL_SECONDS)
        if os.getppid() != parent:
            _exit_now(1)


def _init_worker(parent: int) -> None:
    """Runs first in each worker, before numpy loads; kernels inherit its environment."""
    defer_iri_grammar()  # before papermill loads jsonschema (util.iri_grammar)
    for name in SINGLE_THREAD_ENV:
        os.environ.setdefault(name, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: _exit_now(143))
    # nbclient and papermill log (to the terminal) what the batch records per district anyway.
    for name in ("traitlets", "papermill"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


class WorkerPool:
    """Spawned workers, `jobs` at most, made at the first task: a run with nothing to do
    in them starts no process at all (the executor's locks alone start multiprocessing's
    resource tracker, a Python process of its own). The executor then starts a worker per
    task while none is idle, so fewer tasks than `jobs` start fewer workers."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.executor: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., dict[str, Any]], *args: Any) -> Future:
        if self.executor is None:
            self.executor = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self.executor.submit(fn, *args)


class InlinePool:
    """Tasks run here, in the main process, as they are submitted: for a run with one input
    to check (a re-run after one district changed), where a worker would cost a process
    start and its imports before its kernel could even start. Tasks never raise (each
    returns its record); a bug that does is recorded like a worker's. Its kernel is this
    process's (`workers.warm_kernel`), stopped when the pool closes."""

    def submit(self, fn: Callable[..., dict[str, Any]], *args: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:  # noqa: BLE001 - as a worker's task would be recorded
            future.set_result(failure_record(exc))
        return future


@contextmanager
def inline_pool() -> Iterator[InlinePool]:
    """An InlinePool whose kernel, if a task started one, is killed when it closes, however."""
    try:
        yield InlinePool()
    finally:
        drop_kernel()


@contextmanager
def worker_pool(jobs: int) -> Iterator[WorkerPool]:
    """A pool of spawned workers that, when the run is interrupted or fails, stops its busy
    workers at once (they kill their kernels) instead of waiting for their reports."""
    pool = WorkerPool(jobs)
    try:
        yield pool
    except BaseException:
        if pool.executor is not None:
            # The executor has no public way to stop running tasks; its worker processes are in
            # the private `_processes` (there since Python 3.2), read defensively.
            workers = list((getattr(pool.executor, "_processes", None) or {}).values())
            pool.executor.shutdown(wait=False, cancel_futures=True)
            for worker in workers:
                if worker.is_alive():
                    worker.terminate()
            for worker in workers:
                worker.join(5)
        raise
    if pool.executor is not None:
        pool.executor.shutdown(wait=True)


def result_or_none(future: Future) -> dict[str, Any] | None:
    """The task's record, or None when its worker process died (the pool is then broken)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def submit(pool: WorkerPool | InlinePool, fn: Callable[..., dict[str, Any]], *args: Any) -> Future:
    """Submit, turning a pool already broken by another task into a future that says so."""
    try:
        return pool.submit(fn, *args)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def run_isolated(fn: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run a task whose worker died once more, alone in a fresh process: only a task that
    kills its worker again is counted as failed, not the bystanders of the first crash."""
    with worker_pool(1) as pool:
        record = result_or_none(pool.submit(fn, *args))
    return record or {"status": "failed", "errors": [WORKER_DIED], "seconds": 0.0}
