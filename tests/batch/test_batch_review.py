"""The city batch with reviews (复核) and evidence (佐证材料): per-district provenance in the
manifest, an invalid review costing only its district, a summary ranked by 核定分."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from assessment.batch import progress as batch_progress
from assessment.batch import run as batch
from assessment.cli.app import main

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
SAMPLES = EXAMPLES / "wenzhou-2022"
REVIEWS = EXAMPLES / "wenzhou-2022-reviews"
EVIDENCE = EXAMPLES / "wenzhou-2022-evidence"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """龙湾区 with its review, 瓯海区 with a review of another file, 苍南县 without one."""
    root = tmp_path_factory.mktemp("reviewed-batch")
    data, reviews = root / "data", root / "reviews"
    data.mkdir()
    reviews.mkdir()
    for name in ("龙湾区", "瓯海区", "苍南县"):
        shutil.copy(SAMPLES / f"{name}.xlsx", data)
    shutil.copy(REVIEWS / "龙湾区.review.json", reviews)
    stale = json.loads((REVIEWS / "瓯海区.review.json").read_text("utf-8"))
    stale["input_sha256"] = "f" * 64
    (reviews / "瓯海区.review.json").write_text(json.dumps(stale, ensure_ascii=False), encoding="utf-8")
    progress = batch_progress.make_progress
    batch_progress.make_progress = lambda total, wanted, _stream=None: progress(total, wanted, io.StringIO())
    try:
        outcome = batch.run_batch(data, root / "out", jobs=2, review=reviews, evidence=EVIDENCE)
    finally:
        batch_progress.make_progress = progress
    manifest = json.loads((root / "out" / "2022" / "manifest.json").read_text("utf-8"))
    return outcome, {e["district"]: e for e in manifest["districts"]}, root / "out", reviews


def test_manifest_records_the_self_assessment_and_review_sha256_and_the_evidence_count(run):
    _, entries, out, reviews = run
    entry = entries["龙湾区"]
    assert entry["status"] == "ok"
    assert entry["sha256"] == sha256(SAMPLES / "龙湾区.xlsx")
    assert entry["review_sha256"] == sha256(reviews / "龙湾区.review.json")
    scores = json.loads((out / "2022" / "龙湾区" / "scores.json").read_text("utf-8"))
    assert entry["evidence_count"] == scores["evidence"]["count"] > 0


def test_a_district_without_review_records_none_and_keeps_its_self_assessed_total(run):
    _, entries, out, _ = run
    entry = entries["苍南县"]
    assert (entry["status"], entry["review"], entry["review_sha256"]) == ("ok", None, None)
    assert entry["evidence_count"] == 0  # checked: the evidence folder holds none of its files


def test_an_invalid_review_makes_only_its_district_invalid_with_the_problem_located(run):
    outcome, entries, out, _ = run
    entry = entries["瓯海区"]
    assert entry["status"] == "invalid"
    assert any(p["location"].get("json_path") == "$.input_sha256" for p in entry["problems"]), entry["problems"]
    assert not (out / "2022" / "瓯海区").exists()
    assert outcome.exit_code == 2
    assert {e["district"] for e in entries.values() if e["status"] == "ok"} == {"龙湾区", "苍南县"}


def test_summary_ranks_by_reviewed_total_with_self_total_difference_and_corrections(run):
    _, _, out, _ = run
    book = openpyxl.load_workbook(out / "2022" / "summary.xlsx")
    ranking = {r[1]: r for r in list(book["排名"].values)[1:]}
    assert ranking["龙湾区"][2] == 98.3  # 排名, 地区, 总得分 (核定分)
    rows = list(book["复核情况"].values)
    header = rows[0]
    table = {r[header.index("地区")]: dict(zip(header, r)) for r in rows[1:]}
    assert set(table) == {"龙湾区"}  # 瓯海区's review was refused, 苍南县 has none
    assert (table["龙湾区"]["自评分"], table["龙湾区"]["核定分"]) == (102.3, 98.3)
    assert table["龙湾区"]["核定较自评"] == -4
    assert table["龙湾区"]["更正项数"] == 3
    assert (table["龙湾区"]["自评结论"], table["龙湾区"]["核定结论"]) == ("达标（示范单位）", "未达标")
    page = (out / "2022" / "summary.html").read_text("utf-8")
    assert "<h3>复核情况</h3>" in page and "自评分与核定分对比条形图" in page


def test_batch_pdf_without_chromium_exits_2_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-such-chromium"))
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "龙湾区.xlsx", data)
    assert main(["batch", str(data), "--out", str(tmp_path / "out"), "--pdf"]) == 2
    assert "未找到 Chromium" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_batch_review_folder_that_does_not_exist_exits_2(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "龙湾区.xlsx", data)
    assert main(["batch", str(data), "--out", str(tmp_path / "out"), "--review", str(tmp_path / "无")]) == 2
    assert "--review" in capsys.readouterr().err


@pytest.mark.browser
def test_batch_pdf_prints_every_report_and_the_summary(tmp_path, monkeypatch):
    from browser_harness import require_chromium

    monkeypatch.setenv("CHROMIUM", require_chromium())
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLES / "苍南县.xlsx", data)
    progress = batch_progress.make_progress
    monkeypatch.setattr(
        batch_progress, "make_progress", lambda total, wanted, _stream=None: progress(total, wanted, io.StringIO())
    )
    outcome = batch.run_batch(data, tmp_path / "out", jobs=1, pdf=True)
    assert outcome.exit_code == 0
    for pdf in (tmp_path / "out" / "2022" / "苍南县" / "report.pdf", tmp_path / "out" / "2022" / "summary.pdf"):
        assert pdf.read_bytes().startswith(b"%PDF-")
