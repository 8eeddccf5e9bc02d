"""核验情况 in the municipal summary: verified districts are ranked among themselves; any
other follows unranked with its status; a batch's summary (nothing to verify) is as before."""

from __future__ import annotations

from typing import Any

from assessment.report.summary import build_summary
from assessment.report.summary.verification import VERIFICATION_TABLE, verification_table, verified_ranking
from tests.report.test_summary import district


def checked(status: str, *details: str) -> dict[str, Any]:
    return {"status": status, "details": list(details), "notes": []}


CITY = [district("甲区", 95, True), district("乙区", 99, True), district("丙区", 80, False), district("丁区", 90, True)]
VERIFICATION = {
    "甲区": checked("已核验"),
    "乙区": checked("不一致", "总得分：scores.json为99，复算为85"),
    "丙区": checked("已核验"),
    "丁区": checked("无法核验", "缺少填报文件"),
}


def test_only_verified_districts_are_ranked_and_the_others_follow_unranked():
    table = verified_ranking(CITY, VERIFICATION)
    assert table[["排名", "地区", "核验"]].values.tolist() == [
        [1, "甲区", "已核验"], [2, "丙区", "已核验"], ["—", "乙区", "不一致"], ["—", "丁区", "无法核验"],
    ]


def test_a_district_the_manifest_does_not_list_is_not_verified():
    assert verified_ranking(CITY[:1], {})["排名"].tolist() == ["—"]


def test_the_verification_table_lists_status_and_every_difference_in_the_rankings_order():
    assert verification_table(CITY, VERIFICATION).values.tolist() == [
        ["甲区", "已核验", ""], ["丙区", "已核验", ""],
        ["乙区", "不一致", "总得分：scores.json为99，复算为85"], ["丁区", "无法核验", "缺少填报文件"],
    ]


def test_the_verification_table_follows_the_ranking_and_a_batch_summary_has_neither():
    received = build_summary(CITY, verification=VERIFICATION)
    assert list(received.tables)[:2] == ["排名", VERIFICATION_TABLE]
    batch = build_summary(CITY)
    assert VERIFICATION_TABLE not in batch.tables and "核验" not in batch.tables["排名"].columns
    assert batch.tables["排名"]["地区"].tolist() == ["乙区", "甲区", "丁区", "丙区"]
