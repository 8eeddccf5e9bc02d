"""Ownership by proof, not by name (issue 18): the tool replaces a file only when the folder's
ledger proves it wrote exactly those bytes; every writing command refuses, with exit 2 and
one sentence naming the path, an output that is an input, a file it did not write, a special
file, or a folder link leading out of --out; `--force` replaces a person's plain file
knowingly, never an input or a special file; a document people fill in (template, review
template, task list) is never replaced without --force."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from assessment.cli.app import main
from assessment.publish.ledger import LEDGER, read_ledger, sha256_bytes
from assessment.publish.outputs import OutputError, publish_files

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
SAMPLE = SAMPLES / "龙湾区.xlsx"


def refused(argv: list[str], capsys, *expected: str) -> str:
    """The command ends with exit 2 and one Chinese error naming what it expected."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "Traceback" not in err and "Errno" not in err
    for text in expected:
        assert text in err
    return err


def copy_sample(folder: Path, name: str = "龙湾区.xlsx") -> Path:
    target = folder / name
    shutil.copy(SAMPLES / name, target)
    return target


# --------------------------------------------------------------------------- the ledger


def test_publishing_records_each_file_and_its_sha256_in_the_folders_ledger(tmp_path):
    publish_files(tmp_path, {"report.html": b"<html>", "scores.json": b"{}"})
    assert read_ledger(tmp_path) == {"report.html": [sha256_bytes(b"<html>")], "scores.json": [sha256_bytes(b"{}")]}


def test_a_file_the_tool_wrote_and_nobody_changed_is_replaced(tmp_path):
    publish_files(tmp_path, {"report.html": b"first"})
    publish_files(tmp_path, {"report.html": b"second"})
    assert (tmp_path / "report.html").read_bytes() == b"second"
    assert read_ledger(tmp_path)["report.html"] == [sha256_bytes(b"second")]


def test_a_run_killed_while_renaming_leaves_every_file_provable(tmp_path, monkeypatch):
    publish_files(tmp_path, {"report.html": b"old", "scores.json": b"old"})
    real_replace = os.replace
    renamed = []

    def killed_after_first_rename(src, dst):
        if renamed:
            raise KeyboardInterrupt
        renamed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed_after_first_rename)
    with pytest.raises(KeyboardInterrupt):
        publish_files(tmp_path, {"report.html": b"new", "scores.json": b"new"})
    monkeypatch.setattr(os, "replace", real_replace)
    publish_files(tmp_path, {"report.html": b"newer", "scores.json": b"newer"})
    assert (tmp_path / "report.html").read_bytes() == (tmp_path / "scores.json").read_bytes() == b"newer"


def test_a_file_changed_since_the_tool_wrote_it_is_refused_unless_forced(tmp_path):
    publish_files(tmp_path, {"report.html": b"first"})
    (tmp_path / "report.html").write_bytes("我加的批注".encode())
    with pytest.raises(OutputError, match="不是本工具生成的.*--force"):
        publish_files(tmp_path, {"report.html": b"second"})
    assert (tmp_path / "report.html").read_bytes() == "我加的批注".encode()
    publish_files(tmp_path, {"report.html": b"second"}, force=True)
    assert (tmp_path / "report.html").read_bytes() == b"second"


@pytest.mark.parametrize("name", ["report.html", "manifest.json"])
def test_a_persons_own_file_with_a_tool_name_is_never_replaced_silently(tmp_path, name):
    (tmp_path / name).write_text("本人保存的文件", encoding="utf-8")
    with pytest.raises(OutputError, match=name):
        publish_files(tmp_path, {name: b"tool"})
    assert (tmp_path / name).read_text("utf-8") == "本人保存的文件"


def test_outputs_of_earlier_versions_without_a_ledger_are_refused_with_a_hint_to_force(tmp_path):
    """Decision: files from before the ledger are not adopted (a report's bytes differ on each
    run, so they could never be proven); the message says --force, once, replaces them."""
    (tmp_path / "scores.json").write_text("{}", encoding="utf-8")
    with pytest.raises(OutputError, match="--force"):
        publish_files(tmp_path, {"scores.json": b"{}"})


def test_a_damaged_ledger_proves_nothing(tmp_path):
    publish_files(tmp_path, {"report.html": b"first"})
    (tmp_path / LEDGER).write_text("{broken", encoding="utf-8")
    with pytest.raises(OutputError):
        publish_files(tmp_path, {"report.html": b"second"})


def test_force_never_replaces_an_input_or_a_special_file(tmp_path):
    (tmp_path / "scores.json").write_text("an input", encoding="utf-8")
    with pytest.raises(OutputError, match="输出不能覆盖输入"):
        publish_files(tmp_path, {"scores.json": b"{}"}, [tmp_path / "scores.json"], force=True)
    os.mkfifo(tmp_path / "report.html")
    with pytest.raises(OutputError, match="不是普通文件"):
        publish_files(tmp_path, {"report.html": b"x"}, force=True)
    assert (tmp_path / "report.html").is_fifo()


def test_a_year_folder_linking_out_of_the_output_root_is_refused(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "2022").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputError, match="输出目录.*之外"):
        publish_files(out / "2022", {"manifest.json": b"{}"}, root=out)
    assert list(elsewhere.iterdir()) == []


# --------------------------------------------------------------------------- documents people fill in


def test_template_run_twice_refuses_the_second_time_and_keeps_the_workbook(tmp_path, capsys):
    out = tmp_path / "龙湾区.xlsx"
    assert main(["template", str(out)]) == 0
    out.write_bytes(SAMPLE.read_bytes())  # the office filled it in
    refused(["template", str(out)], capsys, str(out), "已存在", "--force")
    assert out.read_bytes() == SAMPLE.read_bytes()
    assert main(["template", str(out), "--force"]) == 0
    assert out.read_bytes() != SAMPLE.read_bytes()


def test_template_onto_a_fifo_is_refused_even_with_force(tmp_path, capsys):
    fifo = tmp_path / "模板.xlsx"
    os.mkfifo(fifo)
    refused(["template", str(fifo)], capsys, str(fifo), "不是普通文件")
    refused(["template", str(fifo), "--force"], capsys, "不是普通文件")
    assert fifo.is_fifo()


def test_template_onto_a_device_node_is_refused(capsys):
    refused(["template", "/dev/null", "--force"], capsys, "/dev/null", "不是普通文件")


def test_review_template_onto_its_own_input_is_refused(tmp_path, capsys):
    source = copy_sample(tmp_path)
    before = source.read_bytes()
    refused(["review-template", str(source), str(source), "--force"], capsys, str(source), "输出不能覆盖输入")
    assert source.read_bytes() == before


def test_review_template_over_a_filled_review_is_refused(tmp_path, capsys):
    source = copy_sample(tmp_path)
    review = tmp_path / "复核-龙湾区.xlsx"
    assert main(["review-template", str(source), str(review)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(review)
    wb.active.cell(wb.active.max_row + 2, 1, "复核人：张三")  # the reviewer's saved work
    wb.save(review)
    filled = review.read_bytes()
    refused(["review-template", str(source), str(review)], capsys, str(review), "已存在", "--force")
    assert review.read_bytes() == filled
    assert main(["review-template", str(source), str(review), "--force"]) == 0


def test_plan_tasks_onto_its_own_input_is_refused(tmp_path, capsys):
    source = copy_sample(tmp_path)
    before = source.read_bytes()
    refused(["plan", str(source), "--tasks", str(source), "--force"], capsys, str(source), "输出不能覆盖输入")
    assert source.read_bytes() == before


def test_plan_tasks_over_last_months_list_is_refused_and_its_status_kept(tmp_path, capsys):
    """Decision: an existing task list is refused (its 状态 column is the office's record);
    --force replaces it knowingly."""
    source = copy_sample(tmp_path, "平阳县.xlsx")  # 未达标: its list has rows
    tasks = tmp_path / "整改任务清单.xlsx"
    assert main(["plan", str(source), "--tasks", str(tasks)]) == 0
    from openpyxl import load_workbook

    wb = load_workbook(tasks)
    wb.active["F2"] = "已完成"
    wb.save(tasks)
    last_month = tasks.read_bytes()
    refused(["plan", str(source), "--tasks", str(tasks)], capsys, str(tasks), "已存在", "--force")
    assert tasks.read_bytes() == last_month
    assert main(["plan", str(source), "--tasks", str(tasks), "--force"]) == 0
    assert load_workbook(tasks).active["F2"].value == "未开始"


# --------------------------------------------------------------------------- convert


def test_convert_onto_another_districts_input_is_refused(tmp_path, capsys):
    source = copy_sample(tmp_path)
    other = copy_sample(tmp_path, "鹿城区.xlsx")
    before = other.read_bytes()
    refused(["convert", str(source), str(other)], capsys, str(other), "不是本工具生成的", "--force")
    assert other.read_bytes() == before


def test_convert_onto_its_own_source_is_refused_even_with_force(tmp_path, capsys):
    source = copy_sample(tmp_path)
    refused(["convert", str(source), str(source), "--force"], capsys, "输出不能覆盖输入")


def test_convert_may_replace_its_own_unchanged_output_but_not_an_edited_one(tmp_path, capsys):
    source = copy_sample(tmp_path)
    dst = tmp_path / "龙湾区.json"
    assert main(["convert", str(source), str(dst)]) == 0
    assert main(["convert", str(source), str(dst)]) == 0
    edited = json.loads(dst.read_text("utf-8"))
    edited["district"] = "龙湾区（改）"
    dst.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    refused(["convert", str(source), str(dst)], capsys, str(dst))
    assert json.loads(dst.read_text("utf-8"))["district"] == "龙湾区（改）"


# --------------------------------------------------------------------------- report and batch


def test_report_refuses_a_persons_own_report_html_in_the_district_folder(tmp_path, capsys):
    folder = tmp_path / "out" / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("本人的报告", encoding="utf-8")
    refused(["report", str(SAMPLE), "--out", str(tmp_path / "out")], capsys, str(folder / "report.html"), "--force")
    assert (folder / "report.html").read_text("utf-8") == "本人的报告"
    assert sorted(p.name for p in folder.iterdir()) == ["report.html"]


def test_report_refuses_a_district_folder_linking_out_of_out(tmp_path, capsys):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / "2022").mkdir(parents=True)
    elsewhere.mkdir()
    (out / "2022" / "龙湾区").symlink_to(elsewhere, target_is_directory=True)
    refused(["report", str(SAMPLE), "--out", str(out), "--force"], capsys, "之外")
    assert list(elsewhere.iterdir()) == []


def test_batch_refuses_a_persons_own_manifest_in_out(tmp_path, capsys):
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    out.mkdir()
    copy_sample(data)
    (out / "manifest.json").write_text('{"mine": true}', encoding="utf-8")
    refused(["batch", str(data), "--out", str(out)], capsys, str(out / "manifest.json"), "--force")
    assert (out / "manifest.json").read_text("utf-8") == '{"mine": true}'
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


def test_batch_refuses_a_year_folder_linking_out_of_out_before_any_work(tmp_path, capsys):
    data, out, elsewhere = tmp_path / "data", tmp_path / "out", tmp_path / "elsewhere"
    data.mkdir()
    out.mkdir()
    elsewhere.mkdir()
    copy_sample(data)
    (out / "2022").symlink_to(elsewhere, target_is_directory=True)
    refused(["batch", str(data), "--out", str(out), "--force"], capsys, str(out / "2022"), "之外")
    assert list(elsewhere.iterdir()) == []


def test_batch_fails_a_district_whose_folder_holds_a_persons_report_and_keeps_it(tmp_path, capsys):
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    copy_sample(data)
    folder = out / "2022" / "龙湾区"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("本人的报告", encoding="utf-8")
    assert main(["batch", str(data), "--out", str(out), "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert "生成失败：龙湾区" in err and str(folder / "report.html") in err and "--force" in err
    assert (folder / "report.html").read_text("utf-8") == "本人的报告"
    (district,) = json.loads((out / "2022" / "manifest.json").read_text("utf-8"))["districts"]
    assert district["status"] == "failed"
