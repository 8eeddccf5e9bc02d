"""Write environment.yml (conda) from pyproject.toml's dependencies, lab and dev extras.

    python tools/make_environment.py

Run after changing a dependency; tests/test_environment.py checks that the two agree.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: PyPI name → conda-forge name, where they differ.
CONDA_NAMES = {"brotli": "brotli-python"}
HEADER = """\
# Conda environment equivalent to pyproject.toml (runtime + lab + dev extras), written by
# tools/make_environment.py; tests/test_environment.py keeps the two lists in step.
#   conda env create -f environment.yml && conda activate assessment
name: assessment
channels:
  - conda-forge
dependencies:
"""


def conda_spec(requirement: str) -> str:
    """A pip requirement as a conda match spec (same bounds, conda-forge's name)."""
    name = requirement.split(">", 1)[0].split("<", 1)[0].split("=", 1)[0].strip()
    bounds = requirement[len(name):].replace(" ", "")
    return CONDA_NAMES.get(name.lower(), name.lower()) + bounds


def environment_yml() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    extras = project["optional-dependencies"]
    lines = [f"  - python{project['requires-python']}", "  - pip"]
    lines += [f"  - {conda_spec(r)}" for r in project["dependencies"] + extras["lab"] + extras["dev"]]
    lines += [
        "  - pip:",
        "      # The project itself, editable (conda runs pip from this file's folder).",
        "      - -e .",
    ]
    return HEADER + "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(environment_yml(), "utf-8")
    print("environment.yml written")
