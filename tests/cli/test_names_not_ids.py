"""Users read names, not ids: every sentence of every sample's report, the municipal summary
and `assessment score` names criteria in Chinese; ids appear only in 编号 columns.

The pages are the real ones: a batch over the bundled samples (plus one district whose
ledger is short and whose answers are incomplete, so that the 待核 verdict and the
未填报 warnings are on a page too) renders each report and the summary as a user gets them.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment import api
from assessment.batch import run as batch
from assessment.inputs.json_form import input_to_dict, input_to_json
from assessment.inputs.model import Person
from assessment.report.text import render_text
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input

SAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022"
ID_COLUMN = "编号"
#: Sections left out of the scan, by the words of their h2 heading: none, every section of
#: the page names criteria as officials read them.
EXCLUDED_SECTIONS: tuple[str, ...] = ()


def id_pattern(rubric: Rubric) -> re.Pattern[str]:
    """Every id of the rubric, and anything shaped like a criterion or reading id."""
    ids = set(rubric.criteria) | {i.id for i in rubric.indicators()} | {e.id for e in rubric.equipment}
    ids |= {r.id for r in rubric.readings} | {u.id for u in rubric.unscored} | {v.id for v in rubric.veto.items}
    ids |= {g.id for i in rubric.indicators() for g in i.groups}
    shapes = [r"[a-z]\d{2}_[a-z_]+", r"r\d{1,2}_[a-z_]+", *map(re.escape, sorted(ids, key=len, reverse=True))]
    return re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(shapes) + r")(?![A-Za-z0-9_])")


class VisibleText(HTMLParser):
    """The text a reader sees: no style or script, no cell the page hides, no 编号 column,
    no excluded section; image alt texts count (screen readers read them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip_tag: str | None = None
        self.divs = 0
        self.hidden_at: int | None = None
        self.heading: list[str] | None = None
        self.excluded = False
        self.headers: list[str] = []
        self.column = -1
        self.cell: str | None = None

    @property
    def visible(self) -> bool:
        id_cell = self.cell == "td" and 0 <= self.column < len(self.headers) and self.headers[self.column] == ID_COLUMN
        return self.skip_tag is None and self.hidden_at is None and not self.excluded and not id_cell

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("style", "script"):
            self.skip_tag = tag
        elif tag == "div":
            self.divs += 1
            if "celltag_report-hidden" in classes and self.hidden_at is None:
                self.hidden_at = self.divs
        elif tag == "h2":
            self.heading = []
        elif tag == "table":
            self.headers = []
        elif tag == "tr":
            self.column = -1
        elif tag in ("th", "td"):
            self.column += 1
            self.cell = tag
            if tag == "th":
                self.headers.append("")
        elif tag == "img" and self.visible:
            self.chunks.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.skip_tag:
            self.skip_tag = None
        elif tag == "div":
            if self.hidden_at == self.divs:
                self.hidden_at = None
            self.divs -= 1
        elif tag == "h2" and self.heading is not None:
            self.excluded = any(words in "".join(self.heading) for words in EXCLUDED_SECTIONS)
            self.heading = None
        elif tag in ("th", "td"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading.append(data)
        if self.cell == "th" and self.headers:
            self.headers[-1] += data.strip()
        if self.visible:
            self.chunks.append(data)


def visible_text(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return " ".join(parser.chunks)


def hits(pattern: re.Pattern[str], text: str) -> list[str]:
    return sorted({m.group(0) for m in pattern.finditer(text)})


@pytest.fixture(scope="module")
def rubric() -> Rubric:
    return default_rubric()


@pytest.fixture(scope="module")
def published(tmp_path_factory, rubric):
    """A batch over the samples and one 待核 district with a blank answer: the pages as published."""
    root = tmp_path_factory.mktemp("names")
    data = root / "data"
    data.mkdir()
    for sample in SAMPLES.glob("*.xlsx"):
        shutil.copy(sample, data / sample.name)
    base = perfect_input(rubric)
    answers = {k: v for k, v in base.answers.items() if k != "s12_annual_plan"}
    short = dataclasses.replace(base, district="待核示例区", year=2022, extra_equipment=(), answers=answers)
    (data / "待核示例区.json").write_text(input_to_json(short), encoding="utf-8")
    batch.run_batch(data, root / "out", jobs=2, progress=False)
    return root / "out" / "2022"


def test_the_scan_finds_ids_outside_the_id_column(rubric):
    page = (
        "<table><thead><tr><th>编号</th><th>说明</th></tr></thead>"
        "<tbody><tr><td>s12_annual_plan</td><td>e05_personal_mobile 0→10分；口径r1_comparisons</td></tr></tbody></table>"
    )
    assert hits(id_pattern(rubric), visible_text(page)) == ["e05_personal_mobile", "r1_comparisons"]


def test_the_scan_skips_hidden_cells_and_the_id_column(rubric):
    page = (
        '<div class="celltag_report-hidden"><div>s12_annual_plan</div></div>'
        "<table><tr><th>编号</th><th>指标</th></tr><tr><td>s12</td><td>建立计划制度</td></tr></table>"
    )
    assert hits(id_pattern(rubric), visible_text(page)) == []


def test_every_report_names_criteria_not_ids(published, rubric):
    pattern = id_pattern(rubric)
    pages = sorted(published.glob("*/report.html"))
    assert len(pages) == 13
    found = {p.parent.name: hits(pattern, visible_text(p.read_text("utf-8"))) for p in pages}
    assert {district: ids for district, ids in found.items() if ids} == {}


def test_the_pending_district_is_on_the_page_with_its_warnings(published):
    text = visible_text((published / "待核示例区" / "report.html").read_text("utf-8"))
    assert "达标（待核）" in text and "按0分计：年度现场检查计划并上报备案" in text


def test_the_municipal_summary_names_indicators_not_ids(published, rubric):
    text = visible_text((published / "summary.html").read_text("utf-8"))
    assert "达标（待核）" in text
    assert hits(id_pattern(rubric), text) == []


def test_the_text_report_names_criteria_not_ids(rubric):
    pattern = id_pattern(rubric)
    for sample in sorted(SAMPLES.glob("*.xlsx")):
        lines = render_text(api.score_path(sample, rubric)).splitlines()
        start = next(n for n, line in enumerate(lines) if line.startswith(ID_COLUMN))
        end = next((n for n in range(start, len(lines)) if not lines[n].strip()), len(lines))
        table = lines[start + 2 : end]
        # the indicator table's first column is 编号: drop it, scan the rest
        shown = lines[:start] + [line.split(maxsplit=1)[1] for line in table] + lines[end:]
        assert hits(pattern, "\n".join(shown)) == [], sample.name


# ----------------------------------------------------------------------------- messages

PUBLIC_IDS = Path(__file__).resolve().parents[1] / "data" / "public_ids.txt"
#: The JSON form's keys and field paths (`staff.on_duty`, `$.answers…`, `roster[0].name`): the
#: words of the file format, which a message must translate into the workbook's labels.
FIELD_WORDS = (
    "district", "level", "year", "sample", "staff", "authorized", "on_duty", "answers", "equipment", "prices",
    "extra_equipment", "roster", "info", "evidence", "remarks", "category", "quantity", "required", "unit_price",
    "name", "education", "major", "certified", "cert_required", "legal_qualification",
)
FIELD_PATH = re.compile(r"\$\.|[a-z_]+(?:\[\d+\])?\.[a-z_]+|(?<![A-Za-z0-9_])(?:" + "|".join(FIELD_WORDS) + r")(?![A-Za-z0-9_])")


def message_pattern(rubric: Rubric) -> re.Pattern[str]:
    """An id of the rubric, a public id, or a field path or key of the JSON form."""
    public = [line for line in PUBLIC_IDS.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    ids = id_pattern(rubric).pattern
    words = r"(?<![A-Za-z0-9_])(?:" + "|".join(map(re.escape, sorted(public, key=len, reverse=True))) + r")(?![A-Za-z0-9_])"
    return re.compile(f"{ids}|{words}|{FIELD_PATH.pattern}")


def messages(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What `assessment validate` prints about `path`, each line less its location: the file
    name, and for a JSON file the JSON path (which is where the value is, as a cell address
    is in a workbook). A workbook's sheet, row and column words stay in the scanned text."""
    from assessment.cli.app import main

    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    lines = [line for line in (captured.err + captured.out).splitlines() if line.strip()]
    assert code == 2 and lines, lines
    return [re.sub(r"JSON路径 \$[^：]*", "", line.replace(str(path), "")) for line in lines]


def _bad_json(data: dict) -> None:
    data["level"] = "乡级"
    data["year"] = 1800
    data["staff"] = {"authorized": 0, "on_duty": float("nan")}
    data["answers"].update(
        s05_college_rate=120, e08_optional_field=1.5, s01_group_established="也许", v_leader_criticism="或许",
        s06_staffing_rate=90, zz_unknown=1, s03_claim_rate=0.95,
    )
    data["equipment"].update(camera="许多", vehicle=-1, zz_item=3)
    data["prices"] = {"vehicle": -5, "zz_item": 3}
    data["extra_equipment"] = [{"category": "杂项", "name": "", "required": 0, "quantity": "多", "unit_price": "贵"}]
    data["roster"] = [{"name": "张三", "education": "博士后", "major": "文学", "certified": "也许", "cert_required": 2}]
    data["info"] = {"年度": "2022", "填报单位": "\u200b"}
    data["evidence"] = {"zz_unknown": "文件"}
    data["remarks"] = {"zz_other": "备注"}
    del data["district"]


def test_validation_messages_of_a_json_file_name_fields_in_chinese(tmp_path, rubric, capsys):
    data = input_to_dict(perfect_input(rubric, district="龙湾区"))
    _bad_json(data)
    path = tmp_path / "龙湾区.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = messages(path, capsys)
    text = "\n".join(found)
    # every field named by its Chinese name (what the workbook and the rubric call it)
    for words in ("缺少地区", "层级应为", "年度应为", "核定编制数应为", "实际到岗执法人员数应为", "「大专以上学历人员比例」应为",
                  "「数码照相机」实有数量应为", "「执法车辆」实有数量应为", "「执法车辆」单价（元）应为",
                  "补充装备类别应为", "学历应为", "专业类别应为", "是否持证应", "是否应持证应"):
        assert words in text, words
    assert hits(message_pattern(rubric), text) == []


def test_a_roster_conflict_names_the_criterion(tmp_path, rubric, capsys):
    data = input_to_dict(perfect_input(rubric, district="龙湾区"))
    data["answers"]["s05_college_rate"] = 50
    data["roster"] = [{"name": "张三", "education": "本科", "major": "法学类", "certified": True, "cert_required": True}]
    path = tmp_path / "龙湾区.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    text = "\n".join(messages(path, capsys))
    assert "「大专以上学历人员比例」填报值50%与执法人员名册计算值不一致" in text
    assert hits(message_pattern(rubric), text) == []


def test_validation_messages_of_a_workbook_name_fields_in_chinese(tmp_path, rubric, capsys):
    import datetime

    import openpyxl

    from assessment.inputs.workbook import write_workbook

    path = tmp_path / "龙湾区.xlsx"
    base = perfect_input(rubric, district="龙湾区")
    write_workbook(dataclasses.replace(base, roster=(Person("张三", "本科", "法学类", True, True, False),)), rubric, path)
    wb = openpyxl.load_workbook(path)
    info = wb["基本信息"]
    for row in info.iter_rows(min_row=2):
        if row[0].value in ("年度", "层级", "实际到岗执法人员数"):
            row[1].value = {"年度": None, "层级": "乡级", "实际到岗执法人员数": datetime.datetime(2024, 3, 31)}[row[0].value]
    answers = wb["指标填报"]
    for row in answers.iter_rows(min_row=2):
        if row[0].value in ("s05_college_rate", "e08_optional_field", "v_leader_criticism"):
            row[3].value = {"s05_college_rate": "120%", "e08_optional_field": "两次", "v_leader_criticism": "或许"}[
                row[0].value
            ]
    answers.append(["s06_staffing_rate", None, None, 90])
    answers.append(["zz_unknown", None, None, 1])
    answers.append(["s05_college_rate", None, None, 90])
    equipment = wb["装备台账"]
    for row in equipment.iter_rows(min_row=2):
        if row[0].value == "camera":
            row[6].value = "许多"
    roster = wb["执法人员"]
    roster.append(["李四", "博士后", "文学", "也许", "是", "否"])
    wb.save(path)
    text = "\n".join(messages(path, capsys))
    for words in ("缺少年度", "层级应为", "实际到岗执法人员数单元格为日期格式", "「大专以上学历人员比例」应为",
                  "「数码照相机」实有数量应为", "学历应为", "专业类别应为", "「选配现场执法辅助设备（项）」应为",
                  "「违法排污问题被中央、省领导批示批评」应填", "「执法人员编制实际到岗率」由系统计算",
                  "指标编号“zz_unknown”不在评分细则中", "「大专以上学历人员比例」重复：第31行与第115行"):
        assert words in text, words
    assert "工作表「指标填报」" in text and "D列（填报值）" in text  # the location stays
    assert hits(message_pattern(rubric), text) == []


def test_the_message_scan_finds_ids_and_field_paths(rubric):
    pattern = message_pattern(rubric)
    old = (
        "年度（year） 实际到岗执法人员数（staff.on_duty） s05_college_rate（大专以上） camera（数码照相机） "
        "$.answers roster[0].name"
    )
    assert hits(pattern, old) == sorted(
        {"year", "staff.on_duty", "s05_college_rate", "camera", "$.", "roster[0].name"}
    ) or set(hits(pattern, old)) >= {"year", "staff.on_duty", "s05_college_rate", "camera", "$."}
