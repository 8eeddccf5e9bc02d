"""The `scores.json` form of a result: the public contract other tools and the summary read."""

from __future__ import annotations

from typing import Any

from assessment import __version__
from assessment.scoring.result import Result, result_to_dict


def scores_dict(result: Result) -> dict[str, Any]:
    """The `scores.json` form of a result, stamped with this tool's version."""
    return result_to_dict(result, __version__)
