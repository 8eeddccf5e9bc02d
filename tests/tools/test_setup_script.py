"""tools/setup.sh installs only when something changed: `run.sh` after `test.sh` installs nothing.

setup.sh runs here in a copy of the project whose .venv/bin/python is a stand-in that records each
call instead of running pip, so the specification costs milliseconds and needs no network.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORDING_PYTHON = '#!/bin/sh\necho "$*" >> "$(dirname "$0")/../../pip-calls.log"\n'


def extras_asked_by(script: str) -> str:
    """The extras a tools/ script asks setup.sh for (e.g. test.sh: "dev,lab")."""
    text = (REPO_ROOT / "tools" / script).read_text(encoding="utf-8")
    found = re.findall(r"^bash tools/setup\.sh (\S+)", text, flags=re.MULTILINE)
    assert len(found) == 1, f"{script} calls setup.sh {len(found)} times"
    return found[0]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the files setup.sh reads, with a recording .venv/bin/python."""
    (tmp_path / "tools").mkdir()
    for name in ("tools/setup.sh", "pyproject.toml", "requirements.lock"):
        shutil.copy(REPO_ROOT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(RECORDING_PYTHON, encoding="utf-8")
    python.chmod(0o755)
    return tmp_path


def run_setup(project: Path, extras: str) -> list[str]:
    """Run setup.sh with ``extras``; return the extras pip was asked to install (none if it was not)."""
    log = project / "pip-calls.log"
    log.unlink(missing_ok=True)
    subprocess.run(["bash", "tools/setup.sh", extras], cwd=project, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable})
    calls = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return [call.rsplit("-e .", 1)[1] for call in calls if " install " in f" {call} " and "-e ." in call]


def test_the_first_run_installs_what_test_sh_asks_for(project: Path) -> None:
    assert run_setup(project, extras_asked_by("test.sh")) == ["[dev,lab]"]


def test_run_sh_after_test_sh_and_its_lowest_versions_run_installs_nothing(project: Path) -> None:
    run_setup(project, extras_asked_by("test.sh"))
    assert run_setup(project, extras_asked_by("lowest.sh")) == []
    assert run_setup(project, extras_asked_by("run.sh")) == []
    assert run_setup(project, extras_asked_by("test.sh")) == []


def test_an_extra_not_yet_installed_is_installed_with_those_already_there(project: Path) -> None:
    run_setup(project, extras_asked_by("run.sh"))
    assert run_setup(project, extras_asked_by("lowest.sh")) == ["[dev,lab]"]
    assert run_setup(project, extras_asked_by("run.sh")) == []


def test_a_changed_lock_reinstalls_every_extra_installed_so_run_sh_then_installs_nothing(project: Path) -> None:
    run_setup(project, extras_asked_by("test.sh"))
    with (project / "requirements.lock").open("a", encoding="utf-8") as lock:
        lock.write("# a dependency moved\n")
    assert run_setup(project, extras_asked_by("lock.sh")) == ["[dev,lab]"]
    assert run_setup(project, extras_asked_by("run.sh")) == []
