"""The layout of the review workbook: its sheets, columns and the reviewer's guidance.

Sheet 复核 has one row per answer, staff figure and equipment line (编号 is the review path,
e.g. `answers.s12_annual_plan`): 自评值 is filled from the self-assessment and locked, and
the reviewer writes only in 核定值 (blank = accepted as claimed), 复核意见 (the reason,
required when 核定值 is filled) and 佐证核查. Sheet 复核信息 names the district, year and
the sha256 of the self-assessment reviewed, and takes the reviewer's name and the date.

With evidence checked, the template pre-fills 佐证核查 with 缺失 and says why in the locked
核查提示 column: a row still as pre-filled (佐证核查 缺失, no 核定值, no 复核意见) is the
template's suggestion read back, not a finding of the reviewer's, and is left out.
"""

from __future__ import annotations

from assessment.inputs.workbook import Column

SHEET_REVIEW = "复核"
SHEET_REVIEW_INFO = "复核信息"
R_ID, R_NAME, R_SELF, R_REVIEWED = "编号", "指标/装备", "自评值", "核定值"
R_OPINION, R_CHECK, R_EVIDENCE, R_POINTS = "复核意见", "佐证核查", "佐证材料", "自评得分"
R_HINT = "核查提示"
REVIEW_COLUMNS = (
    Column(R_ID, 34),
    Column(R_NAME, 36, wrap=True),
    Column(R_SELF, 10),
    Column(R_REVIEWED, 10, input=True),
    Column(R_OPINION, 40, wrap=True, input=True),
    Column(R_CHECK, 12, input=True),
    Column(R_EVIDENCE, 36, wrap=True),
    Column(R_POINTS, 10),
    Column(R_HINT, 40, wrap=True),
)
REVIEW_REQUIRED = (R_ID, R_REVIEWED, R_OPINION, R_CHECK)
EDITABLE = (R_REVIEWED, R_OPINION, R_CHECK)
CHECK_CHOICES = ("齐全", "缺失", "不符")
CHECK_MISSING = "缺失"

INFO_ITEM, INFO_VALUE, INFO_NOTE = "项目", "内容", "说明"
#: 复核信息 rows: label → (RawReview field, editable by the reviewer, guidance).
INFO_ROWS: dict[str, tuple[str | None, bool, str]] = {
    "地区": ("district", False, "自评文件的地区"),
    "年度": ("year", False, "评估年度"),
    "自评文件": (None, False, "所复核的自评文件名（仅供查看）"),
    "自评文件SHA-256": ("input_sha256", False, "自评内容的SHA-256（另存或转换格式不变）；自评内容改动后本复核表不再适用"),
    "复核人": ("reviewer", True, "必填。复核人姓名"),
    "复核日期": ("date", True, "必填。如2023-03-01"),
}
GUIDE = (
    f"在「{SHEET_REVIEW}」表中逐行复核：核定值留空表示认可自评值；如需更正，填写核定值并在“复核意见”中写明理由（必填）。",
    "核定值的写法与填报工作簿相同：是/否项填“是”或“否”，百分比填0–100的数，数量填整数。",
    f"“佐证核查”可选“{'”“'.join(CHECK_CHOICES)}”或自行填写；标为“{CHECK_MISSING}”的行是自评得分但佐证材料未列出或未找到的项目，请优先核查。",
    "编号、自评值等灰色内容已锁定（工作表保护，无密码），请勿修改；核定分按核定值重新计算。",
)
