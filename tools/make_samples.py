"""Regenerate the bundled sample workbooks (synthetic, marked 示例数据), reproducibly.

    python tools/make_samples.py            # data_templates/examples/wenzhou-2022/*.xlsx

Wenzhou's 12 county-level units, with a spread of outcomes: some pass, some fail on a
category, one fails on equipment alone, one on the total alone. The districts of
EVIDENCE_DISTRICTS list placeholder 佐证材料 (`assessment.samples.sample_evidence`); run
tools/make_review_samples.py afterwards to rewrite their evidence folders and rebind the
sample reviews to the new files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assessment.inputs.workbook import write_workbook
from assessment.rubric.loader import default_rubric
from assessment.samples import sample_for_profile, with_sample_evidence

ROOT = Path(__file__).resolve().parents[1]
WENZHOU = {
    "鹿城区": "pass",
    "龙湾区": "pass",
    "瓯海区": "fail_category",
    "洞头区": "fail_category",
    "永嘉县": "fail_total_only",
    "平阳县": "fail_equipment_only",
    "苍南县": "pass",
    "文成县": "fail_category",
    "泰顺县": "fail_category",
    "瑞安市": "pass",
    "乐清市": "pass",
    "龙港市": "fail_category",
}
#: Districts whose samples list evidence files (folders in wenzhou-<year>-evidence/).
EVIDENCE_DISTRICTS = ("龙湾区", "瓯海区")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--seed", type=int, default=20221019)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or ROOT / "data_templates" / "examples" / f"wenzhou-{args.year}"
    out.mkdir(parents=True, exist_ok=True)
    rubric = default_rubric()
    for district, profile in WENZHOU.items():
        inp = sample_for_profile(rubric, district, "county", args.year, profile, args.seed)
        if district in EVIDENCE_DISTRICTS:
            inp = with_sample_evidence(rubric, inp)
        write_workbook(inp, rubric, out / f"{district}.xlsx")
        print(f"{district}: {profile}")


if __name__ == "__main__":
    main()
