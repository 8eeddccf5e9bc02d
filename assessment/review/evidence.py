"""Evidence (佐证材料) that is checked: each answer's listed files, found (or not) in a folder.

An answer's 佐证材料 cell lists file names separated by `；` (or `;`) or new lines. Given
the district's evidence folder, every listed name is looked up inside it, never outside:
absolute paths, drive letters and `..` are refused, and a name that resolves (through a
symbolic link) out of the folder is refused too. Each file found is recorded with its size
and sha256, so that scores.json says exactly which evidence the report saw.

Missing evidence never changes a score by itself: it is what the reviewer looks at first.
A criterion that earned points from an answer is flagged 缺少佐证 when its row lists no
evidence, or (with a folder) when a listed file is missing or refused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from assessment.inputs.model import DistrictInput, InputError, Location, Problem
from assessment.publish.deadline import NotebookTimeout
from assessment.scoring.result import Result
from assessment.util.fsutil import safe_dirname

MISSING_LABEL = "缺少佐证"
#: Separators of a 佐证材料 cell: full- and half-width semicolons and line breaks.
SEPARATORS = re.compile(r"[；;\n]+")
CHUNK = 1 << 20

#: Longest name of one folder or file a file system takes, in bytes.
MAX_NAME_BYTES = 255

Status = Literal["ok", "missing", "refused", "unreadable", "too_long", "special", "unchecked"]
STATUS_WORDS: dict[str, str] = {
    "ok": "已找到",
    "missing": "文件不存在",
    "refused": "路径无效",
    "unreadable": "无法读取",
    "too_long": "名称过长",
    "special": "非普通文件",
    "unchecked": "未核查",
}
#: Statuses that flag the criterion 缺少佐证: the listed evidence is not there to be seen.
NOT_FOUND = ("missing", "refused", "unreadable", "too_long", "special")


def listed_files(text: str | None) -> list[str]:
    """The names a 佐证材料 cell lists, in order, blanks dropped."""
    if not text:
        return []
    return [name.strip() for name in SEPARATORS.split(text) if name.strip()]


@dataclass(frozen=True)
class EvidenceFile:
    """One listed name and what the folder holds for it.

    `path` is the name as found inside the folder (POSIX form); `note` says in Chinese why
    a name was refused or missing.
    """

    criterion_id: str
    name: str
    status: Status
    path: str | None = None
    size: int | None = None
    sha256: str | None = None
    note: str = ""


@dataclass(frozen=True)
class EvidenceFlag:
    """A criterion that earned points whose evidence is not there (缺少佐证)."""

    criterion_id: str
    criterion: str
    points: Any
    reason: Literal["none_listed", "file_missing"]
    missing: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The flag as the reviewer reads it."""
        if self.reason == "none_listed":
            return f"{MISSING_LABEL}：「{self.criterion}」得分但未列出佐证材料"
        return f"{MISSING_LABEL}：「{self.criterion}」所列佐证材料缺失：{'、'.join(self.missing)}"


@dataclass(frozen=True)
class EvidenceCheck:
    """Every listed evidence file of a district and the flags on criteria that earned points."""

    folder: str | None
    files: tuple[EvidenceFile, ...]
    flags: tuple[EvidenceFlag, ...]

    def for_criterion(self, criterion_id: str) -> tuple[EvidenceFile, ...]:
        return tuple(f for f in self.files if f.criterion_id == criterion_id)

    def flag(self, criterion_id: str) -> EvidenceFlag | None:
        return next((f for f in self.flags if f.criterion_id == criterion_id), None)

    @property
    def count(self) -> int:
        """Evidence files found (the manifest's evidence count)."""
        return sum(1 for f in self.files if f.status == "ok")


def evidence_folder(root: Path, district: str) -> Path:
    """A district's evidence folder: `root/<district>` when there is one, else `root` itself
    (one folder for a single report). InputError when `root` is not a folder.

    The folder comes back resolved, except a district folder that is a link leading out
    of `root`: that one is returned as the link, which `bound_of` then bounds by `root`."""
    if not root.is_dir():
        raise InputError([Problem(Location(str(root)), "佐证材料目录不存在或不是文件夹")])
    own = root / safe_dirname(district)
    if not own.is_dir():
        return root.resolve()
    return own.resolve() if own.resolve().is_relative_to(root.resolve()) else own


def _refusal(name: str) -> str | None:
    """Why `name` may not be looked up inside the folder, if it may not."""
    windows = PureWindowsPath(name)
    if windows.drive or windows.root or name.startswith(("/", "\\")):
        return "不能使用绝对路径，请写佐证材料目录内的相对路径"
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        return "不能包含“..”（指向佐证材料目录之外）"
    return None


def _sha256(path: Path, deadline: float | None = None) -> str:
    """The file's sha256, streamed; NotebookTimeout once `deadline` (time.monotonic()) passes."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            _in_time(deadline)
            digest.update(chunk)
    return digest.hexdigest()


def _in_time(deadline: float | None) -> None:
    """NotebookTimeout past the run's deadline: the batch reports it as it reports a notebook
    still running at --timeout, so checking evidence never outlasts the district's time."""
    if deadline is not None and time.monotonic() >= deadline:
        raise NotebookTimeout


def _entry(directory: Path, part: str) -> Path:
    """`directory/part`, or the entry whose name is `part` after Unicode NFC normalisation:
    macOS stores names decomposed (NFD), Excel and WPS type them composed (NFC)."""
    exact = directory / part
    if os.path.lexists(exact) or not directory.is_dir():
        return exact
    wanted = unicodedata.normalize("NFC", part)
    with os.scandir(directory) as entries:
        for entry in entries:
            if unicodedata.normalize("NFC", entry.name) == wanted:
                return directory / entry.name
    return exact


def bound_of(folder: Path) -> Path:
    """The real folder evidence must stay inside. A folder that is itself a link is bounded
    by the folder holding the link (the evidence root), so a district folder linked to
    /etc shows nothing of /etc."""
    return folder.parent.resolve() if folder.is_symlink() else folder.resolve()


class Hashes:
    """sha256 of each evidence file, computed once per run however often it is listed,
    within the run's `deadline` (time.monotonic(), None: no limit)."""

    def __init__(self, deadline: float | None = None) -> None:
        self._known: dict[tuple[int, int, int, int], str] = {}
        self.deadline = deadline

    def of(self, path: Path, facts: os.stat_result) -> str:
        key = (facts.st_dev, facts.st_ino, facts.st_size, facts.st_mtime_ns)
        if key not in self._known:
            self._known[key] = _sha256(path, self.deadline)
        return self._known[key]


def locate(folder: Path, criterion_id: str, name: str, hashes: Hashes | None = None) -> EvidenceFile:
    """The listed `name` looked up inside `folder` only; whatever the file system does
    (a link loop, no permission, an over-long name, a FIFO) becomes the file's status."""
    refusal = _refusal(name)
    if refusal is not None:
        return EvidenceFile(criterion_id, name, "refused", note=refusal)
    relative = PurePosixPath(unicodedata.normalize("NFC", name).replace("\\", "/"))
    if any(len(part.encode("utf-8")) > MAX_NAME_BYTES for part in relative.parts):
        return EvidenceFile(criterion_id, name, "too_long", note=f"文件名超过{MAX_NAME_BYTES}字节，文件系统无法保存")
    try:
        base = bound_of(folder)
        candidate = folder
        for part in relative.parts:
            candidate = _entry(candidate, part)
        try:
            real = Path(os.path.realpath(candidate, strict=True))
        except FileNotFoundError:  # nothing there, or a link to nothing
            return EvidenceFile(criterion_id, name, "missing", relative.as_posix(), note="佐证材料目录中没有该文件")
        if not real.is_relative_to(base):
            return EvidenceFile(criterion_id, name, "refused", note="不在佐证目录内（链接指向佐证材料目录之外）")
        facts = real.stat()
        if stat.S_ISDIR(facts.st_mode):
            return EvidenceFile(criterion_id, name, "missing", relative.as_posix(), note="是文件夹，不是文件")
        if not stat.S_ISREG(facts.st_mode):
            return EvidenceFile(criterion_id, name, "special", relative.as_posix(),
                                note="不是普通文件（管道、设备等），未读取")
        digest = (hashes or Hashes()).of(real, facts)
    except OSError as exc:
        return EvidenceFile(criterion_id, name, "unreadable", relative.as_posix(), note=_os_note(exc))
    return EvidenceFile(criterion_id, name, "ok", real.relative_to(base).as_posix(), facts.st_size, digest)


def _os_note(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "符号链接循环，无法读取"
    if exc.errno == errno.ENAMETOOLONG:
        return "路径过长，无法读取"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return f"无法读取（{exc.strerror or type(exc).__name__}）"


def _earned(result: Result) -> list[str]:
    """Criteria whose points come from an answer (the rows evidence is asked for)."""
    return [cid for cid, r in result.criteria.items() if r.source == "answer" and r.points > 0]


def check_evidence(result: Result, folder: Path | None = None, *, deadline: float | None = None) -> EvidenceCheck:
    """Every listed file checked in `folder` (a district's own; see `evidence_folder`), and
    the 缺少佐证 flags. Without a folder only "no evidence listed" can be flagged. Past
    `deadline` (time.monotonic()) the check stops with NotebookTimeout."""
    inp: DistrictInput = result.input
    files: list[EvidenceFile] = []
    hashes = Hashes(deadline)
    for cid, text in inp.evidence.items():
        for name in listed_files(text):
            _in_time(deadline)
            files.append(locate(folder, cid, name, hashes) if folder is not None else EvidenceFile(cid, name, "unchecked"))
    flags: list[EvidenceFlag] = []
    for cid in _earned(result):
        r = result.criteria[cid]
        own = [f for f in files if f.criterion_id == cid]
        if not own:
            flags.append(EvidenceFlag(cid, r.name, r.points, "none_listed"))
        elif any(f.status in NOT_FOUND for f in own):
            missing = tuple(f.name for f in own if f.status in NOT_FOUND)
            flags.append(EvidenceFlag(cid, r.name, r.points, "file_missing", missing))
    return EvidenceCheck(None if folder is None else str(folder), tuple(files), tuple(flags))


def evidence_dict(check: EvidenceCheck) -> dict[str, Any]:
    """The `evidence` record of scores.json: every listed file (path, size, sha256, status)
    and every 缺少佐证 flag. The folder is named, not located: scores.json is shared."""
    return {
        "folder": None if check.folder is None else PurePath(check.folder).name,
        "count": check.count,
        "files": [
            {
                "criterion_id": f.criterion_id,
                "name": f.name,
                "status": f.status,
                "path": f.path,
                "size": f.size,
                "sha256": f.sha256,
                **({"note": f.note} if f.note else {}),
            }
            for f in check.files
        ],
        "flags": [
            {
                "criterion_id": f.criterion_id,
                "criterion": f.criterion,
                "reason": f.reason,
                "missing": list(f.missing),
                "text": f.text,
            }
            for f in check.flags
        ],
    }


def evidence_rows(scores: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The report's evidence table from a scores.json with an `evidence` record: per
    criterion that earned points from an answer, and every flagged one (judged on the
    claimed points, so flagged even when a review took them away), its listed files, what
    the check found, and 缺少佐证 where it applies; the flagged rows first (what a reader must
    act on), each group in rubric order. Empty when the evidence was not recorded."""
    record = scores.get("evidence")
    if record is None:
        return []
    files: dict[str, list[Mapping[str, Any]]] = {}
    for f in record["files"]:
        files.setdefault(f["criterion_id"], []).append(f)
    flagged = {f["criterion_id"] for f in record["flags"]}
    rows = []
    for cid, c in scores["criteria"].items():
        if (c["source"] != "answer" or c["points"] <= 0) and cid not in flagged:
            continue  # a flag stays shown when a review took the claimed points away
        own = files.get(cid, [])
        rows.append(
            {
                "指标": c["name"],
                "得分": c["points"],
                "佐证材料": "；".join(f["name"] for f in own) or "（未列出）",
                "核查结果": "；".join(f"{f['name']}：{STATUS_WORDS[f['status']]}" for f in own if f["status"] != "ok")
                or ("已找到" if own and record["folder"] is not None else ""),
                "标记": MISSING_LABEL if cid in flagged else "",
            }
        )
    return sorted(rows, key=lambda row: not row["标记"])  # stable: rubric order within each group
