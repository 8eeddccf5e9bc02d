"""A received zip, unpacked safely: only the files of report folders, within bounds.

A zip comes from outside and may be hostile: a path that climbs out of the folder
(`../../x`), an absolute path, a link, a member that claims 1 KB and inflates to gigabytes,
or a hundred thousand members. Every member's name is checked before anything is written
(one unsafe name refuses the whole zip: its maker cannot be trusted), sizes are bounded by
what the zip declares and again while inflating, and only members named like the files of
a report folder (`outputs.DISTRICT_FILES`) are written, each into a new file.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from assessment.inputs.limits import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_MEMBERS,
    MAX_ARCHIVE_UNPACKED_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    megabytes,
)
from assessment.publish.outputs import DISTRICT_FILES

#: zip's flag for member names stored as UTF-8; without it names are in the maker's code
#: page, which for zips made by Chinese Windows is GBK.
_UTF8_FLAG = 0x800


class ArchiveError(Exception):
    """A zip that cannot be used; the message (Chinese) says why, without naming the file
    (the caller names it)."""


@dataclass(frozen=True)
class Unpacked:
    """What `unpack` wrote: the folder, and how many members it left out (not report files)."""

    folder: Path
    skipped: int


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker wrote it. A name stored without the UTF-8 flag (read
    by Python as cp437) is UTF-8 all the same when made by Info-ZIP or macOS, and GBK when
    made by Chinese Windows: decoded as the first of those that fits."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        stored = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return stored.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_parts(name: str) -> tuple[str, ...] | None:
    """The member's path as folder names, or None when it would leave the folder it is
    unpacked into: absolute, a drive (`C:`), `..`, or empty parts."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return None
    parts = tuple(p for p in unified.rstrip("/").split("/"))
    if not parts or any(p in ("", ".", "..") for p in parts):
        return None
    return parts


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def unpack(path: Path, into: Path) -> Unpacked:
    """Unpack the report files of the zip at `path` into the new folder `into`;
    ArchiveError (nothing usable written) when the zip is unreadable, too large, or holds
    an unsafe member."""
    try:
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise ArchiveError(f"压缩包超过{megabytes(MAX_ARCHIVE_BYTES)}（上限），未读取")
        with zipfile.ZipFile(path) as archive:
            return _unpack(archive, Path(into))
    except ArchiveError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, RuntimeError, ValueError) as exc:
        raise ArchiveError(f"压缩包已损坏或无法读取（{type(exc).__name__}）") from exc
    except OSError as exc:
        raise ArchiveError(f"无法读取压缩包（{exc.strerror or type(exc).__name__}）") from exc


def _unpack(archive: zipfile.ZipFile, into: Path) -> Unpacked:
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise ArchiveError(f"压缩包中的文件超过{MAX_ARCHIVE_MEMBERS:,}个（上限），未读取")
    wanted: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    for info in members:
        name = member_name(info)
        parts = safe_parts(name)
        if parts is None:
            raise ArchiveError(f"压缩包中的“{name}”指向压缩包以外的位置，为安全起见整个压缩包未读取")
        if _is_link(info):
            raise ArchiveError(f"压缩包中的“{name}”是符号链接，为安全起见整个压缩包未读取")
        if info.flag_bits & 0x1:
            raise ArchiveError(f"压缩包中的“{name}”已加密，无法读取")
        if not info.is_dir() and parts[-1] in DISTRICT_FILES:
            if any(parts == seen for _, seen in wanted):
                raise ArchiveError(f"压缩包中有两个“{name}”，无法判断以哪一个为准")
            wanted.append((info, parts))
    declared = sum(info.file_size for info, _ in wanted)
    if declared > MAX_ARCHIVE_UNPACKED_BYTES:
        raise ArchiveError(f"压缩包中的报告文件解压后超过{megabytes(MAX_ARCHIVE_UNPACKED_BYTES)}（上限），未读取")
    into.mkdir(parents=True)
    budget = MAX_ARCHIVE_UNPACKED_BYTES
    for info, parts in wanted:
        budget -= _extract(archive, info, into.joinpath(*parts), min(budget, MAX_UNCOMPRESSED_BYTES))
    return Unpacked(into, len(members) - len(wanted))


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, limit: int) -> int:
    """Inflate one member into a new file, stopping past `limit` bytes whatever its header
    claims; the number of bytes written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with archive.open(info) as source, open(target, "xb") as sink:
        while chunk := source.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise ArchiveError(f"压缩包中的“{member_name(info)}”解压后超过{megabytes(limit)}（上限），未读取")
            sink.write(chunk)
    return written
