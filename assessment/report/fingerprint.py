"""What made a report folder, as one fingerprint: a re-run redoes only what changed.

A district's report is a function of its input, its review, its evidence, last year's
files it compares with, the rubric, the tool, the notebook and page template, and the
options that change the output (`--pdf`). `district_fingerprint` records each of these as
one part (plain JSON, so that the manifest shows it) and one digest of them all. The
fingerprint is sealed in the folder's ledger once its files are published
(`ledger.seal`), with each file's sha256; `changes` compares a new fingerprint with the
sealed one and names, in Chinese, why the report must be made again (an empty list: the
folder is what this run would write, so it is kept as it is).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as package_resources
from pathlib import Path, PurePath
from typing import Any

import assessment
from assessment.inputs.json_form import content_sha256
from assessment.inputs.model import DistrictInput
from assessment.publish.ledger import read_fingerprint, sealed_files_intact, sha256_file
from assessment.publish.outputs import PLAN_JSON
from assessment.rubric.model import Rubric

#: Each part of a fingerprint and what a change of it means to the reader of batch.log.
PART_REASONS: dict[str, str] = {
    "input": "输入已修改",
    "review": "复核已更新",
    "evidence": "佐证材料已更新",
    "previous": "上年数据已更新",
    "rubric": "评分标准更新",
    "tool": "工具版本更新",
    "template": "模板更新",
    "options": "选项变化",
    "districts": "区县报告有更新",
}
FIRST_TIME = "首次生成"
FILES_CHANGED = "输出文件缺失或被改动"
FORCED = "指定了 --force"


def _digest(value: Any) -> str:
    """The sha256 of a JSON value in canonical form (sorted keys, no spacing)."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """The parts (name in `PART_REASONS` → a JSON value) and the digest of them all."""

    parts: dict[str, Any]

    @property
    def digest(self) -> str:
        return _digest(self.parts)

    def to_dict(self) -> dict[str, Any]:
        """The form the ledger seals and the manifest records."""
        return {"digest": self.digest, "parts": self.parts}


def make_fingerprint(parts: Mapping[str, Any]) -> Fingerprint:
    """A fingerprint of `parts`, made JSON-plain (tuples as lists) so that it compares equal
    to itself read back from the ledger."""
    return Fingerprint(json.loads(json.dumps(dict(parts), ensure_ascii=False, sort_keys=True)))


def _file_record(path: Path | None) -> dict[str, str] | None:
    """A file one reads, by its name within its year folder and its sha256 (None: absent)."""
    if path is None or not path.is_file():
        return None
    return {"file": f"{path.parent.parent.name}/{path.parent.name}/{path.name}", "sha256": sha256_file(path)}


@lru_cache(maxsize=8)
def template_digests(notebook: Path) -> dict[str, str]:
    """The sha256 of the notebook run and of every file of the page template and its font
    (`assessment.publish` templates and data), computed once per process."""
    package = package_resources.files("assessment.publish")
    shared: dict[str, str] = {}
    for top in ("templates", "data"):
        root = Path(str(package / top))
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            shared[path.relative_to(root.parent).as_posix()] = sha256_file(path)
    return {"notebook": sha256_file(notebook), "page": _digest(shared)}


def district_fingerprint(
    inp: DistrictInput,
    rubric: Rubric,
    *,
    scores: Mapping[str, Any],
    previous_scores: Path | None,
    notebook: Path,
    pdf: bool,
) -> Fingerprint:
    """Everything that makes a district's report folder. `scores` is the scores.json about to
    be written (`report_data`): it carries the review's file and sha256 and the evidence
    listing with each file's sha256; `previous_scores` the earlier scores.json the report
    compares with (its plan.json beside it is read too)."""
    input_part = {"file": PurePath(inp.path).name, "content_sha256": content_sha256(inp), "file_sha256": inp.sha256}
    return fingerprint_of(
        input_part, scores.get("review"), scores.get("evidence"), previous_scores=previous_scores,
        rubric_sha256=rubric.sha256, notebook=notebook, pdf=pdf,
    )


def fingerprint_of(
    input_part: Mapping[str, Any],
    review: Mapping[str, Any] | None,
    evidence: Mapping[str, Any] | None,
    *,
    previous_scores: Path | None,
    rubric_sha256: str,
    notebook: Path,
    pdf: bool,
) -> Fingerprint:
    """A district's fingerprint from its parts as scores.json records them: `review` its
    `review` record (file and sha256), `evidence` its `evidence` record
    (`review.evidence.evidence_dict`). `district_fingerprint` makes it from a validated
    input; a batch re-run from what a sealed folder recorded (`assessment.batch.unchanged`)."""
    previous_plan = None if previous_scores is None else previous_scores.with_name(PLAN_JSON)
    return make_fingerprint(
        {
            "input": dict(input_part),
            "review": None if review is None else {"file": review["file"], "sha256": review["sha256"]},
            "evidence": None if evidence is None else {
                "folder": evidence["folder"],
                "files": [[f["criterion_id"], f["name"], f["status"], f["path"], f["sha256"]] for f in evidence["files"]],
            },
            "previous": {"scores": _file_record(previous_scores), "plan": _file_record(previous_plan)},
            "rubric": rubric_sha256,
            "tool": assessment.__version__,
            "template": template_digests(notebook),
            "options": {"pdf": pdf},
        }
    )


def changes(folder: Path, fingerprint: Fingerprint, names: Iterable[str]) -> list[str]:
    """Why the report in `folder` must be made again for `fingerprint`, in Chinese: empty when
    the folder's sealed fingerprint is this one and covers the files `names`, all on disk as
    the tool wrote them (then the folder is kept as it is)."""
    sealed = read_fingerprint(folder)
    if sealed is None or not isinstance(sealed.get("parts"), dict):
        return [FIRST_TIME]
    covered = sealed.get("files")
    reasons = [] if isinstance(covered, dict) and set(names) <= set(covered) and sealed_files_intact(folder, sealed) else [
        FILES_CHANGED
    ]
    recorded: dict[str, Any] = sealed["parts"]
    reasons += [reason for part, reason in PART_REASONS.items() if recorded.get(part) != fingerprint.parts.get(part)]
    return reasons
