"""Verifying a received district folder: every figure of scores.json against the input
re-scored, named in Chinese; the sha256 it claims; the page sealed on it."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from assessment import __version__
from assessment.collect.verify import (
    MISMATCH,
    NO_INPUT,
    UNVERIFIABLE,
    VERIFIED,
    check_page,
    compare_provenance,
    compare_scores,
    judged,
    verify_folder,
)
from assessment.inputs.files import load
from assessment.publish.ledger import sha256_bytes, sha256_file
from assessment.publish.stamp import stamp_scores
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict

SAMPLE = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"


@pytest.fixture(scope="module")
def scores(rubric):
    """龙湾区's scores.json as `report` writes it (through JSON, as a recipient reads it)."""
    return json.loads(json.dumps(scores_dict(score(rubric, load(SAMPLE, rubric))), ensure_ascii=False))


def test_the_same_scores_have_no_difference(scores):
    assert compare_scores(scores, copy.deepcopy(scores)) == []


def test_a_changed_total_category_indicator_and_criterion_are_each_named(scores):
    claimed = copy.deepcopy(scores)
    claimed["total"] += 5
    cid, category = next(iter(claimed["categories"].items()))
    category["points"] = 0
    iid, indicator = next(iter(claimed["indicators"].items()))
    indicator["points"] += 1
    kid, criterion = next(iter(claimed["criteria"].items()))
    criterion["points"] += 0.5
    differences = compare_scores(claimed, scores)
    assert f"总得分：scores.json为{claimed['total']:g}，复算为{scores['total']:g}" in differences
    assert any(d.startswith(f"类别“{category['name']}”得分：scores.json为0，") for d in differences)
    assert any(d.startswith(f"指标“{indicator['name']}”得分：") for d in differences)
    assert any(d.startswith(f"评分项“{criterion['name']}”得分：") for d in differences)
    assert len(differences) == 4


def test_a_verdict_flipped_is_a_difference_and_true_is_not_one(scores):
    claimed = copy.deepcopy(scores)
    claimed["passed"] = 1 if scores["passed"] else 0  # the same in Python, not in a scores.json
    assert [d.split("：")[0] for d in compare_scores(claimed, scores)] == ["是否达标"]


def test_a_figure_removed_or_not_a_number_is_a_difference(scores):
    claimed = copy.deepcopy(scores)
    del claimed["bonus"]
    claimed["equipment"]["points"] = "很多"
    differences = compare_scores(claimed, scores)
    assert any(d.startswith("加分：scores.json为（缺少）") for d in differences)
    assert any(d.startswith("装备得分：scores.json为“很多”") for d in differences)


def test_an_equipment_shortfall_changed_is_named_by_the_item(scores):
    claimed = copy.deepcopy(scores)
    item = claimed["equipment"]["items"][0]
    item["shortfall"] += 3
    assert compare_scores(claimed, scores) == [
        f"装备“{item['name']}”缺口：scores.json为{item['shortfall']}，复算为{item['shortfall'] - 3}"
    ]


def test_provenance_sha256_differences_and_a_tool_version_note(scores):
    stated = scores["provenance"]
    assert compare_provenance(scores, rubric_sha256=stated["rubric_sha256"], input_sha256=stated["input_sha256"],
                              tool_version=__version__) == ([], [])
    differences, notes = compare_provenance(scores, rubric_sha256="0" * 64, input_sha256="1" * 64, tool_version="9.9")
    assert [d.split("：")[0] for d in differences] == ["评分标准sha256", "填报文件sha256"]
    assert notes == [f"scores.json由本工具“{__version__}”版生成，本次以9.9版复算"]


def test_the_page_must_be_sealed_on_these_scores():
    body = b'{"total": 1}\n'
    page = stamp_scores("<html><head><title>x</title></head><body></body></html>", sha256_bytes(body))
    assert check_page(page, sha256_bytes(body)) == ([], [])
    assert check_page(page, sha256_bytes(b'{"total": 2}\n'))[0][0].startswith("report.html不是由该scores.json生成的")
    assert check_page("<html><head></head></html>", sha256_bytes(body))[1][0].startswith("report.html未记录")
    assert check_page(None, sha256_bytes(body)) == ([], ["缺少report.html"])


def test_a_difference_outweighs_a_gap_and_a_note_changes_nothing():
    assert judged(["总得分：…"], [NO_INPUT]).status == MISMATCH
    assert judged([], [NO_INPUT]).text == f"{UNVERIFIABLE}（{NO_INPUT}）"
    assert judged([], [], ["版本"]).text == VERIFIED


def _folder(tmp_path: Path, scores_body: bytes, with_input: bool = True) -> Path:
    folder = tmp_path / "龙湾区"
    folder.mkdir()
    (folder / "scores.json").write_bytes(scores_body)
    (folder / "report.html").write_text(stamp_scores("<html><head></head></html>", sha256_bytes(scores_body)), "utf-8")
    if with_input:
        shutil.copy(SAMPLE, folder / "填报文件.xlsx")
    return folder


def test_a_folder_whose_input_gives_its_scores_is_verified(tmp_path, rubric, scores):
    body = json.dumps(scores, ensure_ascii=False).encode("utf-8")
    folder = _folder(tmp_path, body)
    assert verify_folder(folder, body, scores, rubric).status == VERIFIED
    assert scores["provenance"]["input_sha256"] == sha256_file(folder / "填报文件.xlsx")


def test_a_folder_without_its_input_cannot_be_verified(tmp_path, rubric, scores):
    body = json.dumps(scores, ensure_ascii=False).encode("utf-8")
    assert verify_folder(_folder(tmp_path, body, with_input=False), body, scores, rubric).text == "无法核验（缺少填报文件）"


def test_a_folder_whose_input_was_swapped_differs_in_its_sha256(tmp_path, rubric, scores):
    body = json.dumps(scores, ensure_ascii=False).encode("utf-8")
    folder = _folder(tmp_path, body)
    shutil.copy(SAMPLE.with_name("瓯海区.xlsx"), folder / "填报文件.xlsx")
    found = verify_folder(folder, body, scores, rubric)
    assert found.status == MISMATCH
    assert "地区：scores.json为“龙湾区”，复算为“瓯海区”" in found.details
    assert any(d.startswith("填报文件sha256") for d in found.details)
