"""The `assessment` command line: one module per command, each `add_parser(sub)` + `run(args)`;
`assessment.cli.app` builds the parser and turns errors into messages and exit codes."""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """The `assessment` script's entry point. The app is imported here, not at the top, so
    that `python -m assessment.cli.app` does not load it twice (runpy warns when the package
    imported the module it is about to run)."""
    from assessment.cli.app import main as run

    return run(argv)


__all__ = ["main"]
