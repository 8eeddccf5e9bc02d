"""Workbooks are measured before openpyxl builds cells, merged ranges and declared dimensions
included, so a tiny file that would expand into billions of cell objects is refused cheaply."""

from __future__ import annotations

import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assessment.inputs.limits import MAX_CELLS_PER_SHEET
from assessment.inputs.model import InputError
from assessment.inputs.workbook import read_workbook, write_workbook
from assessment.review.workbook import write_review_template
from assessment.review.workbook_reader import read_review_workbook
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input

#: One merged range from column AA to the last cell Excel has: 17 billion cells for openpyxl.
MERGED_BOMB = b'<mergeCells count="1"><mergeCell ref="AA1:XFD1048576"/></mergeCells>'
MEMORY_LIMIT = 200 * 1024 * 1024


def _patched(seed: Path, path: Path, change: dict[bytes, bytes]) -> Path:
    """`seed` with its first worksheet's XML edited by literal replacements."""
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                for old, new in change.items():
                    assert old in content
                    content = content.replace(old, new, 1)
            target.writestr(info.filename, content)
    return path


def _input_workbook(tmp_path: Path, rubric: Rubric) -> Path:
    path = tmp_path / "seed.xlsx"
    write_workbook(perfect_input(rubric, district="龙湾区"), rubric, path)
    return path


def test_one_huge_merged_range_in_a_small_workbook_is_refused_by_validate_under_a_memory_limit(
    tmp_path: Path, rubric: Rubric
) -> None:
    bomb = _patched(_input_workbook(tmp_path, rubric), tmp_path / "龙湾区.xlsx",
                    {b"</sheetData>": b"</sheetData>" + MERGED_BOMB})
    assert bomb.stat().st_size < 64 * 1024

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    run = subprocess.run(
        [sys.executable, "-c", f"from assessment.cli import main; raise SystemExit(main(['validate', {str(bomb)!r}]))"],
        preexec_fn=limit_memory, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "工作簿过大，未读取" in run.stderr and "合并单元格" in run.stderr and str(bomb) in run.stderr


def test_a_sheet_declaring_a_used_range_beyond_the_limit_is_refused_at_that_sheet_before_openpyxl(
    tmp_path: Path, rubric: Rubric
) -> None:
    seed = _input_workbook(tmp_path, rubric)
    with zipfile.ZipFile(seed) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    declared = sheet[sheet.index(b"<dimension"):].split(b"/>", 1)[0] + b"/>"
    bomb = _patched(seed, tmp_path / "龙湾区.xlsx", {declared: b'<dimension ref="A1:XFD1048576"/>'})
    with pytest.raises(InputError) as caught:
        read_workbook(bomb, rubric)
    (problem,) = caught.value.problems
    assert problem.location.sheet == "填报说明"
    assert problem.message.startswith(f"已用区域延伸到XFD1048576单元格，超过{MAX_CELLS_PER_SHEET:,}个单元格的上限")


def test_merged_ranges_within_the_limit_are_still_read(tmp_path: Path, rubric: Rubric) -> None:
    small = _patched(_input_workbook(tmp_path, rubric), tmp_path / "龙湾区.xlsx",
                     {b"</sheetData>": b'</sheetData><mergeCells count="1"><mergeCell ref="C1:F3"/></mergeCells>'})
    assert read_workbook(small, rubric).problems == []


def test_review_workbooks_share_the_bounded_reader(tmp_path: Path, rubric: Rubric) -> None:
    seed = tmp_path / "复核-龙湾区.xlsx"
    write_review_template(perfect_input(rubric, district="龙湾区"), rubric, seed)
    bomb = _patched(seed, tmp_path / "bomb.xlsx", {b"</sheetData>": b"</sheetData>" + MERGED_BOMB})
    with pytest.raises(InputError) as caught:
        read_review_workbook(bomb, rubric)
    assert caught.value.problems[0].message.startswith("工作簿过大，未读取：")
