"""A batch's shareable records (manifest.json, batch.log, summary.html, summary.xlsx) name each
input as the user's data folder does, never where that folder lies on this machine; a message
still says file, sheet, row and column. (report.ipynb, the re-runnable working copy, may keep
its absolute parameters.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from assessment.batch.run import run_batch
from assessment.util.errors import EXIT_INVALID

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
WRONG_ANSWER = "鹿城区.xlsx 工作表「指标填报」 第2行 D列（填报值）"


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path]:
    """A batch of one good district (龙湾区) and one whose first answer is not yes or no (鹿城区)."""
    root = tmp_path_factory.mktemp("shared")
    data = root / "填报"
    data.mkdir()
    shutil.copy(SAMPLES / "龙湾区.xlsx", data)
    wb = openpyxl.load_workbook(SAMPLES / "鹿城区.xlsx")
    wb["指标填报"]["D2"] = "大概"
    wb.save(data / "鹿城区.xlsx")
    assert run_batch(data, root / "out", jobs=1, progress=False).exit_code == EXIT_INVALID
    return root, root / "out"


def workbook_text(path: Path) -> str:
    """Every cell of every sheet, as a person opening the workbook reads it."""
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)


def shared_records(out: Path) -> dict[str, str]:
    texts = (p for p in out.rglob("*") if p.suffix in {".json", ".log", ".html"})
    records = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in texts}
    records["2022/summary.xlsx"] = workbook_text(out / "2022" / "summary.xlsx")
    return records


def test_no_shared_record_says_where_the_batch_ran(batch):
    root, out = batch
    records = shared_records(out)
    assert {"manifest.json", "batch.log", "2022/manifest.json", "2022/summary.html", "2022/summary.xlsx"} <= set(records)
    assert [name for name, text in records.items() if str(root) in text] == []


def test_the_manifest_names_inputs_within_the_data_folder(batch):
    _, out = batch
    for manifest in (out / "manifest.json", out / "2022" / "manifest.json"):
        data = json.loads(manifest.read_text("utf-8"))
        entries = {e["input"]: e for e in data["districts"]}
        assert data["data_dir"] == "填报" and set(entries) == {"龙湾区.xlsx", "鹿城区.xlsx"}
        wrong = entries["鹿城区.xlsx"]
        assert wrong["status"] == "invalid" and wrong["errors"][0].startswith(WRONG_ANSWER)
        assert wrong["problems"][0]["location"]["file"] == "鹿城区.xlsx"
        assert wrong["problems"][0]["text"] == wrong["errors"][0]
    top = json.loads((out / "manifest.json").read_text("utf-8"))
    assert {e["input"]: e["folder"] for e in top["districts"]} == {"龙湾区.xlsx": "2022/龙湾区", "鹿城区.xlsx": None}


def test_the_log_and_the_summary_quote_the_problem_by_file_sheet_row_and_column(batch):
    _, out = batch
    log = (out / "batch.log").read_text("utf-8")
    assert "== 鹿城区.xlsx（鹿城区）校验未通过 ==\n" + WRONG_ANSWER in log
    assert WRONG_ANSWER in (out / "2022" / "summary.html").read_text("utf-8")
    assert WRONG_ANSWER in workbook_text(out / "2022" / "summary.xlsx")
