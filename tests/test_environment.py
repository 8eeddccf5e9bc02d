"""environment.yml (conda users) and pyproject.toml (pip) declare the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[1]


def _split(spec: str) -> tuple[str, str]:
    name, bound = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", spec.strip()).groups()
    return name.lower().replace("_", "-"), bound.replace(" ", "")


def test_environment_yml_lists_every_pyproject_dependency_with_the_same_bound():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    pip_specs = dict(_split(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    conda_specs = dict(_split(s) for s in env["dependencies"] if isinstance(s, str))
    conda_specs.pop("pip")
    assert conda_specs.pop("python") == ">=" + project["requires-python"].removeprefix(">=")
    assert conda_specs == pip_specs
