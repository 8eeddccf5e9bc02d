"""The index page of an output folder (index.html): every district's report with its verdict,
score and verification status, and each year's municipal summary, in one offline page.

Folders of reports are copied to share drives and USB sticks and opened on intranet PCs, so
the page needs nothing but itself: its style and script are inline, the bundled Chinese font
is embedded for the characters it shows (`publish.fonts`, as the reports do), and every link
is relative (`2022/鹿城区/report.html`), so the folder can be moved and browsed as it is. It is
a plain table that a browser without scripts shows whole; with scripts a reader sorts it by
clicking a column header (figures by value, Chinese by its pinyin order) and filters it by a
text and a verdict, all by keyboard too.

What it lists comes from the files, never from a run in memory: a year folder lists the
district folders its manifest names as published (else every folder holding a scores.json),
each read back from its scores.json, whose verdict is worded as every report words it
(`scoring.scores_json.stated_words`). A verification status (已核验 / 不一致 / 无法核验) is shown
when the year's manifest records one for the district. The page holds no time and no path
outside the folder, so the same files make the same bytes; it is rewritten only when they differ.
(`prepare_index` reads a run's reports from memory before they are published, but only to make
the font early; what a page lists is still read from the files.)

Only the standard library and light modules are imported: a batch that re-renders nothing
still writes its index without loading the notebook stack.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from assessment.inputs.limits import read_limited
from assessment.inputs.model import InputError
from assessment.publish.fonts import remember_fonts, web_font_face_css
from assessment.publish.html import page_characters
from assessment.publish.ledger import wrote
from assessment.publish.outputs import (
    INDEX_HTML,
    MANIFEST,
    REPORT_HTML,
    SCORES_JSON,
    SUMMARY_HTML,
    check_owned,
    publish_files,
)
from assessment.report.index_page import FONT_MARK, SCRIPT_WORDS, IndexRow, SummaryLink, index_title, page_html
from assessment.report.summary_name import CITY_SUMMARY, summary_name
from assessment.scoring.scores_json import is_reviewed, stated_words

#: The key of a year manifest's district entry that carries its verification (made by `summary`):
#: the status words (已核验 / 不一致（…） / 无法核验（…）), or a record whose `status` they are.
VERIFICATION_KEY = "verification"


def _read_json(path: Path) -> Any:
    """A JSON file as read, None when it is missing, too large or damaged (the index lists what it can)."""
    try:
        return json.loads(read_limited(path).decode("utf-8"))
    except (InputError, UnicodeDecodeError, ValueError, RecursionError):
        return None


def year_manifest(folder: Path) -> dict[str, Any] | None:
    """The year manifest of `folder` when it has one listing districts, else None."""
    manifest = _read_json(Path(folder) / MANIFEST) if (Path(folder) / MANIFEST).is_file() else None
    if isinstance(manifest, dict) and isinstance(manifest.get("districts"), list) and manifest.get("year") is not None:
        return manifest
    return None


#: Reports about to be published (`prepare_index`): the content of each one's scores.json, by
#: its district folder as built from the same root (`<root>/<year>/<district>`).
Pending = Mapping[Path, Mapping[str, Any]]


def _lists_districts(folder: Path, pending: Pending) -> bool:
    return (
        year_manifest(folder) is not None
        or any(Path(folder).glob(f"*/{SCORES_JSON}"))
        or any(p.parent == Path(folder) for p in pending)
    )


def listing_folders(root: Path, pending: Pending | None = None) -> list[Path]:
    """The folders under `root` whose districts an index lists: `root` itself when it is one
    year's folder (a manifest naming districts, or district folders with scores.json), else
    its year folders (named by a number), in order of year; with the `pending` reports'
    year folders as if they were published."""
    root, pending = Path(root), pending or {}
    if _lists_districts(root, pending):
        return [root]
    years = {p for p in root.iterdir() if p.is_dir() and not p.is_symlink() and p.name.isdigit()} if root.is_dir() else set()
    years |= {p.parent for p in pending if p.parent.parent == root and p.parent.name.isdigit()}
    return sorted((p for p in years if _lists_districts(p, pending)), key=lambda p: int(p.name))


def index_folders(root: Path, years: Iterable[int] = ()) -> list[Path]:
    """Every folder `write_index(root)` writes an index.html into: `root`, and each year folder
    below it (those present and those `years` a run is about to make), to be checked up front."""
    root = Path(root)
    listed = listing_folders(root) if root.is_dir() else []
    if listed == [root]:
        return [root]
    folders = {p.name: p for p in listed} | {str(y): root / str(y) for y in years}
    return [root, *(folders[name] for name in sorted(folders, key=int))]


def check_index(root: Path, years: Iterable[int] = (), *, force: bool = False) -> None:
    """OutputError before any work when an index.html the tool may not replace is in one of
    the folders it will write (`outputs.check_target`: a person's own index.html stays)."""
    for folder in index_folders(root, years):
        check_owned(folder, [INDEX_HTML], force=force, root=Path(root))


def _verification(entry: Mapping[str, Any]) -> str | None:
    """The verification status words a manifest entry records, if any."""
    value = entry.get(VERIFICATION_KEY)
    if isinstance(value, Mapping):
        value = value.get("status")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _figure(value: Any) -> float | int:
    """A score as scores.json states it; TypeError for anything else (a mis-shaped file)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TypeError(f"not a score: {value!r}")
    return value


def _district_entries(folder: Path, pending: Pending) -> list[tuple[Path, Mapping[str, Any]]]:
    """The district folders of a year folder with their manifest entries: those the manifest
    lists as published (a stale folder of an earlier run is no part of the year), else every
    folder holding a scores.json (or about to: `pending`), by name."""
    manifest = year_manifest(folder)
    if manifest is not None:
        return [
            (folder / e["folder"], e) for e in manifest["districts"]
            if isinstance(e, Mapping) and e.get("status") == "ok" and isinstance(e.get("folder"), str)
        ]
    found = {p.parent for p in Path(folder).glob(f"*/{SCORES_JSON}")} | {p for p in pending if p.parent == Path(folder)}
    return [(p, {}) for p in sorted(found)]


def _relative(target: Path, page_folder: Path) -> str | None:
    """`target` as a relative link from a page in `page_folder`, with forward slashes (a folder
    copied whole keeps its links); None when there is no relative way (another drive)."""
    try:
        return Path(os.path.relpath(target, page_folder)).as_posix()
    except ValueError:
        return None


#: A year folder's districts as read once: (district folder, manifest entry, scores.json).
Districts = list[tuple[Path, Mapping[str, Any], Mapping[str, Any]]]


def _districts(folder: Path, pending: Pending) -> Districts:
    """The district folders of a year folder with their manifest entries and scores.json (a
    `pending` report's: what it will hold); one whose scores.json cannot be read is left out."""
    found: Districts = []
    for district_folder, entry in _district_entries(folder, pending):
        scores = pending[district_folder] if district_folder in pending else _read_json(district_folder / SCORES_JSON)
        if isinstance(scores, Mapping):
            found.append((district_folder, entry, scores))
    return found


def year_summary_name(folder: Path, pending: Pending | None = None) -> str:
    """What the summary of the year `folder` is called, by the districts it lists."""
    return _summary_name(_districts(Path(folder), pending or {}))


def _summary_name(found: Districts) -> str:
    return summary_name(s for _, _, s in found if isinstance(s.get("district"), str))


def district_rows(folder: Path, page_folder: Path, pending: Pending | None = None) -> list[IndexRow]:
    """The districts of a year `folder`, read from their scores.json (a `pending` report's from
    what it will hold), linked from a page in `page_folder`; a folder whose scores.json cannot
    be read is left out."""
    return _rows(_districts(Path(folder), pending or {}), page_folder, pending or {})


def _rows(found: Districts, page_folder: Path, pending: Pending) -> list[IndexRow]:
    rows = []
    for district_folder, entry, scores in found:
        try:
            reviewed = is_reviewed(scores)
            row = IndexRow(
                district=str(scores["district"]),
                year=scores.get("year"),
                verdict=stated_words(scores),
                total=_figure(scores["total"]),
                self_total=_figure(scores["self"]["total"] if reviewed else scores["total"]),
                reviewed=reviewed,
                verification=_verification(entry),
                link=(
                    _relative(district_folder / REPORT_HTML, page_folder)
                    if district_folder in pending or (district_folder / REPORT_HTML).is_file()
                    else None
                ),
            )
        except (KeyError, TypeError, AttributeError):  # not a scores.json of this tool
            continue
        rows.append(row)
    return rows


def summary_link(
    folder: Path, page_folder: Path, *, with_index: bool, coming: bool = False, name: str = CITY_SUMMARY
) -> SummaryLink:
    """A year folder's summary as a page in `page_folder` links it, called `name`: when the
    file is there and its manifest does not say the run failed to make it (a summary.html of
    an earlier run is then stale), or when it is `coming` (`prepare_index`); and the year's
    index.html on the top page."""
    manifest = year_manifest(folder)
    record = manifest.get("summary") if manifest is not None else None
    failed = isinstance(record, Mapping) and "html" in record and record["html"] is None
    has_summary = coming or ((folder / SUMMARY_HTML).is_file() and not failed)
    year = manifest["year"] if manifest is not None else (int(folder.name) if folder.name.isdigit() else None)
    return SummaryLink(
        year,
        _relative(folder / SUMMARY_HTML, page_folder) if has_summary else None,
        _relative(folder / INDEX_HTML, page_folder) if with_index else None,
        name,
    )


def _publish(folder: Path, page: str, root: Path, force: bool) -> Path:
    """Write the page unless the folder already holds these bytes, written by the tool: a run
    that changed nothing leaves the file as it was."""
    target = folder / INDEX_HTML
    data = page.encode("utf-8")
    if wrote(target) and target.read_bytes() == data:
        return target
    publish_files(folder, {INDEX_HTML: data}, force=force, root=root)
    return target


def write_index(root: Path, *, force: bool = False) -> list[Path]:
    """Write index.html into `root` (a batch's or `report`'s --out, a summary's output, or one
    year folder) and into each of its year folders; returns the pages written or kept.

    `root` listing one year's districts gets one page; an output holding year folders gets
    one per year (that year's summary and districts) and a top page listing every year's
    summary and every district with its year. A year folder without any district is
    skipped. OutputError when a person's own index.html is in the way (see `check_index`),
    unless `force`.
    """
    root = Path(root)
    _remember_index_fonts(root)
    made = _pages(root, {})
    font = _font(made)
    return [_publish(folder, page.replace(FONT_MARK, font, 1), root, force) for folder, page in made]


def prepare_index(root: Path, pending: Pending, summaries: Iterable[Path] = ()) -> None:
    """Make the font `write_index(root)` will embed once the `pending` reports and the
    summaries of the year folders `summaries` are published, while their notebooks run
    (`util.background.meanwhile`): the font is most of an index's time, and made for the same
    characters it is the same rule (`fonts.web_font_face_css`). Only a prediction: if the
    pages turn out otherwise, write_index makes their own font."""
    root = Path(root)
    _remember_index_fonts(root)
    reports = {Path(folder): json.loads(json.dumps(scores)) for folder, scores in pending.items()}
    _font(_pages(root, reports, {Path(folder) for folder in summaries}))


def _remember_index_fonts(root: Path) -> None:
    """The fonts of the index pages there now, for pages whose characters do not change."""
    for folder in {root, *listing_folders(root)}:
        remember_fonts(folder / INDEX_HTML)


def _pages(root: Path, pending: Pending, summaries: set[Path] | None = None) -> list[tuple[Path, str]]:
    """Each page of `write_index(root)` without its font (see `index_page.page_html`), by its folder."""
    listed = listing_folders(root, pending)
    found = {folder: _districts(folder, pending) for folder in listed}  # each scores.json read once

    def link(folder: Path, page_folder: Path, with_index: bool) -> SummaryLink:
        coming = folder in (summaries or set())
        return summary_link(folder, page_folder, with_index=with_index, coming=coming, name=_summary_name(found[folder]))

    pages: list[tuple[Path, str, list[IndexRow], list[SummaryLink]]] = []
    if listed == [root]:
        rows = _rows(found[root], root, pending)
        pages.append((root, index_title([r.year for r in rows]), rows, [link(root, root, False)]))
    else:
        rows = [r for folder in reversed(listed) for r in _rows(found[folder], root, pending)]
        links = [link(folder, root, True) for folder in reversed(listed)]
        pages.append((root, index_title([r.year for r in rows]), rows, links))
        for folder in listed:
            rows = _rows(found[folder], folder, pending)
            pages.append((folder, index_title([r.year for r in rows]), rows, [link(folder, folder, False)]))
    return [(folder, page_html(title, rows, links)) for folder, title, rows, links in pages]


def _font(pages: Sequence[tuple[Path, str]]) -> str:
    """One font for all the pages (they show nearly the same characters), subset once."""
    characters = "".join(sorted({c for _, page in pages for c in page_characters(page)}))
    return f"<style>\n{web_font_face_css(characters + SCRIPT_WORDS)}\n</style>"
