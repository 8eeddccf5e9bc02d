"""`assessment summary` on the report folders the 12 sample districts sent: one tampered
(a number changed in its scores.json), one without its workbook, one sent as a zip. The
summary flags exactly the two, never ranks them as verified, copies what it received
without re-rendering it, and says what it could not use."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from assessment.batch.run import run_batch
from assessment.cli.app import main
from tests.browser_harness import OfflineBrowser, require_chromium

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
TAMPERED, WITHOUT_INPUT, ZIPPED = "鹿城区", "瓯海区", "龙湾区"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def sent(tmp_path_factory) -> Path:
    """The 12 districts' report folders as `batch` made them (each as `report` would)."""
    root = tmp_path_factory.mktemp("districts")
    outcome = run_batch(SAMPLES, root / "out", jobs=2)
    assert outcome.exit_code == 0
    return root / "out" / "2022"


@pytest.fixture(scope="module")
def received(sent, tmp_path_factory) -> dict[str, Any]:
    """What the city received, and what `summary` made of it."""
    root = tmp_path_factory.mktemp("city")
    inbox = root / "received"
    inbox.mkdir()
    for folder in sorted(p for p in sent.iterdir() if p.is_dir()):
        shutil.copytree(folder, inbox / folder.name)
    scores_path = inbox / TAMPERED / "scores.json"
    scores = json.loads(scores_path.read_text("utf-8"))
    true_total = scores["total"]
    scores["total"] = true_total + 5
    scores_path.write_text(json.dumps(scores, ensure_ascii=False, indent=2) + "\n", "utf-8")
    (inbox / WITHOUT_INPUT / "填报文件.xlsx").unlink()
    with zipfile.ZipFile(inbox / f"{ZIPPED}.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted((inbox / ZIPPED).iterdir()):
            z.write(path, f"{ZIPPED}/{path.name}")
    shutil.rmtree(inbox / ZIPPED)
    (inbox / "收文登记.txt").write_text("登记", "utf-8")
    out = root / "out"
    code, stdout, stderr = run_cli("summary", str(inbox), "--out", str(out))
    manifest = json.loads((out / "2022" / "manifest.json").read_text("utf-8"))
    return {"inbox": inbox, "out": out, "code": code, "stdout": stdout, "stderr": stderr, "manifest": manifest,
            "true_total": true_total, "claimed_total": true_total + 5}


def statuses(manifest: dict[str, Any]) -> dict[str, str]:
    return {e["district"]: e["verification"]["status"] for e in manifest["districts"]}


def test_exactly_the_tampered_folder_and_the_one_without_its_workbook_are_flagged(received):
    assert received["code"] == 0, received["stderr"]
    found = statuses(received["manifest"])
    assert len(found) == 12
    assert {d: s for d, s in found.items() if s != "已核验"} == {TAMPERED: "不一致", WITHOUT_INPUT: "无法核验"}
    assert received["manifest"]["verification_counts"] == {"已核验": 10, "不一致": 1, "无法核验": 1}


def test_the_difference_names_the_changed_field_and_both_values(received):
    entry = next(e for e in received["manifest"]["districts"] if e["district"] == TAMPERED)
    details = entry["verification"]["details"]
    assert f"总得分：scores.json为{received['claimed_total']:g}，复算为{received['true_total']:g}" in details
    assert any(d.startswith("report.html不是由该scores.json生成的") for d in details)  # the page shows the true total


def test_the_folder_without_its_workbook_says_so(received):
    entry = next(e for e in received["manifest"]["districts"] if e["district"] == WITHOUT_INPUT)
    assert entry["verification"]["details"] == ["缺少填报文件"]


def test_the_zipped_folder_is_read_and_verified(received):
    entry = next(e for e in received["manifest"]["districts"] if e["district"] == ZIPPED)
    assert entry["source"] == f"{received['inbox']}/{ZIPPED}.zip/{ZIPPED}"
    assert entry["verification"]["status"] == "已核验"


def test_the_terminal_says_what_was_flagged_and_what_could_not_be_used(received):
    assert "2022年：12个地区（10个已核验，1个不一致，1个无法核验）" in received["stdout"]
    assert f"无法核验：{WITHOUT_INPUT}" in received["stderr"]
    assert f"不一致：{TAMPERED}" in received["stderr"]
    assert f"未使用：{received['inbox']}/收文登记.txt（不是报告文件夹或 zip 压缩包）" in received["stderr"]
    assert received["manifest"]["unused"] == [
        {"source": f"{received['inbox']}/收文登记.txt", "reason": "不是报告文件夹或 zip 压缩包"}
    ]


def test_the_page_opens_by_saying_which_districts_figures_could_not_be_verified(received):
    page = html.unescape((received["out"] / "2022" / "summary.html").read_text("utf-8"))
    note = re.search(r'<p class="note">(其中\d+个地区的数字未能核验[^<]*)</p>', page)
    assert note is not None
    assert note.group(1).startswith("其中2个地区的数字未能核验（") and {TAMPERED, WITHOUT_INPUT} <= set(
        re.split("[（）、]", note.group(1))
    )


def test_a_city_compares_with_last_years_output_given_as_previous(received, tmp_path):
    """Last year's output (here the received 2022 folders, restated as 2021 with 3 points
    less each) gives the desk's summary its 同比变化, as it gives a batch's."""
    from openpyxl import load_workbook

    previous = tmp_path / "去年" / "2021"
    for folder in sorted(p for p in (received["out"] / "2022").iterdir() if (p / "scores.json").is_file()):
        scores = json.loads((folder / "scores.json").read_text("utf-8"))
        scores.update(year=2021, total=scores["total"] - 3)
        (previous / folder.name).mkdir(parents=True)
        (previous / folder.name / "scores.json").write_text(json.dumps(scores, ensure_ascii=False), "utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("summary", str(received["inbox"]), "--out", str(out), "--previous", str(tmp_path / "去年"))
    assert code == 0, err
    page = (out / "2022" / "summary.html").read_text("utf-8")
    assert "<h2>同比变化</h2>" in page and "未提供往年数据" not in page
    longwan = r"<td>龙湾区</td><td>已核验</td><td>自评估得分</td><td class=\"num\">2021</td><td class=\"num\">99.3</td>"
    assert re.search(longwan, page)
    assert re.search(f"<td>{TAMPERED}</td><td>不一致</td>", page)  # a change resting on unverified figures says so
    assert "同比变化-地区" in load_workbook(out / "2022" / "summary.xlsx", read_only=True).sheetnames
    assert "未提供往年数据" in (received["out"] / "2022" / "summary.html").read_text("utf-8")  # without --previous
    code, _, err = run_cli("summary", str(received["inbox"]), "--out", str(tmp_path / "另一个"), "--previous",
                           str(tmp_path / "没有这个目录"))
    assert code == 2 and "往年输出目录" in err and not (tmp_path / "另一个").exists()


def test_each_folder_is_copied_as_received_never_rendered_again(received, sent):
    year = received["out"] / "2022"
    for folder in sent.iterdir():
        if folder.is_dir():
            assert (year / folder.name / "report.html").read_bytes() == (folder / "report.html").read_bytes()
    claimed = json.loads((year / TAMPERED / "scores.json").read_text("utf-8"))
    assert claimed["total"] == received["claimed_total"]  # as received: the summary flags it, never corrects it
    assert not (year / WITHOUT_INPUT / "填报文件.xlsx").exists()


@pytest.fixture(scope="module")
def page_tables(received) -> list[list[list[str]]]:
    """Every table of summary.html as Chromium draws it, offline: rows of cell texts."""
    with OfflineBrowser.launch(require_chromium()) as browser:
        return browser.evaluate_offline(
            received["out"] / "2022" / "summary.html",
            "[...document.querySelectorAll('table')].map(t => [...t.rows].map(r => [...r.cells].map(c => c.innerText.trim())))",
        )


def _table(tables: list[list[list[str]]], first_header: str, second_header: str) -> list[dict[str, str]]:
    found = next(t for t in tables if t and t[0][:2] == [first_header, second_header])
    return [dict(zip(found[0], row)) for row in found[1:]]


def test_the_page_ranks_only_verified_districts_and_lists_the_others_after_unranked(received, page_tables):
    ranking = _table(page_tables, "排名", "地区")
    assert len(ranking) == 12
    ranked, unranked = ranking[:10], ranking[10:]
    assert {r["地区"] for r in unranked} == {TAMPERED, WITHOUT_INPUT}
    assert all(r["排名"] == "—" for r in unranked)
    assert {r["核验"] for r in unranked} == {"不一致", "无法核验"}
    assert [int(r["排名"]) for r in ranked] == sorted(int(r["排名"]) for r in ranked)
    assert int(ranked[0]["排名"]) == 1 and all(r["核验"] == "已核验" for r in ranked)
    # the tampered total (107) is the city's highest, yet ranks nowhere
    assert all(float(r["总得分"]) <= float(ranked[0]["总得分"]) for r in ranked)


def test_the_page_shows_each_districts_status_and_differences(received, page_tables):
    rows = {r["地区"]: r for r in _table(page_tables, "地区", "状态")}
    assert {d: r["状态"] for d, r in rows.items()} == statuses(received["manifest"])
    assert rows[WITHOUT_INPUT]["差异"] == "缺少填报文件"
    assert f"总得分：scores.json为{received['claimed_total']:g}" in rows[TAMPERED]["差异"]


#: soffice's CSV filter: comma, double quote, UTF-8, from line 1, cells as shown, every sheet
#: (12th token -1: one `<name>-<sheet>.csv` per sheet).
EVERY_SHEET_AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def test_the_workbook_as_calc_reads_it_has_the_statuses_and_the_unranked_last(received, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("soffice (libreoffice-calc) not installed")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
         EVERY_SHEET_AS_SHOWN, "--outdir", str(tmp_path), str(received["out"] / "2022" / "summary.xlsx")],
        check=True, capture_output=True, timeout=600,
    )

    def sheet(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO((tmp_path / f"summary-{name}.csv").read_text("utf-8"))))

    verification = sheet("核验情况")
    assert {r["地区"]: r["状态"] for r in verification} == statuses(received["manifest"])
    assert next(r["差异"] for r in verification if r["地区"] == WITHOUT_INPUT) == "缺少填报文件"
    ranking = sheet("排名")
    assert [(r["排名"], r["核验"]) for r in ranking[-2:]] in (
        [("—", "不一致"), ("—", "无法核验")], [("—", "无法核验"), ("—", "不一致")]
    )
    assert [r["排名"] for r in ranking[:10]] == [str(n) for n in range(1, 11)]  # no ties among the samples


def test_a_missing_folder_is_refused_before_anything_is_written(tmp_path):
    code, _, stderr = run_cli("summary", str(tmp_path / "没有这个文件夹"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"“{tmp_path / '没有这个文件夹'}”不存在" in stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_without_any_report_is_refused_and_says_why(tmp_path):
    (tmp_path / "收件箱" / "佐证材料").mkdir(parents=True)
    code, _, stderr = run_cli("summary", str(tmp_path / "收件箱"), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "没有可汇总的报告文件夹" in stderr and "不是报告文件夹" in stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_sent_again_without_its_workbook_keeps_no_old_copy_and_no_person_loses_a_file(received, tmp_path):
    """The next summary into the same output: 龙港市 now sent without its workbook. The copy
    the tool made last time goes (the folder is what was received), a person's note stays."""
    inbox, out = tmp_path / "received", tmp_path / "out"
    shutil.copytree(received["inbox"], inbox)
    shutil.copytree(received["out"], out)
    (inbox / "龙港市" / "填报文件.xlsx").unlink()
    (out / "2022" / "龙港市" / "审核意见.docx").write_bytes(b"the city's own notes")
    code, _, stderr = run_cli("summary", str(inbox), "--out", str(out))
    assert code == 0, stderr
    assert not (out / "2022" / "龙港市" / "填报文件.xlsx").exists()
    assert (out / "2022" / "龙港市" / "审核意见.docx").read_bytes() == b"the city's own notes"
    manifest = json.loads((out / "2022" / "manifest.json").read_text("utf-8"))
    assert statuses(manifest)["龙港市"] == "无法核验"


def test_the_index_page_lists_every_received_district_with_its_status(received):
    """The folder can be copied to a share drive as is: its index.html names each district's
    verification status beside a link to its report."""
    from assessment.report.index import district_rows

    year = received["out"] / "2022"
    assert (received["out"] / "index.html").is_file() and (year / "index.html").is_file()
    rows = {row.district: row for row in district_rows(year, year)}
    assert {d: r.verification for d, r in rows.items() if r.verification != "已核验"} == {
        TAMPERED: "不一致", WITHOUT_INPUT: "无法核验"
    }
    assert len(rows) == 12 and all((year / r.link).is_file() for r in rows.values())
    assert f"目录页（可离线浏览）：{received['out']}/index.html" in received["stdout"]
