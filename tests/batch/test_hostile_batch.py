"""A city batch survives hostile data and output folders: the 12 samples plus one bad file of
each kind still give 12 reports, the summary and a manifest that names each bad file and why;
nothing a person keeps is lost; the executed notebooks carry no error and no stderr noise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pytest

from assessment import api
from assessment.batch import run as batch
from assessment.batch.summary_step import default_summary_notebook
from assessment.inputs.json_form import input_to_dict
from assessment.publish.kernels import run_notebook
from assessment.publish.ledger import LEDGER
from assessment.publish.outputs import LOCK

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
SAMPLE_DISTRICTS = sorted(p.stem for p in SAMPLES.glob("*.xlsx"))
NUL_DISTRICT = "空\x00字区"


def _json(folder: Path, name: str, data: dict) -> None:
    (folder / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data, out, previous = root / "data", root / "out", root / "previous"
    data.mkdir()
    for path in SAMPLES.glob("*.xlsx"):
        shutil.copy(path, data / path.name)
    base = input_to_dict(api.load(SAMPLES / "龙湾区.xlsx"))
    fake = {**base, "district": "乐清市", "answers": {}}
    _json(data, ".乐清市.json", fake)  # a hidden copy must not win over 乐清市.xlsx
    (data / "._乐清市.xlsx").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    (data / "损坏.xlsx").write_bytes(bytes(range(256)) * 4)
    equipment = dict(list(base["equipment"].items())[3:])  # some ids omitted: quantity 0
    _json(data, "缺装备区.json", {**base, "district": "缺装备区", "equipment": equipment})
    _json(data, "清单.json", {**base, "district": "manifest.json"})
    _json(data, "控制字符.json", {**base, "district": NUL_DISTRICT})
    _json(data, "公式.json", {**base, "district": "=1+1区"})

    kept = out / "2022" / "龙湾区" / "审核意见.docx"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"reviewer's notes")
    (out / "2022" / ".永嘉县.0123456789abcdef.new").mkdir()  # a killed older run's staging
    (kept.parent / ".report.html.0123456789abcdef.tmp").write_bytes(b"half")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / LOCK).write_text(
        json.dumps({"pid": dead.pid, "host": os.uname().nodename, "started": "x", "command": "killed"}), encoding="utf-8"
    )
    (previous / "2021" / "龙湾区").mkdir(parents=True)
    (previous / "2021" / "龙湾区" / "scores.json").write_text("{damaged", encoding="utf-8")

    outcome = batch.run_batch(data, out, jobs=2, previous=previous, progress=False)
    return outcome, data, out


def test_every_good_district_is_reported_and_the_summary_made(hostile):
    outcome, _, out = hostile
    ok = {d.district for d in outcome.with_status("ok")}
    assert ok == {*SAMPLE_DISTRICTS, "缺装备区", "manifest.json", "=1+1区"}
    for name in SAMPLE_DISTRICTS:
        assert (out / "2022" / name / "report.html").is_file()
    assert [s.error for s in outcome.summaries] == [None]
    assert (out / "2022" / "summary.html").is_file()


def test_the_manifest_names_each_bad_file_and_why(hostile):
    _, _, out = hostile
    top = json.loads((out / "manifest.json").read_text("utf-8"))
    bad = {e["file"]: e for e in top["districts"] if e["status"] != "ok"}
    assert set(bad) == {"控制字符.json", "损坏.xlsx"} and bad["损坏.xlsx"]["errors"]
    # A name with a control character is refused, not silently altered: the report would
    # otherwise disagree with the file the analyst sees.
    assert bad["控制字符.json"]["status"] == "invalid"
    assert any("$.district" in e and "U+0000" in e for e in bad["控制字符.json"]["errors"]), bad["控制字符.json"]["errors"]
    skipped = {s["file"]: s["reason"] for s in top["skipped"]}
    assert set(skipped) == {".乐清市.json", "._乐清市.xlsx"} and all("隐藏" in r for r in skipped.values())


def test_a_hidden_copy_never_replaces_the_real_input(hostile):
    outcome, data, out = hostile
    yueqing = next(d for d in outcome.districts if d.district == "乐清市")
    assert yueqing.input == data / "乐清市.xlsx"
    scores = json.loads((out / "2022" / "乐清市" / "scores.json").read_text("utf-8"))
    assert scores["total"] == api.scores_dict(api.score_path(SAMPLES / "乐清市.xlsx"))["total"]


def test_district_names_never_clash_with_tool_files_nor_break_the_workbook(hostile):
    _, _, out = hostile
    year = out / "2022"
    assert json.loads((year / "manifest.json").read_text("utf-8"))["year"] == 2022
    assert (year / "_manifest.json" / "scores.json").is_file()
    cells = {c.value: c for c in openpyxl.load_workbook(year / "summary.xlsx")["排名"]["B"][1:]}
    assert "缺装备区" in cells
    assert cells["=1+1区"].data_type == "s" and cells["=1+1区"].quotePrefix  # shown as typed, never evaluated


def test_people_files_survive_and_no_staging_or_lock_is_left(hostile):
    _, _, out = hostile
    assert (out / "2022" / "龙湾区" / "审核意见.docx").read_bytes() == b"reviewer's notes"
    assert [p.name for p in out.rglob(".*")] == [LEDGER] * len(list(out.rglob(LEDGER)))  # only the proof of what it wrote
    assert (out / "batch.log").is_file()


def test_a_damaged_previous_district_is_a_warning_not_a_failure(hostile):
    outcome, _, _ = hostile
    longwan = next(d for d in outcome.districts if d.district == "龙湾区")
    assert longwan.status == "ok"
    assert any("往年得分文件" in w and "未作同比" in w for w in longwan.warnings)


def _noise(nb: nbformat.NotebookNode) -> list[str]:
    return [
        out.get("ename") or "".join(out.get("text", ""))
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out["output_type"] == "error" or (out["output_type"] == "stream" and out["name"] == "stderr")
    ]


def test_executed_notebooks_have_no_error_and_no_stderr(hostile, tmp_path):
    _, _, out = hostile
    for name in SAMPLE_DISTRICTS:
        assert _noise(nbformat.read(out / "2022" / name / "report.ipynb", as_version=4)) == [], name
    summary = run_notebook(default_summary_notebook(), None, {"inputs_dir": str(SAMPLES)})
    assert _noise(summary) == []


def test_cli_prints_user_text_escaped(tmp_path, capsys):
    data = tmp_path
    (data / "终端.json").write_text(
        json.dumps({**input_to_dict(api.load(SAMPLES / "龙湾区.xlsx")), "district": "\x1b[2J区"}, ensure_ascii=False),
        encoding="utf-8",
    )
    from assessment.cli.app import main

    assert main(["validate", str(data / "终端.json")]) == 2  # the name is refused, with its location
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err
    assert "$.district" in printed.err and "U+001B" in printed.err


def test_cli_prints_a_file_name_with_terminal_escapes_escaped(tmp_path, capsys):
    """File names are user text too: a name carrying an escape sequence cannot drive the terminal."""
    from assessment.cli.app import main

    path = tmp_path / "\x1b[31m龙湾区.json"
    path.write_text(json.dumps(input_to_dict(api.load(SAMPLES / "龙湾区.xlsx")), ensure_ascii=False), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "\\x1b[31m龙湾区.json" in printed
