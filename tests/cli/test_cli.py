"""The command line: exit codes, Chinese errors with locations, JSON lines, nothing written on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.cli.app import main
from assessment.inputs.json_form import input_to_json
from assessment.samples import perfect_input

SAMPLES = Path(__file__).parents[2] / "data_templates" / "examples" / "wenzhou-2022"


@pytest.fixture
def good_json(tmp_path, rubric) -> Path:
    path = tmp_path / "满分.json"
    path.write_text(input_to_json(perfect_input(rubric, district="满分区")), encoding="utf-8")
    return path


def _json_input(tmp_path: Path, name: str, data: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_score_json_prints_one_object_per_input_in_order(good_json, capsys):
    longwan = SAMPLES / "龙湾区.xlsx"
    assert main(["score", str(longwan), str(good_json), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert (first["district"], second["district"]) == ("龙湾区", "满分区")
    assert second["total"] == 105 and second["passed"] is True and second["title"] == "示范单位"
    assert set(second["categories"]) == {"c1", "c2", "c3", "c4", "c5", "c6"}
    assert second["equipment"]["points"] == 100 and second["bonus"] == {"points": 5, "max": 5}
    assert second["criteria"]["s02_duties_integrated"]["source"] == "automatic"
    assert len(second["provenance"]["rubric_sha256"]) == 64
    assert len(second["provenance"]["input_sha256"]) == 64
    assert {"s01", "s25", "e01", "e13"} <= set(second["indicators"])


def test_score_prints_a_readable_chinese_table(capsys):
    assert main(["score", str(SAMPLES / "龙湾区.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "龙湾区" in out and "结论：" in out and "机构设置规范化" in out


def test_validate_reports_every_problem_of_every_file_with_its_location(tmp_path, capsys):
    bad = _json_input(
        tmp_path,
        "bad.json",
        {
            "district": "龙湾区",
            "level": "乡级",
            "year": 2022,
            "staff": {"authorized": 40, "on_duty": -1},
            "answers": {"s05_college_rate": 120, "s07_roadshows": 1.5, "s01_group_established": "也许", "zz_unknown": 1},
        },
    )
    no_year = _json_input(
        tmp_path, "no_year.json", {"district": "x", "level": "county", "staff": {"authorized": 1, "on_duty": 1}}
    )
    assert main(["validate", str(bad), str(no_year)]) == 2
    err = capsys.readouterr().err
    assert "bad.json JSON路径 $.level：层级应为“县级”或“市级”，实际为“乡级”" in err
    assert "$.staff.on_duty" in err and "应为不小于1的整数" in err
    assert "$.answers.s05_college_rate" in err and "0到100之间的百分比" in err
    assert "$.answers.s07_roadshows" in err
    assert "$.answers.s01_group_established" in err and "“是”或“否”" in err
    assert "指标编号“zz_unknown”不在评分细则中" in err
    assert "no_year.json" in err and "缺少年度" in err
    assert "Traceback" not in err


def test_workbook_errors_name_sheet_row_and_column(tmp_path, capsys):
    from openpyxl import load_workbook

    path = tmp_path / "龙湾区.xlsx"
    wb = load_workbook(SAMPLES / "龙湾区.xlsx")
    ws = wb["指标填报"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "s05_college_rate")
    ws.cell(row, 4).value = "120%"
    wb.save(path)
    assert main(["score", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"工作表「指标填报」 第{row}行 D列（填报值）" in captured.err
    assert "「大专以上学历人员比例」应为0到100之间的百分比" in captured.err and "s05_college_rate" not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"{not json", "JSON格式错误"), (b"[1, 2]", "顶层应为对象")],
)
def test_malformed_json_is_refused_with_exit_2(tmp_path, capsys, content, expected):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert main(["score", str(path)]) == 2
    assert expected in capsys.readouterr().err


def test_a_corrupt_workbook_is_refused_without_traceback(tmp_path, capsys):
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "坏.xlsx" in err and "无法读取工作簿" in err and "Traceback" not in err


def test_convert_round_trips_between_json_and_workbook(tmp_path, good_json, capsys):
    xlsx, back = tmp_path / "x.xlsx", tmp_path / "back.json"
    assert main(["convert", str(good_json), str(xlsx)]) == 0
    assert main(["convert", str(xlsx), str(back)]) == 0
    assert json.loads(back.read_text("utf-8")) == json.loads(good_json.read_text("utf-8"))
    capsys.readouterr()
    assert main(["score", "--json", str(good_json), str(xlsx)]) == 0
    a, b = (json.loads(x) for x in capsys.readouterr().out.splitlines())
    assert a["total"] == b["total"] and a["criteria"] == b["criteria"]


def test_convert_writes_nothing_when_the_input_is_invalid(tmp_path):
    src = _json_input(tmp_path, "bad.json", {"district": "x"})
    dst = tmp_path / "out.xlsx"
    assert main(["convert", str(src), str(dst)]) == 2
    assert not dst.exists()


def test_template_command_writes_the_committed_template(tmp_path):
    from assessment.inputs.workbook import workbook_content

    out = tmp_path / "t.xlsx"
    assert main(["template", str(out)]) == 0
    committed = Path(__file__).parents[2] / "data_templates" / "评估填报模板.xlsx"
    assert workbook_content(out) == workbook_content(committed)


def test_a_roster_that_disagrees_with_a_typed_rate_names_both(tmp_path, rubric, capsys):
    people = [
        {"name": f"执法员{i}", "education": "本科" if i < 9 else "高中", "major": "法学类",
         "certified": True, "cert_required": True, "legal_qualification": False}
        for i in range(10)
    ]
    data = json.loads(input_to_json(perfect_input(rubric)))
    data["roster"] = people
    data["answers"]["s05_college_rate"] = 100
    path = _json_input(tmp_path, "roster.json", data)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "$.answers.s05_college_rate" in err and "名册为9/10=90%" in err


def test_a_roster_computes_the_rates_it_can(tmp_path, rubric, capsys):
    people = [
        {"name": f"执法员{i}", "education": "大专", "major": "其他" if i else "法学类",
         "certified": i != 1, "cert_required": True}
        for i in range(4)
    ]
    data = json.loads(input_to_json(perfect_input(rubric)))
    data["roster"] = people
    for cid in ("s05_college_rate", "s05_law_env_major_rate", "s06_certified_rate"):
        data["answers"].pop(cid)
    path = _json_input(tmp_path, "roster.json", data)
    assert main(["score", "--json", str(path)]) == 0
    criteria = json.loads(capsys.readouterr().out)["criteria"]
    assert criteria["s05_college_rate"]["points"] == 1 and criteria["s05_college_rate"]["source"] == "computed"
    assert criteria["s05_law_env_major_rate"]["value"] == 25 and criteria["s05_law_env_major_rate"]["points"] == 0
    assert criteria["s06_certified_rate"]["value"] == 75


HEAVY_MODULES = ("nbconvert", "jupyter_client", "pandas", "matplotlib", "scipy", "jsonschema")


def _imported_modules(*args: str) -> set[str]:
    """Top-level modules a fresh `python -X importtime -m assessment ARGS` imports."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assessment", *args], capture_output=True, text=True, check=False
    )
    return {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_version_imports_no_notebook_frame_or_plotting_library():
    imported = _imported_modules("--version")
    assert "assessment" in imported
    assert imported.isdisjoint(HEAVY_MODULES), imported & set(HEAVY_MODULES)


def test_validate_imports_no_notebook_frame_or_plotting_library(tmp_path):
    sample = Path(__file__).parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
    imported = _imported_modules("validate", str(sample))
    assert "openpyxl" in imported
    assert imported.isdisjoint(HEAVY_MODULES), imported & set(HEAVY_MODULES)


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for command in ("template", "validate", "score", "convert", "report", "batch", "plan", "review-template"):
        assert command in out


def test_review_template_is_a_command(tmp_path):
    sample = Path(__file__).parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"
    out = tmp_path / "复核表.xlsx"
    assert main(["review-template", str(sample), str(out)]) == 0
    assert out.is_file()


def test_validate_says_how_many_items_are_unfilled_instead_of_a_bare_pass(tmp_path, rubric, good_json, capsys):
    data = json.loads(good_json.read_text("utf-8"))
    data["answers"] = {}
    data["equipment"] = {}
    blank = _json_input(tmp_path, "空白.json", data)
    unfilled = len(rubric.answerable()) + len(rubric.equipment)
    assert main(["validate", str(blank), str(good_json)]) == 0
    out = capsys.readouterr().out
    assert f"通过（{unfilled}项未填）：{blank}" in out
    assert f"{unfilled}项未填写" in out
    assert f"通过：{good_json}" in out  # a complete file still simply passes


def test_a_district_name_is_read_in_its_normalised_form(tmp_path, good_json, capsys):
    data = json.loads(good_json.read_text("utf-8"))
    data["district"] = "\u3000开发区１ "
    wide = _json_input(tmp_path, "全角.json", data)
    assert main(["score", str(wide), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["district"] == "开发区1"


def test_the_score_table_puts_the_equipment_categories_apart_from_the_standard_ones(rubric, capsys):
    assert main(["score", str(SAMPLES / "龙湾区.xlsx")]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("类别"))
    end = next(n for n in range(start, len(lines)) if not lines[n].strip())
    block = lines[start + 2 : end]
    equipment, standard = rubric.parts  # 附件1 装备能力建设评分细则, then 附件2 规范化建设标准
    assert block[0].startswith(f"〔附件1 {equipment.name}：") and block[0].endswith(" / 100〕")
    heading = 1 + len(equipment.categories)
    assert block[heading].startswith(f"〔附件2 {standard.name}：")
    assert [line.split()[0] for line in block[1:heading]] == [c.name for c in equipment.categories]
    assert [line.split()[0] for line in block[heading + 1 :]] == [c.name for c in standard.categories]


def test_plan_steps_show_their_gain_with_a_sign(capsys):
    assert main(["plan", str(SAMPLES / "平阳县.xlsx")]) == 0
    steps = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  1. ")]
    assert steps and all("增分+" in line for line in steps)
