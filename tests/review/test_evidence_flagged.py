"""Evidence problems are flagged, never fatal: whatever the file system does with a listed
name becomes that file's status in the 佐证材料 table, names match after Unicode NFC
normalisation, nothing is followed out of the evidence folder, and each file is hashed once."""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from pathlib import Path

import pytest

from assessment import api
from assessment.review import evidence
from assessment.review.evidence import (
    MAX_NAME_BYTES,
    STATUS_WORDS,
    check_evidence,
    evidence_dict,
    evidence_folder,
    evidence_rows,
)
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict

LONGWAN = Path(__file__).parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
CRITERION = "s12_annual_plan"

pytestmark = pytest.mark.skipif(os.name == "nt", reason="links, FIFOs and permissions are POSIX here")


@pytest.fixture(scope="module")
def longwan(rubric):
    return api.load(LONGWAN, rubric)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "佐证"
    root.mkdir()
    (root / "备案回执.pdf").write_bytes(b"%PDF-1.4 sample")
    return root


def _check(rubric, longwan, folder: Path, listed: str):
    result = score(rubric, dataclasses.replace(longwan, evidence={CRITERION: listed}))
    return result, check_evidence(result, folder)


def _only(rubric, longwan, folder: Path, listed: str):
    _, check = _check(rubric, longwan, folder, listed)
    (record,) = check.files
    return record, check


def test_a_symlink_loop_is_unreadable_and_flagged(rubric, longwan, folder):
    (folder / "循环.pdf").symlink_to(folder / "循环.pdf")
    record, check = _only(rubric, longwan, folder, "循环.pdf")
    assert (record.status, record.sha256) == ("unreadable", None) and "循环" in record.note
    assert check.flag(CRITERION) is not None and check.flag(CRITERION).missing == ("循环.pdf",)


def test_a_name_longer_than_a_file_system_takes_is_flagged_not_fatal(rubric, longwan, folder):
    name = "很" * (MAX_NAME_BYTES // 3 + 1) + ".pdf"
    record, check = _only(rubric, longwan, folder, name)
    assert record.status == "too_long" and check.flag(CRITERION) is not None


def test_a_fifo_is_a_special_file_and_is_never_opened(rubric, longwan, folder):
    os.mkfifo(folder / "管道.pdf")  # opening it would block the run for ever
    record, _ = _only(rubric, longwan, folder, "管道.pdf")
    assert record.status == "special" and record.sha256 is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_a_file_without_read_permission_is_unreadable(rubric, longwan, folder):
    (folder / "备案回执.pdf").chmod(0)
    record, _ = _only(rubric, longwan, folder, "备案回执.pdf")
    assert record.status == "unreadable" and "没有读取权限" in record.note


def test_each_status_reads_as_chinese_in_the_evidence_table(rubric, longwan, folder):
    (folder / "循环.pdf").symlink_to(folder / "循环.pdf")
    os.mkfifo(folder / "管道.pdf")
    long_name = "很" * 90 + ".pdf"
    result, check = _check(rubric, longwan, folder, f"循环.pdf；管道.pdf；{long_name}")
    scores = {**scores_dict(result), "evidence": evidence_dict(check)}
    (row,) = [r for r in evidence_rows(scores) if long_name in r["佐证材料"]]
    for word in (STATUS_WORDS["unreadable"], STATUS_WORDS["special"], STATUS_WORDS["too_long"]):
        assert word in row["核查结果"]
    assert row["标记"] == "缺少佐证"
    assert (STATUS_WORDS["unreadable"], STATUS_WORDS["too_long"], STATUS_WORDS["special"]) == (
        "无法读取", "名称过长", "非普通文件")


def test_a_name_stored_decomposed_on_disk_is_found_by_its_composed_spelling(rubric, longwan, folder):
    composed = "现场照片-café.jpg"
    (folder / unicodedata.normalize("NFD", composed)).write_bytes(b"jpeg")
    record, check = _only(rubric, longwan, folder, unicodedata.normalize("NFC", composed))
    assert record.status == "ok" and record.size == 4 and check.flag(CRITERION) is None


def test_a_district_folder_linked_out_of_the_evidence_root_shows_nothing_outside_it(rubric, longwan, tmp_path):
    outside = tmp_path / "别处"
    outside.mkdir()
    (outside / "shadow").write_text("secret", encoding="utf-8")
    root = tmp_path / "佐证"
    root.mkdir()
    (root / "龙湾区").symlink_to(outside, target_is_directory=True)
    record, check = _only(rubric, longwan, evidence_folder(root, "龙湾区"), "shadow")
    assert record.status == "refused" and record.sha256 is None and "不在佐证目录内" in record.note
    assert check.count == 0


def test_a_district_folder_linked_inside_the_evidence_root_is_still_read(rubric, longwan, folder):
    (folder.parent / "龙湾区").symlink_to(folder, target_is_directory=True)
    record, _ = _only(rubric, longwan, evidence_folder(folder.parent, "龙湾区"), "备案回执.pdf")
    assert record.status == "ok"


def test_an_evidence_link_leaving_the_folder_is_not_in_the_evidence_folder(rubric, longwan, folder):
    (folder / "口令.txt").symlink_to("/etc/passwd")
    record, _ = _only(rubric, longwan, folder, "口令.txt")
    assert record.status == "refused" and "不在佐证目录内" in record.note


def test_each_evidence_file_is_hashed_once_however_often_it_is_listed(rubric, longwan, folder, monkeypatch):
    hashed: list[Path] = []
    real_sha256 = evidence._sha256

    def counting(path: Path, deadline: float | None = None) -> str:
        hashed.append(path)
        return real_sha256(path, deadline)

    monkeypatch.setattr(evidence, "_sha256", counting)
    _, check = _check(rubric, longwan, folder, "；".join(["备案回执.pdf"] * 10))
    assert [f.status for f in check.files] == ["ok"] * 10
    assert len({f.sha256 for f in check.files}) == 1 and len(hashed) == 1


def test_checking_evidence_stops_at_the_runs_deadline_before_hashing_more(rubric, longwan, folder, monkeypatch):
    import time

    from assessment.publish.kernels import NotebookTimeout

    hashed: list[Path] = []
    monkeypatch.setattr(evidence, "_sha256", lambda path, deadline=None: hashed.append(path) or "")
    result = score(rubric, dataclasses.replace(longwan, evidence={CRITERION: "；".join(["备案回执.pdf"] * 400)}))
    with pytest.raises(NotebookTimeout):
        check_evidence(result, folder, deadline=time.monotonic())
    assert hashed == []


def test_score_with_evidence_problems_exits_0_and_names_each_status(rubric, longwan, folder, tmp_path, capsys):
    import json

    from assessment.cli import main
    from assessment.inputs.json_form import input_to_dict

    (folder / "循环.pdf").symlink_to(folder / "循环.pdf")
    os.mkfifo(folder / "管道.pdf")
    listed = f"循环.pdf；管道.pdf；{'很' * 90}.pdf"
    path = tmp_path / "龙湾区.json"
    data = input_to_dict(dataclasses.replace(longwan, evidence={CRITERION: listed}))
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    assert main(["score", str(path), "--evidence", str(folder)]) == 0
    out = capsys.readouterr().out
    assert all(word in out for word in ("无法读取", "非普通文件", "名称过长", "缺少佐证"))
