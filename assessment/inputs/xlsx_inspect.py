"""Looking inside a workbook file before openpyxl parses it.

openpyxl builds every cell of every sheet in memory, so an 800 KB file declaring twenty
million empty cells would take minutes and gigabytes before anything could be said about
it. This module reads only the ZIP directory and streams each worksheet's XML once, in
bounded chunks, to learn three things cheaply:

* what the file really is: an .xls/.et (OLE2), an encrypted workbook, an .ods or .xlsb
  renamed to .xlsx, so the analyst is told how to save it as .xlsx;
* whether it is within the limits of `assessment.inputs.limits` (uncompressed size, cells
  stored or covered by merged ranges, the declared dimension);
* which formula cells carry no saved result. openpyxl's `data_only=True` reads such a cell
  as blank, which would silently turn an answer into "not filled"; the reader reports them.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from assessment.inputs.limits import (
    MAX_CELLS_PER_SHEET,
    MAX_CELLS_TOTAL,
    MAX_UNCOMPRESSED_BYTES,
    megabytes,
)
from assessment.inputs.model import InputError, Location, Problem

UNREADABLE = "（文件已损坏、加密或不是.xlsx格式）"
SAVE_AS = "请在Excel或WPS中另存为 .xlsx 格式"
#: The first bytes of an OLE2 compound file: a legacy .xls, a WPS .et, or an encrypted .xlsx.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
#: The stream an encrypted OOXML file keeps inside its OLE2 container.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.spreadsheet": "OpenDocument表格（.ods）",
    b"application/vnd.oasis.opendocument.text": "OpenDocument文档（.odt）",
}
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

#: One cell element, prefixed or not: its attributes and, unless self-closing, its content.
CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.S)
FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?f>)", re.S)
VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?v>)", re.S)
REFERENCE = re.compile(rb'\br="([A-Z]+[0-9]+)"')
STRING_RESULT = re.compile(rb'\bt="str"')
#: A merged range or the sheet's declared dimension: `<mergeCell ref="A1:B2"/>`, `<dimension ref="A1:Z99"/>`.
RANGE = re.compile(
    rb'<(?:[\w.-]+:)?(mergeCell|dimension)\b[^>]*?\bref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"'
)
CHUNK = 1 << 20


@dataclass(frozen=True)
class PackageFacts:
    """What the workbook's XML says beyond what openpyxl keeps."""

    #: (sheet title, cell coordinate) → formula text, for formula cells with no saved result.
    uncached_formulas: dict[tuple[str, str], str]


def _unreadable(file: str, reason: str) -> InputError:
    return InputError([Problem(Location(file), f"无法读取工作簿：{reason}{UNREADABLE}")])


def _refused(file: str, reason: str) -> InputError:
    return InputError([Problem(Location(file), f"工作簿过大，未读取：{reason}")])


def _ole2(data: bytes, file: str) -> InputError:
    if ENCRYPTION_STREAM in data:
        return _unreadable(file, f"这是设有打开密码的加密工作簿，请在Excel或WPS中取消密码后{SAVE_AS[1:]}")
    return _unreadable(file, f"这是Excel 97-2003（.xls）或WPS表格（.et）格式的文件，{SAVE_AS}")


def _other_format(archive: zipfile.ZipFile, file: str) -> InputError | None:
    """A ZIP that is some other office format (.ods, .xlsb) renamed to .xlsx."""
    names = set(archive.namelist())
    if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
        kind = archive.read("mimetype").strip()
        name = ODF_TYPES.get(kind, "OpenDocument文件" if kind.startswith(b"application/vnd.oasis") else None)
        if name is not None:
            return _unreadable(file, f"这是{name}文件，不是.xlsx工作簿，{SAVE_AS}")
    if "xl/workbook.bin" in names:
        return _unreadable(file, f"这是Excel二进制工作簿（.xlsb），{SAVE_AS}")
    return None


def _xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element | None:
    try:
        return ElementTree.fromstring(archive.read(name))
    except (KeyError, ElementTree.ParseError):
        return None


def _targets(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → resolved part name, for the relationships of `part`."""
    folder, name = posixpath.split(part)
    rels = _xml(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    out: dict[str, str] = {}
    for rel in rels.iter(f"{RELS_NS}Relationship") if rels is not None else ():
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = resolved
        out[f"type:{rel.get('Type', '')}"] = resolved
    return out


def sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part name → sheet title, as the workbook part declares them."""
    workbook = _targets(archive, "").get(f"type:{OFFICE_DOCUMENT}")
    root = _xml(archive, workbook) if workbook else None
    if root is None or workbook is None:
        return {}
    parts = _targets(archive, workbook)
    return {
        parts[sheet.get(REL_ID, "")]: sheet.get("name", "")
        for sheet in root.iter(f"{MAIN_NS}sheet")
        if sheet.get(REL_ID, "") in parts
    }


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _area(match: re.Match[bytes]) -> int:
    """Cells a `<mergeCell>` or `<dimension>` reference spans (1 for a single cell)."""
    first_col, first_row, last_col, last_row = match.group(2, 3, 4, 5)
    if last_col is None:
        return 1
    columns = abs(_column(last_col) - _column(first_col)) + 1
    return columns * (abs(int(last_row) - int(first_row)) + 1)


def used_range_problem(file: str, sheet: str, corner: str) -> Problem:
    """A sheet whose used range reaches `corner` and so exceeds MAX_CELLS_PER_SHEET: whether
    its XML declares it (`<dimension>`) or openpyxl finds it, the analyst reads one sentence."""
    return Problem(
        Location(file, sheet=sheet),
        f"已用区域延伸到{corner}单元格，超过{MAX_CELLS_PER_SHEET:,}个单元格的上限，未读取："
        "请删除表格下方和右侧多余的内容或格式后再提交",
    )


def _corner(match: re.Match[bytes]) -> str:
    """The bottom-right cell of a `<dimension>` reference."""
    column, row = match.group(4, 5) if match.group(4) is not None else match.group(2, 3)
    return f"{column.decode()}{int(row)}"


def _scan_sheet(archive: zipfile.ZipFile, part: str, budget: int) -> tuple[int, str | None, dict[str, str]]:
    """(cells openpyxl would build, the corner of a declared dimension over the limit,
    uncached formula cells) of one worksheet, reading it in bounded chunks.

    Cells openpyxl would build are the stored ones plus every cell a merged range covers
    but its top-left one: openpyxl makes a `MergedCell` object for each, so one range
    `AA1:XFD1048576` in a tiny file would cost gigabytes. Stops as soon as the count
    passes `budget` or the declared dimension spans more than MAX_CELLS_PER_SHEET; the
    caller then refuses the sheet.
    """
    count = 0
    declared: str | None = None
    uncached: dict[str, str] = {}
    buffer = b""
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buffer += chunk
            end = 0
            for found in RANGE.finditer(buffer):
                end = max(end, found.end())
                if found.group(1) == b"dimension":
                    declared = _corner(found) if _area(found) > MAX_CELLS_PER_SHEET else None
                else:
                    count += _area(found) - 1
            for match in CELL.finditer(buffer):
                end = max(end, match.end())
                count += 1
                content = match.group(2)
                if content and b"f" in content:
                    formula = FORMULA.search(content)
                    value = VALUE.search(content)
                    saved = value is not None and (bool(value.group(1)) or STRING_RESULT.search(match.group(1)))
                    reference = REFERENCE.search(match.group(1))
                    if formula is not None and not saved and reference is not None:
                        text = html.unescape((formula.group(1) or b"").decode("utf-8", "replace"))
                        uncached[reference.group(1).decode()] = text
            if count > budget or declared is not None:
                break
            # Without a complete element in it, only the tail can still start one.
            buffer = buffer[end:] if end else buffer[-CHUNK:]
            if not chunk:
                break
    return count, declared, uncached


def is_xlsx_package(path: Path) -> bool:
    """Whether the file at `path` is an .xlsx package by its content (a ZIP holding
    xl/workbook.xml), whatever its name says: people rename files, and Excel opens a
    renamed workbook by its content too."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return False


def is_ole2(path: Path) -> bool:
    """Whether the file at `path` is an OLE2 compound file (Excel 97-2003 .xls, WPS .et, or an
    encrypted .xlsx) by its first bytes."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(OLE2_MAGIC)) == OLE2_MAGIC
    except OSError:
        return False


def inspect_workbook(data: bytes, file: str) -> PackageFacts:
    """Facts about an .xlsx file's content, or InputError when it is not one or is too large."""
    if data.startswith(OLE2_MAGIC):
        raise _ole2(data, file)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _unreadable(file, "文件不是.xlsx工作簿")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        other = _other_format(archive, file)
        if other is not None:
            raise other
        declared = sum(info.file_size for info in archive.infolist())
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise _refused(
                file,
                f"解压后共{declared // (1024 * 1024)} MB，超过上限{megabytes(MAX_UNCOMPRESSED_BYTES)}；"
                "请删除无关的工作表、图片和空行后再提交",
            )
        titles = sheet_titles(archive)
        uncached: dict[tuple[str, str], str] = {}
        total = 0
        for info in archive.infolist():
            name = info.filename
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")) and name not in titles:
                continue
            title = titles.get(name, posixpath.basename(name))
            cells, corner, formulas = _scan_sheet(archive, name, min(MAX_CELLS_PER_SHEET, MAX_CELLS_TOTAL - total))
            total += cells
            if corner is not None:
                raise InputError([used_range_problem(file, title, corner)])
            if cells > MAX_CELLS_PER_SHEET:
                raise _refused(
                    file, f"工作表「{title}」的单元格超过{MAX_CELLS_PER_SHEET:,}个（上限，合并单元格覆盖的每一格都计入）；"
                    "请取消多余的合并单元格，删除多余的行、列或格式后再提交"
                )
            if total > MAX_CELLS_TOTAL:
                raise _refused(file, f"全部工作表的单元格合计超过{MAX_CELLS_TOTAL:,}个（上限）；请删除无关的工作表后再提交")
            uncached.update({(title, ref): text for ref, text in formulas.items()})
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError) as exc:
        # RuntimeError: an encrypted ZIP member, NotImplementedError (a RuntimeError): an
        # unsupported compression method; the others: a damaged archive.
        raise _unreadable(file, f"文件内容无法解析（{type(exc).__name__}）") from exc
    return PackageFacts(uncached)
