"""Files the package runs: the report and summary notebooks, wherever the package lives.

There is one copy of each, in the top-level `notebooks/` folder: analysts open and save it
in JupyterLab (its default parameters point at the bundled sample data), nbval checks it,
and the wheel build maps that folder into the package as `assessment/notebooks/`
(pyproject.toml's package-dir). So an installed wheel finds the notebooks inside the
package, and a source checkout (an editable install or PYTHONPATH) finds them beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

REPORT_NOTEBOOK = "district_report.ipynb"
SUMMARY_NOTEBOOK = "municipal_summary.ipynb"

#: What papermill records of when a notebook and each cell ran, and for how long.
RUN_TIMES = ("start_time", "end_time", "duration")
#: The id the cell papermill inserts with the run's parameters is given in place of a random one.
INJECTED_TAG = "injected-parameters"


def notebook_folders() -> tuple[Path, Path]:
    """Where the notebooks are looked for, in order: inside the installed package (a wheel;
    packages are installed unzipped), then the checkout's notebooks/ beside the package."""
    package = Path(str(resources.files("assessment")))
    return package / "notebooks", package.parent / "notebooks"


def notebook(name: str) -> Path:
    """The notebook `name` as a file path; FileNotFoundError naming both places when the
    package was neither built with its notebooks nor run from a checkout that has them."""
    folders = notebook_folders()
    for folder in folders:
        path = folder / name
        if path.is_file():
            return path
    raise FileNotFoundError(f"notebook {name!r} is in neither {folders[0]} nor {folders[1]}")


def without_run_times(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`nb` (changed in place) with nothing that differs between two runs of the same
    parameters: papermill's start/end times and durations (of the notebook and each cell),
    the kernel's per-cell `execution` timestamps, and the random id papermill gives the
    cell it inserts with the parameters (here its tag, unique in a notebook). What it
    records of the run itself (parameters, status, papermill's version) stays."""
    for key in RUN_TIMES:
        nb.metadata.get("papermill", {}).pop(key, None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for key in RUN_TIMES:
            cell.metadata.get("papermill", {}).pop(key, None)
        if INJECTED_TAG in cell.metadata.get("tags", ()):
            cell.id = INJECTED_TAG
    return nb
