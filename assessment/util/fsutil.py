"""Crash-safe file output and safe path components.

Reports are regenerated in place and may be opened (or synced to a shared
drive) while a run is in progress, so a reader must only ever see either the
old complete output or the new complete output, never a half-written file
(what the tool may write where is `assessment.publish.outputs`).  District names come from spreadsheets typed by
people and become directory names, so they are sanitised first.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

FALLBACK_DIRNAME = "未命名"
MAX_DIRNAME_BYTES = 120

# Characters Windows refuses in file names, plus both path separators.
_WINDOWS_INVALID = frozenset('<>:"/\\|?*')
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{i}" for i in (*range(1, 10), "¹", "²", "³")}
    | {f"LPT{i}" for i in (*range(1, 10), "¹", "²", "³")}
)
# Characters trimmed from both ends of a directory name: Windows drops
# trailing dots and spaces, and "_" at the ends only remains from replaced
# characters.
_TRIMMED = " ._"
# Runs of the same space, dot or underscore collapse to one, which also rules
# out ".." anywhere in the name.
_REPEATED_FILLER = re.compile(r"([ ._])\1+")


def _fsync_directory(directory: Path) -> None:
    """Flush a directory entry so a completed rename survives a power loss.

    Windows cannot open directories; there the rename is already durable
    enough and the step is skipped.
    """
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sibling_name(target: Path, suffix: str) -> Path:
    """Return an unpredictable hidden name next to ``target``.

    The temporary names are created by hand instead of with ``tempfile``
    because mkstemp/mkdtemp use mode 0600/0700, which would make published
    reports unreadable to other users; ``os.open``/``os.mkdir`` honour the
    umask like any normal file.
    """
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}{suffix}")


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file.

    The bytes go to a temporary file in the same directory (a rename is only
    atomic within one file system), are fsynced, and the temporary file then
    replaces ``path``.  On failure the temporary file is removed and ``path``
    is untouched.
    """
    target = Path(path)
    temp = _sibling_name(target, ".tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


def atomic_write_text(path: Path | str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see atomic_write_bytes)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """Cut ``text`` to at most ``max_bytes`` UTF-8 bytes on a character boundary."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def _is_windows_reserved(name: str) -> bool:
    """Return whether Windows treats ``name`` as a device (e.g. "nul.txt")."""
    stem = name.split(".", 1)[0].rstrip(" ")
    return stem.upper() in _WINDOWS_RESERVED


def _replace_unsafe_character(character: str) -> str:
    """Map one character to its safe form: itself, "_", " " or nothing."""
    if character in _WINDOWS_INVALID:
        return "_"
    category = unicodedata.category(character)
    if category.startswith("Z") or character.isspace():
        return " "
    if category.startswith("C"):
        return ""
    return character


def safe_dirname(name: str) -> str:
    """Turn a district name into one safe path component on Linux and Windows.

    Chinese and other printable characters are kept (after NFC
    normalisation).  Path separators and characters Windows forbids
    (<>:"/\\|?*) become "_", any whitespace becomes a space, control and
    format characters are dropped, runs of spaces, dots or underscores
    collapse to one (so ".." cannot occur) and spaces, dots and underscores
    are trimmed from both ends.  The result is at most 120 UTF-8 bytes,
    Windows device names (CON, NUL.txt, ...) get a "_" prefix, and a name
    with nothing left becomes "未命名".
    """
    normalised = unicodedata.normalize("NFC", name)
    mapped = "".join(_replace_unsafe_character(c) for c in normalised)
    collapsed = _REPEATED_FILLER.sub(r"\1", mapped).strip(_TRIMMED)
    cleaned = _truncate_utf8(collapsed, MAX_DIRNAME_BYTES).rstrip(_TRIMMED)
    if not cleaned:
        return FALLBACK_DIRNAME
    if _is_windows_reserved(cleaned):
        return "_" + _truncate_utf8(cleaned, MAX_DIRNAME_BYTES - 1).rstrip(_TRIMMED)
    return cleaned
