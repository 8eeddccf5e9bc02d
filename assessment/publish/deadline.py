"""The one exception for "the run's deadline passed", kept apart from the kernels module.

Raised where a notebook is interrupted at its deadline (`publish.kernels`) and where the
evidence check stops streaming hashes past the same deadline (`review.evidence`); both end
the district the same way. It lives here, not with the kernels, so that reading, validating
and fingerprinting inputs (a batch re-run that renders nothing) never imports the notebook
stack (nbformat, jupyter_client, jsonschema with its format checkers: seconds per process).
"""

from __future__ import annotations

from assessment.util.errors import AssessmentError


class NotebookTimeout(AssessmentError):
    """The notebook (or the evidence check before it) was still running at its deadline and
    was interrupted."""
