"""Reading any supported input file into a validated DistrictInput.

One entry point for the CLI, the batch and the notebooks, so that every path reports the
same errors for the same file.
"""

from __future__ import annotations

from pathlib import Path

from .jsonio import read_json
from .model import DistrictInput, InputError, Location, Problem, RawInput
from .rubric import Rubric
from .validate import validate

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
INPUT_SUFFIXES = WORKBOOK_SUFFIXES | {".json"}
#: Spreadsheet formats people may have, by suffix: named so the message can say what to do.
OTHER_SPREADSHEETS = {
    ".xls": "Excel 97-2003工作簿",
    ".xlsb": "Excel二进制工作簿",
    ".et": "WPS表格",
    ".ett": "WPS表格模板",
    ".ods": "OpenDocument表格",
    ".csv": "CSV文本",
    ".numbers": "Numbers表格",
}


def read_raw(path: Path, rubric: Rubric) -> RawInput:
    """Raw cells from a .json or .xlsx file (InputError when it cannot be read at all)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem(Location(str(path)), "文件不存在")])
    if suffix == ".json":
        return read_json(path)
    if suffix in WORKBOOK_SUFFIXES:
        from .workbook import read_workbook  # openpyxl is only needed for workbooks

        return read_workbook(path, rubric)
    if suffix in OTHER_SPREADSHEETS:
        raise InputError(
            [Problem(Location(str(path)),
                     f"这是{OTHER_SPREADSHEETS[suffix]}（{path.suffix}），请在Excel或WPS中另存为 .xlsx 格式")]
        )
    raise InputError([Problem(Location(str(path)), f"不支持的文件类型“{path.suffix}”：应为 .xlsx 或 .json")])


def load_input(path: Path, rubric: Rubric) -> DistrictInput:
    """The validated input of one file, or InputError listing every problem."""
    return validate(read_raw(path, rubric), rubric)


def input_files(folder: Path) -> list[Path]:
    """Every input file directly in `folder`, sorted by name; Excel's lock files are skipped."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith("~$")
    )
