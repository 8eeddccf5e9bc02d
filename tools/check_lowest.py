"""After the lowest-versions test run: was every declared dependency used, at its lowest version?

tools/lowest.sh runs only part of the suite in .venv-lowest (the whole suite twice would not
fit the test command's time). That part is chosen so that, together, its tests use every
dependency; this script is what keeps the choice honest. It reads the top-level module names
that every process of the run imported (tools/lowest/assessment_import_log.py writes them) and
fails, naming them, for each requirement of pyproject.toml's [project] dependencies and of the
test tools below that

- no process imported (the chosen tests no longer exercise it), or
- is installed at another version than its lower bound (the environment is not the lowest).

Usage: .venv-lowest/bin/python tools/check_lowest.py LOG_FOLDER
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"

#: The dev requirements that the test run itself imports (the others are linters and installers).
TEST_TOOLS = ("pytest", "pytest-xdist", "nbval", "hypothesis", "playwright")


def requirements(pyproject: Path = PYPROJECT) -> list[Requirement]:
    """The runtime dependencies and the test tools, as pyproject.toml declares them."""
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    tools = {canonicalize_name(t) for t in TEST_TOOLS}
    return [Requirement(r) for r in project["dependencies"]] + [r for r in dev if canonicalize_name(r.name) in tools]


def lower_bound(requirement: Requirement) -> Version | None:
    """The version of the requirement's `>=` clause, if it has one."""
    bounds = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return min(bounds) if bounds else None


def problems(
    required: Iterable[Requirement],
    imported: set[str],
    distributions_of: Mapping[str, list[str]],
    installed: Mapping[str, str],
) -> list[str]:
    """What is wrong, one line per requirement: never imported, or not at its lower bound.

    `imported` holds top-level module names; `distributions_of` maps a top-level module name to
    the distributions providing it (importlib.metadata.packages_distributions); `installed`
    maps a canonical distribution name to its installed version.
    """
    used = {canonicalize_name(d) for module in imported for d in distributions_of.get(module, ())}
    lines = []
    for requirement in required:
        name = canonicalize_name(requirement.name)
        if name not in installed:
            lines.append(f"{requirement.name}: not installed")
            continue
        if name not in used:
            lines.append(f"{requirement.name}: no process of the run imported it")
        bound = lower_bound(requirement)
        if bound is not None and Version(installed[name]) != bound:
            lines.append(f"{requirement.name}: installed {installed[name]}, lowest allowed {bound}")
    return lines


def read_log(folder: Path) -> set[str]:
    """Every top-level module name any process wrote to the log folder."""
    return {line.strip() for path in folder.glob("*.txt") for line in path.read_text("utf-8").splitlines() if line.strip()}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    installed = {str(canonicalize_name(d.metadata["Name"])): d.version for d in metadata.distributions()}
    found = problems(requirements(), read_log(Path(argv[0])), metadata.packages_distributions(), installed)
    for line in found:
        print(f"lowest versions: {line}", file=sys.stderr)
    if not found:
        print(f"lowest versions: all {len(requirements())} requirements used at their lower bounds")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
