"""A re-run redoes only what changed: each district's folder carries the fingerprint of what
made it, and a batch (or `assessment report`) keeps a folder whose fingerprint is unchanged
and whose files are as the tool wrote them, saying why it made each other one again.

Two districts keep this cheap (each render starts a kernel): 龙湾区 with a review and
evidence, 苍南县 without. Every test starts from a copy of one first run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from workbook_edits import edit_info

from assessment.cli.app import main
from assessment.publish.ledger import read_fingerprint

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
SAMPLES = EXAMPLES / "wenzhou-2022"
DISTRICTS = ("龙湾区", "苍南县")
REPORT_FILES = ("report.ipynb", "report.html", "scores.json", "plan.json", "填报文件.xlsx")  # with the copy of the input
SUMMARY_FILES = ("summary.html", "summary.xlsx")
RUBRIC = Path(__file__).resolve().parents[2] / "assessment" / "rubric" / "data" / "zhejiang-2022.yaml"


def batch(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Run the batch of `root` (its data, reviews and evidence into out/) and return what it
    printed, stdout and stderr (the progress lines) together, then batch.log."""
    args = ["batch", str(root / "data"), "--out", str(root / "out"), "--jobs", "2", "--review", str(root / "reviews"),
            "--evidence", str(root / "evidence")]
    capsys.readouterr()
    assert main([*extra[:2], *args, *extra[2:]] if extra[:1] == ("--rubric",) else [*args, *extra]) == 0
    printed = capsys.readouterr()
    return printed.out + printed.err + (root / "out" / "batch.log").read_text("utf-8")


def stamps(root: Path) -> dict[str, tuple[int, int]]:
    """Every report's and summary file's (inode, mtime in ns): equal only if never rewritten."""
    year = root / "out" / "2022"
    paths = [year / d / n for d in DISTRICTS for n in REPORT_FILES] + [year / n for n in SUMMARY_FILES]
    return {f"{p.parent.name}/{p.name}": (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}


def rewritten(before: dict[str, tuple[int, int]], root: Path) -> set[str]:
    """The districts (by folder) and `summary` whose files were written again since `before`."""
    after = stamps(root)
    return {name.split("/")[0] if not name.startswith("2022/") else "summary" for name in before if before[name] != after[name]}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first run of the two districts, into a folder the tests copy."""
    root = tmp_path_factory.mktemp("incremental")
    (root / "data").mkdir()
    (root / "reviews").mkdir()
    for name in DISTRICTS:
        shutil.copy(SAMPLES / f"{name}.xlsx", root / "data")
    shutil.copy(EXAMPLES / "wenzhou-2022-reviews" / "龙湾区.review.json", root / "reviews")
    shutil.copytree(EXAMPLES / "wenzhou-2022-evidence", root / "evidence")
    assert main(["batch", str(root / "data"), "--out", str(root / "out"), "--jobs", "2", "--review", str(root / "reviews"),
                 "--evidence", str(root / "evidence")]) == 0
    return root


@pytest.fixture
def root(first_run: Path, tmp_path: Path) -> Path:
    """A copy of the first run, its ledgers and fingerprints with it."""
    copy = tmp_path / "run"
    shutil.copytree(first_run, copy)
    return copy


def test_the_first_run_seals_each_folder_with_its_fingerprint_and_records_it_in_the_manifest(first_run: Path) -> None:
    manifest = json.loads((first_run / "out" / "2022" / "manifest.json").read_text("utf-8"))
    for entry in manifest["districts"]:
        sealed = read_fingerprint(first_run / "out" / "2022" / entry["folder"])
        assert sealed is not None and entry["fingerprint"]["digest"] == sealed["digest"]
        assert sorted(sealed["files"]) == sorted(REPORT_FILES)
        assert entry["reasons"] == ["首次生成"] and entry["reused"] is False
        parts = entry["fingerprint"]["parts"]
        assert set(parts) >= {"input", "review", "evidence", "previous", "rubric", "tool", "template", "options"}
    by_district = {e["district"]: e["fingerprint"]["parts"] for e in manifest["districts"]}
    assert by_district["龙湾区"]["review"]["file"] == "龙湾区.review.json"
    assert any(f[4] for f in by_district["龙湾区"]["evidence"]["files"])  # each found file with its sha256
    assert by_district["苍南县"]["review"] is None
    assert manifest["summary"]["fingerprint"]["digest"] == read_fingerprint(first_run / "out" / "2022")["digest"]


def test_a_rerun_with_nothing_changed_renders_nothing(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = stamps(root)
    text = batch(root, capsys)
    assert "未变化，沿用已有报告：苍南县、龙湾区" in text
    assert "2022年市级汇总：未变化，沿用已有汇总" in text
    assert "重新生成：" not in text
    assert rewritten(before, root) == set()
    manifest = json.loads((root / "out" / "2022" / "manifest.json").read_text("utf-8"))
    assert all(e["reused"] and e["status"] == "ok" and e["fingerprint"] for e in manifest["districts"])


def test_one_changed_cell_renders_that_district_and_the_summary_again(root: Path, capsys) -> None:
    edit_info(root / "data" / "苍南县.xlsx", "填报人", "另一位填报人")
    before = stamps(root)
    text = batch(root, capsys)
    assert "重新生成：苍南县（输入已修改）" in text
    assert "未变化，沿用已有报告：龙湾区" in text
    assert "2022年市级汇总：重新生成（区县报告有更新）" in text
    assert rewritten(before, root) == {"苍南县", "summary"}


def test_a_changed_review_reason_renders_that_district_again(root: Path, capsys) -> None:
    path = root / "reviews" / "龙湾区.review.json"
    review = json.loads(path.read_text("utf-8"))
    review["changes"][0]["reason"] += "（已补充说明）"
    path.write_text(json.dumps(review, ensure_ascii=False), encoding="utf-8")
    before = stamps(root)
    text = batch(root, capsys)
    assert "重新生成：龙湾区（复核已更新）" in text
    assert rewritten(before, root) == {"龙湾区", "summary"}
    scores = json.loads((root / "out" / "2022" / "龙湾区" / "scores.json").read_text("utf-8"))
    assert scores["review"]["changes"][0]["reason"].endswith("（已补充说明）")


def test_a_removed_review_renders_that_district_again_on_its_own_values(root: Path, capsys) -> None:
    (root / "reviews" / "龙湾区.review.json").unlink()
    before = stamps(root)
    text = batch(root, capsys)
    assert "重新生成：龙湾区（复核已更新）" in text
    assert rewritten(before, root) == {"龙湾区", "summary"}
    assert "review" not in json.loads((root / "out" / "2022" / "龙湾区" / "scores.json").read_text("utf-8"))


def test_a_changed_evidence_file_renders_that_district_again(root: Path, capsys) -> None:
    evidence = next(p for p in sorted((root / "evidence" / "龙湾区").iterdir()) if p.is_file())
    evidence.write_bytes(evidence.read_bytes() + "补充页".encode())
    before = stamps(root)
    text = batch(root, capsys)
    assert "重新生成：龙湾区（佐证材料已更新）" in text
    assert rewritten(before, root) == {"龙湾区", "summary"}


def test_a_reworded_rubric_renders_every_district_again(root: Path, capsys, tmp_path: Path) -> None:
    text = RUBRIC.read_text("utf-8")
    name = next(line for line in text.splitlines() if line.strip().startswith("name:"))
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(text.replace(name, name.rstrip() + "（措辞调整）", 1), encoding="utf-8")
    before = stamps(root)
    printed = batch(root, capsys, "--rubric", str(rubric))
    assert "龙湾区（评分标准更新）" in printed and "苍南县（评分标准更新）" in printed
    assert rewritten(before, root) == {"龙湾区", "苍南县", "summary"}


def test_a_tampered_output_file_is_named_as_the_reason_and_never_silently_replaced(root: Path, capsys) -> None:
    page = root / "out" / "2022" / "苍南县" / "report.html"
    page.write_text(page.read_text("utf-8").replace("苍南县", "某县", 1), encoding="utf-8")
    edited = page.read_bytes()
    capsys.readouterr()
    assert main(["batch", str(root / "data"), "--out", str(root / "out"), "--review", str(root / "reviews"),
                 "--evidence", str(root / "evidence")]) == 2  # the ownership rule: a changed file is a person's
    assert page.read_bytes() == edited
    manifest = json.loads((root / "out" / "2022" / "manifest.json").read_text("utf-8"))
    entry = next(e for e in manifest["districts"] if e["district"] == "苍南县")
    assert (entry["status"], entry["reasons"], entry["fingerprint"]) == ("failed", ["输出文件缺失或被改动"], None)
    text = batch(root, capsys, "--force")
    assert "苍南县（指定了 --force）" in text
    assert "某县" not in page.read_text("utf-8")[:2000]


def test_a_deleted_output_file_renders_its_district_again(root: Path, capsys) -> None:
    (root / "out" / "2022" / "龙湾区" / "plan.json").unlink()
    text = batch(root, capsys)
    assert "重新生成：龙湾区（输出文件缺失或被改动）" in text
    assert (root / "out" / "2022" / "龙湾区" / "plan.json").is_file()
    assert "未变化，沿用已有报告：苍南县" in text


def test_force_renders_everything(root: Path, capsys) -> None:
    before = stamps(root)
    text = batch(root, capsys, "--force")
    assert "重新生成：苍南县（指定了 --force）；龙湾区（指定了 --force）" in text
    assert rewritten(before, root) == {"龙湾区", "苍南县", "summary"}


def test_report_of_an_unchanged_district_says_so_without_starting_a_kernel(root: Path, capsys) -> None:
    before = stamps(root)
    capsys.readouterr()
    started = time.perf_counter()
    code = main(["report", str(root / "data" / "苍南县.xlsx"), "--out", str(root / "out"), "--evidence", str(root / "evidence")])
    seconds = time.perf_counter() - started
    printed = capsys.readouterr().out
    assert code == 0
    assert "未变化，沿用已有报告" in printed, printed
    assert rewritten(before, root) == set()
    assert seconds < 5  # no kernel: the bound only catches a render, the bench measures the time


#: The notebook stack: what only rendering needs (jsonschema's format checkers alone cost
#: seconds per process where jupyterlab's dependencies install them).
NOTEBOOK_STACK = ("nbformat", "nbconvert", "papermill", "jupyter_client", "jsonschema", "matplotlib", "pandas")


def test_a_re_run_that_renders_nothing_starts_no_worker_and_never_imports_the_notebook_stack(root: Path) -> None:
    """`-X importtime` is passed on to spawned workers, so its lines on stderr name every
    module each Python process imported, and each process imports `encodings` first, once:
    the unchanged districts are recognised in the main process, from their sealed folders."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assessment", "batch", str(root / "data"), "--out", str(root / "out"),
         "--jobs", "2", "--review", str(root / "reviews"), "--evidence", str(root / "evidence")],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "未变化，沿用已有报告：苍南县、龙湾区" in run.stdout + run.stderr
    lines = [line.rsplit("|", 1)[1] for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    assert lines.count(" encodings") == 1  # the main process alone
    imported = {name.strip().split(".")[0] for name in lines}
    assert "assessment" in imported
    assert imported.isdisjoint(NOTEBOOK_STACK), sorted(imported & set(NOTEBOOK_STACK))


def test_a_re_run_after_one_district_changed_makes_it_and_the_summary_in_the_main_process(root: Path) -> None:
    """Counted as above: with one input to check, the main process checks and renders it and
    makes the summary on the same kernel (`batch.pool.InlinePool`): no worker, and so no
    resource tracker either; the rendering imports build no IRI grammar (util.iri_grammar)."""
    edit_info(root / "data" / "苍南县.xlsx", "填报人", "另一位填报人")
    temp = root / "tmp"
    temp.mkdir()
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assessment", "batch", str(root / "data"), "--out", str(root / "out"),
         "--jobs", "2", "--review", str(root / "reviews"), "--evidence", str(root / "evidence")],
        capture_output=True, text=True, check=False, env={**os.environ, "TMPDIR": str(temp)},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "重新生成：苍南县（输入已修改）" in run.stdout + run.stderr
    assert "2022年市级汇总：重新生成（区县报告有更新）" in run.stdout + run.stderr
    lines = [line.rsplit("|", 1)[1] for line in run.stderr.splitlines() if line.startswith("import time:") and "|" in line]
    assert lines.count(" encodings") == 1
    imported = {name.strip().split(".")[0] for name in lines}
    assert "papermill" in imported and "lark" not in imported
    assert list(temp.iterdir()) == []  # its kernel's folder removed with it
