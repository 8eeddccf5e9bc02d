"""The README's district → city → province path, as three levels of users run it: districts run
`report` and send their folders, each city runs `summary` on what it received, and the province
runs `summary` on the cities' output folders. Every level verifies every district again, and
the province's summary groups the units by city."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
from pathlib import Path

import pytest

from assessment.cli.app import main
from assessment.inputs.files import load_input
from assessment.inputs.json_form import input_to_json
from assessment.rubric.loader import default_rubric

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _district_sends(tmp: Path, source: Path) -> Path:
    """What one district sends: the output folder of its own `assessment report`."""
    out = tmp / f"{source.stem}报告"
    code, _, err = run_cli("report", str(source), "--out", str(out))
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("path")
    # Two Wenzhou districts, and a Hangzhou one (the 龙湾区 sample's figures under 西湖区's name).
    xihu = dataclasses.replace(load_input(SAMPLES / "龙湾区.xlsx", default_rubric()), district="西湖区")
    (tmp / "西湖区.json").write_text(input_to_json(xihu), "utf-8")
    wenzhou = [_district_sends(tmp, SAMPLES / name) for name in ("龙湾区.xlsx", "鹿城区.xlsx")]
    hangzhou = [_district_sends(tmp, tmp / "西湖区.json")]
    for city, received in (("温州市汇总", wenzhou), ("杭州市汇总", hangzhou)):
        code, _, err = run_cli("summary", *map(str, received), "--out", str(tmp / city))
        assert code == 0, err
    code, out, err = run_cli("summary", str(tmp / "温州市汇总"), str(tmp / "杭州市汇总"), "--out", str(tmp / "浙江省汇总"))
    assert code == 0, err
    (tmp / "浙江省汇总.txt").write_text(out, "utf-8")  # what the province's terminal showed
    return tmp / "浙江省汇总"


def test_the_province_verifies_every_district_it_received_through_the_cities(province):
    manifest = json.loads((province / "2022" / "manifest.json").read_text("utf-8"))
    found = {e["district"]: e["verification"]["status"] for e in manifest["districts"]}
    assert found == {"龙湾区": "已核验", "鹿城区": "已核验", "西湖区": "已核验"}
    assert manifest["unused"] == []


def test_the_province_summary_groups_the_units_by_city(province):
    from openpyxl import load_workbook

    sheets = load_workbook(province / "2022" / "summary.xlsx", read_only=True).sheetnames
    assert {"温州市", "杭州市"} <= set(sheets)
    page = (province / "2022" / "summary.html").read_text("utf-8")
    headings = re.findall(r"<h[123][^>]*>(.*?)</h[123]>", page)
    assert headings[0] == "生态环境保护综合行政执法机构规范化建设 全省汇总"
    assert headings.index("各地市汇总") < headings.index("排名") < headings.index("核验情况")


def test_every_level_leaves_an_offline_index(province):
    assert (province / "index.html").is_file() and (province / "2022" / "index.html").is_file()
    assert (province.parent / "温州市汇总" / "index.html").is_file()
    assert (province.parent / "龙湾区报告" / "index.html").is_file()


def _summary_links(index: Path) -> list[str]:
    return re.findall(r'<a href="[^"]*summary.html">([^<]*)</a>', index.read_text("utf-8"))


def test_every_place_that_names_a_summary_calls_it_as_its_page_does(province):
    """全省汇总 for units of several cities, 市级汇总 for one city's: the page's title, the
    terminal and the index links (`report.summary_name`)."""
    assert "  全省汇总：" in (province.parent / "浙江省汇总.txt").read_text("utf-8")
    assert _summary_links(province / "index.html") == _summary_links(province / "2022" / "index.html") == ["2022年全省汇总"]
    assert _summary_links(province.parent / "温州市汇总" / "index.html") == ["2022年市级汇总"]


def test_a_batch_over_units_of_two_cities_names_its_summary_the_province_s(province, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "龙湾区.xlsx").write_bytes((SAMPLES / "龙湾区.xlsx").read_bytes())
    (data / "西湖区.json").write_bytes((province.parent / "西湖区.json").read_bytes())
    out = tmp_path / "out"
    code, printed, err = run_cli("batch", str(data), "--out", str(out), "--jobs", "1")
    assert code == 0, err
    log = (out / "batch.log").read_text("utf-8")
    assert "2022年全省汇总：重新生成（首次生成）" in printed and "2022年全省汇总：重新生成（首次生成）" in log
    assert "  全省汇总：" in printed and "市级汇总" not in printed + log
    assert "<title>2022年 全省汇总（2个地区）</title>" in (out / "2022" / "summary.html").read_text("utf-8")
    assert _summary_links(out / "index.html") == ["2022年全省汇总"]
