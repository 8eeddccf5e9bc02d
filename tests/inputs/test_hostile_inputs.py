"""Hostile and odd inputs are refused with a located Chinese problem (exit 2), quickly and in
bounded memory, never with a traceback (exit 1) or a silently changed verdict.

Every hostile workbook is made here, in tmp_path: written with openpyxl, or patched at the
XML level where openpyxl cannot write what Excel, WPS or LibreOffice do.
"""

from __future__ import annotations

import json
import resource
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from assessment.cli.app import main
from assessment.inputs.files import load_input
from assessment.inputs.json_form import input_to_dict, input_to_json
from assessment.inputs.limits import MAX_CELLS_PER_SHEET, MAX_JSON_DEPTH, MAX_UNCOMPRESSED_BYTES
from assessment.inputs.model import InputError, Problem
from assessment.inputs.workbook import read_workbook, write_workbook
from assessment.inputs.workbook.layout import SHEET_ANSWERS
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input
from assessment.scoring.engine import score

RATE = "s03_claim_rate"
COUNT = "e10_dispatched"
VALUE_COLUMN = "D"


# ----------------------------------------------------------------------------- helpers


def json_input(tmp_path: Path, rubric: Rubric, change: Callable[[dict], object] | None = None) -> Path:
    """A valid JSON input, edited by `change`."""
    data = input_to_dict(perfect_input(rubric, district="龙湾区"))
    if change is not None:
        change(data)
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def raw_json(tmp_path: Path, rubric: Rubric, replace: dict[str, str]) -> Path:
    """A valid JSON input whose text has literal substitutions (for what json.dumps will not write)."""
    text = input_to_json(perfect_input(rubric, district="龙湾区"))
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    path = tmp_path / "input.json"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path, rubric: Rubric) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_input(path, rubric)
    return caught.value.problems


def workbook(tmp_path: Path, rubric: Rubric, change: Callable[[Workbook], object] | None = None) -> Path:
    """A valid filled workbook, edited by `change` through openpyxl."""
    path = tmp_path / "龙湾区.xlsx"
    write_workbook(perfect_input(rubric, district="龙湾区"), rubric, path)
    if change is not None:
        wb = openpyxl.load_workbook(path)
        change(wb)
        wb.save(path)
    return path


def answer_row(wb: Workbook, cid: str) -> int:
    ws = wb[SHEET_ANSWERS]
    return next(row for row in range(1, ws.max_row + 1) if ws.cell(row, 1).value == cid)


def set_answer(wb: Workbook, cid: str, value: object, number_format: str | None = None) -> None:
    cell = wb[SHEET_ANSWERS][f"{VALUE_COLUMN}{answer_row(wb, cid)}"]
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format


def patch_zip(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """Rewrite every member of the ZIP at `path` through `change(name, content)`."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members:
            target.writestr(name, change(name, content))


def exit_code(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1e999999999", "不用科学计数法"),
        ("1E5", "不用科学计数法"),
        ("NaN", ""),
        ("inf", ""),
        ("-Infinity", ""),
        ("9" * 41, "超过40个字符"),
        ("12345678901234567", "数值过大"),
    ],
)
def test_number_text_that_is_not_a_plain_bounded_decimal_is_refused_with_its_path(
    tmp_path: Path, rubric: Rubric, typed: str, reason: str
) -> None:
    path = json_input(tmp_path, rubric, lambda d: d["answers"].update({COUNT: typed}))
    started = time.monotonic()
    (problem,) = problems(path, rubric)
    assert time.monotonic() - started < 1
    assert problem.location.json_path == f"$.answers.{COUNT}"
    assert f"应为不小于0的整数，实际为“{typed[:40]}" in problem.message and reason in problem.message


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "1e-999", "9" * 5000, "1" + "0" * 60 + ".5"])
def test_json_number_literals_without_a_sensible_value_are_refused_with_their_path(
    tmp_path: Path, rubric: Rubric, literal: str
) -> None:
    path = raw_json(tmp_path, rubric, {'"authorized": 30': f'"authorized": {literal}'})
    (problem,) = problems(path, rubric)
    assert problem.location.json_path == "$.staff.authorized"
    assert "核定编制数应为不小于1的整数，实际为" in problem.message


def test_absurd_json_integer_is_refused_as_too_large(tmp_path: Path, rubric: Rubric) -> None:
    path = json_input(tmp_path, rubric, lambda d: d["equipment"].update({"vehicle": 10**15}))
    (problem,) = problems(path, rubric)
    assert problem.location.json_path == "$.equipment.vehicle" and "数值过大" in problem.message


def test_workbook_number_cells_holding_nan_infinity_or_huge_exponents_are_refused_at_their_cell(
    tmp_path: Path, rubric: Rubric, capsys: pytest.CaptureFixture[str]
) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        for cid, value in ((COUNT, "1e999999999"), (RATE, 1e300), ("s19_records_per_person", "NaN")):
            set_answer(wb, cid, value)
            rows[cid] = answer_row(wb, cid)

    path = workbook(tmp_path, rubric, change)
    started = time.monotonic()
    code, out = exit_code(path, capsys)
    assert time.monotonic() - started < 5
    assert code == 2
    located = {(p.location.sheet, p.location.row, p.location.column) for p in problems(path, rubric)}
    assert located == {(SHEET_ANSWERS, row, VALUE_COLUMN) for row in rows.values()}
    assert "实际为“1e999999999”（请写成普通数字，不用科学计数法）" in out


def test_date_in_a_number_cell_says_the_cell_is_date_formatted(tmp_path: Path, rubric: Rubric) -> None:
    import datetime

    path = workbook(tmp_path, rubric, lambda wb: set_answer(wb, COUNT, datetime.datetime(2024, 3, 31)))
    (problem,) = problems(path, rubric)
    assert problem.message.startswith(f"「{rubric.answer_name(COUNT)}」")
    assert "单元格为日期格式（显示为“2024-03-31”），应为不小于0的整数" in problem.message


# ----------------------------------------------------------------------------- percent formats


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (0.85, "0%", 85),  # a real percent format scales by 100
        (0.85, '0.00"%"', "0.85"),  # a quoted % is text: shows 0.85% and means 0.85 %
        (0.85, "0.00\\%", "0.85"),  # LibreOffice's escaped % is text too
        (85, '0"%"', 85),  # shows 85%: accepted as 85 %
    ],
)
def test_only_an_unquoted_percent_sign_makes_a_percent_format(
    tmp_path: Path, rubric: Rubric, value: float, number_format: str, expected: object
) -> None:
    from fractions import Fraction

    path = workbook(tmp_path, rubric, lambda wb: set_answer(wb, RATE, value, number_format))
    got = load_input(path, rubric)
    assert got.answers[RATE] == Fraction(str(expected))
    assert got.warnings == ()  # a % sign is shown, so nothing is ambiguous


def test_percent_cell_out_of_range_is_quoted_as_the_spreadsheet_shows_it(tmp_path: Path, rubric: Rubric) -> None:
    path = workbook(tmp_path, rubric, lambda wb: set_answer(wb, RATE, 85, "0%"))
    (problem,) = problems(path, rubric)
    assert problem.message.endswith("应为0到100之间的百分比（如 85 或 85%），实际为“8500%”")


# ----------------------------------------------------------------------------- ambiguous rates


def test_rate_of_at_most_1_in_a_plain_cell_is_valid_with_a_located_warning_naming_the_criterion(
    tmp_path: Path, rubric: Rubric, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(tmp_path, rubric, lambda wb: set_answer(wb, RATE, 0.95))
    got = load_input(path, rubric)
    name = rubric.criteria[RATE].name
    (warning,) = got.warnings
    assert f"工作表「{SHEET_ANSWERS}」" in warning and f"{VALUE_COLUMN}列" in warning
    assert f"「{name}」填写为0.95，按0.95%计；如指95%，请填写95或95%" in warning
    assert RATE not in warning
    assert warning in score(rubric, got).warnings
    code, out = exit_code(path, capsys)
    assert code == 0 and f"提示：{warning}" in out


@pytest.mark.parametrize(("typed", "warned"), [(1, True), (0.5, True), ("0.95", True), (0, False), ("1%", False), (2, False)])
def test_json_rate_of_at_most_1_is_warned_about_but_0_and_typed_percents_are_not(
    tmp_path: Path, rubric: Rubric, typed: object, warned: bool
) -> None:
    path = json_input(tmp_path, rubric, lambda d: d["answers"].update({RATE: typed}))
    warnings = load_input(path, rubric).warnings
    assert len(warnings) == warned
    assert all(f"JSON路径 $.answers.{RATE}" in w for w in warnings)


def test_unfilled_answers_are_warned_about_by_name_not_by_id(rubric: Rubric) -> None:
    import dataclasses

    inp = dataclasses.replace(perfect_input(rubric), answers={})
    (missing,) = [w for w in score(rubric, inp).warnings if "未填报" in w]
    first = next(c for c in rubric.criteria.values() if c.id in rubric.answerable())
    assert first.name in missing and first.id not in missing
    assert "_" not in missing and missing.endswith("项")


# ----------------------------------------------------------------------------- JSON structure


def test_duplicate_json_keys_are_problems_with_their_path(tmp_path: Path, rubric: Rubric) -> None:
    edits = {'"answers": {': f'"answers": {{"{RATE}": 10, ', '"district": "龙湾区"': '"district": "龙湾区", "district": "鹿城区"'}
    path = raw_json(tmp_path, rubric, edits)
    found = {(p.location.json_path, p.message) for p in problems(path, rubric)}
    assert found == {
        ("$.district", "字段“district”重复出现，只能出现一次"),
        (f"$.answers.{RATE}", f"字段“{RATE}”重复出现，只能出现一次"),
    }


@pytest.mark.parametrize("district", [17, None, ["龙湾区"], {"name": "龙湾区"}, True])
def test_district_that_is_not_text_is_a_problem(tmp_path: Path, rubric: Rubric, district: object) -> None:
    (problem,) = problems(json_input(tmp_path, rubric, lambda d: d.update(district=district)), rubric)
    assert problem.location.json_path == "$.district" or (district is None and "缺少地区" in problem.message)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_refused_with_the_path_where_it_gets_too_deep(
    tmp_path: Path, rubric: Rubric, depth: int, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = "[" * depth + "]" * depth
    path = raw_json(tmp_path, rubric, {'"answers": {': f'"answers": {{"{RATE}": {nested}, '})
    started = time.monotonic()
    (problem,) = problems(path, rubric)
    assert time.monotonic() - started < 2
    assert problem.location.json_path == f"$.answers.{RATE}" + "[0]" * (MAX_JSON_DEPTH - 2)
    assert f"嵌套超过{MAX_JSON_DEPTH}层" in problem.message
    assert exit_code(path, capsys)[0] == 2


def test_brackets_inside_json_strings_do_not_count_as_nesting(tmp_path: Path, rubric: Rubric) -> None:
    path = json_input(tmp_path, rubric, lambda d: d.update(remarks={RATE: "[" * 100}))
    assert load_input(path, rubric).remarks == {RATE: "[" * 100}


# ----------------------------------------------------------------------------- names and text


@pytest.mark.parametrize("name", ["龙湾\x1b[31m区", "龙湾\u200b区", "\ufeff龙湾区", "龙湾\u202e区", "龙湾\n区", "\u200b"])
def test_names_with_control_or_invisible_characters_are_refused_and_quoted_safely(
    tmp_path: Path, rubric: Rubric, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (problem,) = problems(json_input(tmp_path, rubric, lambda d: d.update(district=name)), rubric)
    assert problem.location.json_path == "$.district" and "含有控制字符或不可见字符 U+" in problem.message
    code, out = exit_code(tmp_path / "input.json", capsys)
    assert code == 2 and out.isprintable() is False and "\x1b" not in out and "\u200b" not in out


def test_roster_and_extra_equipment_names_are_checked_like_the_district(tmp_path: Path, rubric: Rubric) -> None:
    def change(d: dict) -> None:
        d["roster"] = [{"name": "张\x07三", "education": "本科", "major": "法学类", "certified": True, "cert_required": True}]
        d["extra_equipment"][0]["name"] = "打印机\u200d"
        d["answers"].pop("s05_college_rate", None)

    found = {p.location.json_path for p in problems(json_input(tmp_path, rubric, change), rubric)}
    assert {"$.roster[0].name", "$.extra_equipment[0].name"} <= found


def test_blank_district_is_a_problem(tmp_path: Path, rubric: Rubric) -> None:
    (problem,) = problems(json_input(tmp_path, rubric, lambda d: d.update(district="   ")), rubric)
    assert problem.message == "缺少地区"


def test_zero_staff_on_duty_is_refused(tmp_path: Path, rubric: Rubric) -> None:
    path = json_input(tmp_path, rubric, lambda d: d["staff"].update(on_duty=0))
    (problem,) = problems(path, rubric)
    assert problem.location.json_path == "$.staff.on_duty" and "应为不小于1的整数" in problem.message


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(info={"地区": "鹿城区"}), "$.info.地区"),
        (lambda d: d.update(info={"电话": ["x"]}), "$.info.电话"),
        (lambda d: d.update(evidence={"zz_unknown": "x"}), "$.evidence.zz_unknown"),
        (lambda d: d.update(remarks={RATE: "a\x00b"}), f"$.remarks.{RATE}"),
    ],
)
def test_free_text_and_its_keys_are_checked(tmp_path: Path, rubric: Rubric, change: Callable, path: str) -> None:
    (problem,) = problems(json_input(tmp_path, rubric, change), rubric)
    assert problem.location.json_path == path


# ----------------------------------------------------------------------------- workbooks: size


def _bomb(seed: Path, path: Path, cell: bytes, cells: int) -> None:
    """`seed` (a valid workbook) with its first sheet storing `cells` copies of `cell`,
    streamed into the ZIP so that the test itself stays small and fast."""
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info))
                continue
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                stream.write(b'<sheetData><row r="1">')
                block = cell * 100_000
                for _ in range(cells // 100_000):
                    stream.write(block)
                stream.write(b"</row></sheetData></worksheet>")


@pytest.mark.parametrize(
    ("cell", "cells", "limit"),
    [
        (b'<c r="A1"/>', 20_000_000, "超过上限100 MB"),  # the declared size gives it away
        (b"<c/>", 20_000_000, f"单元格超过{MAX_CELLS_PER_SHEET:,}个"),  # 80 MB: only counting does
    ],
)
def test_zip_bomb_workbook_is_refused_fast_in_bounded_memory_naming_the_limit(
    tmp_path: Path, rubric: Rubric, cell: bytes, cells: int, limit: str
) -> None:
    path = tmp_path / "bomb.xlsx"
    _bomb(workbook(tmp_path, rubric), path, cell, cells)
    assert path.stat().st_size < 2 * 1024 * 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_workbook(path, rubric)
    assert time.monotonic() - started < 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200 * 1024  # KiB on Linux
    (problem,) = caught.value.problems
    assert problem.message.startswith("工作簿过大，未读取：") and limit in problem.message
    assert MAX_UNCOMPRESSED_BYTES == 100 * 1024 * 1024


# ----------------------------------------------------------------------------- workbooks: formats


def _ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest/>")


def _xlsb(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (_ods, "OpenDocument表格（.ods）"),
        (_xlsb, "Excel二进制工作簿（.xlsb）"),
        (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), "Excel 97-2003（.xls）或WPS表格（.et）"),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + bytes(480)),
            "设有打开密码的加密工作簿",
        ),
    ],
)
def test_other_spreadsheet_formats_renamed_to_xlsx_are_named_with_how_to_save_as_xlsx(
    tmp_path: Path, rubric: Rubric, make: Callable[[Path], object], named: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "龙湾区.xlsx"
    make(path)
    (problem,) = problems(path, rubric)
    assert named in problem.message and "另存为 .xlsx 格式" in problem.message
    assert exit_code(path, capsys)[0] == 2


@pytest.mark.parametrize("suffix", [".xls", ".ods", ".et"])
def test_other_spreadsheet_suffixes_are_told_to_save_as_xlsx(tmp_path: Path, rubric: Rubric, suffix: str) -> None:
    path = tmp_path / f"龙湾区{suffix}"
    path.write_bytes(b"x")
    (problem,) = problems(path, rubric)
    assert "请在Excel或WPS中另存为 .xlsx 格式" in problem.message


def test_an_xlsx_renamed_xls_is_read_by_its_content_with_a_note(tmp_path: Path, rubric: Rubric, capsys) -> None:
    xlsx = workbook(tmp_path, rubric)
    renamed = xlsx.rename(tmp_path / "龙湾区.xls")
    inp = load_input(renamed, rubric)
    assert score(rubric, inp).total == score(rubric, perfect_input(rubric, district="龙湾区")).total
    (note,) = inp.warnings
    assert "内容是 .xlsx 工作簿，已按 .xlsx 读取" in note and "97-2003" not in note
    code, out = exit_code(renamed, capsys)
    assert code == 0 and "通过" in out and "提示" in out


def test_a_real_excel_97_2003_workbook_is_asked_to_be_saved_as_xlsx(tmp_path: Path, rubric: Rubric, capsys) -> None:
    path = tmp_path / "龙湾区.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (problem,) = problems(path, rubric)
    assert problem.message == "这是Excel 97-2003工作簿（.xls），请在Excel或WPS中另存为 .xlsx 格式"
    assert exit_code(path, capsys)[0] == 2


def test_a_text_file_named_xls_is_not_called_an_excel_workbook(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "龙湾区.xls"
    path.write_text("<html><table><tr><td>地区</td><td>龙湾区</td></tr></table></html>", encoding="utf-8")
    (problem,) = problems(path, rubric)
    assert problem.message.startswith("文件扩展名为“.xls”，但内容既不是Excel 97-2003工作簿，也不是 .xlsx 工作簿")
    assert problem.message.endswith("请在Excel或WPS中另存为 .xlsx 格式")


def test_formula_cell_without_saved_result_in_a_patched_workbook_is_a_located_problem(tmp_path: Path, rubric: Rubric) -> None:
    rows: dict[str, int] = {}

    def change(wb: Workbook) -> None:
        set_answer(wb, COUNT, 7)
        rows["count"] = answer_row(wb, COUNT)

    path = workbook(tmp_path, rubric, change)
    cell = f'r="{VALUE_COLUMN}{rows["count"]}"'.encode()

    def strip_value(name: str, content: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return content
        head, found, tail = content.partition(cell)
        if not found:
            return content
        start = head.rindex(b"<c ")
        end = tail.index(b"</c>") + len(b"</c>")
        return head[:start] + b"<c " + cell + b"><f>SUM(1,2)</f></c>" + tail[end:]

    patch_zip(path, strip_value)
    (problem,) = problems(path, rubric)
    assert (problem.location.sheet, problem.location.row, problem.location.column) == (
        SHEET_ANSWERS,
        rows["count"],
        VALUE_COLUMN,
    )
    assert "公式“=SUM(1,2)”" in problem.message and "没有保存计算结果" in problem.message


def test_formula_cell_with_a_saved_result_reads_as_that_result(tmp_path: Path, rubric: Rubric) -> None:
    path = workbook(tmp_path, rubric, lambda wb: set_answer(wb, COUNT, "=1+2"))

    def add_cached(name: str, content: bytes) -> bytes:
        return content.replace(b"<f>1+2</f><v></v>", b"<f>1+2</f><v>3</v>").replace(b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")

    patch_zip(path, add_cached)
    assert load_input(path, rubric).answers[COUNT] == 3


def test_stray_value_far_below_the_table_is_refused_before_millions_of_cells_are_made(tmp_path: Path, rubric: Rubric) -> None:
    path = workbook(tmp_path, rubric, lambda wb: wb[SHEET_ANSWERS].cell(1_048_576, 4, "x"))
    started = time.monotonic()
    (problem,) = problems(path, rubric)
    assert time.monotonic() - started < 5
    assert problem.location.sheet == SHEET_ANSWERS and "已用区域延伸到J1048576单元格" in problem.message


def test_damaged_compressed_sheet_is_unreadable_not_an_internal_error(tmp_path: Path, rubric: Rubric) -> None:
    path = workbook(tmp_path, rubric)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet3.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10 : start + 60] = bytes(range(50))
    path.write_bytes(bytes(data))
    (problem,) = problems(path, rubric)
    assert problem.message.startswith("无法读取工作簿：")


def test_input_file_over_the_size_limit_is_not_read(tmp_path: Path, rubric: Rubric) -> None:
    from assessment.inputs.limits import MAX_FILE_BYTES

    path = tmp_path / "big.json"
    path.write_bytes(b" " * (MAX_FILE_BYTES + 1))
    (problem,) = problems(path, rubric)
    assert problem.message == "文件超过20 MB（上限），未读取"
