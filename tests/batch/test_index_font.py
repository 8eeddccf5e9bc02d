"""A batch makes its index's font while its summaries run (`report.index.prepare_index`), so
that the index written last costs no font of its own, and no font is made for nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from assessment.cli.app import main
from assessment.publish import fonts
from assessment.publish.outputs import INDEX_HTML, REPORT_HTML, SUMMARY_HTML

SAMPLE = Path(__file__).resolve().parents[2] / "data_templates" / "examples" / "wenzhou-2022" / "龙湾区.xlsx"


def test_the_index_font_is_made_while_the_summary_runs_and_every_font_made_is_embedded(
    tmp_path: Path, fonts_made: list[tuple[str, str]]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(SAMPLE, data)
    out = tmp_path / "out"
    assert main(["batch", str(data), "--out", str(out), "--jobs", "1"]) == 0  # one input: all in this process
    pages = {
        "report": (out / "2022" / "龙湾区" / REPORT_HTML).read_text("utf-8"),
        "summary": (out / "2022" / SUMMARY_HTML).read_text("utf-8"),
        "index": (out / INDEX_HTML).read_text("utf-8") + (out / "2022" / INDEX_HTML).read_text("utf-8"),
    }
    wanted = [(characters, thread) for characters, thread in fonts_made if characters]  # "": html.prepare_export's warm-up

    def page_of(characters: str) -> list[str]:
        return [name for name, text in pages.items() if f"/* subset {fonts.subset_key(characters)} */" in text]

    assert sorted((page_of(characters), thread) for characters, thread in wanted) == [
        (["index"], "meanwhile"),  # while the summary's notebook ran (util.background)
        (["report"], "MainThread"),
        (["summary"], "MainThread"),
    ]
