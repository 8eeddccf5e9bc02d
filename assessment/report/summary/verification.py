"""核验情况: the verification status of each district of a summary made from received
report folders (`assessment summary`, see `assessment.collect`), and the ranking that never
ranks an unverified district as if it were verified.

A summary made by `batch` rendered every district itself from its input: there is nothing
to verify, so it has neither the table nor the column (its manifest entries carry no
`verification`). A summary of received folders ranks the 已核验 districts among
themselves; every other district follows, with 排名 “—” and its status.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from assessment.report.summary.tables import DISTRICT, RANK, Scores, ranked, ranking_table

VERIFIED, MISMATCH, UNVERIFIABLE = "已核验", "不一致", "无法核验"
#: The table's name (a page heading and a workbook sheet) and its columns.
VERIFICATION_TABLE = "核验情况"
STATUS, DETAILS = "状态", "差异"
#: What the page says above the table.
VERIFICATION_NOTE = (
    "汇总所用的各地区报告文件夹均逐一核验：以文件夹所附填报文件按评分标准重新评分，与scores.json逐项核对，"
    "并核对评分标准、填报文件的sha256与报告页面。未核验的地区不参与排名，列于排名之后。"
)
#: The ranking's column saying whether a district's figures were verified.
VERIFIED_COLUMN = "核验"
#: 排名 of a district whose figures were not verified.
UNRANKED = "—"

#: district name → its verification as the manifest records it ({"status", "details", "notes"}).
Verifications = Mapping[str, Mapping[str, Any]]


def status_of(scores: Scores, verification: Verifications) -> str:
    """A district's status; one the manifest does not list is not verified."""
    return district_status(scores["district"], verification)


def district_status(district: str, verification: Verifications) -> str:
    """The status of the district named `district` (see `status_of`)."""
    return str(verification.get(district, {}).get("status", UNVERIFIABLE))


def verified_first(scores: Sequence[Scores], verification: Verifications) -> tuple[list[Scores], list[Scores]]:
    """(the 已核验 districts, the others), each in ranking order."""
    listed = ranked(scores)
    return ([s for s in listed if status_of(s, verification) == VERIFIED],
            [s for s in listed if status_of(s, verification) != VERIFIED])


def verified_ranking(scores: Sequence[Scores], verification: Verifications) -> pd.DataFrame:
    """The ranking of the 已核验 districts among themselves (ranking_table), then every
    other district with 排名 “—”; a 核验 column says which is which."""
    verified, others = verified_first(scores, verification)
    top, rest = ranking_table(verified), ranking_table(others)
    top[VERIFIED_COLUMN] = VERIFIED
    rest[RANK] = UNRANKED
    rest[VERIFIED_COLUMN] = [status_of(s, verification) for s in others]
    if not len(rest):
        return top
    if not len(top):
        return rest
    return pd.concat([top.astype({RANK: "object"}), rest], ignore_index=True)


def with_status(table: pd.DataFrame, verification: Verifications) -> pd.DataFrame:
    """`table` (one row per district, by 地区) with a 核验 column after 地区: a comparison of
    figures nobody could verify says so beside them, as the ranking does."""
    out = table.copy()
    out.insert(
        1, VERIFIED_COLUMN,
        [district_status(district, verification) for district in out[DISTRICT]],
    )
    return out


def verification_table(scores: Sequence[Scores], verification: Verifications) -> pd.DataFrame:
    """One row per district, in the ranking's order: 地区, 状态 and 差异 (every difference
    found, or why it could not be verified; empty when verified)."""
    verified, others = verified_first(scores, verification)
    rows = [
        {DISTRICT: s["district"], STATUS: status_of(s, verification),
         DETAILS: "；".join(verification.get(s["district"], {}).get("details") or [])}
        for s in [*verified, *others]
    ]
    return pd.DataFrame(rows, columns=[DISTRICT, STATUS, DETAILS])


def with_verification(
    tables: Mapping[str, pd.DataFrame], scores: Sequence[Scores], verification: Verifications | None
) -> dict[str, pd.DataFrame]:
    """The summary's tables with the ranking by verification and 核验情况 right after it;
    unchanged without verification (a batch's summary)."""
    if verification is None:
        return dict(tables)
    out: dict[str, pd.DataFrame] = {}
    for name, table in tables.items():
        out[name] = verified_ranking(scores, verification) if name == "排名" else table
        if name == "排名":
            out[VERIFICATION_TABLE] = verification_table(scores, verification)
    return out
