"""Files the package ships and runs: the report and summary notebooks.

They are package data (found through `importlib.resources`), so an installed wheel renders
reports as a source checkout does. The top-level `notebooks/` folder holds the same
notebooks for analysts to open in JupyterLab (its default parameters point at the bundled
sample data); `tools/refresh_notebooks.py` writes both and a test keeps them identical.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

REPORT_NOTEBOOK = "district_report.ipynb"
SUMMARY_NOTEBOOK = "municipal_summary.ipynb"


def notebook(name: str) -> Path:
    """The packaged notebook `name` as a file path (packages are installed unzipped)."""
    return Path(str(resources.files("assessment").joinpath("notebooks", name)))
