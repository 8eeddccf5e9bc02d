"""Regenerate the bundled CJK font subset used for charts.

Charts carry Chinese titles and labels and must render on a machine that has
no system CJK font, so the package ships a subset of Noto Sans CJK SC Regular
(SIL OFL 1.1).  The full collection is ~19 MB; the subset keeps only what a
Simplified-Chinese report can plausibly need (all GB2312 characters, Latin-1,
common punctuation and every character of our source documents) and drops
hinting and OpenType layout tables that matplotlib does not need.

The OFL requires a Modified Version to be renamed, so the name table and the
CFF names are rewritten to "Assessment Sans SC".  The licence text written
next to the font is taken from Debian's copyright file for fonts-noto-cjk.

The output is reproducible: the original ``head.modified`` timestamp is kept
and the inputs fully determine the glyph set.

Usage (from the repository root)::

    python tools/make_cjk_font.py
    python tools/make_cjk_font.py /path/to/NotoSansCJK-Regular.ttc
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEFAULT_LICENSE_SOURCE = Path("/usr/share/doc/fonts-noto-cjk/copyright")
DEFAULT_TEXT_FILES = (
    Path("/work/shared/source/zhejiang-county-units.csv"),
    Path("/work/shared/source/longwan-2022-work-plan.txt"),
)
DEFAULT_OUTPUT_DIR = Path(__file__).resolve().parent.parent / "assessment" / "data" / "fonts"

SOURCE_POSTSCRIPT_NAME = "NotoSansCJKsc-Regular"
FAMILY = "Assessment Sans SC"
STYLE = "Regular"
POSTSCRIPT_NAME = "AssessmentSansSC-Regular"
FONT_FILENAME = f"{POSTSCRIPT_NAME}.otf"

# Upstream noto-cjk LICENSE header; Debian's copyright file only carries the
# licence body, and the OFL requires the copyright notice and the Reserved
# Font Name to travel with the font.
UPSTREAM_COPYRIGHT = (
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
)

# Inclusive code point ranges kept regardless of GB2312.
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # General punctuation
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
)

# name IDs kept from the source: copyright, licence description and URL.
# IDs 1-6 are rewritten; trademark and vendor/designer URLs are dropped so the
# subset does not present itself as the original product.
KEPT_NAME_IDS = (0, 13, 14)

# Tables that matplotlib never reads: OpenType layout (no ligatures or
# contextual forms are needed for Chinese/Latin labels) and vertical metrics.
DROPPED_TABLES = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx")


def gb2312_characters() -> Iterator[str]:
    """Yield every character of GB2312 rows 1-87 (symbols and all hanzi).

    Iterating the double-byte code space and decoding it is the simplest way
    to enumerate the charset without shipping a table; unassigned cells fail
    to decode and are skipped.
    """
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                yield bytes((lead, trail)).decode("gb2312")
            except UnicodeDecodeError:
                continue


def range_characters(ranges: Iterable[tuple[int, int]]) -> Iterator[str]:
    """Yield the characters of inclusive code point ranges."""
    for first, last in ranges:
        for code_point in range(first, last + 1):
            yield chr(code_point)


def text_file_characters(paths: Iterable[Path]) -> set[str]:
    """Return the printable characters used by the given UTF-8 text files."""
    characters: set[str] = set()
    for path in paths:
        characters.update(path.read_text(encoding="utf-8"))
    return {c for c in characters if c.isprintable()}


def wanted_code_points(text_files: Iterable[Path]) -> list[int]:
    """Return the sorted code points the subset should cover."""
    characters = set(range_characters(UNICODE_RANGES))
    characters.update(gb2312_characters())
    characters.update(text_file_characters(text_files))
    return sorted(ord(c) for c in characters)


def find_font_number(collection_path: Path, postscript_name: str) -> int:
    """Return the index of the face with the given PostScript name in a TTC.

    Looking the face up by name instead of hard-coding an index keeps the
    tool correct if a future collection reorders its members.
    """
    collection = TTCollection(str(collection_path), lazy=True)
    names = [font["name"].getDebugName(6) for font in collection.fonts]
    if postscript_name not in names:
        raise SystemExit(f"{postscript_name} not found in {collection_path}; faces: {names}")
    return names.index(postscript_name)


def subset_options() -> subset.Options:
    """Return subsetter options favouring a small, hint-free font.

    The defaults already keep only English Windows name records, drop glyph
    names and keep CFF subroutines (smaller file); the .notdef outline is
    kept so a missing character shows as a box rather than nothing.
    """
    options = subset.Options()
    options.hinting = False
    options.drop_tables = sorted(set(options.drop_tables) | set(DROPPED_TABLES))
    options.name_IDs = list(KEPT_NAME_IDS)
    options.notdef_outline = True
    return options


def rename_font(font: TTFont, source_version: str) -> None:
    """Give the subset its own family name, as the OFL requires.

    Both the ``name`` table (what FreeType and matplotlib report) and the CFF
    top dict (what PostScript consumers see) are renamed.
    """
    name_table = font["name"]
    records = {
        1: FAMILY,
        2: STYLE,
        3: f"{source_version};{POSTSCRIPT_NAME}",
        4: f"{FAMILY} {STYLE}",
        5: f"Version {source_version}; subset of Noto Sans CJK SC by tools/make_cjk_font.py",
        6: POSTSCRIPT_NAME,
    }
    for name_id, value in records.items():
        name_table.setName(value, name_id, 3, 1, 0x0409)

    cff = font["CFF "].cff
    cff.fontNames = [POSTSCRIPT_NAME]
    top_dict = cff.topDictIndex[0]
    top_dict.FamilyName = FAMILY
    top_dict.FullName = f"{FAMILY} {STYLE}"
    top_dict.Notice = f"{UPSTREAM_COPYRIGHT} Modified (subset) under the SIL OFL 1.1."
    for font_dict in top_dict.FDArray:
        suffix = font_dict.FontName.rsplit("-", 1)[-1]
        font_dict.FontName = f"{POSTSCRIPT_NAME}-{suffix}"


def build_font(source: Path, text_files: Iterable[Path]) -> TTFont:
    """Load the SC face from ``source`` and return the renamed subset."""
    font_number = find_font_number(source, SOURCE_POSTSCRIPT_NAME)
    font = TTFont(str(source), fontNumber=font_number, recalcTimestamp=False)
    source_version = f"{font['head'].fontRevision:.3f}"
    options = subset_options()
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=wanted_code_points(text_files))
    subsetter.subset(font)
    rename_font(font, source_version)
    return font


def ofl_body_from_debian_copyright(copyright_text: str) -> str:
    """Extract the SIL OFL 1.1 text from a Debian machine-readable copyright file.

    Debian stores licence texts as a stand-alone "License: SIL-1.1" paragraph
    whose continuation lines are indented by one space, blank lines written as
    " ."; the same field also appears, without a body, in "Files:" stanzas.
    """
    lines = copyright_text.splitlines()
    starts = [
        index + 1
        for index, line in enumerate(lines[:-1])
        if line == "License: SIL-1.1" and lines[index + 1].startswith(" ")
    ]
    if not starts:
        raise SystemExit("no SIL-1.1 licence text in the Debian copyright file")
    start = starts[0]
    body: list[str] = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    if not body or "SIL OPEN FONT LICENSE Version 1.1" not in body[1]:
        raise SystemExit("unexpected layout of the Debian copyright file")
    return "\n".join(body) + "\n"


def licence_text(copyright_text: str) -> str:
    """Return OFL.txt content: the upstream copyright notice, then the OFL."""
    header = (
        f"{UPSTREAM_COPYRIGHT}\n"
        f"{FAMILY} is a Modified Version (subset, renamed) of Noto Sans CJK SC.\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below.\n\n"
    )
    return header + ofl_body_from_debian_copyright(copyright_text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"Noto Sans CJK Regular collection (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--text-file",
        dest="text_files",
        action="append",
        type=Path,
        help="UTF-8 file whose characters must be covered (repeatable; "
        "default: the county list and the Longwan work plan)",
    )
    parser.add_argument(
        "--license-source",
        type=Path,
        default=DEFAULT_LICENSE_SOURCE,
        help=f"Debian copyright file carrying the OFL text (default: {DEFAULT_LICENSE_SOURCE})",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"where to write the font and OFL.txt (default: {DEFAULT_OUTPUT_DIR})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Write the font subset and its licence file, then print a summary."""
    args = parse_args(argv)
    text_files = args.text_files or list(DEFAULT_TEXT_FILES)
    font = build_font(args.source, text_files)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    font_path = args.output_dir / FONT_FILENAME
    font.save(str(font_path))
    licence_path = args.output_dir / "OFL.txt"
    licence_path.write_text(
        licence_text(args.license_source.read_text(encoding="utf-8")), encoding="utf-8"
    )
    data = font_path.read_bytes()
    print(
        f"{font_path}: {len(data)} bytes, {len(font.getBestCmap())} characters, "
        f"sha256 {hashlib.sha256(data).hexdigest()}"
    )
    print(f"{licence_path}: written")


if __name__ == "__main__":
    main()
