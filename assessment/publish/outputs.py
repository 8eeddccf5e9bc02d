"""What the tool owns in an output folder, and how it publishes there without harming anything else.

People keep their own files next to reports (审核意见.docx, 佐证材料/ …) and sometimes point
`--out` at a folder that holds inputs, so the tool never swaps or deletes a folder: it
writes only the file names listed here, each replaced atomically, and refuses (OutputError,
exit 2) to write where a file it does not own, or a plain file where a folder must be, is
in the way. An existing file with an owned name is replaced only when the folder's ledger
proves the tool wrote it (`assessment.publish.ledger`), or with `--force`. Its own staging
files (`.<name>.<16 hex>.tmp|.new|.old`, the last two from older
versions that swapped whole folders) are recognised and removed by the next run, which holds
the folder's lock, so no run ever removes another live run's staging files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import stat
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from assessment.publish.ledger import forget, publishing, record, sha256_bytes, wrote
from assessment.util.console import CommandError, safe
from assessment.util.fsutil import MAX_DIRNAME_BYTES, _fsync_directory, _sibling_name, safe_dirname

# Every file name the tool writes, in one place.
REPORT_NOTEBOOK, REPORT_HTML, SCORES_JSON, PLAN_JSON, REPORT_PDF = (
    "report.ipynb", "report.html", "scores.json", "plan.json", "report.pdf"
)
SUMMARY_HTML, SUMMARY_XLSX, SUMMARY_PDF = "summary.html", "summary.xlsx", "summary.pdf"
MANIFEST, BATCH_LOG, LOCK = "manifest.json", "batch.log", ".assessment.lock"
#: The copy of the district's input a report folder carries (its bytes as validated), so a
#: folder sent to the city can be re-scored from itself: one fixed Chinese name the reader
#: recognises and a verifier finds without guessing, the suffix saying how to read it (the
#: file's original name is in scores.json, `provenance.input`).
INPUT_COPY_STEM = "填报文件"
INPUT_COPIES = frozenset(f"{INPUT_COPY_STEM}{suffix}" for suffix in (".xlsx", ".xlsm", ".json"))
#: The offline page listing a folder's reports (`assessment.report.index`), in an output and its year folders.
INDEX_HTML = "index.html"
DISTRICT_FILES = frozenset({REPORT_NOTEBOOK, REPORT_HTML, SCORES_JSON, PLAN_JSON, REPORT_PDF}) | INPUT_COPIES
YEAR_FILES = frozenset({SUMMARY_HTML, SUMMARY_XLSX, SUMMARY_PDF, MANIFEST, INDEX_HTML})
TOP_FILES = frozenset({MANIFEST, BATCH_LOG, LOCK, INDEX_HTML})
OWNED_FILES = DISTRICT_FILES | YEAR_FILES | TOP_FILES

#: The tool's own temporary names (see fsutil._sibling_name); nothing else is ever removed.
STAGING = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{16}\.(?:tmp|new|old)")


def input_copy_name(input_path: Path | str) -> str:
    """The name of the copy of a validated input in its report folder: `填报文件.json` for
    JSON, `填报文件.xlsm` for a macro workbook, else `填报文件.xlsx` (an input that validated
    under another spreadsheet suffix was an .xlsx package, see inputs.files.read_raw)."""
    suffix = Path(input_path).suffix.lower()
    return f"{INPUT_COPY_STEM}{suffix if suffix in ('.json', '.xlsm') else '.xlsx'}"


def report_files(input_path: Path | str, pdf: bool) -> tuple[str, ...]:
    """Every file a district's report folder gets, in the order they are published and as its
    fingerprint covers them: the notebook, page, scores and plan, the copy of its input and,
    with `pdf`, report.pdf."""
    files = (REPORT_NOTEBOOK, REPORT_HTML, SCORES_JSON, PLAN_JSON, input_copy_name(input_path))
    return (*files, REPORT_PDF) if pdf else files


class OutputError(CommandError):
    """An output the tool may not or cannot write; the message (Chinese) names the path."""


def describe_os_error(exc: OSError) -> str:
    """A Chinese reason for a file-system error, without the English errno text."""
    reasons = {
        "PermissionError": "没有写入权限",
        "FileNotFoundError": "路径不存在",
        "FileExistsError": "已存在同名文件",
        "IsADirectoryError": "该路径是文件夹，应为文件",
        "NotADirectoryError": "路径中有一项是文件，应为文件夹",
    }
    reason = reasons.get(type(exc).__name__)
    if reason is None:
        import errno

        reason = {errno.ENOSPC: "磁盘空间不足", errno.EROFS: "文件系统只读", errno.ENAMETOOLONG: "路径过长"}.get(
            exc.errno or 0, f"文件系统错误（错误码 {exc.errno}）"
        )
    return reason


def os_error(exc: OSError, path: Path | str | None = None, doing: str = "写入") -> OutputError:
    """OutputError for an OSError, naming the path the system named (else `path`)."""

    named = exc.filename if exc.filename is not None else path
    where = None if named is None else Path(named)
    staged = STAGING.fullmatch(where.name) if where is not None else None
    if where is not None and staged:  # name the file being written, not its temporary twin
        where = where.with_name(staged["name"])
    return OutputError(f"无法{doing}“{safe(where)}”：{describe_os_error(exc)}")


def district_dirname(district: str) -> str:
    """The folder name of a district: its safe name, never one of the tool's own file names
    (a district called "manifest.json" would otherwise take the year manifest's place).

    A name too long for one folder name is cut and ends in a digest of the whole name, so
    two long names sharing their first 40 characters get two folders, never one. Callers
    compare folder names casefolded (Windows and macOS do)."""
    name = safe_dirname(district)
    if len(district.encode("utf-8")) > MAX_DIRNAME_BYTES:
        digest = "-" + hashlib.sha256(district.encode("utf-8")).hexdigest()[:10]
        kept = name.encode("utf-8")[: MAX_DIRNAME_BYTES - len(digest)].decode("utf-8", "ignore")
        name = kept.rstrip(" ._") + digest
    return f"_{name}" if name.casefold() in {n.casefold() for n in OWNED_FILES} else name


def folder_key(year: int, district: str) -> tuple[int, str]:
    """The report folder a district's year publishes to, as a file system that ignores case
    sees it (Windows, macOS): two inputs or received folders with the same key are one folder."""
    return year, district_dirname(district).casefold()


def _no_file_in_the_way(folder: Path) -> None:
    """OutputError when `folder`, or the nearest of its parents that exists, is not a folder."""

    for part in [folder, *folder.parents]:
        if part.exists() or part.is_symlink():
            if not part.is_dir():
                raise OutputError(
                    f"无法写入“{safe(folder)}”：“{safe(part)}”是文件，应为文件夹；请移走该文件或换一个输出目录"
                )
            return


def ensure_folder(folder: Path) -> None:
    """Create `folder` (and parents); OutputError when a plain file stands where a folder must go."""
    folder = Path(folder)
    _no_file_in_the_way(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(exc, folder) from exc


def check_writable_file(
    path: Path, inputs: Iterable[Path] = (), *, force: bool = False, filled_in: bool = False
) -> None:
    """OutputError unless `path` can be the file a command writes (see check_target): not a
    folder, special file or input, not an existing file it may not replace; its parent a folder
    (created when missing)."""
    check_target(Path(path), inputs, force=force, filled_in=filled_in)
    ensure_folder(Path(path).parent)


def clean_staging(folder: Path) -> None:
    """Remove the staging files and folders a killed run left in `folder` (only the tool's own
    pattern; call it only while holding the output folder's lock)."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    for entry in entries:
        if STAGING.fullmatch(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_inside(folder: Path, root: Path) -> None:
    """OutputError when `folder`, followed through its links, leaves `root` (a district or
    year folder that is a symlink to elsewhere must not lead writes out of --out)."""
    real_root = Path(root).resolve()
    for part in [Path(folder), *Path(folder).parents]:
        if part == Path(root) or part.resolve() == real_root:
            break
        if part.is_symlink() and not part.resolve().is_relative_to(real_root):
            raise OutputError(
                f"无法写入“{safe(folder)}”：“{safe(part)}”是指向输出目录“{safe(root)}”之外的链接，本工具不经链接写到输出目录以外"
            )
    if not Path(folder).resolve().is_relative_to(real_root):
        raise OutputError(f"无法写入“{safe(folder)}”：该路径经链接通向输出目录“{safe(root)}”之外")


def check_links_inside(root: Path) -> None:
    """OutputError when a year or district folder under `root` is a link leading out of it,
    checked before a batch does any work (a report's own folder is checked again by
    check_owned)."""
    root = Path(root)
    for year in (p for p in root.iterdir() if p.is_dir()):
        check_inside(year, root)
        if not year.is_symlink():
            for district in (p for p in year.iterdir() if p.is_symlink()):
                check_inside(district, root)


def check_target(path: Path, inputs: Iterable[Path] = (), *, force: bool = False, filled_in: bool = False) -> None:
    """OutputError unless the tool may write the file `path`.

    Never (not even with `force`): a folder, a special file (FIFO, device, socket, link), or
    one of the run's `inputs`. An existing file: a document people fill in (`filled_in`:
    template, review template, task list) only with `force`; any other only when the folder's
    ledger proves the tool wrote it as it is now (`ledger.wrote`), or with `force`.
    """
    path = Path(path)
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise os_error(exc, path) from exc
    if stat.S_ISDIR(mode):
        raise OutputError(f"无法写入“{safe(path)}”：该路径是文件夹，应为文件名（例如 {safe(path / '填报模板.xlsx')}）")
    if not stat.S_ISREG(mode):
        raise OutputError(f"无法写入“{safe(path)}”：它不是普通文件（管道、设备或链接等），本工具不替换特殊文件")
    if any(_same_file(path, p) for p in inputs):
        raise OutputError(f"无法写入“{safe(path)}”：它是本次运行读取的填报文件，输出不能覆盖输入；请换一个输出位置")
    if force:
        return
    if filled_in:
        raise OutputError(
            f"无法写入“{safe(path)}”：该文件已存在，可能已有人填写；请换一个文件名，或确认可以替换后加 --force"
        )
    if not wrote(path):
        raise OutputError(
            f"无法写入“{safe(path)}”：该文件不是本工具生成的（或生成后被修改过），本工具不替换他人的文件；"
            "请移走该文件，或确认可以替换后加 --force"
        )


def check_owned(
    folder: Path, names: Iterable[str], inputs: Iterable[Path] = (), *, force: bool = False, root: Path | None = None
) -> None:
    """OutputError unless every `folder/name` may be written (see check_target): absent, or a
    plain file the tool provably wrote (or, with `force`, any plain file) that is not one of
    `inputs`; with `root`, `folder` must not lead out of it through a link."""
    folder = Path(folder)
    if root is not None:
        check_inside(folder, root)
    _no_file_in_the_way(folder)
    inputs = list(inputs)
    for name in names:
        if name not in OWNED_FILES:
            raise ValueError(f"{name} is not a file the tool owns")
        check_target(folder / name, inputs, force=force)


def publish_files(
    folder: Path,
    files: Mapping[str, bytes],
    inputs: Iterable[Path] = (),
    *,
    force: bool = False,
    root: Path | None = None,
) -> None:
    """Write `files` (owned name → bytes) into `folder`, all or none of them new, and record
    them in the folder's ledger (`assessment.publish.ledger`).

    Every file is first staged next to its target and flushed; only then is each renamed
    into place, so a failure while staging leaves the previous files as they were. The
    ledger lists old and new content during the renames and only the new after them, so a
    run killed at any point leaves files the next run can prove. Other files in the folder
    are never touched.
    """
    folder = Path(folder)
    if root is not None:
        check_inside(folder, root)
    ensure_folder(folder)
    check_owned(folder, files, inputs, force=force)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            target = folder / name
            temp = _sibling_name(target, ".tmp")
            staged.append((temp, target))
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        hashes = {name: sha256_bytes(data) for name, data in files.items()}
        publishing(folder, hashes)
        for temp, target in staged:
            os.replace(temp, target)
        record(folder, hashes)
    except OSError as exc:
        raise os_error(exc, folder) from exc
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
    _fsync_directory(folder)


def withdraw_files(folder: Path, names: Iterable[str]) -> list[str]:
    """Remove the files `names` of `folder` that the tool provably wrote as they are now
    (`ledger.wrote`) and forget them in its ledger: a folder republished with fewer files
    (a received report folder sent again without its PDF) keeps none of the old ones. A
    person's file of the same name is left as it is. The names removed."""
    removed = []
    for name in names:
        if name not in OWNED_FILES:
            raise ValueError(f"{name} is not a file the tool owns")
        path = Path(folder) / name
        if path.is_file() and not path.is_symlink() and wrote(path):
            try:
                path.unlink()
            except OSError as exc:
                raise os_error(exc, path, doing="删除") from exc
            removed.append(name)
    if removed:
        forget(Path(folder), removed)
    return removed


# --------------------------------------------------------------------------- the lock


@dataclass(frozen=True)
class LockHolder:
    pid: int
    host: str
    started: str
    command: str

    def describe(self) -> str:
        return f"进程 {self.pid}（主机 {self.host}，开始于 {self.started}，命令：{self.command}）"


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (signal 0 only checks). On Windows
    os.kill would terminate the process instead, so there only psutil can tell; without it
    a process is assumed alive (a lock is then never taken over, only reported)."""
    if os.name == "nt":
        try:
            import psutil
        except ImportError:
            return True
        return bool(psutil.pid_exists(pid))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


def _read_holder(path: Path) -> LockHolder | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return LockHolder(int(data["pid"]), str(data["host"]), str(data["started"]), str(data["command"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _link_or_create(temp: Path, path: Path, body: bytes) -> None:
    """Put `body` at `path` only if nothing is there (FileExistsError otherwise): a hard link
    of the complete `temp`, or, where the file system has no hard links (FAT, some network
    shares), an exclusive create."""
    try:
        os.link(temp, path)
    except FileExistsError:
        raise
    except OSError:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)


class OutputLock:
    """One run at a time per output folder: `<out>/.assessment.lock` names the holder.

    The lock file is written complete under a temporary name and hard-linked into place, which
    fails if it exists, so two runs can never both hold it and a reader never sees it half
    written. A lock whose holder process is gone (killed) is taken over.
    """

    def __init__(self, folder: Path, command: str | None = None) -> None:
        self.path = Path(folder) / LOCK
        self.command = command if command is not None else " ".join(sys.argv)
        self.held = False

    def acquire(self) -> None:
        ensure_folder(self.path.parent)
        holder = LockHolder(
            os.getpid(), socket.gethostname(), time.strftime("%Y-%m-%dT%H:%M:%S%z"), self.command
        )
        body = json.dumps(holder.__dict__, ensure_ascii=False).encode("utf-8")
        for _ in range(3):
            temp = _sibling_name(self.path, ".tmp")
            try:
                temp.write_bytes(body)
                _link_or_create(temp, self.path, body)
                self.held = True
                return
            except FileExistsError:
                current = _read_holder(self.path)
                if current is not None and (current.host != holder.host or process_alive(current.pid)):
                    raise OutputError(
                        f"输出目录“{safe(self.path.parent)}”正被另一次运行使用：{safe(current.describe())}；"
                        f"请等待其结束，或换一个输出目录（若确认该进程已不存在，可删除“{safe(self.path)}”）"
                    ) from None
                if current is None and time.time() - self._mtime() < 10:
                    raise OutputError(
                        f"输出目录“{safe(self.path.parent)}”正被另一次运行使用（锁文件“{safe(self.path)}”）"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its holder was killed
            except OSError as exc:
                raise os_error(exc, self.path) from exc
            finally:
                temp.unlink(missing_ok=True)
        raise OutputError(f"无法取得输出目录“{safe(self.path.parent)}”的锁（锁文件“{safe(self.path)}”）")

    def _mtime(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    def release(self) -> None:
        holder = _read_holder(self.path) if self.held else None
        if holder is not None and holder.pid == os.getpid():
            self.path.unlink(missing_ok=True)
        self.held = False

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
