"""Re-execute every notebook in notebooks/ in place with its default parameters.

notebooks/ is the only copy: the library runs it from a checkout, and the wheel build maps
it into the package (pyproject.toml's package-dir).

    python tools/refresh_notebooks.py                 # all notebooks
    python tools/refresh_notebooks.py district_report.ipynb

nbval compares the committed outputs of `# NBVAL_CHECK_OUTPUT` cells with a fresh run, so
after a library change that moves a score the notebooks must be re-run and committed. Each
notebook runs from notebooks/ (its relative paths hold) and is only replaced once it ran
through; papermill's run metadata (absolute paths, timings) is dropped so that a re-run
changes the file only where an output changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from assessment.publish.kernels import run_notebook
from assessment.publish.notebooks import without_run_times
from assessment.util.fsutil import atomic_write_text

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
def strip_run_metadata(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what differs between runs (without_run_times) and between machines (papermill's
    record of paths and versions) but says nothing about the results."""
    nb = without_run_times(nb)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
    return nb


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """What the run wrote to stderr (a warning, a traceback): a notebook is saved only clean."""
    return [o.text for cell in nb.cells for o in cell.get("outputs", []) if o.get("name") == "stderr"]


def refresh(notebook: Path) -> None:
    """Execute `notebook` with its own defaults and save it over itself (or raise, leaving
    it as it was: an error stops the run, stderr output refuses the save)."""
    executed = run_notebook(notebook, None, {})
    written = stderr_outputs(executed)
    if written:
        raise RuntimeError(f"the run wrote to stderr: {written}")
    atomic_write_text(notebook, nbformat.writes(strip_run_metadata(executed)) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to refresh (default: every one in notebooks/)")
    args = parser.parse_args(argv)
    notebooks = [NOTEBOOKS / name for name in args.names] or sorted(NOTEBOOKS.glob("*.ipynb"))
    failed = []
    for notebook in notebooks:
        try:
            refresh(notebook)
        except Exception as exc:  # noqa: BLE001 - report every notebook, then fail
            failed.append(notebook.name)
            print(f"failed: {notebook.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        else:
            print(f"refreshed: {notebook.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
