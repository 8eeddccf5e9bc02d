"""Which top-level modules each Python process of the lowest-versions test run imports.

tools/lowest.sh installs this module into .venv-lowest with a `.pth` line that imports it at
start-up, so it runs in every process of that run: pytest, the batch's spawned workers, and
the Jupyter kernels that execute the notebooks (those import ipykernel and IPython, which the
test process never uses). When ASSESSMENT_IMPORT_LOG names a folder, each process appends the
top-level name of every module it imports for the first time to `<folder>/<pid>.txt`, as the
import is asked for: a worker leaving through os._exit or a kernel killed with SIGKILL has already
written what it imported. tools/check_lowest.py then checks that every declared dependency was
imported, at its lowest allowed version. Without the variable it does nothing.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_FOLDER = os.environ.get("ASSESSMENT_IMPORT_LOG")


class _ImportLog:
    """An audit hook noting each new top-level name of Python's "import" event, which is raised
    before any finder is asked (pytest's assertion rewriter finds its plugins ahead of any meta
    path finder added at start-up, so a finder would miss them)."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.seen: set[str] = set()

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        if event != "import":
            return
        top = str(args[0]).partition(".")[0]
        if top and top not in self.seen:
            self.seen.add(top)
            with open(os.path.join(self.folder, f"{os.getpid()}.txt"), "a", encoding="utf-8") as log:
                log.write(top + "\n")


if _FOLDER and os.path.isdir(_FOLDER):
    sys.addaudithook(_ImportLog(_FOLDER))
