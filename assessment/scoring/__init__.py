"""Scoring: a validated input and the rubric in, an exact `Result` with its one `Verdict` out.

Pure functions, no files: `score` picks the compiled scorer (exact integers) and falls back on
the reference scorer (Fractions); `scores_dict` is the public `scores.json` form.
"""

from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.scoring.scores_json import scores_dict
from assessment.scoring.verdict import Verdict

__all__ = ["Result", "Verdict", "score", "scores_dict"]
