"""The 佐证材料核查 sentence and the table under it count the same 缺少佐证 flags.

Evidence is judged on the points a district claimed; a review may take some of them away.
The reviewed 龙湾区 sample has such a criterion: it is flagged, and it must be in the table
the sentence introduces."""

from __future__ import annotations

import re
from pathlib import Path

from assessment.report.district import evidence_summary, report_data
from assessment.review.evidence import MISSING_LABEL, evidence_rows

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"
SAMPLE = EXAMPLES / "wenzhou-2022" / "龙湾区.xlsx"


def flagged_in_sentence(sentence: str) -> int:
    found = re.search(r"(\d+)个得分项标记为", sentence)
    return int(found.group(1)) if found else 0


def test_reviewed_report_counts_in_its_sentence_the_flags_its_table_shows(rubric):
    data = report_data(SAMPLE, rubric, EXAMPLES / "wenzhou-2022-reviews", EXAMPLES / "wenzhou-2022-evidence")
    rows = evidence_rows(data.scores)
    flagged_rows = [r for r in rows if r["标记"] == MISSING_LABEL]
    sentence = evidence_summary(data.scores) or ""
    assert len(data.scores["evidence"]["flags"]) == len(flagged_rows)  # every flag is in the table
    assert flagged_in_sentence(sentence) == len(flagged_rows)


def test_unreviewed_report_counts_the_same_flags_in_sentence_and_table(rubric):
    data = report_data(SAMPLE, rubric, None, EXAMPLES / "wenzhou-2022-evidence")
    flagged_rows = [r for r in evidence_rows(data.scores) if r["标记"]]
    assert flagged_rows
    assert flagged_in_sentence(evidence_summary(data.scores) or "") == len(flagged_rows)
