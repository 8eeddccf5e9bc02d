"""The package outside this checkout: a built wheel, installed into a fresh virtual
environment in a temporary folder, makes reports and a batch, and runs as `python -m`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SAMPLES = ROOT / "data_templates" / "examples" / "wenzhou-2022"
UV = Path(sys.executable).parent / "uv"

pytestmark = pytest.mark.skipif(not UV.exists(), reason="needs uv from the dev extra")


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the fresh environment's bin folder, an environment for running it away from the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    built = _run([UV, "build", "--wheel", "--quiet", "--out-dir", work / "dist", ROOT], work, env)
    assert built.returncode == 0, built.stderr
    wheels = list((work / "dist").glob("assessment-*.whl"))
    assert len(wheels) == 1
    venv = work / "venv"
    made = _run([UV, "venv", "--quiet", "--python", sys.executable, venv], work, env)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    installed = _run(
        [UV, "pip", "install", "--quiet", "--python", python, "-c", ROOT / "requirements.lock", wheels[0]], work, env
    )
    assert installed.returncode == 0, installed.stderr
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv / "bin", env


def test_the_installed_package_is_not_the_checkout(installed):
    bin_dir, env = installed
    where = _run([bin_dir / "python", "-c", "import assessment; print(assessment.__file__)"], bin_dir.parent, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)


def test_the_installed_package_carries_zhejiangs_list_of_county_level_units_with_its_source(installed):
    bin_dir, env = installed
    script = ("from importlib import resources; from assessment.inputs.units import cities, county_units; "
              "print(len(county_units()), len(cities())); "
              "print(resources.files('assessment.inputs.data').joinpath('SOURCE.md').is_file())")
    found = _run([bin_dir / "python", "-c", script], bin_dir.parent, env)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == ["90", "11", "True"]


def test_python_m_assessment_runs_the_command_line(installed):
    bin_dir, env = installed
    version = _run([bin_dir / "python", "-m", "assessment", "--version"], bin_dir.parent, env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("assessment ")


def test_an_installed_wheel_makes_a_district_report(installed, tmp_path):
    bin_dir, env = installed
    shutil.copy(SAMPLES / "龙湾区.xlsx", tmp_path / "龙湾区.xlsx")
    done = _run([bin_dir / "assessment", "report", "龙湾区.xlsx", "--out", "out"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "out" / "2022" / "龙湾区"
    assert "龙湾区" in (folder / "report.html").read_text("utf-8")
    assert json.loads((folder / "scores.json").read_text("utf-8"))["district"] == "龙湾区"


def test_an_installed_wheel_runs_a_batch_with_its_summary(installed, tmp_path):
    bin_dir, env = installed
    data = tmp_path / "data"
    data.mkdir()
    for name in ("龙湾区.xlsx", "鹿城区.xlsx"):
        shutil.copy(SAMPLES / name, data / name)
    done = _run([bin_dir / "assessment", "batch", "data", "--out", "out", "--jobs", "2"], tmp_path, env)
    assert done.returncode == 0, done.stderr
    year = tmp_path / "out" / "2022"
    assert (year / "summary.html").is_file() and (year / "summary.xlsx").is_file()
    manifest = json.loads((year / "manifest.json").read_text("utf-8"))
    assert [d["status"] for d in manifest["districts"]] == ["ok", "ok"]
