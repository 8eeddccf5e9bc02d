"""The municipal review (复核) of a district's self-assessment: corrections with reasons.

What other packages use of a review is exported here. Two parts keep their own module:
`assessment.review.evidence` (checking the 佐证材料 listed, which works without a review) and
`assessment.review.workbook` (the review workbook and converting between forms, which needs
openpyxl and so is imported only where a workbook is written).
"""

from assessment.review.files import review_file_for
from assessment.review.io import load_review, read_raw_review, review_to_dict, review_to_json
from assessment.review.model import Change, Note, Review
from assessment.review.parse import parse_review
from assessment.review.scores import (
    ReviewedScores,
    district_scores,
    manifest_record,
    review_scores_dict,
    reviewed_input,
    score_review,
)

__all__ = [
    "Change",
    "Note",
    "Review",
    "ReviewedScores",
    "district_scores",
    "load_review",
    "manifest_record",
    "parse_review",
    "read_raw_review",
    "review_file_for",
    "review_scores_dict",
    "review_to_dict",
    "review_to_json",
    "reviewed_input",
    "score_review",
]
