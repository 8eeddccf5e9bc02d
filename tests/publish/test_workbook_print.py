"""Every workbook the tool writes, as LibreOffice Calc reads and prints it.

Excel sizes rows to their wrapped text by itself; LibreOffice and WPS show what the file
says, so a row with no height shows one line of a three-line cell. Each workbook (the blank
template, a filled input, the review workbook, the task list, summary.xlsx) is opened and
saved again by headless soffice and read back with openpyxl: what survives is what a person
with Calc sees. The same files printed to PDF by soffice give the page count and the text
of every page. Skipped where soffice is not installed (tools/test.sh installs it in CI).
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from assessment.inputs.files import load_input
from assessment.inputs.units import cities, city_of
from assessment.inputs.workbook import template_bytes, workbook_bytes
from assessment.plan import make_plan, tasks_workbook_bytes
from assessment.plan.json_form import plan_to_dict
from assessment.report.summary import build_summary, load_summary, summary_workbook_bytes
from assessment.report.summary.build import SAMPLE_WARNING
from assessment.review.io import load_review
from assessment.review.workbook import review_workbook_bytes
from assessment.rubric.loader import default_rubric
from assessment.samples import province_inputs
from assessment.scoring.engine import score
from assessment.scoring.scores_json import scores_dict
from assessment.util.xlsx import DEFAULT_FONT_SIZE, text_width

SOFFICE = shutil.which("soffice")
#: Debian's Python, which LibreOffice's `uno` module (python3-uno) belongs to.
SYSTEM_PYTHON = "/usr/bin/python3"
FROZEN_PANES = Path(__file__).with_name("calc_frozen_panes.py")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="soffice (libreoffice-calc) not installed")

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
A4 = 9
#: The least any font needs from one line to the next, in points per point of font size.
MIN_LINE_HEIGHT = 1.2
#: How many districts make 排名 longer than one page.
LONG_CITY = 60


def soffice(files: list[Path], target: str, out: Path, profile: Path) -> None:
    """Convert `files` with headless soffice into `out` (a throwaway user profile, so that
    nothing of the machine's own LibreOffice settings takes part)."""
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
         "--outdir", str(out), *map(str, files)],
        check=True, capture_output=True, timeout=600,
    )
    missing = [f.name for f in files if not (out / f"{f.stem}.{target}").is_file()]
    assert not missing, f"soffice wrote no {target} for {missing}"


def province_summary(rubric: Any) -> Any:
    """Two synthetic counties of each of Zhejiang's 11 cities, with their plans: the summary
    with the roll-up by city and a sheet per city."""
    by_city: dict[str | None, list[Any]] = {}
    for inp in province_inputs(rubric):
        by_city.setdefault(city_of(inp.district, inp.level), []).append(inp)
    chosen = [inp for inputs in by_city.values() for inp in inputs[:2]]
    return build_summary([scores_dict(score(rubric, i)) for i in chosen],
                         plans=[plan_to_dict(make_plan(rubric, i)) for i in chosen])


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Every kind of workbook the tool writes, written by the tool."""
    folder = tmp_path_factory.mktemp("written")
    rubric = default_rubric()
    longwan = load_input(EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx", rubric)
    failing = load_input(EXAMPLES / "wenzhou-2022" / "瓯海区.xlsx", rubric)
    review = load_review(EXAMPLES / "wenzhou-2022-reviews" / "龙湾区.review.json", rubric, longwan)
    summary = load_summary(inputs_dir=EXAMPLES / "wenzhou-2022")
    # 60 real (not sample) districts, ranking only: 排名 over several pages
    many = [
        {**s, "district": f"{s['district']}{n}", "sample": False}
        for n in range(1, LONG_CITY // len(summary.scores) + 1) for s in summary.scores
    ]
    ranking_only = build_summary(many)
    ranking_only = dataclasses.replace(ranking_only, tables={"排名": ranking_only.tables["排名"]})
    contents = {
        "template": template_bytes(rubric),
        "input": workbook_bytes(longwan, rubric),
        "review": review_workbook_bytes(rubric, longwan, review),
        "tasks": tasks_workbook_bytes(make_plan(rubric, failing)),
        "summary": summary_workbook_bytes(summary),
        "ranking": summary_workbook_bytes(ranking_only),
        "province": summary_workbook_bytes(province_summary(rubric)),
    }
    paths = {}
    for name, data in contents.items():
        paths[name] = folder / f"{name}.xlsx"
        paths[name].write_bytes(data)
    return paths


@pytest.fixture(scope="module")
def calc(written, tmp_path_factory) -> dict[str, Path]:
    """The same workbooks after LibreOffice Calc opened and saved them."""
    out = tmp_path_factory.mktemp("calc")
    soffice(list(written.values()), "xlsx", out, tmp_path_factory.mktemp("profile"))
    return {name: out / path.name for name, path in written.items()}


@pytest.fixture(scope="module")
def frozen(written, tmp_path_factory) -> dict[str, dict[str, list[int]]]:
    """{workbook: {sheet: [frozen columns, frozen rows]}} as Calc's (hidden) window shows them."""
    has_uno = Path(SYSTEM_PYTHON).is_file() and subprocess.run([SYSTEM_PYTHON, "-c", "import uno"]).returncode == 0
    if not has_uno:
        pytest.skip("LibreOffice's Python bridge (python3-uno) not installed")
    run = subprocess.run(
        [SYSTEM_PYTHON, str(FROZEN_PANES), str(tmp_path_factory.mktemp("profile")), *map(str, written.values())],
        capture_output=True, text=True, check=True, timeout=600,
    )
    by_path = json.loads(run.stdout)
    return {name: by_path[str(path)] for name, path in written.items()}


@pytest.fixture(scope="module")
def printed(written, tmp_path_factory) -> dict[str, list[str]]:
    """The text of each printed page of each workbook, as soffice prints it to PDF."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("pdftotext/pdfinfo (poppler-utils) not installed")
    out = tmp_path_factory.mktemp("pdf")
    soffice(list(written.values()), "pdf", out, tmp_path_factory.mktemp("profile"))
    pages = {}
    for name in written:
        pdf = out / f"{name}.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
        assert re.search(r"^Page size:.*\(A4\)", info, re.M), f"{name}: not A4"
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
        pages[name] = text.stdout.split("\f")[:count]
    return pages


def load(path: Path) -> Any:
    return openpyxl.load_workbook(io.BytesIO(path.read_bytes()))


def column_width(ws: Any, column: int) -> float:
    """The width of `column` (1-based): Calc saves equal neighbours as one <col min max>."""
    for dimension in list(ws.column_dimensions.values()):
        if dimension.min and dimension.max and dimension.min <= column <= dimension.max and dimension.width:
            return float(dimension.width)
    return float(ws.sheet_format.defaultColWidth or 8.43)


def minimum_lines(text: str, width: float, size: float) -> int:
    """The fewest lines `text` can take in a column `width` characters wide: every character
    packed edge to edge (a CJK character two widths of a digit at 11 pt), each paragraph on
    lines of its own. A row lower than this many lines hides text."""
    room = width * DEFAULT_FONT_SIZE / size
    return sum(max(1, math.ceil(text_width(line) / room)) for line in text.split("\n"))


WORKBOOKS = ("template", "input", "review", "tasks", "summary", "province")


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_wrapped_cell_is_tall_enough_in_calc_to_show_all_its_lines(name, written, calc):
    original, saved = load(written[name]), load(calc[name])
    short, checked, multi_line = [], 0, 0
    for ws in original.worksheets:
        ws_calc = saved[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or not cell.alignment.wrap_text:
                    continue
                width = column_width(ws_calc, cell.column)
                size = float(cell.font.sz or DEFAULT_FONT_SIZE)
                lines = minimum_lines(str(cell.value), width, size)
                height = ws_calc.row_dimensions[cell.row].height or ws_calc.sheet_format.defaultRowHeight
                checked += 1
                multi_line += lines > 1
                if height < lines * size * MIN_LINE_HEIGHT:
                    short.append(f"{ws.title}!{cell.coordinate}: {lines} lines, row {height} pt")
    assert checked, f"{name}: no wrapped cell, nothing was checked"
    # the summary sizes its columns to their text; the others have text that wraps by design
    assert multi_line or name in ("summary", "province"), f"{name}: no cell wraps over lines"
    assert not short, f"{name}: rows too low for their text in Calc: {short[:5]} ({len(short)} in all)"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_keeps_its_print_setup_and_frozen_panes_in_calc(name, written, calc):
    original, saved = load(written[name]), load(calc[name])
    assert saved.sheetnames == original.sheetnames
    for ws in original.worksheets:
        ws_calc = saved[ws.title]
        setup = ws_calc.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == A4, ws.title
        assert ws_calc.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
        assert ws_calc.print_title_rows == ws.print_title_rows, ws.title
        assert ws_calc.print_title_cols == ws.print_title_cols, ws.title


def split(freeze_panes: str | None) -> list[int]:
    """openpyxl's frozen-pane cell ("C2") as frozen [columns, rows]."""
    column, row = coordinate_from_string(freeze_panes or "A1")
    return [column_index_from_string(column) - 1, row - 1]


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_sheet_opens_in_calc_with_the_panes_the_tool_froze(name, written, frozen):
    original = load(written[name])
    assert frozen[name] == {ws.title: split(ws.freeze_panes) for ws in original.worksheets}
    # every sheet with a header row keeps it in view
    assert all(frozen[name][ws.title][1] == 1 for ws in original.worksheets if ws.print_title_rows)


def test_what_stays_in_view_and_on_every_page_is_the_header_and_the_columns_naming_a_row(calc, frozen):
    summary, template, review, tasks = (load(calc[n]) for n in ("summary", "template", "review", "tasks"))
    # 排名: the header row and 排名, 地区 on every page, frozen after 地区
    assert summary["排名"].print_title_rows == "$1:$1" and summary["排名"].print_title_cols == "$A:$B"
    assert frozen["summary"]["排名"] == [2, 1]
    # 指标得分率: 编号 and 指标 beside the districts' columns
    assert summary["指标得分率"].print_title_cols == "$A:$B" and frozen["summary"]["指标得分率"] == [2, 1]
    assert template["指标填报"].print_title_rows == "$1:$1" and frozen["template"]["指标填报"] == [2, 1]
    assert frozen["template"]["装备台账"] == [3, 1]
    assert review["复核"].print_title_rows == "$1:$1" and frozen["review"]["复核"] == [2, 1]
    assert tasks["整改任务清单"].print_title_rows == "$1:$1" and frozen["tasks"]["整改任务清单"] == [0, 1]


def test_a_long_ranking_prints_one_page_wide_with_its_header_and_district_column_on_every_page(printed):
    pages = printed["ranking"]
    assert len(pages) >= 2, "60 districts should run over more than one page"
    for number, page in enumerate(pages, start=1):
        lines = [line.split() for line in page.splitlines() if line.strip()]
        assert lines[0][:3] == ["排名", "地区", "总得分"] and lines[0][-1] == "结论", f"page {number}: {lines[0]}"
        # every row of the table, rank and district first, verdict last: nothing cut off at the side
        assert all(re.fullmatch(r"\d+", row[0]) and row[-1].startswith(("达标", "未达标")) for row in lines[1:])
    districts = [line.split()[1] for page in pages for line in page.splitlines()[1:] if line.strip()]
    assert len(districts) == len(set(districts)) == LONG_CITY


def test_each_table_of_the_sample_summary_prints_on_one_page_each_carrying_the_sample_warning(written, printed):
    pages = printed["summary"]
    assert len(pages) == len(load(written["summary"]).sheetnames)  # was 14 portrait pages
    assert all(SAMPLE_WARNING in page for page in pages)


def test_the_province_summary_prints_each_citys_sheet_on_one_page_with_the_rankings_header(written, printed):
    sheets = load(written["province"]).sheetnames
    assert len(printed["province"]) == len(sheets)  # one page a table: every sheet one page wide
    assert all(SAMPLE_WARNING in page for page in printed["province"])
    pages = {sheet: [line.split() for line in page.splitlines() if line.strip() and SAMPLE_WARNING not in line]
             for sheet, page in zip(sheets, printed["province"])}
    assert pages["各地市汇总"][0][:3] == ["地市", "单位数", "达标数"]
    for city in cities():
        lines = pages[city]
        assert lines[0][:4] == ["排名", "地区", "地市", "总得分"], city
        assert [row[2] for row in lines[1:]] == [city, city], city  # its two units, nothing cut off


def test_the_task_list_prints_one_page_wide(written, printed):
    # a handful of actions and the 说明 sheet: one page each (was 4 pages wide)
    assert len(printed["tasks"]) == len(load(written["tasks"]).sheetnames) == 2
    header = printed["tasks"][0].split()
    assert header[:6] == ["序号", "措施", "责任科室", "完成时限", "完成标准/佐证", "状态"]
