"""Which review belongs to which district in a folder of reviews (a batch's `--review DIR`,
`report --review DIR`, or reviews kept beside the inputs in a batch's data folder).

A review is matched by the district and year written inside it, whatever the file is
called (`复核-瑞安市.xlsx`, the name review-template suggests, as well as `瑞安市.review.json`):
a file name is what a person chose, the review's own header is what it reviews. A review
whose header cannot be read still belongs to the district its `<district>.review.json`
name gives, so that its problems are reported against that district; any other file that
matches no input is named in a warning, never silently passed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assessment.inputs.model import InputError, Location, Problem
from assessment.inputs.values import district_key, parse_count
from assessment.review.io import read_raw_review
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric

#: The names `review-template` and earlier versions gave reviews; such a name still names
#: the district of a review whose header cannot be read.
REVIEW_SUFFIXES = (".review.json", ".review.xlsx")
#: The file types a review comes in.
REVIEW_FILE_SUFFIXES = (".json", ".xlsx", ".xlsm")


def reviews_in(folder: Path) -> list[Path]:
    """Every review-type file directly in `folder`, by name; hidden and lock files skipped."""
    return sorted(
        p for p in Path(folder).iterdir()
        if p.is_file() and p.suffix.lower() in REVIEW_FILE_SUFFIXES and not p.name.startswith((".", "~$"))
    )


#: What a review reviews: (district as compared, year); year None when only the file's
#: name says which district it is.
ReviewKey = tuple[str, int | None]


@dataclass(frozen=True)
class ReviewIndex:
    """Reviews by what they review, and the files that name no district at all."""

    by_key: dict[ReviewKey, tuple[Path, ...]] = field(default_factory=dict)
    unreadable: tuple[Path, ...] = ()

    def files_for(self, district: str, year: int | None) -> tuple[Path, ...]:
        """The reviews of a district's year: those naming it inside, and those only its file
        name names."""
        key = district_key(district)
        return self.by_key.get((key, year), ()) + (self.by_key.get((key, None), ()) if year is not None else ())

    def unmatched(self, inputs: set[tuple[str, int]]) -> list[tuple[Path, str]]:
        """Each review that belongs to none of `inputs` ((district, year) pairs), with why."""
        keys = {(district_key(d), y) for d, y in inputs}
        names = {d for d, _ in keys}
        out = [(p, "复核文件中的地区、年度无法读取，无法确定所属地区") for p in self.unreadable]
        for (district, year), paths in self.by_key.items():
            if (district, year) in keys or (year is None and district in names):
                continue
            what = f"{district} {year}年" if year is not None else district
            out.extend((p, f"复核文件所属的“{what}”没有对应的填报文件，未使用") for p in paths)
        return sorted(out)


def _key_of(path: Path, rubric: Rubric) -> ReviewKey | None:
    """What `path` reviews, read from its header (district and year), else from its name."""
    return _header_key(path, rubric) or _name_key(path)


def _header_key(path: Path, rubric: Rubric) -> ReviewKey | None:
    """The district and year the review's header names; None when it names no district and
    year, or cannot be read (then its file name is the only clue: `_name_key`)."""
    try:
        raw = read_raw_review(path, rubric)
        district, year = raw.fields.get("district"), raw.fields.get("year")
        if district is not None and isinstance(district.value, str) and district.value.strip() and year is not None:
            return district_key(district.value), parse_count(year)
    except Exception:  # noqa: BLE001 - a header that cannot be read falls back to the name
        return None
    return None


def _name_key(path: Path) -> ReviewKey | None:
    """The district a review's file name names (龙湾区.review.json), with no year."""
    lowered = path.name.lower()
    suffix = next((s for s in REVIEW_SUFFIXES if lowered.endswith(s)), None)
    return (district_key(path.name[: -len(suffix)]), None) if suffix else None


def review_index(paths: list[Path], rubric: Rubric | None = None) -> ReviewIndex:
    """The reviews among `paths` by the district and year each reviews."""
    rubric = rubric or default_rubric()
    by_key: dict[ReviewKey, tuple[Path, ...]] = {}
    unreadable = []
    for path in paths:
        key = _key_of(path, rubric)
        if key is None:
            unreadable.append(path)
        else:
            by_key[key] = (*by_key.get(key, ()), path)
    return ReviewIndex(by_key, tuple(unreadable))


def one_review(found: tuple[Path, ...], district: str) -> Path | None:
    """The one review of a district, None without one; two at once are refused, since
    either could be the one that counts."""
    if len(found) > 1:
        names = "、".join(p.name for p in found)
        message = f"有{len(found)}份复核文件都属于“{district}”：{names}，请只保留一份复核文件"
        raise InputError([Problem(Location(str(found[0])), message)])
    return found[0] if found else None


def unused_reviews(folder: Path, inputs: set[tuple[str, int]], rubric: Rubric | None = None) -> list[tuple[Path, str]]:
    """The reviews in `folder` that belong to none of `inputs` ((district, year) pairs), with why."""
    return review_index(reviews_in(folder), rubric).unmatched(inputs)


def review_file_for(folder: Path, district: str, year: int | None = None, rubric: Rubric | None = None) -> Path | None:
    """A district's review in a folder of reviews, whatever its file name (see module doc),
    or None when it has none; two at once are refused."""
    index = review_index(reviews_in(folder), rubric)
    if year is None:
        found = tuple(p for (d, _), ps in index.by_key.items() if d == district_key(district) for p in ps)
    else:
        found = index.files_for(district, year)
    return one_review(found, district)
