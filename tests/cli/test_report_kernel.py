"""`assessment report` starts its kernel before it reads its inputs when a report is likely
to be made (`cli.report._kernel_in_advance`): never on a re-run of sealed inputs, and a
kernel started for inputs that turn out invalid is stopped, leaving nothing behind. While
the notebook runs it makes the fonts it will need next, and none in vain.

Processes run with their own temporary folder, where kernels keep their sockets
(`assessment-kernel-<pid>-…`), and `-X importtime`, whose lines name what was imported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from workbook_edits import edit_info

from assessment.cli.app import main
from assessment.publish import fonts
from assessment.publish.outputs import INDEX_HTML, REPORT_HTML

SAMPLE = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"


def _report(tmp_path: Path, path: Path, out: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assessment", "report", str(path), "--out", str(out)],
        capture_output=True, text=True, check=False, env={**os.environ, "TMPDIR": str(temp)},
    )
    imported = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return done, imported


def _leftovers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "tmp").iterdir())


def test_a_first_report_starts_its_kernel_and_a_re_run_of_the_same_file_starts_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data)
    first, imported = _report(tmp_path, data / SAMPLE.name, tmp_path / "out")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "已生成报告" in first.stdout and "jupyter_client" in imported
    again, imported = _report(tmp_path, data / SAMPLE.name, tmp_path / "out")
    assert again.returncode == 0, again.stderr[-2000:]
    assert "未变化，沿用已有报告" in again.stdout
    assert "jupyter_client" not in imported
    assert _leftovers(tmp_path) == []


def test_a_kernel_started_for_an_input_that_turns_out_invalid_is_stopped_without_a_trace(tmp_path: Path) -> None:
    bad = tmp_path / "龙湾区.xlsx"
    shutil.copy(SAMPLE, bad)
    edit_info(bad, "实际到岗执法人员数", "二十三")
    done, imported = _report(tmp_path, bad, tmp_path / "out")
    assert done.returncode == 2
    assert "实际到岗执法人员数" in done.stdout + done.stderr
    assert "jupyter_client" in imported  # the kernel was started: the input was new
    assert _leftovers(tmp_path) == []
    assert not (tmp_path / "out" / "2022").exists()


def test_every_font_a_report_makes_is_one_a_page_it_writes_embeds(tmp_path: Path, fonts_made: list[tuple[str, str]]) -> None:
    """The index's font is made while the notebook runs (`report.index.prepare_index`), for
    the characters the index then shows: no font is made for nothing, none twice."""
    out = tmp_path / "out"
    assert main(["report", str(SAMPLE), "--out", str(out)]) == 0
    pages = {
        "report": (out / "2022" / "龙湾区" / REPORT_HTML).read_text("utf-8"),
        "index": (out / INDEX_HTML).read_text("utf-8") + (out / "2022" / INDEX_HTML).read_text("utf-8"),
    }
    wanted = [(characters, thread) for characters, thread in fonts_made if characters]  # "": html.prepare_export's warm-up
    assert sorted(
        ([name for name, text in pages.items() if f"/* subset {fonts.subset_key(characters)} */" in text], thread)
        for characters, thread in wanted
    ) == [(["index"], "meanwhile"), (["report"], "MainThread")]  # the index's made while the notebook ran
