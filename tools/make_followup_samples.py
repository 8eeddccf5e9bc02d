"""Regenerate the second year of the bundled samples (synthetic, marked 示例数据), reproducibly.

    python tools/make_followup_samples.py   # data_templates/examples/wenzhou-2023/*.xlsx

Each 2022 sample district one year on: it carried out part of its 2022 plan (every third
action left undone, every third done halfway, the rest in full; see
`assessment.samples.next_year_sample`), so that a report run with `--previous` shows
上年整改落实情况 with every status, and the municipal summary shows completion rates.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assessment import api
from assessment.inputs.workbook import write_workbook
from assessment.plan.solve import make_plan
from assessment.rubric.loader import default_rubric
from assessment.samples import next_year_sample

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data_templates" / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=EXAMPLES / "wenzhou-2022")
    parser.add_argument("--year", type=int, default=2023)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or EXAMPLES / f"wenzhou-{args.year}"
    out.mkdir(parents=True, exist_ok=True)
    rubric = default_rubric()
    for path in sorted(args.source.glob("*.xlsx")):
        inp = api.load(path, rubric)
        plan = make_plan(rubric, inp)
        later = next_year_sample(inp, plan.actions, args.year)
        write_workbook(later, rubric, out / path.name)
        print(f"{inp.district}: 上年方案{len(plan.actions)}项措施")


if __name__ == "__main__":
    main()
