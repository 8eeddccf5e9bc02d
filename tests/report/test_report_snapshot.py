"""One source per number: a report publishes the input it validated, never a later re-read.

The notebook is handed the validated input (json_form.input_snapshot), so a workbook saved
again while the report runs changes none of report.html, report.ipynb, plan.json or
scores.json: all four show the numbers the run validated."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

from assessment.inputs.files import load
from assessment.inputs.json_form import input_from_snapshot, input_snapshot
from assessment.inputs.workbook.writer import write_workbook
from assessment.publish import kernels
from assessment.report.district import render_report
from assessment.scoring.engine import score
from assessment.util.formatting import fmt

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"


def test_a_workbook_saved_while_the_notebook_starts_changes_nothing_the_report_publishes(
    tmp_path, monkeypatch, rubric
):
    workbook = tmp_path / "龙湾区.xlsx"
    shutil.copyfile(SAMPLE, workbook)
    validated = load(workbook, rubric)
    emptied = dataclasses.replace(validated, answers={k: False if isinstance(v, bool) else v
                                                     for k, v in validated.answers.items()})
    assert score(rubric, emptied).total != score(rubric, validated).total  # the edit moves the score
    real_run = kernels.run_notebook  # render_report imports it where it renders

    def save_then_run(*args, **kwargs):
        write_workbook(emptied, rubric, workbook)  # the person saves the workbook now
        return real_run(*args, **kwargs)

    monkeypatch.setattr(kernels, "run_notebook", save_then_run)
    paths = render_report(workbook, tmp_path / "out")

    expected = score(rubric, validated)
    scores = json.loads(paths.scores.read_text("utf-8"))
    plan = json.loads((paths.folder / "plan.json").read_text("utf-8"))
    page = paths.notebook.read_text("utf-8")
    assert scores["total"] == float(expected.total)
    assert plan["total_before"] == scores["total"]
    assert f"总得分：{fmt(expected.total)} / " in page
    assert f"结论：{expected.verdict.words}" in page
    assert score(rubric, load(workbook, rubric)).total == score(rubric, emptied).total  # the file did change


def test_a_snapshot_reads_back_as_the_input_it_was_made_from_with_its_file_and_warnings(rubric):
    validated = load(SAMPLE, rubric)
    text, digest = input_snapshot(validated)
    again = input_from_snapshot(text, digest, rubric)
    assert again == validated
    assert (again.path, again.sha256, again.warnings) == (validated.path, validated.sha256, validated.warnings)
