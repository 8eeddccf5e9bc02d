"""Evidence that is checked: listed files found inside the folder only, recorded, flagged."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

import pytest

from assessment import api
from assessment.cli import score as score_command
from assessment.inputs.model import InputError
from assessment.review import district_scores, manifest_record
from assessment.review.evidence import check_evidence, evidence_dict, evidence_folder, evidence_rows, listed_files
from assessment.samples import sample_evidence
from assessment.scoring.engine import score

EXAMPLES = Path(__file__).parents[2] / "data_templates" / "examples"
LONGWAN = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"


@pytest.fixture(scope="module")
def longwan(rubric):
    return api.load(LONGWAN, rubric)


def _with(inp, **evidence: str):
    return dataclasses.replace(inp, evidence=evidence)


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "佐证"
    (root / "计划").mkdir(parents=True)
    (root / "备案回执.pdf").write_bytes(b"%PDF-1.4 sample")
    (root / "计划" / "月度计划.txt").write_text("示例", encoding="utf-8")
    return root


def test_evidence_cell_lists_files_separated_by_semicolons_or_new_lines():
    assert listed_files("备案回执.pdf；计划/月度计划.txt\n 照片.jpg ;;\n") == ["备案回执.pdf", "计划/月度计划.txt", "照片.jpg"]
    assert listed_files("") == [] and listed_files(None) == []


def test_evidence_found_is_recorded_with_path_size_and_sha256(rubric, longwan, folder):
    inp = _with(longwan, s12_annual_plan="备案回执.pdf；计划\\月度计划.txt")
    check = check_evidence(score(rubric, inp), folder)
    receipt, monthly = check.for_criterion("s12_annual_plan")
    assert (receipt.status, receipt.path, receipt.size) == ("ok", "备案回执.pdf", len(b"%PDF-1.4 sample"))
    assert receipt.sha256 == hashlib.sha256(b"%PDF-1.4 sample").hexdigest()
    assert (monthly.status, monthly.path) == ("ok", "计划/月度计划.txt")
    assert check.count == 2 and check.flag("s12_annual_plan") is None


def test_evidence_file_missing_flags_the_criterion_that_earned_points(rubric, longwan, folder):
    inp = _with(longwan, s12_annual_plan="备案回执.pdf；不存在.pdf", s12_monthly_plan="计划")
    check = check_evidence(score(rubric, inp), folder)
    flag = check.flag("s12_annual_plan")
    assert flag is not None and flag.reason == "file_missing" and flag.missing == ("不存在.pdf",)
    assert flag.text == "缺少佐证：「年度现场检查计划并上报备案」所列佐证材料缺失：不存在.pdf"
    assert check.for_criterion("s12_monthly_plan")[0].status == "missing"  # a folder is not a file


def test_evidence_none_listed_is_flagged_only_where_points_are_claimed(rubric, longwan):
    inp = _with(longwan)
    result = score(rubric, inp)
    check = check_evidence(result)
    flagged = {f.criterion_id for f in check.flags}
    earned = {cid for cid, r in result.criteria.items() if r.source == "answer" and r.points > 0}
    assert flagged == earned and all(f.reason == "none_listed" for f in check.flags)
    computed = {cid for cid, r in result.criteria.items() if r.source != "answer"}
    assert not flagged & computed


ESCAPES = ["../secret.txt", "计划/../../secret.txt", "/etc/passwd", "C:\\Windows\\win.ini", "\\\\server\\share\\a.pdf"]


@pytest.mark.parametrize("name", ESCAPES)
def test_evidence_path_escaping_the_folder_is_refused(rubric, longwan, folder, name):
    (folder.parent / "secret.txt").write_text("outside", encoding="utf-8")
    check = check_evidence(score(rubric, _with(longwan, s12_annual_plan=name)), folder)
    (record,) = check.files
    assert record.status == "refused" and record.sha256 is None and record.note
    assert check.flag("s12_annual_plan").reason == "file_missing"


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_evidence_link_pointing_outside_the_folder_is_refused(rubric, longwan, folder):
    (folder.parent / "secret.txt").write_text("outside", encoding="utf-8")
    (folder / "link.txt").symlink_to(folder.parent / "secret.txt")
    (record,) = check_evidence(score(rubric, _with(longwan, s12_annual_plan="link.txt")), folder).files
    assert record.status == "refused" and record.size is None


def test_evidence_folder_is_the_districts_own_or_the_given_one(tmp_path):
    (tmp_path / "龙湾区").mkdir()
    assert evidence_folder(tmp_path, "龙湾区") == tmp_path / "龙湾区"
    assert evidence_folder(tmp_path, "鹿城区") == tmp_path
    with pytest.raises(InputError, match="佐证材料目录不存在"):
        evidence_folder(tmp_path / "nowhere", "龙湾区")


def test_evidence_never_changes_a_score(rubric, longwan):
    missing = district_scores(rubric, _with(longwan), evidence=check_evidence(score(rubric, _with(longwan))))
    plain = api.scores_dict(score(rubric, longwan))
    assert {k: v for k, v in missing.items() if k not in ("evidence", "provenance")} == {
        k: v for k, v in plain.items() if k != "provenance"
    }


def test_scores_json_records_every_evidence_file_and_the_count(rubric, longwan, folder):
    inp = _with(longwan, s12_annual_plan="备案回执.pdf；丢失.pdf")
    check = check_evidence(score(rubric, inp), folder)
    scores = json.loads(json.dumps(district_scores(rubric, inp, evidence=check)))
    assert scores["evidence"] == evidence_dict(check)
    assert [(f["name"], f["status"]) for f in scores["evidence"]["files"]] == [("备案回执.pdf", "ok"), ("丢失.pdf", "missing")]
    assert scores["evidence"]["files"][0]["sha256"] == hashlib.sha256(b"%PDF-1.4 sample").hexdigest()
    assert manifest_record(scores)["evidence_count"] == 1


def test_sample_evidence_folder_holds_every_listed_file_but_the_one_left_out(rubric, longwan):
    """The committed sample folders match `sample_evidence` (rerun tools/make_review_samples.py if not)."""
    inp = dataclasses.replace(longwan, evidence=sample_evidence(rubric, longwan))
    check = check_evidence(score(rubric, inp), evidence_folder(EXAMPLES / "wenzhou-2022-evidence", "龙湾区"))
    assert {f.name for f in check.files if f.status != "ok"} == {"示例-严格纪律约束.txt"}
    assert {f.criterion_id for f in check.flags} == {c for c in inp.evidence if c.startswith("s22_")}


def test_score_with_evidence_option_prints_the_record(tmp_path, rubric, longwan, folder, capsys):
    import argparse

    path = tmp_path / "龙湾区.json"
    api.convert(LONGWAN, path, rubric)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["evidence"] = {"s12_annual_plan": "备案回执.pdf"}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    parser = argparse.ArgumentParser()
    parser.add_argument("--rubric", default=None)
    score_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["score", str(path), "--json", "--evidence", str(folder)])
    assert score_command.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["evidence"]["count"] == 1 and out["provenance"]["evidence_count"] == 1
    args = parser.parse_args(["score", str(path), "--evidence", str(folder)])
    assert score_command.run(args) == 0
    assert "缺少佐证：「已建立领导小组」得分但未列出佐证材料" in capsys.readouterr().out


def test_evidence_rows_list_each_earning_criterion_with_its_files_and_flag(rubric, longwan, folder):
    inp = _with(longwan, s12_annual_plan="备案回执.pdf", s12_monthly_plan="丢失.pdf")
    scores = district_scores(rubric, inp, evidence=check_evidence(score(rubric, inp), folder))
    rows = {r["指标"]: r for r in evidence_rows(scores)}
    assert rows["年度现场检查计划并上报备案"] == {
        "指标": "年度现场检查计划并上报备案", "得分": 1, "佐证材料": "备案回执.pdf", "核查结果": "已找到", "标记": "",
    }
    assert rows["月度现场检查计划并上报备案"]["核查结果"] == "丢失.pdf：文件不存在"
    assert rows["月度现场检查计划并上报备案"]["标记"] == "缺少佐证"
    assert rows["已建立领导小组"]["佐证材料"] == "（未列出）" and rows["已建立领导小组"]["标记"] == "缺少佐证"
    assert evidence_rows(api.scores_dict(score(rubric, inp))) == []
