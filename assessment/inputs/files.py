"""Reading any supported input file into a validated DistrictInput.

One entry point for the CLI, the batch and the notebooks, so that every path reports the
same errors for the same file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assessment.inputs.json_form import read_json
from assessment.inputs.limits import read_limited
from assessment.inputs.model import DistrictInput, InputError, Location, Problem, RawInput
from assessment.inputs.validate import validate
from assessment.inputs.xlsx_inspect import is_ole2, is_xlsx_package
from assessment.publish.ledger import sha256_bytes
from assessment.publish.outputs import INPUT_COPIES, OWNED_FILES
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric
from assessment.util.console import CommandError, safe

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
#: Of those, the formats stored as OLE2 compound files, told apart from others by content.
OLE2_SUFFIXES = {".xls", ".et", ".ett"}


def read_raw(path: Path, rubric: Rubric) -> RawInput:
    """Raw cells from a .json or .xlsx file (InputError when it cannot be read at all).

    A spreadsheet named .xls (or another spreadsheet suffix) is judged by its content: an
    .xlsx package is read as one, with a note; an OLE2 file (a real Excel 97-2003 workbook)
    gets the message asking to save it as .xlsx."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError([Problem(Location(str(path)), "文件不存在")])
    if suffix == ".json":
        return read_json(path)
    if suffix in WORKBOOK_SUFFIXES:
        from assessment.inputs.workbook import read_workbook  # openpyxl is only needed for workbooks

        return read_workbook(path, rubric)
    if suffix in OTHER_SPREADSHEETS:
        from assessment.inputs.workbook import read_workbook

        if is_xlsx_package(path):  # an .xlsx renamed: judged by its content
            raw = read_workbook(path, rubric)
            note = f"文件扩展名为“{path.suffix}”，但内容是 .xlsx 工作簿，已按 .xlsx 读取；建议将扩展名改为 .xlsx"
            raw.notes.append(Problem(Location(str(path)), note))
            return raw
        if suffix in OLE2_SUFFIXES and not is_ole2(path):
            raise InputError(
                [Problem(Location(str(path)), f"文件扩展名为“{path.suffix}”，但内容既不是{OTHER_SPREADSHEETS[suffix]}，"
                         "也不是 .xlsx 工作簿（可能是网页或文本改了扩展名）；请在Excel或WPS中另存为 .xlsx 格式")]
            )
        raise InputError(
            [Problem(Location(str(path)),
                     f"这是{OTHER_SPREADSHEETS[suffix]}（{path.suffix}），请在Excel或WPS中另存为 .xlsx 格式")]
        )
    raise InputError([Problem(Location(str(path)), f"不支持的文件类型“{path.suffix}”：应为 .xlsx 或 .json")])


def validated_bytes(path: Path, inp: DistrictInput) -> bytes:
    """The input's bytes as validated (its sha256 is the input's), for the report folder's
    copy; CommandError when the file was saved again since it was validated."""
    data = read_limited(path)
    if sha256_bytes(data) != inp.sha256:
        raise CommandError(f"填报文件“{safe(path)}”在校验之后被修改过，请保存完毕后重新生成报告")
    return data


def load_input(path: Path, rubric: Rubric) -> DistrictInput:
    """The validated input of one file, or InputError listing every problem."""
    return validate(read_raw(path, rubric), rubric)


def input_files(folder: Path) -> list[Path]:
    """Every input file directly in `folder`, sorted by name; Excel's lock files are skipped."""
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith("~$")
    )


def load(path: str | Path, rubric: Rubric | None = None) -> DistrictInput:
    """A validated district input from a .xlsx or .json file (InputError otherwise)."""
    return load_input(Path(path), rubric or default_rubric())


def load_all(paths: Sequence[str | Path], rubric: Rubric) -> tuple[list[DistrictInput], list[Problem]]:
    """Every input validated: (valid inputs, problems of all the others), so a command can
    report every problem of every file at once before doing anything."""
    inputs, problems = [], []
    for path in paths:
        try:
            inputs.append(load_input(Path(path), rubric))
        except InputError as exc:
            problems.extend(exc.problems)
    return inputs, problems


def is_system_file(name: str) -> bool:
    """Hidden files, macOS resource forks (`._x.json`) and Office lock files (`~$x.xlsx`):
    copies and leftovers, never a district's input."""
    return name.startswith((".", "~$"))


def batch_inputs(data_dir: Path) -> tuple[list[Path], list[dict[str, str]]]:
    """The inputs of a batch folder, and the input-like files left out with the reason."""
    files, skipped = [], []
    for path in input_files(data_dir):
        if is_system_file(path.name):
            skipped.append({"file": path.name, "reason": "隐藏文件或系统生成的文件，不作为填报文件"})
        elif path.name in OWNED_FILES - INPUT_COPIES:  # a report folder's copy of its input is an input
            skipped.append({"file": path.name, "reason": "与本工具生成的文件同名，不作为填报文件"})
        else:
            files.append(path)
    return files, skipped
