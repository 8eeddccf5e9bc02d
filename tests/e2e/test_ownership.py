"""The tool writes only its own files (proven by its ledger, see test_ownership_proof.py): nothing a
person keeps in an output folder is lost,
and an output that would harm anything is refused with exit 2 and the path named."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.cli.app import main
from assessment.inputs.files import batch_inputs
from assessment.publish.ledger import LEDGER
from assessment.publish.outputs import (
    LOCK,
    OutputError,
    OutputLock,
    clean_staging,
    district_dirname,
    publish_files,
)
from assessment.report.district import read_previous_scores
from assessment.util.console import safe

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
SAMPLE = SAMPLES / "龙湾区.xlsx"
CLI = [sys.executable, "-m", "assessment"]


def files_below(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` but the tool's ledgers (the proof of what it wrote)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != LEDGER
    }


# --------------------------------------------------------------------------- publishing


def test_publish_replaces_owned_files_and_keeps_every_other_file(tmp_path):
    folder = tmp_path / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    publish_files(folder, {"report.html": "旧报告".encode()})
    (folder / "审核意见.docx").write_bytes(b"notes")
    (folder / "佐证材料").mkdir()
    (folder / "佐证材料" / "照片.jpg").write_bytes(b"jpg")
    publish_files(folder, {"report.html": "新报告".encode(), "scores.json": b"{}"})
    assert files_below(folder) == {
        "report.html": "新报告".encode(),
        "scores.json": b"{}",
        "审核意见.docx": b"notes",
        "佐证材料/照片.jpg": b"jpg",
    }


def test_publish_refuses_a_plain_file_where_the_folder_goes_and_leaves_it(tmp_path):
    (tmp_path / "2022").mkdir()
    plain = tmp_path / "2022" / "龙湾区"
    plain.write_text("a person's file", encoding="utf-8")
    with pytest.raises(OutputError, match="龙湾区"):
        publish_files(plain, {"report.html": b"x"})
    assert plain.read_text("utf-8") == "a person's file"
    assert [p.name for p in (tmp_path / "2022").iterdir()] == ["龙湾区"]


def test_publish_refuses_to_overwrite_an_input_or_a_folder_with_an_owned_name(tmp_path):
    (tmp_path / "scores.json").write_text("an input", encoding="utf-8")
    with pytest.raises(OutputError, match="输出不能覆盖输入"):
        publish_files(tmp_path, {"scores.json": b"{}"}, [tmp_path / "scores.json"])
    (tmp_path / "report.html").mkdir()
    with pytest.raises(OutputError, match="report.html"):
        publish_files(tmp_path, {"report.html": b"x"})
    assert (tmp_path / "scores.json").read_text("utf-8") == "an input"


def test_publish_writes_none_when_staging_fails(tmp_path, monkeypatch):
    publish_files(tmp_path, {"report.html": "旧".encode()})
    real_fsync = os.fsync
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match="磁盘空间不足"):
        publish_files(tmp_path, {"report.html": "新".encode(), "scores.json": b"{}"})
    assert files_below(tmp_path) == {"report.html": "旧".encode()}


def test_staging_leftovers_of_a_killed_run_are_cleaned_and_nothing_else(tmp_path):
    leftovers = [".report.html.0123456789abcdef.tmp", ".永嘉县.fedcba9876543210.new", ".永嘉县.fedcba9876543210.old"]
    for name in leftovers:
        (tmp_path / name).mkdir() if name.endswith((".new", ".old")) else (tmp_path / name).write_bytes(b"")
    kept = [".gitkeep", ".notes.tmp", "report.0123456789abcdef.tmp", ".x.0123456789ABCDEF.tmp"]
    for name in kept:
        (tmp_path / name).write_bytes(b"")
    clean_staging(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(kept)


@pytest.mark.parametrize("name", ["manifest.json", "summary.html", "Summary.XLSX", "batch.log", "report.pdf"])
def test_a_district_named_like_a_tool_file_gets_a_distinct_folder(name):
    assert district_dirname(name) == f"_{name}"
    assert district_dirname("龙湾区") == "龙湾区"


# --------------------------------------------------------------------------- the lock


def test_a_second_run_on_a_locked_output_is_refused_naming_the_holder(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / LOCK).write_text(
            json.dumps(
                {"pid": holder.pid, "host": os.uname().nodename, "started": "2026-01-01T00:00:00",
                 "command": "assessment batch x"}
            ),
            encoding="utf-8",
        )
        with pytest.raises(OutputError, match=f"进程 {holder.pid}.*assessment batch x"):
            OutputLock(tmp_path).acquire()
        assert main(["batch", str(SAMPLES), "--out", str(tmp_path)]) == 2
    finally:
        holder.kill()
        holder.wait()


def test_a_stale_lock_of_a_dead_process_is_taken_over_and_released(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / LOCK).write_text(
        json.dumps({"pid": dead.pid, "host": os.uname().nodename, "started": "x", "command": "killed"}), encoding="utf-8"
    )
    with OutputLock(tmp_path, command="me") as lock:
        assert json.loads(lock.path.read_text("utf-8"))["pid"] == os.getpid()
        with pytest.raises(OutputError, match="正被另一次运行使用"):
            OutputLock(tmp_path).acquire()
    assert list(tmp_path.iterdir()) == []


def test_the_lock_works_on_a_file_system_without_hard_links(tmp_path, monkeypatch):
    def no_links(*_):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    with OutputLock(tmp_path, command="me"):
        with pytest.raises(OutputError, match="正被另一次运行使用"):
            OutputLock(tmp_path).acquire()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- refused commands


def _refused(argv: list[str], capsys, *expected: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Errno" not in err and "Traceback" not in err
    for text in expected:
        assert text in err
    return err


def test_report_refuses_a_plain_file_where_the_district_folder_goes(tmp_path, capsys):
    (tmp_path / "2022").mkdir()
    plain = tmp_path / "2022" / "龙湾区"
    plain.write_text("mine", encoding="utf-8")
    _refused(["report", str(SAMPLE), "--out", str(tmp_path)], capsys, str(plain))
    assert plain.read_text("utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["2022", "龙湾区"]


def test_report_refuses_an_input_that_would_be_overwritten(tmp_path, capsys):
    folder = tmp_path / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    from assessment import api
    from assessment.inputs.json_form import input_to_json

    (folder / "scores.json").write_text(input_to_json(api.load(SAMPLE)), encoding="utf-8")
    before = files_below(tmp_path)
    _refused(["report", str(folder / "scores.json"), "--out", str(tmp_path)], capsys, "输出不能覆盖输入")
    assert files_below(tmp_path) == before


def test_batch_refuses_a_missing_data_folder_and_an_output_equal_to_it(tmp_path, capsys):
    _refused(["batch", str(tmp_path / "无此目录"), "--out", str(tmp_path / "out")], capsys, "无此目录", "不存在")
    _refused(["batch", str(tmp_path), "--out", str(tmp_path)], capsys, "与填报文件目录相同")
    assert list(tmp_path.iterdir()) == []


def test_batch_refuses_an_output_that_is_a_plain_file(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "out").write_text("mine", encoding="utf-8")
    _refused(["batch", str(data), "--out", str(tmp_path / "out")], capsys, str(tmp_path / "out"), "应为文件夹")
    assert (tmp_path / "out").read_text("utf-8") == "mine"


def test_template_into_a_folder_is_refused(tmp_path, capsys):
    _refused(["template", str(tmp_path)], capsys, str(tmp_path), "应为文件名")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["report", "batch"])
def test_a_previous_that_is_missing_or_not_a_previous_run_is_refused_before_any_work(tmp_path, capsys, command):
    out = tmp_path / "out"
    source = str(SAMPLE) if command == "report" else str(SAMPLES)
    _refused([command, source, "--out", str(out), "--previous", str(tmp_path / "无")], capsys, "往年输出目录")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "notes.txt").write_text("x", encoding="utf-8")
    _refused([command, source, "--out", str(out), "--previous", str(garbage)], capsys, "不是往年的输出目录")
    assert not out.exists()


def test_a_damaged_previous_scores_file_costs_only_the_comparison(tmp_path):
    for name, content in {"a.json": "{garbage", "b.json": "[]", "c.json": '{"district": "x"}'}.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
        scores, warning = read_previous_scores(tmp_path / name)
        assert scores is None and name in warning and "未作同比" in warning


# --------------------------------------------------------------------------- terminal output


def test_control_characters_of_user_text_are_shown_escaped():
    assert safe("龙湾\x1b[31m区\x00\u202e") == "龙湾\\x1b[31m区\\x00\\u202e"
    assert safe("鹿城区 2022年") == "鹿城区 2022年"


def test_a_closed_pipe_ends_score_quietly():
    files = [str(p) for p in sorted(SAMPLES.glob("*.xlsx"))[:3]]
    proc = subprocess.Popen([*CLI, "score", *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head` that has read what it wanted
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0
    assert err == ""


def test_batch_skips_hidden_and_system_files_and_names_them(tmp_path):
    for name in ("龙湾区.xlsx", ".龙湾区.xlsx", "._龙湾区.xlsx", "~$龙湾区.xlsx", "manifest.json", "说明.txt"):
        shutil.copy(SAMPLE, tmp_path / name)
    files, skipped = batch_inputs(tmp_path)
    assert files == [tmp_path / "龙湾区.xlsx"]
    assert sorted(s["file"] for s in skipped) == sorted([".龙湾区.xlsx", "._龙湾区.xlsx", "manifest.json"])


def test_a_report_folders_copy_of_its_input_is_an_input_to_a_batch(tmp_path):
    """`batch outputs/2022/龙湾区` re-reads the report's own input copy (填报文件.xlsx), never
    its scores.json or plan.json."""
    shutil.copy(SAMPLE, tmp_path / "填报文件.xlsx")
    (tmp_path / "scores.json").write_text("{}", "utf-8")
    files, skipped = batch_inputs(tmp_path)
    assert files == [tmp_path / "填报文件.xlsx"]
    assert [s["file"] for s in skipped] == ["scores.json"]


def test_a_report_into_the_folder_holding_its_input_keeps_the_input_and_people_files(tmp_path):
    """`assessment report data/2022/乐清市/乐清市.xlsx --out data`, run twice, with a person's
    files in the district folder; the run leaves nothing in the temporary folder."""
    folder = tmp_path / "data" / "2022" / "乐清市"
    (folder / "佐证材料").mkdir(parents=True)
    source = folder / "乐清市.xlsx"
    shutil.copy(SAMPLES / "乐清市.xlsx", source)
    (folder / "审核意见.docx").write_bytes(b"notes")
    (folder / "佐证材料" / "照片.jpg").write_bytes(b"jpg")
    people = files_below(folder)
    temp = tmp_path / "tmp"
    temp.mkdir()
    # A home folder that cannot be written (a service account) must not leave temp folders either.
    env = {**os.environ, "TMPDIR": str(temp), "HOME": str(tmp_path / "无此目录")}
    for _ in range(2):
        run = subprocess.run([*CLI, "report", str(source), "--out", str(tmp_path / "data")], capture_output=True, env=env)
        assert run.returncode == 0, run.stderr.decode()
    after = files_below(folder)
    assert {k: after[k] for k in people} == people
    assert set(after) - set(people) == {"report.html", "report.ipynb", "scores.json", "plan.json", "填报文件.xlsx"}
    # Only the proof of what it wrote: the district folder's, and those of the folders its index.html went to.
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob(".*")) == [
        f"data/{LEDGER}", f"data/2022/{LEDGER}", f"data/2022/乐清市/{LEDGER}"
    ]
    assert (tmp_path / "data" / "index.html").is_file() and (tmp_path / "data" / "2022" / "index.html").is_file()
    assert list(temp.iterdir()) == []


def test_withdrawing_removes_only_what_the_tool_provably_wrote(tmp_path):
    from assessment.publish.ledger import read_ledger
    from assessment.publish.outputs import input_copy_name, publish_files, withdraw_files

    publish_files(tmp_path, {"report.pdf": b"old pdf", "填报文件.xlsx": b"old input"})
    (tmp_path / "填报文件.xlsx").write_bytes(b"a person saved over it")
    assert withdraw_files(tmp_path, ["report.pdf", "填报文件.xlsx", "填报文件.json"]) == ["report.pdf"]
    assert not (tmp_path / "report.pdf").exists()
    assert (tmp_path / "填报文件.xlsx").read_bytes() == b"a person saved over it"
    assert "report.pdf" not in read_ledger(tmp_path)
    assert [input_copy_name(n) for n in ("龙湾区.json", "龙湾区.XLSM", "龙湾区.xlsx", "龙湾区.xls")] == [
        "填报文件.json", "填报文件.xlsm", "填报文件.xlsx", "填报文件.xlsx"
    ]
