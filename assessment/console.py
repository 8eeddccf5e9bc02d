"""What every command prints and returns: exit codes and Chinese problem lines.

Kept apart from `cli` so that command modules (report, batch, plan) share it without
importing the CLI that imports them.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .model import Problem

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID = 0, 1, 2


def print_problems(problems: Sequence[Problem]) -> None:
    """One `错误：<file sheet row column>：<what is wrong>` line per problem, on stderr."""
    for p in problems:
        print(f"错误：{p}", file=sys.stderr)
