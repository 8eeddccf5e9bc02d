"""Users read names, not ids: every sentence of every sample's report, the municipal summary
and `assessment score` names criteria in Chinese; ids appear only in 编号 columns.

The pages are the real ones: a batch over the bundled samples (plus one district whose
ledger is short and whose answers are incomplete, so that the 待核 verdict and the
未填报 warnings are on a page too) renders each report and the summary as a user gets them.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment import api
from assessment.batch import run as batch
from assessment.inputs.json_form import input_to_json
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
