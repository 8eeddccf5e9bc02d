"""How much input the tool accepts, in one place: every limit is checked before the costly work.

A district's input is a few hundred values; anything far larger is a mistake or an attack
(a zip bomb, a number with a billion-digit exponent, JSON nested ten thousand deep). Each
limit is generous for real inputs, keeps time and memory bounded, and is named in the
Chinese message that refuses an input, so the analyst knows what to change.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from assessment.inputs.model import InputError, Location, Problem

#: Largest input file read at all (.xlsx or .json).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest total uncompressed size of an .xlsx package's parts (as its ZIP directory declares).
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
#: Most cells stored on one worksheet, and on all worksheets together (the template has ~3,000).
MAX_CELLS_PER_SHEET = 200_000
MAX_CELLS_TOTAL = 400_000
#: Deepest nesting of JSON arrays and objects (a valid input nests 3 deep).
MAX_JSON_DEPTH = 32
#: Longest text of a number ("12,345.67"), and the largest magnitude a number may have.
MAX_NUMBER_CHARS = 40
MAX_MAGNITUDE = 10**12
#: Longest name (地区, 姓名, 装备名称, 信息项目) and longest free text (Excel's own cell limit).
MAX_NAME_CHARS = 100
MAX_TEXT_CHARS = 32_767
#: How much of a file is hashed at a time.
CHUNK = 1 << 20


def megabytes(size: int) -> str:
    """A size for a Chinese message: `20 MB`."""
    return f"{size // (1024 * 1024)} MB"


def read_limited(path: Path) -> bytes:
    """The bytes of an input file, or InputError when it cannot be read or exceeds MAX_FILE_BYTES.

    The size is checked while reading, so a file that grows meanwhile cannot slip through.
    """
    file = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError([Problem(Location(file), f"无法读取文件：{_os_reason(exc)}")]) from exc
    if len(data) > MAX_FILE_BYTES:
        raise InputError([Problem(Location(file), f"文件超过{megabytes(MAX_FILE_BYTES)}（上限），未读取")])
    return data


def sha256_limited(path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """The sha256 of a file read in chunks, or None when it cannot be read or holds more
    than `limit` bytes: the size is checked first and again while reading, so a 3 GB
    sparse file costs one `stat`, never its bytes in memory."""
    digest = hashlib.sha256()
    read = 0
    try:
        with open(path, "rb") as stream:
            if os.fstat(stream.fileno()).st_size > limit:
                return None
            while chunk := stream.read(CHUNK):
                read += len(chunk)
                if read > limit:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return exc.strerror or str(exc)


#: Largest zip of received report folders read at all (a district's folder is about 1 MB).
MAX_ARCHIVE_BYTES = 500 * 1024 * 1024
#: Most members such a zip may list, and the most its files of reports may unpack to.
MAX_ARCHIVE_MEMBERS = 10_000
MAX_ARCHIVE_UNPACKED_BYTES = 1024 * 1024 * 1024
