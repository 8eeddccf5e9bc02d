"""Received zips are read safely: nothing is written outside the folder they unpack into,
no link is made, sizes and counts are bounded, and only a report folder's files are taken."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from assessment.collect import archive
from assessment.collect.archive import ArchiveError, unpack
from assessment.collect.find import find_units


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("name", ["../scores.json", "龙湾区/../../scores.json", "/etc/scores.json", "C:/scores.json",
                                  "..\\scores.json"])
def test_a_member_leaving_the_folder_refuses_the_whole_zip(tmp_path, name):
    bad = _zip(tmp_path / "bad.zip", {"龙湾区/report.html": b"<html>", name: b"{}"})
    with pytest.raises(ArchiveError, match="指向压缩包以外的位置"):
        unpack(bad, tmp_path / "into")
    assert not (tmp_path / "into").exists()
    assert not (tmp_path / "scores.json").exists()


def test_a_symbolic_link_member_refuses_the_whole_zip(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("龙湾区/scores.json")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(ArchiveError, match="符号链接"):
        unpack(path, tmp_path / "into")


def test_only_the_files_of_a_report_folder_are_unpacked(tmp_path):
    path = _zip(tmp_path / "a.zip", {"龙湾区/scores.json": b"{}", "龙湾区/填报文件.xlsx": b"x",
                                     "龙湾区/run.sh": b"rm -rf /", "龙湾区/佐证/照片.jpg": b"jpg"})
    found = unpack(path, tmp_path / "into")
    written = {p.relative_to(found.folder).as_posix() for p in found.folder.rglob("*") if p.is_file()}
    assert written == {"龙湾区/scores.json", "龙湾区/填报文件.xlsx"}
    assert found.skipped == 2


def test_a_member_inflating_past_its_limit_is_refused_whatever_its_header_says(tmp_path, monkeypatch):
    path = _zip(tmp_path / "bomb.zip", {"龙湾区/report.html": b"0" * 5_000_000})
    monkeypatch.setattr(archive, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    with pytest.raises(ArchiveError, match="解压后超过"):
        unpack(path, tmp_path / "into")


def test_too_many_members_refuse_the_zip_before_anything_is_unpacked(tmp_path, monkeypatch):
    path = _zip(tmp_path / "many.zip", {f"{n}/scores.json": b"{}" for n in range(20)})
    monkeypatch.setattr(archive, "MAX_ARCHIVE_MEMBERS", 10)
    with pytest.raises(ArchiveError, match="超过10个"):
        unpack(path, tmp_path / "into")


def test_a_gbk_named_zip_from_chinese_windows_keeps_its_chinese_names(tmp_path):
    """Chinese Windows stores names in GBK without zip's UTF-8 flag."""
    gbk = "龙湾区/scores.json".encode("gbk")
    placeholder = b"a" * (len(gbk) - len(b"/scores.json")) + b"/scores.json"
    path = _zip(tmp_path / "gbk.zip", {placeholder.decode("ascii"): b"{}"})
    path.write_bytes(path.read_bytes().replace(placeholder, gbk))  # local header and central directory
    found = unpack(path, tmp_path / "into")
    assert (found.folder / "龙湾区" / "scores.json").read_bytes() == b"{}"


def test_a_damaged_zip_is_listed_as_unused_with_why(tmp_path):
    received = tmp_path / "received"
    received.mkdir()
    (received / "瓯海区.zip").write_bytes(b"PK\x03\x04 not really a zip")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    units, unused = find_units([received], scratch)
    assert units == []
    assert [(u.source, u.reason.split("（")[0]) for u in unused] == [
        (f"{received}/瓯海区.zip", "压缩包已损坏或无法读取"), (str(received), "不是报告文件夹")
    ]
