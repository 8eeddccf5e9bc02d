"""The package declares what it imports: every third-party module imported anywhere in
assessment/ comes from a distribution listed in pyproject.toml's dependencies."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[1]
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


def test_packaged_notebooks_are_the_notebooks_analysts_open():
    """assessment/notebooks/ (what the library runs) and notebooks/ (what JupyterLab opens and
    nbval checks) hold the same files, byte for byte: tools/refresh_notebooks.py writes both."""
    top = {p.name: p.read_bytes() for p in (ROOT / "notebooks").glob("*.ipynb")}
    packaged = {p.name: p.read_bytes() for p in (PACKAGE / "notebooks").glob("*.ipynb")}
    assert top.keys() == packaged.keys()
    for name in top:
        assert top[name] == packaged[name], f"run tools/refresh_notebooks.py: {name} differs from its packaged copy"
