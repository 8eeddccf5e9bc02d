"""The city batch: every district reported, faults recorded per district, then summarised."""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import pickle
import shutil
from pathlib import Path

import nbformat
import openpyxl
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from assessment import __version__
from assessment.batch import progress as batch_progress
from assessment.batch import run as batch
from assessment.batch.options import DEFAULT_TIMEOUT, BatchOptions
from assessment.cli import batch as batch_command
from assessment.publish.html import external_references
from assessment.publish.ledger import LEDGER
from assessment.rubric.loader import default_rubric
from assessment.util.errors import EXIT_INTERNAL, EXIT_INVALID

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
DISTRICTS = ("龙湾区", "鹿城区", "瓯海区")


def sample_folder(folder: Path, districts=DISTRICTS) -> Path:
    """Sample workbooks plus one corrupt .xlsx (random bytes)."""
    folder.mkdir()
    for name in districts:
        shutil.copy(SAMPLES / f"{name}.xlsx", folder / f"{name}.xlsx")
    (folder / "损坏.xlsx").write_bytes(bytes(range(256)) * 7)
    return folder


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One real batch (sample reports and the summary), shared by the tests below."""
    root = tmp_path_factory.mktemp("batch")
    data = sample_folder(root / "data")
    stream = io.StringIO()
    progress = batch_progress.make_progress
    batch_progress.make_progress = lambda total, wanted, _stream=None: progress(total, wanted, stream)
    try:
        outcome = batch.run_batch(data, root / "out", jobs=2)
    finally:
        batch_progress.make_progress = progress
    return outcome, data, root / "out", stream.getvalue()


def test_every_valid_district_gets_its_report_folder(run):
    _, _, out, _ = run
    for name in DISTRICTS:
        folder = out / "2022" / name
        assert {p.name for p in folder.iterdir()} == {
            "report.ipynb", "report.html", "scores.json", "plan.json", "填报文件.xlsx", LEDGER
        }
        assert json.loads((folder / "scores.json").read_text("utf-8"))["district"] == name
        assert (folder / "填报文件.xlsx").read_bytes() == (SAMPLES / f"{name}.xlsx").read_bytes()


def test_the_summary_page_is_self_contained_and_covers_the_successful_districts(run):
    _, _, out, _ = run
    page = (out / "2022" / "summary.html").read_text("utf-8")
    assert external_references(page) == []
    assert "3个地区" in page and all(name in page for name in DISTRICTS)
    assert "损坏.xlsx" in page  # listed among the inputs left out


def test_the_summary_workbook_ranks_the_successful_districts(run):
    _, _, out, _ = run
    wb = openpyxl.load_workbook(out / "2022" / "summary.xlsx")
    names = [row[1] for row in wb["排名"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(DISTRICTS)
    assert [row[0] for row in wb["未纳入汇总"].iter_rows(min_row=2, values_only=True)] == ["损坏.xlsx"]


def test_manifest_says_which_input_failed_and_why(run):
    outcome, data, out, _ = run
    manifest = json.loads((out / "2022" / "manifest.json").read_text("utf-8"))
    entries = {e["file"]: e for e in manifest["districts"]}
    assert {f: e["status"] for f, e in entries.items()} == {
        "龙湾区.xlsx": "ok", "鹿城区.xlsx": "ok", "瓯海区.xlsx": "ok", "损坏.xlsx": "invalid"
    }
    corrupt = entries["损坏.xlsx"]
    assert corrupt["year"] is None  # unreadable: listed under every year of the run
    assert "无法读取工作簿" in corrupt["errors"][0]
    ok = entries["龙湾区.xlsx"]
    assert ok["folder"] == "龙湾区"
    assert ok["sha256"] == hashlib.sha256((data / "龙湾区.xlsx").read_bytes()).hexdigest()
    assert manifest["tool_version"] == __version__
    assert manifest["rubric_sha256"] == default_rubric().sha256
    timings = manifest["timings"]  # measured, kept apart from what the inputs decide
    seconds = timings["seconds"]["龙湾区.xlsx"]
    assert seconds["render"] > 0 and seconds["total"] >= seconds["render"]
    assert timings["started"] <= timings["finished"]
    assert manifest["generated"] <= timings["finished"]
    assert manifest["summary"]["status"] == "ok"
    assert outcome.exit_code == EXIT_INVALID


def test_the_top_level_manifest_records_the_whole_run(run):
    _, _, out, _ = run
    top = json.loads((out / "manifest.json").read_text("utf-8"))
    assert len(top["districts"]) == 4
    assert top["years"] == {"2022": {"manifest": "2022/manifest.json", "summary_error": None}}


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(run):
    *_, lines = run
    assert "[1/4] 损坏.xlsx 校验未通过" in lines.splitlines()
    assert {line.split()[1] for line in lines.splitlines() if line.startswith("[")} == {*DISTRICTS, "损坏.xlsx"}
    assert any(line.startswith("[4/4] ") and line.endswith(" 完成（首次生成）") for line in lines.splitlines())


def test_make_progress_chooses_lines_for_a_pipe_and_a_bar_when_asked():
    assert isinstance(batch_progress.make_progress(3, None, io.StringIO()), batch_progress.LineProgress)
    bar = batch_progress.make_progress(3, True, io.StringIO())
    assert isinstance(bar, batch_progress.BarProgress)
    bar.close()


def test_batch_options_are_absolute_and_survive_the_trip_to_a_worker(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options = BatchOptions.resolved("data", "out", jobs=None, review="reviews", timeout=None)
    assert options.data_dir == tmp_path / "data" and options.review_dir == tmp_path / "reviews"
    assert options.jobs >= 1 and options.evidence_dir is None and options.deadline(5.0) is None
    assert pickle.loads(pickle.dumps(options)) == options
    assert BatchOptions.resolved("data", "out", timeout=30).deadline(5.0) == 35.0


def test_rerunning_replaces_reports_and_summary_keeps_other_files_and_exits_2_for_invalid_input(run, capsys):
    _, data, out, _ = run
    kept = out / "2022" / "龙湾区" / "审核意见.txt"
    kept.write_text("a person's file", "utf-8")
    before = (out / "2022" / "manifest.json").read_text("utf-8")
    args = argparse.Namespace(data_dir=data, out=out, jobs=2, previous=None, timeout=DEFAULT_TIMEOUT)
    assert batch_command.run(args) == EXIT_INVALID
    assert kept.read_text("utf-8") == "a person's file"
    assert (out / "2022" / "manifest.json").read_text("utf-8") != before
    assert not [p for p in out.rglob(".*") if p.name.endswith((".tmp", ".new", ".old"))]
    printed = capsys.readouterr()
    assert str(out / "2022" / "summary.html") in printed.out
    assert "校验未通过：损坏.xlsx" in printed.err


@pytest.fixture(scope="module")
def failing_notebook(tmp_path_factory) -> Path:
    """A fast stand-in report notebook that fails for 瓯海区 only."""
    nb = new_notebook(cells=[
        new_code_cell('input_path = ""\nprevious_scores_path = None\nrun_time = None\nrubric_path = None',
                      metadata={"tags": ["parameters"]}),
        new_code_cell('if "瓯海区" in input_path:\n    raise RuntimeError("图表生成出错")\nprint(input_path)'),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path_factory.mktemp("nb") / "report.ipynb"
    nbformat.write(nb, path)
    return path


def test_a_failing_render_is_recorded_and_the_others_go_on(tmp_path, failing_notebook, monkeypatch, capsys):
    data = sample_folder(tmp_path / "data", DISTRICTS[:2] + ("瓯海区",))
    shutil.copy(SAMPLES / "龙湾区.xlsx", data / "龙湾区（副本）.xlsx")
    monkeypatch.setattr(batch, "run_batch", functools.partial(batch.run_batch, notebook=failing_notebook))
    args = argparse.Namespace(
        data_dir=data, out=tmp_path / "out", jobs=2, previous=None, timeout=DEFAULT_TIMEOUT, debug=True
    )
    assert batch_command.run(args) == EXIT_INTERNAL
    manifest = json.loads((tmp_path / "out" / "2022" / "manifest.json").read_text("utf-8"))
    status = {e["file"]: (e["status"], e["errors"]) for e in manifest["districts"]}
    assert status["瓯海区.xlsx"][0] == "failed" and "图表生成出错" in status["瓯海区.xlsx"][1][0]
    assert status["龙湾区.xlsx"][0] == "ok" and status["鹿城区.xlsx"][0] == "ok"
    assert status["龙湾区（副本）.xlsx"][0] == "invalid" and "报告会互相覆盖" in status["龙湾区（副本）.xlsx"][1][0]
    assert (tmp_path / "out" / "2022" / "summary.html").is_file()
    log = (tmp_path / "out" / "batch.log").read_text("utf-8")
    assert "瓯海区.xlsx" in log and "Traceback" in log and "图表生成出错" in log
    err = capsys.readouterr().err
    assert "生成失败的地区：瓯海区" in err and str(tmp_path / "out" / "batch.log") in err
    assert "Traceback" in err  # --debug prints it too
