"""The package declares what it imports (every third-party module imported anywhere in
assessment/ comes from a distribution listed in pyproject.toml's dependencies) and ships
what it runs (the wheel holds every folder of the package and the notebooks)."""

from __future__ import annotations

import ast
import json
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from assessment.publish.notebooks import REPORT_NOTEBOOK, SUMMARY_NOTEBOOK, notebook

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "assessment"


def _imported_top_level_modules(*folders: Path) -> dict[str, str]:
    """Top-level module name → the first file (relative) that imports it absolutely."""
    found: dict[str, str] = {}
    for path in sorted(p for folder in folders or (PACKAGE,) for p in folder.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(ROOT)))
    return found


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return {canonicalize_name(Requirement(spec).name) for spec in project["dependencies"]}


def test_every_third_party_import_of_the_package_is_a_declared_dependency():
    distributions = packages_distributions()
    declared = _declared()
    undeclared = {}
    for module, where in _imported_top_level_modules().items():
        if module in sys.stdlib_module_names or module == "assessment":
            continue
        owners = {canonicalize_name(d) for d in distributions.get(module, [module])}
        if not owners & declared:
            undeclared[module] = (where, sorted(owners))
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_declared_dependency_is_imported_or_needed_at_run_time():
    """No dead weight: a declared runtime dependency is imported by the package or by the
    maintainers' tools (the font subsetter), or is a run-time need the package reaches
    without importing it (the notebook kernel)."""
    run_time_only = {
        "ipykernel",  # papermill starts the `python3` kernel it provides
        "brotli",  # fontTools compresses the page's WOFF2 font subset with it
    }
    distributions = packages_distributions()
    imported = {
        canonicalize_name(d)
        for module in _imported_top_level_modules(PACKAGE, ROOT / "tools")
        for d in distributions.get(module, [])
    }
    unused = _declared() - imported - run_time_only
    assert not unused, f"declared but never imported: {sorted(unused)}"


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]


def test_the_wheel_lists_every_folder_of_the_package_and_maps_notebooks_into_it():
    """The package list is written out (a finder cannot see the mapped notebooks/), so a new
    folder of assessment/ must be added to it or the wheel would silently lack it."""
    folders = {
        ".".join(p.relative_to(ROOT).parts)
        for p in [PACKAGE, *PACKAGE.rglob("*")]
        if p.is_dir() and p.name != "__pycache__"
    }
    config = _setuptools()
    assert set(config["packages"]) == folders | {"assessment.notebooks"}
    assert config["package-dir"] == {"assessment.notebooks": "notebooks"}
    assert config["package-data"]["assessment.notebooks"] == ["*.ipynb"]


def test_a_source_checkout_runs_the_notebooks_analysts_open():
    """No packaged copy to keep in step: from a checkout the library runs notebooks/ itself."""
    assert not (PACKAGE / "notebooks").exists()
    for name in (REPORT_NOTEBOOK, SUMMARY_NOTEBOOK):
        assert notebook(name) == ROOT / "notebooks" / name


def test_the_shipped_notebooks_were_saved_without_errors_or_stderr():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        outputs = [o for cell in json.loads(path.read_text("utf-8"))["cells"] for o in cell.get("outputs", [])]
        assert outputs, f"{path.name} was saved without outputs: run tools/refresh_notebooks.py"
        bad = [o for o in outputs if o["output_type"] == "error" or o.get("name") == "stderr"]
        assert not bad, f"{path.name}: {bad}"
