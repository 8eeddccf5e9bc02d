"""Work done in a thread while this process waits for another one.

While a notebook runs, the process that asked for it only waits for its kernel; what it will
need right after (the page exporter, the summary's helpers) can be made ready meanwhile
instead of after. Only preparation goes here: a task that fails is ignored, because the
step that needs its result does the same work again and says why it fails.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _quietly(tasks: tuple[Callable[[], object], ...]) -> None:
    for task in tasks:
        with contextlib.suppress(Exception):
            task()


@contextmanager
def meanwhile(*tasks: Callable[[], object]) -> Iterator[None]:
    """Run `tasks` one after another in a thread while the body runs; wait for them after it."""
    thread = threading.Thread(target=_quietly, args=(tasks,), daemon=True, name="meanwhile")
    thread.start()
    try:
        yield
    finally:
        thread.join()
