"""Changes in a workbook read as on the page: in the summary's 同比变化, LibreOffice Calc shows
+2.5 and -1 (the text `formatting.signed` writes), while the cells stay numbers a person can sum.
Read back through soffice's CSV export of the cells as shown; skipped where soffice is not
installed (tools/test.sh installs it in CI)."""

from __future__ import annotations

import csv
import dataclasses
import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from assessment.report.summary import build_summary, load_summary, summary_workbook_bytes

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="soffice (libreoffice-calc) not installed")

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
SHEET = "同比变化-地区"
#: soffice's CSV filter: comma, double quote, UTF-8, from line 1, then (9th) cells "as shown".
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    """A year-over-year summary: 苍南县 2.5 points up, 龙港市 1 down, the rest level."""
    now = [{**s, "sample": False} for s in load_summary(inputs_dir=SAMPLES).scores]
    moved = {"苍南县": -2.5, "龙港市": 1}
    before = [{**s, "year": s["year"] - 1, "total": s["total"] + moved.get(s["district"], 0)} for s in now]
    summary = build_summary(now, previous=before)
    only = dataclasses.replace(summary, tables={SHEET: summary.tables[SHEET]})
    path = tmp_path_factory.mktemp("signs") / "summary.xlsx"
    path.write_bytes(summary_workbook_bytes(only))
    return path


def as_calc_shows(path: Path, out: Path) -> dict[str, dict[str, str]]:
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--convert-to", AS_SHOWN,
         "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=600,
    )
    rows = list(csv.DictReader(io.StringIO((out / f"{path.stem}.csv").read_text("utf-8"))))
    return {row["地区"]: row for row in rows}


def test_calc_shows_each_change_with_its_sign_and_keeps_it_a_number(workbook, tmp_path):
    shown = as_calc_shows(workbook, tmp_path)
    assert shown["苍南县"]["总得分变化"] == "+2.5"
    assert shown["龙港市"]["总得分变化"] == "-1"
    assert shown["鹿城区"]["总得分变化"] == "0"
    assert {row["机构设置规范化变化"] for row in shown.values()} == {"0"}
    assert shown["苍南县"]["上期总得分"] == "100.7"  # a level, not a change: no sign
    ws = openpyxl.load_workbook(workbook)[SHEET]
    header = [c.value for c in ws[1]]
    changes = [row[header.index("总得分变化")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(value, int | float) for value in changes) and 2.5 in changes
