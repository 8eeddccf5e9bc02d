"""The `assessment` command line: one module per command, each `add_parser(sub)` + `run(args)`;
`assessment.cli.app` builds the parser and turns errors into messages and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from assessment.util.errors import EXIT_INTERRUPTED, INTERRUPTED


def main(argv: Sequence[str] | None = None) -> int:
    """The `assessment` script's entry point (and `python -m assessment`'s). The app is
    imported here, not at the top, so that `python -m assessment.cli.app` does not load it
    twice (runpy warns when the package imported the module it is about to run). A Ctrl-C
    while the app loads or reads its arguments ends it as one once it runs does: one line,
    exit 130, no traceback."""
    try:
        from assessment.cli.app import main as run

        return run(argv)
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED


__all__ = ["main"]
