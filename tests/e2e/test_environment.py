"""environment.yml (conda users) and pyproject.toml (pip) declare the same dependencies,
and both are files their tools accept."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import InvalidRequirement, Requirement

ROOT = Path(__file__).parents[2]
#: The one pip line that is not a requirement: the project itself, editable, from the
#: folder conda runs pip in (the environment file's own).
PROJECT_LINE = "-e ."


#: PyPI name → conda-forge name, where they differ (as tools/make_environment.py writes them).
CONDA_NAMES = {"brotli": "brotli-python"}


def _split(spec: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip())
    assert match, spec
    name, bound = match.groups()
    return name.lower().replace("_", "-"), bound.replace(" ", "")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


def _environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))


def test_environment_yml_lists_every_pyproject_dependency_with_the_same_bound():
    project = _project()
    extras = project["optional-dependencies"]
    pip_specs = dict(_split(s) for s in project["dependencies"] + extras["lab"] + extras["dev"])
    pip_specs = {CONDA_NAMES.get(name, name): bound for name, bound in pip_specs.items()}
    conda_specs = dict(_split(s) for s in _environment()["dependencies"] if isinstance(s, str))
    conda_specs.pop("pip")
    assert conda_specs.pop("python") == ">=" + project["requires-python"].removeprefix(">=")
    assert conda_specs == pip_specs


def test_environment_yml_pip_section_holds_only_requirement_strings_and_the_project():
    pip_sections = [s["pip"] for s in _environment()["dependencies"] if isinstance(s, dict)]
    assert len(pip_sections) == 1
    for entry in pip_sections[0]:
        if entry == PROJECT_LINE:
            continue
        assert not entry.startswith("-"), f"pip rejects options such as {entry!r} in a requirements list"
        try:
            Requirement(entry)
        except InvalidRequirement as exc:  # pragma: no cover - the assertion message is the point
            raise AssertionError(f"not a requirement string: {entry!r}") from exc
    assert PROJECT_LINE in pip_sections[0]


def test_every_pyproject_requirement_is_bounded_below():
    project = _project()
    extras = project["optional-dependencies"]
    for spec in project["dependencies"] + extras["lab"]:
        requirement = Requirement(spec)
        assert any(s.operator == ">=" for s in requirement.specifier), f"{spec} has no lower bound"
        assert any(s.operator == "<" for s in requirement.specifier), f"{spec} has no upper bound"


def test_requirements_lock_pins_every_runtime_dependency():
    pinned = {
        _split(line.split("==")[0])[0]
        for line in (ROOT / "requirements.lock").read_text("utf-8").splitlines()
        if "==" in line and not line.startswith((" ", "#"))
    }
    project = _project()
    wanted = {_split(Requirement(s).name)[0] for s in project["dependencies"] + project["optional-dependencies"]["lab"]}
    assert wanted <= pinned, f"not pinned: {sorted(wanted - pinned)}"
