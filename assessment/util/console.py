"""What every command prints: Chinese problem lines, text made safe for a terminal, and the
error of an unusable environment (exit codes: `assessment.util.errors`).

Kept apart from `cli` so that command modules (report, batch, plan) share it without
importing the CLI that imports them.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

from assessment.util.errors import EXIT_INVALID, AssessmentError

__all__ = ["CommandError", "print_problems", "safe", "skipped_line"]


class CommandError(AssessmentError):
    """A problem of the environment or of the command line, not of the program: a missing or
    unwritable folder, an output in the way, a busy output folder. Exit 2 with the message
    (Chinese, naming the path)."""

    exit_code = EXIT_INVALID


def safe(text: object) -> str:
    """`text` as a terminal may show it: control and format characters (ESC, NUL, bidi
    overrides…) become visible `\\x1b`-style escapes, so a district name typed in a
    spreadsheet can never move the cursor, recolour or retitle the user's terminal."""
    out = []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and ch not in "\n\t":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def print_problems(problems: Sequence[object]) -> None:
    """One `错误：<file sheet row column>：<what is wrong>` line per problem, on stderr."""
    for p in problems:
        print(f"错误：{safe(p)}", file=sys.stderr)


def skipped_line(name: str, reason: str) -> str:
    """A file a command was given but did not use (a review of no input…), as the terminal
    names it: `已跳过：复核-某区.xlsx（原因）`."""
    return f"已跳过：{safe(name)}（{reason}）"
