"""The index page of an output folder, as its files make it: which districts it lists (those
the year's manifest names as published), what each row says (the verdict as reports word it,
the scores, the verification status), relative links to files that exist, nothing fetched
from a network, the same bytes from the same files, and a person's own index.html left alone."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from assessment.publish import fonts
from assessment.publish.html import external_references
from assessment.publish.outputs import INDEX_HTML, OutputError
from assessment.report.district import report_data
from assessment.report.index import check_index, district_rows, index_folders, prepare_index, write_index
from assessment.scoring.scores_json import stated_words

EXAMPLES = Path(__file__).parents[2] / "data_templates" / "examples"


class _Page(HTMLParser):
    """The table of districts as a browser without scripts shows it: headers, cells, links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.hidden_ids: list[str] = []
        self._cell: list[str] | None = None
        self._in_table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "hidden" in values and values.get("id"):
            self.hidden_ids.append(str(values["id"]))
        if tag == "table":
            self._in_table = True
        elif tag == "tr" and self._in_table:
            self.rows.append([])
        elif tag in ("th", "td") and self._in_table:
            self._cell = []
        elif tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            (self.headers if tag == "th" else self.rows[-1]).append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._in_table = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def table(self) -> list[dict[str, str]]:
        return [dict(zip(self.headers, row)) for row in self.rows if row]


def read_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    return page


def _district(year_dir: Path, name: str, rubric, review: Path | None = None) -> dict:
    """A district folder as a report leaves it (scores.json, report.html); its scores."""
    data = report_data(EXAMPLES / "wenzhou-2022" / f"{name}.xlsx", rubric, review)
    folder = year_dir / name
    folder.mkdir(parents=True)
    (folder / "scores.json").write_text(json.dumps(data.scores, ensure_ascii=False), "utf-8")
    (folder / "report.html").write_text("<p>report</p>", "utf-8")
    return data.scores


@pytest.fixture
def output(tmp_path, rubric) -> tuple[Path, dict[str, dict]]:
    """A batch output of 2022: two published districts (龙湾区 reviewed), one invalid input,
    and a stale folder of an earlier run that the manifest no longer names."""
    year = tmp_path / "out" / "2022"
    scores = {
        "龙湾区": _district(year, "龙湾区", rubric, EXAMPLES / "wenzhou-2022-reviews"),
        "苍南县": _district(year, "苍南县", rubric),
    }
    _district(year, "鹿城区", rubric)  # stale: not in this run's manifest
    (year / "summary.html").write_text("<p>summary</p>", "utf-8")
    manifest = {
        "year": 2022,
        "districts": [
            {"district": "龙湾区", "status": "ok", "folder": "龙湾区", "verification": {"status": "已核验"}},
            {"district": "苍南县", "status": "ok", "folder": "苍南县"},
            {"district": "瓯海区", "status": "invalid", "folder": None},
        ],
        "summary": {"html": "summary.html"},
    }
    (year / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    return tmp_path / "out", scores


def test_a_year_page_lists_the_published_districts_with_the_verdict_reports_state_and_both_scores(output):
    root, scores = output
    write_index(root)
    page = read_page(root / "2022" / INDEX_HTML)
    assert page.headers == ["地区", "结论", "自评分", "核定分", "核验状态", "报告"]
    rows = {r["地区"]: r for r in page.table()}
    assert set(rows) == {"龙湾区", "苍南县"}  # neither the invalid input nor the stale folder
    longwan, cangnan = scores["龙湾区"], scores["苍南县"]
    assert rows["龙湾区"]["结论"] == stated_words(longwan)
    assert (rows["龙湾区"]["自评分"], rows["龙湾区"]["核定分"]) == ("102.3", "98.3")
    assert (longwan["self"]["total"], longwan["total"]) == (102.3, 98.3)
    assert rows["苍南县"]["结论"] == stated_words(cangnan) and rows["苍南县"]["核定分"] == "—"
    assert rows["龙湾区"]["核验状态"] == "已核验" and rows["苍南县"]["核验状态"] == "—"


def test_every_link_is_relative_and_leads_to_a_file_that_exists(output):
    root, _ = output
    written = write_index(root)
    assert written == [root / INDEX_HTML, root / "2022" / INDEX_HTML]
    for index in written:
        links = read_page(index).links
        assert links and all(not link.startswith(("/", "file:", "http")) for link in links)
        assert all((index.parent / link).is_file() for link in links), links
    top = read_page(root / INDEX_HTML).links
    assert {"2022/summary.html", "2022/index.html", "2022/龙湾区/report.html", "2022/苍南县/report.html"} == set(top)


def test_the_page_loads_nothing_from_a_network_and_shows_the_whole_table_without_scripts(output):
    root, _ = output
    write_index(root)
    text = (root / INDEX_HTML).read_text("utf-8")
    assert external_references(text) == []
    assert "@font-face" in text and "Assessment Sans SC" in text  # readable without a Chinese font
    page = read_page(root / INDEX_HTML)
    assert page.hidden_ids == ["controls"]  # the filters need the script; the table does not
    assert len(page.table()) == 2


def test_without_a_manifest_every_district_folder_with_scores_is_listed_and_no_verification_column(output):
    root, _ = output
    (root / "2022" / "manifest.json").unlink()
    rows = district_rows(root / "2022", root / "2022")
    assert [r.district for r in rows] == sorted(["龙湾区", "苍南县", "鹿城区"], key=lambda d: d)
    write_index(root)
    assert "核验状态" not in read_page(root / "2022" / INDEX_HTML).headers


def test_the_same_files_give_the_same_bytes_and_an_unchanged_index_is_not_rewritten(output, tmp_path):
    root, _ = output
    write_index(root)
    stamp = (root / INDEX_HTML).stat()
    first = (root / INDEX_HTML).read_bytes()
    write_index(root)
    again = (root / INDEX_HTML).stat()
    assert (again.st_ino, again.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / INDEX_HTML).unlink()
    write_index(copy)
    assert (copy / INDEX_HTML).read_bytes() == first  # no time, no absolute path in it
    manifest = json.loads((root / "2022" / "manifest.json").read_text("utf-8"))
    manifest["districts"][1]["verification"] = "不一致（总分 103.2≠100）"
    (root / "2022" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    write_index(root)
    assert "不一致（总分 103.2≠100）" in (root / INDEX_HTML).read_text("utf-8")


def test_a_persons_own_index_is_refused_before_any_work_and_replaced_only_with_force(output):
    root, _ = output
    (root / "2022" / INDEX_HTML).write_text("我的目录", "utf-8")
    assert index_folders(root) == [root, root / "2022"]
    with pytest.raises(OutputError, match="不是本工具生成的"):
        check_index(root)
    with pytest.raises(OutputError):
        write_index(root)
    assert (root / "2022" / INDEX_HTML).read_text("utf-8") == "我的目录"
    write_index(root, force=True)
    assert "龙湾区" in (root / "2022" / INDEX_HTML).read_text("utf-8")


def test_a_folder_of_one_years_districts_gets_one_page(output):
    root, _ = output
    assert write_index(root / "2022") == [root / "2022" / INDEX_HTML]
    assert not (root / INDEX_HTML).exists()
    assert "summary.html" in read_page(root / "2022" / INDEX_HTML).links


def test_a_summary_the_run_failed_to_make_is_not_linked_though_an_earlier_one_is_there(output):
    root, _ = output
    manifest = json.loads((root / "2022" / "manifest.json").read_text("utf-8"))
    manifest["summary"] = {"status": "failed", "html": None}
    (root / "2022" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    write_index(root)
    assert "summary.html" not in read_page(root / "2022" / INDEX_HTML).links
    assert "2022/summary.html" not in read_page(root / INDEX_HTML).links


def test_a_district_folder_outside_the_indexed_folder_is_linked_relatively(output, tmp_path, rubric):
    root, _ = output
    received = tmp_path / "received"
    _district(received, "瓯海区", rubric)
    manifest = json.loads((root / "2022" / "manifest.json").read_text("utf-8"))
    manifest["districts"].append({"district": "瓯海区", "status": "ok", "folder": str(received / "瓯海区")})
    (root / "2022" / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    write_index(root / "2022")
    links = read_page(root / "2022" / INDEX_HTML).links
    assert "../../received/瓯海区/report.html" in links
    assert all((root / "2022" / link).is_file() for link in links)


def test_a_damaged_or_foreign_scores_json_leaves_its_district_out_and_the_page_is_still_made(output):
    root, scores = output
    (root / "2022" / "苍南县" / "scores.json").write_text(json.dumps({**scores["苍南县"], "total": "很高"}), "utf-8")
    (root / "2022" / "龙湾区" / "scores.json").write_text('{"district": "龙湾区", "total": Infinity', "utf-8")
    write_index(root)
    assert read_page(root / "2022" / INDEX_HTML).table() == []


@pytest.mark.parametrize("earlier", [[], ["苍南县"]], ids=["first report", "beside another"])
def test_the_font_made_for_a_report_about_to_be_published_is_the_one_its_index_embeds(
    tmp_path, rubric, fonts_made, earlier
):
    root = tmp_path / "out"
    for name in earlier:
        _district(root / "2022", name, rubric)
    coming = report_data(EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx", rubric).scores
    prepare_index(root, {root / "2022" / "龙湾区": coming})  # while its notebook runs
    assert len(fonts_made) == 1
    _district(root / "2022", "龙湾区", rubric)  # then published as foreseen
    write_index(root)
    assert len(fonts_made) == 1  # the index made no font of its own
    assert read_page(root / "2022" / INDEX_HTML).table()[-1]["地区"] == "龙湾区"
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    for page in copy.rglob(INDEX_HTML):
        page.unlink()
    fonts._RULES.clear()
    write_index(copy)  # made from the files alone, as without the prediction
    assert len(fonts_made) == 2
    for page in root.rglob(INDEX_HTML):
        assert page.read_bytes() == (copy / page.relative_to(root)).read_bytes()


def test_a_report_foreseen_but_never_published_is_not_listed_and_the_index_makes_its_own_font(
    tmp_path, rubric, fonts_made
):
    root = tmp_path / "out"
    _district(root / "2022", "苍南县", rubric)
    coming = report_data(EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx", rubric).scores
    prepare_index(root, {root / "2022" / "龙湾区": coming})  # its notebook then fails
    write_index(root)
    assert len(fonts_made) == 2
    assert [r["地区"] for r in read_page(root / "2022" / INDEX_HTML).table()] == ["苍南县"]


def test_a_summary_about_to_be_published_is_foreseen_with_its_link(output, fonts_made):
    root, _ = output
    (root / "2022" / "summary.html").unlink()  # a first run: the summary is being made
    prepare_index(root, {}, [root / "2022"])
    (root / "2022" / "summary.html").write_text("<p>summary</p>", "utf-8")
    write_index(root)
    assert len(fonts_made) == 1
    assert "2022/summary.html" in read_page(root / INDEX_HTML).links


def test_a_summary_of_units_of_several_cities_is_linked_as_the_province_s(output, rubric):
    root, scores = output
    write_index(root)
    assert "2022年市级汇总" in (root / INDEX_HTML).read_text("utf-8")
    xihu = {**scores["苍南县"], "district": "西湖区"}  # a Hangzhou unit beside the Wenzhou ones
    (root / "2022" / "苍南县" / "scores.json").write_text(json.dumps(xihu, ensure_ascii=False), "utf-8")
    write_index(root)
    for page in (root / INDEX_HTML, root / "2022" / INDEX_HTML):
        text = page.read_text("utf-8")
        assert "2022年全省汇总" in text and "市级汇总" not in text
