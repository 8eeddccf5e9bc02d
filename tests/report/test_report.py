"""District reports end to end: the notebook runs on a sample and is published whole, offline,
with input strings escaped; invalid input publishes nothing."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import json
from datetime import datetime
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from assessment import api
from assessment.cli import report as report_command
from assessment.inputs.json_form import input_to_json
from assessment.inputs.model import InputError
from assessment.publish.html import external_references
from assessment.publish.ledger import LEDGER
from assessment.report.district import (
    ReportPaths,
    find_previous_scores,
    render_report,
    report_folder,
)
from assessment.util.formatting import fmt
from assessment.util.fsutil import safe_dirname

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
XSS = "<script>alert(1)</script>"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(scope="module")
def out_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def sample_report(out_root) -> ReportPaths:
    return render_report(SAMPLE, out_root)


@pytest.fixture(scope="module")
def xss_report(tmp_path_factory) -> ReportPaths:
    """A district whose name is a script tag, as JSON input."""
    folder = tmp_path_factory.mktemp("xss")
    inp = dataclasses.replace(api.load(SAMPLE), district=XSS)
    source = folder / "xss.json"
    source.write_text(input_to_json(inp), encoding="utf-8")
    return render_report(source, folder / "out")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="assessment")
    parser.add_argument("--rubric", type=Path, default=None)
    report_command.add_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_report_folder_is_year_then_safe_district_name(tmp_path):
    assert report_folder(tmp_path, 2022, "龙湾区") == tmp_path / "2022" / "龙湾区"
    assert report_folder(tmp_path, 2022, "a/../b").parent == tmp_path / "2022"


def test_report_publishes_notebook_html_and_scores_in_the_district_folder(sample_report, out_root):
    assert sample_report.folder == out_root / "2022" / "龙湾区"
    assert sorted(p.name for p in sample_report.folder.iterdir()) == sorted(
        [LEDGER, "plan.json", "report.html", "report.ipynb", "scores.json", "填报文件.xlsx"]
    )
    assert sorted(p.name for p in (out_root / "2022").iterdir()) == ["龙湾区"]


def test_the_folder_carries_its_input_and_a_page_sealed_on_its_scores(sample_report):
    """A folder sent to the city is enough to check it: the input's bytes as validated, and
    a page naming the sha256 of the scores.json it shows."""
    from assessment.publish.ledger import sha256_file
    from assessment.publish.stamp import stamped_scores

    assert (sample_report.folder / "填报文件.xlsx").read_bytes() == SAMPLE.read_bytes()
    assert stamped_scores(sample_report.html.read_text("utf-8")) == [sha256_file(sample_report.scores)]


def test_scores_json_is_the_library_scoring_of_the_input(sample_report):
    expected = api.scores_dict(api.score_path(SAMPLE))
    written = json.loads(sample_report.scores.read_text("utf-8"))
    assert written == json.loads(json.dumps(expected, ensure_ascii=False))


def test_plan_json_is_the_plan_the_notebook_solved_and_showed(sample_report):
    from assessment.plan.json_form import PLAN_MIMETYPE, plan_to_dict
    from assessment.plan.solve import make_plan
    from assessment.rubric.loader import default_rubric

    expected = plan_to_dict(make_plan(default_rubric(), api.load(SAMPLE)))
    written = json.loads((sample_report.folder / "plan.json").read_text("utf-8"))
    assert written == json.loads(json.dumps(expected, ensure_ascii=False))
    page = sample_report.html.read_text("utf-8")
    assert PLAN_MIMETYPE not in page and "达标路径" in page


def test_html_is_offline_and_shows_district_total_and_charts(sample_report):
    page = sample_report.html.read_text("utf-8")
    result = api.score_path(SAMPLE)
    assert external_references(page) == []
    assert "<title>龙湾区 2022年 规范化建设自评估报告</title>" in page
    assert "龙湾区" in page
    assert fmt(result.total) in page
    assert page.count("data:image/png;base64,") >= 3
    assert "示例数据" in page


def test_html_shows_no_code(sample_report):
    page = sample_report.html.read_text("utf-8")
    assert "from assessment import" not in page
    assert "input_path" not in page
    assert 'class="highlight hl-ipython3"' not in page
    assert "print(key_figures(result))" not in page


def test_executed_notebook_ran_on_the_given_input_with_a_run_time(sample_report):
    nb = json.loads(sample_report.notebook.read_text("utf-8"))
    injected = next(c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assignments = ast.parse("".join(injected["source"])).body
    parameters = {a.targets[0].id: ast.literal_eval(a.value) for a in assignments}
    assert parameters["input_path"] == str(SAMPLE)
    assert datetime.fromisoformat(parameters["run_time"]).tzinfo is not None
    assert parameters["previous_scores_path"] is None
    assert not any(o.get("output_type") == "error" for c in nb["cells"] for o in c.get("outputs", []))


def test_district_name_is_escaped_in_html_and_safe_as_folder(xss_report):
    page = xss_report.html.read_text("utf-8")
    assert XSS not in page
    assert ESCAPED_XSS in page
    assert xss_report.folder.name == safe_dirname(XSS)
    assert xss_report.folder.parent.name == "2022"
    assert "/" not in xss_report.folder.name and "<" not in xss_report.folder.name


def test_invalid_input_raises_and_creates_no_folder(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"district": "龙湾区", "level": "county"}), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError):
        render_report(bad, out)
    assert not out.exists()


def test_find_previous_scores_takes_the_latest_earlier_year(tmp_path):
    for year in (2019, 2021, 2022, 2023):
        (tmp_path / str(year) / "龙湾区").mkdir(parents=True)
        (tmp_path / str(year) / "龙湾区" / "scores.json").write_text("{}", encoding="utf-8")
    (tmp_path / "2021" / "龙湾区" / "scores.json").unlink()
    assert find_previous_scores(tmp_path, "龙湾区", 2022) == tmp_path / "2019" / "龙湾区" / "scores.json"
    assert find_previous_scores(tmp_path, "龙湾区", 2019) is None
    assert find_previous_scores(tmp_path, "鹿城区", 2022) is None
    assert find_previous_scores(tmp_path / "missing", "龙湾区", 2022) is None


def test_previous_may_be_the_year_folder_a_batch_prints_or_its_parent(tmp_path):
    from assessment.report.district import check_previous_root
    from assessment.report.summary.load import previous_scores

    scores = {"district": "龙湾区", "year": 2022, "total": 98.3, "categories": {}, "indicators": {}}
    folder = tmp_path / "outputs" / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps(scores, ensure_ascii=False), encoding="utf-8")
    year_dir = tmp_path / "outputs" / "2022"
    check_previous_root(year_dir)  # a year folder without a manifest is an earlier output too
    for given in (year_dir, tmp_path / "outputs"):
        assert find_previous_scores(given, "龙湾区", 2023) == folder / "scores.json"
        assert [s["total"] for s in previous_scores(given, 2023)[0]] == [98.3]
    assert find_previous_scores(year_dir, "龙湾区", 2022) is None  # never the same or a later year


def test_report_command_with_one_invalid_input_prints_problems_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"district": "龙湾区", "level": "county"}), encoding="utf-8")
    out = tmp_path / "out"
    args = _parse(["report", str(SAMPLE), str(bad), "--out", str(out)])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "bad.json" in err and "缺少年度" in err
    assert not out.exists()


def test_report_command_refuses_two_inputs_for_the_same_district_and_year(tmp_path, capsys):
    args = _parse(["report", str(SAMPLE), str(SAMPLE), "--out", str(tmp_path / "out")])
    assert args.func(args) == 2
    assert "报告会互相覆盖" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_rerun_replaces_the_reports_files_keeps_others_and_compares_with_the_previous_year(
    sample_report, out_root, tmp_path, capsys
):
    """A second run (through the CLI command, with last year's scores) replaces the report's
    files and leaves a file a person put in the folder alone."""
    kept = sample_report.folder / "审核意见.docx"
    kept.write_text("a reviewer's notes", encoding="utf-8")
    previous = tmp_path / "previous"
    last_year = previous / "2021" / "龙湾区"
    last_year.mkdir(parents=True)
    old_scores = json.loads(sample_report.scores.read_text("utf-8"))
    old_scores.update(year=2021, total=88.5)
    (last_year / "scores.json").write_text(json.dumps(old_scores, ensure_ascii=False), encoding="utf-8")

    args = _parse(["report", str(SAMPLE), "--out", str(out_root), "--previous", str(previous)])
    assert args.func(args) == 0
    assert str(sample_report.html) in capsys.readouterr().out
    assert sorted(p.name for p in sample_report.folder.iterdir()) == sorted(
        [LEDGER, "plan.json", "report.html", "report.ipynb", "scores.json", "填报文件.xlsx", "审核意见.docx"]
    )
    assert kept.read_text("utf-8") == "a reviewer's notes"
    assert _left_behind(out_root / "2022") == []
    page = sample_report.html.read_text("utf-8")
    assert "2021年自评估得分" in page
    assert "88.5" in page


def _left_behind(folder: Path) -> list[str]:
    """Hidden files in a year folder other than the ledger of what the tool wrote there (its
    index.html): staging folders or temporary files a run failed to remove."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name != LEDGER]


def test_failed_notebook_run_leaves_the_previous_report_untouched(sample_report, out_root, tmp_path):
    before = {p.name: p.read_bytes() for p in sample_report.folder.iterdir()}
    broken = tmp_path / "broken.ipynb"
    parameters = new_code_cell("input_path = None")
    parameters.metadata["tags"] = ["parameters"]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cells = [parameters, new_code_cell("raise RuntimeError('坏了')")]
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": kernelspec}), broken)
    with pytest.raises(Exception, match="坏了"):
        render_report(SAMPLE, out_root, notebook=broken)
    assert {p.name: p.read_bytes() for p in sample_report.folder.iterdir()} == before
    assert _left_behind(out_root / "2022") == []


@pytest.fixture(scope="module")
def filed_report(tmp_path_factory):
    """平阳县 (a sample that fails, so its plan has steps) with its 基本信息 filled in on
    2023-01-15, a rate typed as 0.95 (a located warning), a review and an evidence folder,
    all in a temp folder whose path must appear in nothing shared."""
    import openpyxl

    from assessment.inputs.json_form import content_sha256
    from assessment.inputs.workbook import write_workbook

    rubric = api.default_rubric()
    folder = tmp_path_factory.mktemp("本机目录")
    inp = api.load(SAMPLE.with_name("平阳县.xlsx"), rubric)
    info = {"填报单位": "平阳县综合行政执法队", "填报人": "张三", "联系电话": "0577-12345678", "填报日期": "2023-01-15"}
    path = folder / "平阳县.xlsx"
    write_workbook(dataclasses.replace(inp, info=info), rubric, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["指标填报"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "s03_claim_rate")
    ws[f"D{row}"] = 0.95
    wb.save(path)
    written = api.load(path, rubric)
    assert written.warnings and str(folder) not in written.warnings[0]
    review = folder / "平阳县.review.json"
    review.write_text(json.dumps({
        "district": "平阳县", "year": 2022, "input_sha256": content_sha256(written), "reviewer": "李四",
        "date": "2023-03-01", "changes": [], "notes": [{"path": "answers.s01_group_established", "comment": "文件齐全"}],
    }, ensure_ascii=False), encoding="utf-8")
    (folder / "佐证").mkdir()
    return folder, render_report(path, folder / "out", review=review, evidence=folder / "佐证")


def test_shared_documents_name_files_never_the_local_folder_they_came_from(filed_report):
    folder, paths = filed_report
    for shared in (paths.html, paths.scores, paths.folder / "plan.json"):
        text = shared.read_text(encoding="utf-8")
        assert str(folder) not in text and folder.name not in text, shared.name
    scores = json.loads(paths.scores.read_text(encoding="utf-8"))
    assert scores["provenance"]["input"] == "平阳县.xlsx" and scores["provenance"]["review"] == "平阳县.review.json"
    assert scores["review"]["file"] == "平阳县.review.json"
    assert any(w.startswith("平阳县.xlsx 工作表「指标填报」") for w in scores["warnings"])


def test_basic_info_reaches_the_reports_head_and_scores_json_and_the_plan_is_due_after_filing(filed_report):
    _, paths = filed_report
    scores = json.loads(paths.scores.read_text(encoding="utf-8"))
    assert scores["basic_info"] == {"unit": "平阳县综合行政执法队", "filer": "张三", "phone": "0577-12345678",
                                    "filed": "2023-01-15"}
    html = paths.html.read_text(encoding="utf-8")
    head = html[html.index('<header class="report-head">'):html.index("</header>")]
    for shown in ("填报单位：平阳县综合行政执法队", "填报人：张三", "联系电话：0577-12345678", "填报日期：2023-01-15"):
        assert shown in head
    plan = json.loads((paths.folder / "plan.json").read_text(encoding="utf-8"))
    assert plan["actions"] and all("2023-01-15" <= a["due"] <= "2023-12-31" for a in plan["actions"])
