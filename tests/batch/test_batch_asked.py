"""What a batch is asked for is done or said: reviews found by the district named inside
them (any file name, in --review or beside the inputs), every unused review named, one
district however its name is typed, and batch.log telling what the manifest counts."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from assessment.batch import progress as batch_progress
from assessment.batch import run as batch
from assessment.inputs.json_form import input_to_json
from assessment.samples import perfect_input

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
SAMPLES = EXAMPLES / "wenzhou-2022"
LONGWAN_REVIEW = EXAMPLES / "wenzhou-2022-reviews" / "龙湾区.review.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quiet_batch(data: Path, out: Path, **options) -> tuple:
    progress = batch_progress.make_progress
    batch_progress.make_progress = lambda total, wanted, _stream=None: progress(total, wanted, io.StringIO())
    try:
        outcome = batch.run_batch(data, out, jobs=2, **options)
    finally:
        batch_progress.make_progress = progress
    return outcome, json.loads((out / "manifest.json").read_text("utf-8"))


def review_of(district: str, folder: Path, name: str) -> Path:
    """The sample 龙湾区 review made to name `district` inside, saved as `name`."""
    data = json.loads(LONGWAN_REVIEW.read_text("utf-8"))
    data["district"] = district
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def beside(tmp_path_factory, rubric):
    """No --review: 龙湾区 with its review beside it as 复核-龙湾区.json, a review of 乐清市
    (no input), 开发区1 typed in half and in full width, and a corrupt workbook."""
    root = tmp_path_factory.mktemp("asked-beside")
    data = root / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "龙湾区.xlsx", data)
    shutil.copy(LONGWAN_REVIEW, data / "复核-龙湾区.json")
    review_of("乐清市", data, "复核-乐清市.json")
    for name, district in (("开发区-1-半角.json", "开发区1"), ("开发区-2-全角.json", "开发区１ ")):
        (data / name).write_text(input_to_json(perfect_input(rubric, district=district)), encoding="utf-8")
    (data / "损坏.xlsx").write_bytes(bytes(range(256)) * 7)
    outcome, top = quiet_batch(data, root / "out")
    return outcome, top, root / "out", data


def test_a_review_beside_the_inputs_is_that_districts_review_whatever_its_name(beside):
    _, top, _, data = beside
    entries = {e["file"]: e for e in top["districts"]}
    assert "复核-龙湾区.json" not in entries and "复核-乐清市.json" not in entries  # never read as inputs
    longwan = entries["龙湾区.xlsx"]
    assert longwan["status"] == "ok"
    assert longwan["review_sha256"] == sha256(data / "复核-龙湾区.json")


def test_a_review_of_no_input_is_named_in_the_manifest_and_batch_log(beside):
    outcome, top, out, _ = beside
    skipped = {s["file"]: s["reason"] for s in top["skipped"]}
    assert "乐清市" in skipped["复核-乐清市.json"] and "未使用" in skipped["复核-乐清市.json"]
    assert {"file": "复核-乐清市.json", "reason": skipped["复核-乐清市.json"]} in outcome.skipped
    assert "复核-乐清市.json" in (out / "batch.log").read_text("utf-8")


def test_one_district_typed_in_two_widths_is_one_district_and_one_folder(beside):
    _, top, out, _ = beside
    entries = {e["file"]: e for e in top["districts"]}
    assert entries["开发区-1-半角.json"]["status"] == "ok"
    second = entries["开发区-2-全角.json"]
    assert second["status"] == "invalid" and second["district"] == "开发区1"
    assert "地区和年度相同" in second["errors"][0] and "开发区-1-半角.json" in second["errors"][0]
    year_dir = out / str(entries["开发区-1-半角.json"]["year"])
    assert sorted(p.name for p in year_dir.iterdir() if p.is_dir() and p.name.startswith("开发区")) == ["开发区1"]


def test_batch_log_counts_and_lists_what_the_manifest_counts(beside):
    from assessment.batch.manifest import counts_line

    outcome, top, out, _ = beside
    log = (out / "batch.log").read_text("utf-8")
    assert top["counts"] == {"ok": 2, "invalid": 2, "failed": 0}
    assert log.splitlines()[0] == counts_line(outcome.districts) == "共4个填报文件：2个已生成报告，2个校验未通过，0个生成失败"
    assert "没有失败" not in log
    assert "损坏.xlsx" in log and "开发区-2-全角.json" in log and log.count("校验未通过 ==") == 2


def test_review_folder_reviews_are_found_by_the_district_inside_and_reviews_beside_are_then_unused(tmp_path):
    data, reviews = tmp_path / "data", tmp_path / "reviews"
    data.mkdir()
    reviews.mkdir()
    shutil.copy(SAMPLES / "龙湾区.xlsx", data)
    shutil.copy(LONGWAN_REVIEW, data / "龙湾区的复核.json")
    shutil.copy(LONGWAN_REVIEW, reviews / "复核-龙湾区.json")  # the name review-template suggests
    outcome, top = quiet_batch(data, tmp_path / "out", review=reviews)
    (entry,) = top["districts"]
    assert entry["status"] == "ok" and entry["review"].endswith("复核-龙湾区.json")
    assert [s["file"] for s in top["skipped"]] == ["龙湾区的复核.json"]
    assert "--review" in top["skipped"][0]["reason"]
    assert outcome.exit_code == 0


def test_long_names_sharing_their_first_40_characters_get_two_folders():
    from assessment.publish.outputs import district_dirname

    stem = "温州市" * 14  # 42 characters, more than a folder name holds
    first, second = district_dirname(stem + "甲区"), district_dirname(stem + "乙区")
    assert first != second
    assert all(len(name.encode("utf-8")) <= 120 and name.startswith(stem[:30]) for name in (first, second))
    assert district_dirname(stem + "甲区") == first  # the same name, the same folder, run after run


def test_names_differing_only_in_case_are_one_report_folder(tmp_path, rubric):
    data = tmp_path / "data"
    data.mkdir()
    for name, district in (("a.json", "Lucheng"), ("b.json", "LUCHENG")):
        (data / name).write_text(input_to_json(perfect_input(rubric, district=district)), encoding="utf-8")
    _, top = quiet_batch(data, tmp_path / "out")
    entries = {e["file"]: e for e in top["districts"]}
    assert entries["a.json"]["status"] == "ok"
    assert entries["b.json"]["status"] == "invalid" and "a.json" in entries["b.json"]["errors"][0]
