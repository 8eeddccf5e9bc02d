"""The units received: district report folders in the layouts districts send, and what
could not be used, with why.

A district sends its report folder (`龙湾区/` holding scores.json …), a year folder holding
several (`2022/龙湾区/ …`), a whole output folder (`outputs/2022/…`), or a zip of any of
them; a bureau puts what it received side by side in one folder. A folder holding
scores.json is a district's; any other folder is looked into, two levels deep; a zip found
on the way is unpacked (`archive.unpack`) into `scratch` and looked into the same way.
Links are never followed: a received tree is someone else's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assessment.collect.archive import ArchiveError, unpack
from assessment.inputs.files import is_system_file
from assessment.publish.outputs import OWNED_FILES, SCORES_JSON

#: How deep below a folder given (or a zip's top) a district folder is looked for:
#: output folder → year folder → district folder.
MAX_DEPTH = 2
ZIP_SUFFIX = ".zip"


@dataclass(frozen=True)
class Unit:
    """One district folder received: where it lies now, and how the user knows it
    (`received/龙湾区`, `瓯海区.zip/瓯海区`)."""

    folder: Path
    source: str


@dataclass(frozen=True)
class Unused:
    """Something received that is not in the summary, and why (Chinese)."""

    source: str
    reason: str


def find_units(paths: Iterable[Path], scratch: Path) -> tuple[list[Unit], list[Unused]]:
    """Every district folder under `paths` (folders or zips, in the order given), and what
    was left out; zips are unpacked into new folders under `scratch`."""
    units: list[Unit] = []
    unused: list[Unused] = []
    for path in paths:
        path = Path(path)
        found = _zip(path, str(path), scratch) if _is_zip(path) else _scan(path, str(path), 0, scratch, in_zip=False)
        units += found[0]
        unused += found[1]
    return units, unused


def _is_zip(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() == ZIP_SUFFIX


def _zip(path: Path, source: str, scratch: Path) -> tuple[list[Unit], list[Unused]]:
    try:
        unpacked = unpack(path, scratch / f"zip-{sum(1 for _ in scratch.iterdir())}")
    except ArchiveError as exc:
        return [], [Unused(source, str(exc))]
    units, unused = _scan(unpacked.folder, source, 0, scratch, in_zip=True)
    if not units:
        return [], [Unused(source, "压缩包中没有报告文件夹（没有 scores.json）")]
    return units, unused


def _scan(folder: Path, source: str, depth: int, scratch: Path, *, in_zip: bool) -> tuple[list[Unit], list[Unused]]:
    """The units in `folder` and what was left out. A folder with no report in it is
    reported as itself, not file by file, except what needs the sender's attention (a
    link, a zip that could not be read), which is kept."""
    if (folder / SCORES_JSON).is_file() and not (folder / SCORES_JSON).is_symlink():
        return [Unit(folder, source)], []
    not_a_report = Unused(source, "不是报告文件夹（其中及其下级文件夹中都没有 scores.json）")
    if depth >= MAX_DEPTH:
        return [], [not_a_report]
    units: list[Unit] = []
    plain: list[Unused] = []
    notable: list[Unused] = []
    for entry in sorted(folder.iterdir()):
        name = f"{source}/{entry.name}"
        if is_system_file(entry.name) or entry.name in OWNED_FILES:  # a year's own summary, a ledger
            continue
        if entry.is_symlink():
            notable.append(Unused(name, "是符号链接，未读取（请发送文件夹本身）"))
        elif entry.is_dir():
            found = _scan(entry, name, depth + 1, scratch, in_zip=in_zip)
            units += found[0]
            if found[0]:
                plain += found[1]
            else:  # [what needs attention…, the folder itself not being a report]
                notable += found[1][:-1]
                plain += found[1][-1:]
        elif entry.suffix.lower() == ZIP_SUFFIX:
            found = ([], [Unused(name, "压缩包中的压缩包不展开，请解压后再发送")]) if in_zip else _zip(entry, name, scratch)
            units += found[0]
            notable += found[1]
        else:
            plain.append(Unused(name, "不是报告文件夹或 zip 压缩包"))
    if not units:
        return [], [*notable, not_a_report]
    return units, [*plain, *notable]
