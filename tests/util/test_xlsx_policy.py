"""The one xlsx cell policy (assessment.util.xlsx): clean, shown as typed, never evaluated, deterministic."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from openpyxl import Workbook

from assessment.util.exact import to_fraction
from assessment.util.formatting import signed
from assessment.util.xlsx import (
    line_count,
    print_setup,
    row_height,
    set_change,
    set_text,
    set_value,
    text_width,
    workbook_bytes,
)


def _round_trip(*values):
    wb = Workbook()
    ws = wb.active
    for n, value in enumerate(values, start=1):
        set_value(ws.cell(n, 1), value)
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb))).active


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_kept_as_typed_and_marked_never_to_be_evaluated(text):
    cell = _round_trip(text)["A1"]
    # XML reads a carriage return back as a line feed; what matters is that it stays text
    assert cell.value in (text, text.replace("\r", "\n")) and cell.data_type == "s" and cell.quotePrefix


def test_ordinary_text_is_kept_as_typed_without_a_quote_prefix():
    ws = _round_trip("龙湾区", "示范单位=是")
    assert [ws["A1"].value, ws["A2"].value] == ["龙湾区", "示范单位=是"]
    assert not ws["A1"].quotePrefix and not ws["A2"].quotePrefix


def test_characters_xml_cannot_hold_are_dropped():
    assert _round_trip("空\x00字\x1b区")["A1"].value == "空字区"
    wb = Workbook()
    set_text(wb.active["A1"], "=\x00x")
    assert wb.active["A1"].value == "=x" and wb.active["A1"].quotePrefix


def test_numbers_stay_numbers_and_blanks_stay_empty():
    import numpy as np
    import pandas as pd

    ws = _round_trip(3, 2.5, np.int64(7), None, math.nan, pd.NA)
    assert [ws[f"A{i}"].value for i in range(1, 7)] == [3, 2.5, 7, None, None, None]
    assert ws["A1"].data_type == "n" and ws["A3"].data_type == "n"


def test_the_same_workbook_gives_the_same_bytes():
    def build():
        wb = Workbook()
        set_value(wb.active["A1"], "=x")
        return workbook_bytes(wb)

    assert build() == build()


def test_chinese_characters_and_full_width_punctuation_count_two_columns():
    assert text_width("ab1") == 3
    assert text_width("龙湾区") == 6 and text_width("（示例）") == 8
    assert text_width("85%，“是”") == 3 + 2 + 6  # curly quotes are drawn wide by Chinese fonts


def test_a_line_count_grows_with_the_text_and_the_font_and_shrinks_with_the_column():
    long = "执法" * 60  # 240 columns at 11 pt
    assert line_count("执法", 20) == 1
    assert line_count(long, 110) >= 3  # 240 columns never fit in two lines of 110
    assert line_count(long, 110, size=14) > line_count(long, 110)
    assert line_count(long, 55) > line_count(long, 110)
    assert line_count("一\n二\n三", 40) == 3  # every paragraph starts a line


def test_a_wrapped_cell_gets_a_row_tall_enough_for_its_lines_and_other_rows_keep_the_default():
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.column_dimensions["A"].width = 20
    set_text(ws["A1"], "执法" * 30)
    ws["A1"].alignment = Alignment(wrap_text=True)
    set_text(ws["A2"], "执法" * 30)  # not wrapped: spills over, no height
    set_text(ws["A3"], "执法" * 30)
    ws["A3"].alignment = Alignment(wrap_text=True)
    ws["A3"].font = Font(size=14)
    print_setup(ws)
    lines = line_count("执法" * 30, 20)
    assert lines >= 6 and ws.row_dimensions[1].height == row_height(lines) >= lines * 11 * 1.2
    assert ws.row_dimensions[2].height is None
    assert ws.row_dimensions[3].height == row_height(line_count("执法" * 30, 20, 14), 14) > ws.row_dimensions[1].height


def test_every_sheet_prints_a4_landscape_one_page_wide_with_its_titles_repeated_and_frozen():
    wb = Workbook()
    ws = wb.active
    ws.append(["排名", "地区", "总得分"])
    print_setup(ws, key_columns=2)
    ws = openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert (ws.page_setup.orientation, int(ws.page_setup.paperSize)) == ("landscape", 9)  # 9: A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$B" and ws.freeze_panes == "C2"


@pytest.mark.parametrize(
    ("change", "shown_as", "number_format"),
    [(3, "+3", "+0;-0;0"), (2.5, "+2.5", "+0.0;-0.0;0"), (-1.25, "-1.25", "+0.00;-0.00;0"), (0, "0", "+0;-0;0")],
)
def test_a_change_keeps_its_number_and_shows_the_digits_signed_writes(change, shown_as, number_format):
    cell = Workbook().active["A1"]
    set_change(cell, change)
    assert cell.value == change and cell.data_type == "n"
    assert cell.number_format == number_format and signed(to_fraction(change)) == shown_as
