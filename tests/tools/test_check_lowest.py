"""The lowest-versions run keeps only part of the suite; tools/check_lowest.py fails it when that
part stops using a dependency, or when a dependency is not at its lower bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from tool_scripts import TOOLS, tool_script

check = tool_script("check_lowest")

REQUIRED = [Requirement("PyYAML>=6.0.1,<7"), Requirement("pandas>=2.2.1,<4")]
PROVIDERS = {"yaml": ["PyYAML"], "_yaml": ["PyYAML"], "pandas": ["pandas"], "numpy": ["numpy"]}


def test_every_requirement_imported_at_its_lower_bound_passes():
    assert check.problems(REQUIRED, {"yaml", "pandas"}, PROVIDERS, {"pyyaml": "6.0.1", "pandas": "2.2.1"}) == []


def test_a_requirement_no_process_imported_is_named():
    found = check.problems(REQUIRED, {"pandas", "numpy"}, PROVIDERS, {"pyyaml": "6.0.1", "pandas": "2.2.1"})
    assert found == ["PyYAML: no process of the run imported it"]


def test_a_requirement_above_its_lower_bound_is_named():
    found = check.problems(REQUIRED, {"yaml", "pandas"}, PROVIDERS, {"pyyaml": "6.0.2", "pandas": "2.2.1"})
    assert found == ["PyYAML: installed 6.0.2, lowest allowed 6.0.1"]


def test_a_bound_written_short_matches_its_padded_release():
    assert check.problems([Requirement("ipykernel>=6.29,<8")], {"ipykernel"}, {"ipykernel": ["ipykernel"]},
                          {"ipykernel": "6.29.0"}) == []


def test_the_checked_requirements_are_the_runtime_ones_and_the_test_tools():
    names = {r.name for r in check.requirements()}
    assert {"pandas", "papermill", "ipykernel", "pytest", "nbval", "hypothesis"} <= names
    assert not names & {"ruff", "mypy", "uv", "import-linter"}


def test_the_import_log_records_what_a_child_process_imports(tmp_path: Path):
    """The logger as lowest.sh installs it: imported first thing, in a process of its own."""
    code = "import assessment_import_log, json, email.mime.text"
    env = {**os.environ, "ASSESSMENT_IMPORT_LOG": str(tmp_path), "PYTHONPATH": str(TOOLS / "lowest")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert {"json", "email"} <= check.read_log(tmp_path)


def test_without_its_variable_the_import_log_writes_nothing(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k != "ASSESSMENT_IMPORT_LOG"}
    env["PYTHONPATH"] = str(TOOLS / "lowest")
    subprocess.run([sys.executable, "-c", "import assessment_import_log, json"], check=True, env=env, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []
