"""One exception base for every error the tool raises on purpose, carrying its exit code.

Exit codes: 0 success; 2 invalid input or an unusable environment (the message says which
file, sheet, row and column, or which folder); 1 an internal error (a bug, or a failure the
user cannot fix by changing the input); 130 interrupted. The command line translates an
`AssessmentError` into its lines and exit code in one place (`assessment.cli.app`).
"""

from __future__ import annotations

EXIT_OK, EXIT_INTERNAL, EXIT_INVALID, EXIT_INTERRUPTED = 0, 1, 2, 130
#: What the command line prints, alone, when Ctrl-C (or SIGTERM) ends it.
INTERRUPTED = "已中断"


class AssessmentError(Exception):
    """Base of the tool's own errors. `exit_code` says what the command line returns."""

    exit_code: int = EXIT_INTERNAL

    def lines(self) -> list[str]:
        """What a person reads, one message per line (Chinese, naming the file or folder)."""
        return [str(self)]
