"""Where a district's review is in a folder of reviews, such as a batch's `--review DIR`."""

from __future__ import annotations

from pathlib import Path

from assessment.inputs.model import InputError, Location, Problem
from assessment.util.fsutil import safe_dirname

#: How a folder of reviews names a district's review (see `review_file_for`).
REVIEW_SUFFIXES = (".review.json", ".review.xlsx")


def review_file_for(folder: Path, district: str) -> Path | None:
    """A district's review in a folder of reviews: `<district>.review.json` or `.review.xlsx`
    (the district name made safe as a file name), or None when it has none; both at once
    are refused, since either could be the one that counts."""
    found = [p for p in (Path(folder) / f"{safe_dirname(district)}{s}" for s in REVIEW_SUFFIXES) if p.is_file()]
    if len(found) > 1:
        raise InputError([Problem(Location(str(found[0])), f"同时存在{found[0].name}和{found[1].name}，请只保留一份复核文件")])
    return found[0] if found else None
