"""The `assessment` command line: one module per command, each `add_parser(sub)` + `run(args)`."""

from assessment.cli.app import main

__all__ = ["main"]
