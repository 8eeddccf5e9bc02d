"""score(rubric, district) → Result: the public entry point of scoring.

Pure: reads nothing, writes nothing. It scores with the rubric compiled once into integer
arithmetic (`assessment.scoring.compiled`), whose result equals the reference scorer's
(`assessment.scoring.reference`), explanations included. The modules of `scoring` import
one way: figures, then the pass rule, pending and the verdict, then the result, then the
reference scorer, the compiled one, and this module on top.
"""

from __future__ import annotations

from assessment.inputs.model import DistrictInput
from assessment.rubric.model import Rubric
from assessment.scoring.compiled import compiled
from assessment.scoring.result import Result


def score(rubric: Rubric, inp: DistrictInput) -> Result:
    """The district's assessment under `rubric` (a cached compiled scorer per rubric)."""
    return compiled(rubric).score(inp)
