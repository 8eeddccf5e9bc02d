"""`util.background.meanwhile`: preparation done in a thread while the body waits."""

from __future__ import annotations

import threading

from assessment.util.background import meanwhile


def test_meanwhile_runs_its_tasks_while_the_body_waits_and_ignores_a_failing_one() -> None:
    started = threading.Event()
    done = []

    def fails() -> None:
        raise RuntimeError("only preparation")

    with meanwhile(fails, started.set, lambda: done.append(True)):
        assert started.wait(30)  # the body waits for a task: it runs in another thread
    assert done == [True]
