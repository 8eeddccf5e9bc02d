"""Finding what districts sent: a district folder, a year folder of several, a whole output
folder, or a zip of any; what is not a report folder, and a district sent twice, are left
out with why."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from assessment.collect.desk import receive
from assessment.collect.find import find_units


def district(folder: Path, name: str, year: int = 2022) -> Path:
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps({"district": name, "year": year}, ensure_ascii=False), "utf-8")
    return folder


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "scratch").mkdir()
    return tmp_path / "scratch"


def test_a_district_folder_a_year_folder_and_an_output_folder_are_each_read(tmp_path, scratch):
    district(tmp_path / "龙湾区", "龙湾区")
    district(tmp_path / "2022" / "鹿城区", "鹿城区")
    district(tmp_path / "2022" / "瓯海区", "瓯海区")
    district(tmp_path / "outputs" / "2021" / "洞头区", "洞头区", 2021)
    units, unused = find_units([tmp_path / "龙湾区", tmp_path / "2022", tmp_path / "outputs"], scratch)
    assert [u.folder.name for u in units] == ["龙湾区", "瓯海区", "鹿城区", "洞头区"]
    assert unused == []


def test_a_zip_of_a_year_folder_is_unpacked_and_read(tmp_path, scratch):
    with zipfile.ZipFile(tmp_path / "2022.zip", "w") as z:
        for name in ("龙湾区", "鹿城区"):
            z.writestr(f"2022/{name}/scores.json", json.dumps({"district": name, "year": 2022}))
            z.writestr(f"2022/{name}/说明.docx", b"not a report file")
    units, unused = find_units([tmp_path / "2022.zip"], scratch)
    assert sorted(u.source for u in units) == [f"{tmp_path}/2022.zip/2022/鹿城区", f"{tmp_path}/2022.zip/2022/龙湾区"]
    assert all(u.folder.is_relative_to(scratch) for u in units)
    assert unused == []


def test_what_is_not_a_report_folder_is_named_once_with_why(tmp_path, scratch):
    district(tmp_path / "收件箱" / "龙湾区", "龙湾区")
    (tmp_path / "收件箱" / "佐证材料" / "照片").mkdir(parents=True)
    (tmp_path / "收件箱" / "说明.docx").write_bytes(b"x")
    (tmp_path / "收件箱" / ".DS_Store").write_bytes(b"x")
    units, unused = find_units([tmp_path / "收件箱"], scratch)
    assert [u.folder.name for u in units] == ["龙湾区"]
    assert [(Path(u.source).name, u.reason) for u in unused] == [
        ("佐证材料", "不是报告文件夹（其中及其下级文件夹中都没有 scores.json）"),
        ("说明.docx", "不是报告文件夹或 zip 压缩包"),
    ]


def test_a_link_in_a_received_folder_is_not_followed(tmp_path, scratch):
    district(tmp_path / "elsewhere" / "龙湾区", "龙湾区")
    (tmp_path / "收件箱").mkdir()
    (tmp_path / "收件箱" / "龙湾区").symlink_to(tmp_path / "elsewhere" / "龙湾区")
    units, unused = find_units([tmp_path / "收件箱"], scratch)
    assert units == []
    assert [(Path(u.source).name, u.reason.split("（")[0]) for u in unused] == [
        ("龙湾区", "是符号链接，未读取"), ("收件箱", "不是报告文件夹")
    ]


def test_a_district_sent_twice_is_left_out_both_times(tmp_path, scratch, rubric):
    district(tmp_path / "a" / "龙湾区", "龙湾区")
    district(tmp_path / "b" / "龙湾区", "龙湾区")
    received, unused = receive([tmp_path / "a", tmp_path / "b"], scratch, rubric)
    assert received == []
    assert len(unused) == 2
    assert all("是同一地区和年度（龙湾区 2022年），无法判断以哪一份为准" in u.reason for u in unused)


def test_a_scores_json_that_is_not_the_tools_is_left_out(tmp_path, scratch, rubric):
    (tmp_path / "龙湾区").mkdir()
    (tmp_path / "龙湾区" / "scores.json").write_text("{\"total\": 90", "utf-8")
    received, unused = receive([tmp_path / "龙湾区"], scratch, rubric)
    assert received == []
    assert [u.reason for u in unused] == ["scores.json不是有效的JSON（可能已截断或损坏）"]
