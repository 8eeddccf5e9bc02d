"""Regenerate the sample reviews and evidence folders (synthetic, marked 示例) from the samples.

    python tools/make_review_samples.py     # after tools/make_samples.py

- data_templates/examples/wenzhou-2022-reviews/<district>.review.json: reviews of three
  districts, each bound to its sample workbook by sha256 (so rerun this after the samples
  change); 龙湾区's corrections turn its verdict from 达标 to 未达标;
- data_templates/examples/wenzhou-2022-evidence/<district>/: placeholder evidence files, the
  names `assessment.samples.sample_evidence` lists; 龙湾区's folder lacks one file on purpose,
  so that reports and review templates show 缺少佐证.
"""

from __future__ import annotations

import hashlib
import shutil
from fractions import Fraction
from pathlib import Path

from make_samples import EVIDENCE_DISTRICTS  # tools/ is on sys.path when run as a script

from assessment.inputs.files import load_input
from assessment.review import Change, Note, Review, review_to_json, reviewed_input
from assessment.review.evidence import listed_files
from assessment.rubric.loader import default_rubric
from assessment.samples import sample_evidence
from assessment.scoring.engine import score
from assessment.util.fsutil import atomic_write_text, safe_dirname

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_templates" / "examples"
YEAR = 2022
REVIEWER = "（示例）温州市生态环境局复核组"
DATE = "2023-03-01"
#: district → (corrections (path, to, reason), notes (path, comment, evidence check)).
REVIEWS: dict[str, tuple[list[tuple[str, bool | int | Fraction, str]], list[tuple[str, str | None, str | None]]]] = {
    "龙湾区": (
        [
            ("answers.s12_annual_plan", False, "（示例）未见年度现场检查计划的备案回执"),
            ("answers.s22_integrity_pledge", False, "（示例）佐证材料缺失，未见执法人员廉洁守纪承诺书"),
            ("equipment.vehicle", 4, "（示例）1辆车辆登记在其他单位名下，不计入执法机构实有数量"),
        ],
        [("answers.s01_group_established", "（示例）领导小组文件齐全", "齐全")],
    ),
    "瓯海区": (
        [("answers.s12_monthly_plan", True, "（示例）复核时补充提交了月度计划备案回执，予以认可")],
        [],
    ),
    "鹿城区": (
        [("answers.s21_activities", 1, "（示例）其中2次活动在2023年开展，不计入评估年度")],
        [("answers.s22_integrity_pledge", None, "齐全")],
    ),
}
#: Left out of 龙湾区's folder on purpose: the evidence the review finds missing.
MISSING = {"龙湾区": safe_dirname("示例-严格纪律约束") + ".txt"}


def placeholder_text(district: str, name: str, criteria: list[str]) -> str:
    return (
        "【示例】本文件是演示用的占位佐证材料，不是真实文件。\n"
        f"地区：{district}（示例数据）\n材料：{name}\n佐证的评分项：{'、'.join(criteria)}\n"
    )


def write_evidence(district: str, rubric, inp) -> int:
    lists = sample_evidence(rubric, inp)
    names = {c.id: c.name for c in rubric.criteria.values()}
    files: dict[str, list[str]] = {}
    for cid, text in lists.items():
        for name in listed_files(text):
            files.setdefault(name, []).append(names[cid])

    def build(folder: Path) -> None:
        for name, criteria in files.items():
            if name != MISSING.get(district):
                (folder / name).write_text(placeholder_text(district, name, criteria), encoding="utf-8")

    # The sample folder is this script's own output: built aside, then put in place whole.
    target = EXAMPLES / f"wenzhou-{YEAR}-evidence" / district
    staging = target.with_name(f".{target.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    build(staging)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return len(files)


def main() -> None:
    rubric = default_rubric()
    out = EXAMPLES / f"wenzhou-{YEAR}-reviews"
    out.mkdir(parents=True, exist_ok=True)
    flipped = []
    for district, (changes, notes) in REVIEWS.items():
        path = EXAMPLES / f"wenzhou-{YEAR}" / f"{district}.xlsx"
        inp = load_input(path, rubric)
        review = Review(
            district=district,
            year=YEAR,
            input_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            reviewer=REVIEWER,
            date=DATE,
            changes=tuple(Change(p, to, reason) for p, to, reason in changes),
            notes=tuple(Note(p, comment, check) for p, comment, check in notes),
        )
        before, after = score(rubric, inp), score(rubric, reviewed_input(inp, review))
        if before.passed != after.passed:
            flipped.append(district)
        atomic_write_text(out / f"{district}.review.json", review_to_json(review))
        print(f"{district}: 自评 {float(before.total):g}（{before.passed}）→ 核定 {float(after.total):g}（{after.passed}）")
    assert flipped == ["龙湾区"], f"exactly 龙湾区's review should change its verdict, not {flipped}"
    for district in EVIDENCE_DISTRICTS:
        inp = load_input(EXAMPLES / f"wenzhou-{YEAR}" / f"{district}.xlsx", rubric)
        print(f"{district}: {write_evidence(district, rubric, inp)}个佐证文件（示例）")


if __name__ == "__main__":
    main()
