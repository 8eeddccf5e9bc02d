"""The text a batch leaves beside its reports: the manifests (JSON) and batch.log.

A manifest records, for a year or for the whole run, every input's outcome, the tool
version, the rubric and its sha256, and when the run started and finished; the summary
notebook follows the year's manifest to know which district folders belong to the run.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import assessment
from assessment.batch.options import BatchOptions
from assessment.batch.outcome import STATUS_WORDS, DistrictOutcome, YearSummary
from assessment.rubric.loader import load_rubric


def manifest_dict(
    outcomes: Iterable[DistrictOutcome],
    options: BatchOptions,
    *,
    year: int | None,
    year_dir: Path | None,
    started: str,
    finished: str | None,
    summary: dict[str, Any] | None,
) -> dict[str, Any]:
    """The manifest of `year` (its folder `year_dir`), or of the whole run (both None);
    `finished` and `summary` are None while the summaries are still to be made."""
    rubric = load_rubric(options.rubric_path)
    entries = [o.to_manifest(year_dir) for o in outcomes]
    counts = {status: sum(1 for e in entries if e["status"] == status) for status in STATUS_WORDS}
    return {
        "year": year,
        "tool_version": assessment.__version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "source": rubric.source},
        "rubric_sha256": rubric.sha256,
        "data_dir": str(options.data_dir),
        "started": started,
        "finished": finished,
        "counts": counts,
        "districts": entries,
        "summary": summary,
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    """A manifest as written: indented UTF-8 JSON, Chinese kept readable."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def log_text(outcomes: Iterable[DistrictOutcome], summaries: Iterable[YearSummary]) -> str:
    """batch.log: every failure with its traceback (or its reason when there is none)."""
    parts = []
    for o in outcomes:
        if o.status == "failed":
            parts.append(f"== {o.input}（{o.name}）生成失败 ==\n{o.trace or '；'.join(o.errors)}")
    for s in summaries:
        if s.error:
            parts.append(f"== {s.year}年市级汇总生成失败 ==\n{s.trace or s.error}")
    return "\n\n".join(parts) + "\n" if parts else "本次运行没有失败。\n"
