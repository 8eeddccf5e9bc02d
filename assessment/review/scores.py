"""Scoring a reviewed district: the self-assessment's score (自评分) and the reviewed one (核定分).

The reviewed input is the self-assessment with every correction applied, and the 核定分 is
that input scored by the same engine. scores.json of a reviewed district keeps every key it
has without a review, computed on the reviewed values, and adds `self` and `review`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import PurePath
from typing import Any

from assessment.inputs.edits import apply_edits, line_paths, lines_at, parse_path, value_at
from assessment.inputs.model import DistrictInput
from assessment.review.evidence import EvidenceCheck, evidence_dict
from assessment.review.model import Change, Review, plain_value
from assessment.review.targets import targets
from assessment.rubric.model import Rubric
from assessment.rubric.queries import covering_criteria, staffing_criteria
from assessment.scoring.engine import score
from assessment.scoring.result import Result
from assessment.scoring.scores_json import scores_dict, self_scores_dict
from assessment.util.exact import rounded


def reviewed_input(inp: DistrictInput, review: Review) -> DistrictInput:
    """The self-assessment with every correction applied (the input the 核定分 is scored on)."""
    return apply_edits(inp, review.edits(inp))


@dataclass(frozen=True)
class ChangeOutcome:
    """A correction with what it touched: the criteria of its path, before and after."""

    change: Change
    name: str
    old: Any
    criteria: tuple[tuple[str, str, Fraction, Fraction], ...]  # (id, name, before, after)


@dataclass(frozen=True)
class ReviewedScores:
    """The self-assessment's score (自评分) and the reviewed one (核定分), with the review."""

    review: Review
    self_result: Result
    reviewed: Result
    outcomes: tuple[ChangeOutcome, ...]


def _path_criteria(rubric: Rubric, inp: DistrictInput, path: str) -> list[str]:
    """Ids of the criteria that read the value at `path` (none for a veto item)."""
    parsed = parse_path(path)
    if parsed.section == "answers":
        return [parsed.key] if parsed.key in rubric.criteria else []
    if parsed.section == "staff":
        return [c.id for c in staffing_criteria(rubric)]
    line = lines_at(rubric, inp, inp.on_duty)[line_paths(rubric, inp).index(path)]
    return [c.id for c in covering_criteria(rubric, line)]


def score_review(rubric: Rubric, inp: DistrictInput, review: Review) -> ReviewedScores:
    """Both scores of a district: as self-assessed and as reviewed."""
    self_result = score(rubric, inp)
    reviewed = score(rubric, reviewed_input(inp, review))
    known = targets(rubric, inp)
    outcomes = []
    for ch in review.changes:
        ids = _path_criteria(rubric, inp, ch.path)
        rows = tuple(
            (cid, self_result.criteria[cid].name, self_result.criteria[cid].points, reviewed.criteria[cid].points)
            for cid in ids
        )
        outcomes.append(ChangeOutcome(ch, known[ch.path].name, value_at(inp, ch.path), rows))
    return ReviewedScores(review, self_result, reviewed, tuple(outcomes))


#: The keys of a scores dict that `self` repeats for the self-assessment.


def reviewed_scores_dict(scores: ReviewedScores, base: Mapping[str, Any]) -> dict[str, Any]:
    """`base` (api.scores_dict of the reviewed result) plus `self` and `review`.

    Every existing key keeps its meaning and is computed on the reviewed values, so that
    the summary and other readers of scores.json rank by 核定分 without knowing reviews.
    """
    review = scores.review
    names = targets(scores.self_result.rubric, scores.self_result.input)
    out = dict(base)
    out["self"] = self_scores_dict(scores.self_result)
    out["review"] = {
        "reviewer": review.reviewer,
        "date": review.date,
        "file": PurePath(review.path).name,  # shared: the file's name and sha256, not where it lies
        "sha256": review.sha256,
        "input_sha256": review.input_sha256,
        "changes": [
            {
                "path": o.change.path,
                "name": o.name,
                "criterion_id": o.criteria[0][0] if o.criteria else None,
                "criterion": o.criteria[0][1] if o.criteria else o.name,
                "from": plain_value(o.old),
                "to": plain_value(o.change.to),
                "reason": o.change.reason,
                "evidence_check": o.change.evidence_check,
                "points_before": rounded(o.criteria[0][2]) if o.criteria else None,
                "points_after": rounded(o.criteria[0][3]) if o.criteria else None,
                "criteria": [
                    {"id": cid, "name": name, "points_before": rounded(a), "points_after": rounded(b)}
                    for cid, name, a, b in o.criteria
                ],
            }
            for o in scores.outcomes
        ],
        "notes": [
            {"path": n.path, "name": names[n.path].name, "comment": n.comment, "evidence_check": n.evidence_check}
            for n in review.notes
        ],
    }
    out["provenance"] = {**out["provenance"], "review": PurePath(review.path).name, "review_sha256": review.sha256}
    return out


def review_scores_dict(rubric: Rubric, inp: DistrictInput, review: Review) -> dict[str, Any]:
    """The scores.json form of a reviewed district: today's keys on the reviewed values,
    plus `self` (the self-assessment's categories, equipment, bonus, total, passed, title)
    and `review` (reviewer, date and, per change, the criterion's points before and after)."""

    scores = score_review(rubric, inp, review)
    return reviewed_scores_dict(scores, scores_dict(scores.reviewed))


def district_scores(
    rubric: Rubric, inp: DistrictInput, review: Review | None = None, evidence: EvidenceCheck | None = None
) -> dict[str, Any]:
    """The whole scores.json of one district: reviewed when a review is given (`self` and
    `review` added), and with an `evidence` record when its evidence was checked.

    `evidence` should be `check_evidence(score(rubric, inp), folder)`: evidence is judged
    against the points the district claimed, not the reviewed ones.
    """
    out = review_scores_dict(rubric, inp, review) if review is not None else scores_dict(score(rubric, inp))
    if evidence is not None:
        out["evidence"] = evidence_dict(evidence)
        out["provenance"] = {**out["provenance"], "evidence_count": evidence.count}
    return out


def manifest_record(scores: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch manifest records per district about provenance: the self-assessment's
    and the review's sha256 and the evidence count (None when not checked)."""
    provenance = scores["provenance"]
    return {
        "input_sha256": provenance["input_sha256"],
        "review_sha256": provenance.get("review_sha256"),
        "review": provenance.get("review"),
        "evidence_count": provenance.get("evidence_count"),
    }
