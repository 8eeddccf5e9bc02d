"""Specifications for atomic writes and safe directory names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assessment.util.fsutil import (
    FALLBACK_DIRNAME,
    MAX_DIRNAME_BYTES,
    atomic_write_bytes,
    atomic_write_text,
    safe_dirname,
)

WINDOWS_INVALID = set('<>:"/\\|?*')


def current_umask() -> int:
    """Return the process umask without changing it for longer than a call."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Atomic file writes


def test_atomic_write_bytes_creates_the_file_with_the_given_content(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    atomic_write_bytes(target, b"\x89PNG data")
    assert target.read_bytes() == b"\x89PNG data"


def test_atomic_write_text_replaces_existing_content_as_utf8(tmp_path: Path) -> None:
    target = tmp_path / "报告.html"
    target.write_text("旧内容", encoding="utf-8")
    atomic_write_text(target, "<p>龙湾区 达标</p>")
    assert target.read_bytes() == "<p>龙湾区 达标</p>".encode()


def test_atomic_write_leaves_no_temporary_files(tmp_path: Path) -> None:
    atomic_write_text(tmp_path / "a.txt", "一")
    atomic_write_text(tmp_path / "a.txt", "二")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(TypeError):
        atomic_write_bytes(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_atomic_write_creates_files_readable_per_umask_not_private(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    atomic_write_text(target, "公开")
    assert target.stat().st_mode & 0o777 == 0o666 & ~current_umask()


# Safe directory names


def test_safe_dirname_keeps_chinese_district_names_unchanged() -> None:
    assert safe_dirname("龙湾区") == "龙湾区"
    assert safe_dirname("温州市龙湾区（含经开区）") == "温州市龙湾区（含经开区）"


def test_safe_dirname_neutralises_markup() -> None:
    result = safe_dirname("<script>alert(1)</script>")
    assert result == "script_alert(1)_script"
    assert not set(result) & WINDOWS_INVALID


def test_safe_dirname_prevents_path_traversal() -> None:
    for name in ("../../etc", "..", ".", "..\\..\\windows", "a/../b"):
        result = safe_dirname(name)
        assert "/" not in result and "\\" not in result
        assert ".." not in result
        assert result not in {".", ".."}
    assert safe_dirname("../../etc") == "etc"


def test_safe_dirname_removes_control_characters_and_normalises_whitespace() -> None:
    assert safe_dirname("龙湾\x00区\n分局\u200b") == "龙湾区 分局"
    assert safe_dirname("\u3000鄞州区\t") == "鄞州区"


def test_safe_dirname_strips_leading_and_trailing_dots_and_spaces() -> None:
    assert safe_dirname(" .瓯海区. ") == "瓯海区"


def test_safe_dirname_falls_back_for_empty_names() -> None:
    for name in ("", "   ", "...", "///", "\x00\x01"):
        assert safe_dirname(name) == FALLBACK_DIRNAME == "未命名"


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT9", "aux.txt", "PRN .报告"])
def test_safe_dirname_avoids_windows_device_names(name: str) -> None:
    result = safe_dirname(name)
    assert result.startswith("_")
    assert result[1:].split(".")[0].strip().upper() == name.split(".")[0].strip().upper()


def test_safe_dirname_does_not_treat_names_containing_device_words_as_reserved() -> None:
    assert safe_dirname("CONSOLE") == "CONSOLE"
    assert safe_dirname("衢江区NUL") == "衢江区NUL"


def test_safe_dirname_limits_length_in_utf8_bytes_on_character_boundaries() -> None:
    result = safe_dirname("龙" * 100)
    assert len(result.encode("utf-8")) <= MAX_DIRNAME_BYTES
    assert result == "龙" * (MAX_DIRNAME_BYTES // 3)


def test_safe_dirname_truncation_never_ends_in_a_dot_or_space() -> None:
    result = safe_dirname("区" * 39 + ". 后缀很长的名字")
    assert len(result.encode("utf-8")) <= MAX_DIRNAME_BYTES
    assert not result.endswith((".", " "))


def test_safe_dirname_is_idempotent() -> None:
    for name in ("<script>alert(1)</script>", "../../etc", "CON", "龙" * 100, " a..b "):
        once = safe_dirname(name)
        assert safe_dirname(once) == once


def test_safe_dirname_result_can_be_created_as_a_single_directory(tmp_path: Path) -> None:
    for name in ("<script>alert(1)</script>", "../../etc", "龙湾区", "a/b\\c", "龙" * 100):
        created = tmp_path / safe_dirname(name)
        created.mkdir()
        assert created.parent == tmp_path
