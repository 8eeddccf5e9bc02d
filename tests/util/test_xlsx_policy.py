"""The one xlsx cell policy (assessment.util.xlsx): clean, shown as typed, never evaluated, deterministic."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from openpyxl import Workbook

from assessment.util.xlsx import set_text, set_value, workbook_bytes


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
