"""The text a batch leaves beside its reports: the manifests (JSON) and batch.log.

A manifest records, for a year or for the whole run, every input's outcome, the tool
version, the rubric and its sha256, and the run's generation time (the one its pages show);
the summary notebook follows the year's manifest to know which district folders belong to
the run. What only measures the run (when it started and finished, how long each input
took) is kept apart under `timings`, the one field in which two runs of the same inputs
differ, and is not recorded at all with SOURCE_DATE_EPOCH set (`assessment.util.clock`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import assessment
from assessment.batch.options import BatchOptions
from assessment.batch.outcome import STATUS_WORDS, DistrictOutcome, YearSummary, shared_name, shared_text
from assessment.rubric.loader import load_rubric
from assessment.util.clock import reproducible


def shared_folders(options: BatchOptions) -> tuple[Path, ...]:
    """The folders the run was given, cut from every path its shared records quote."""
    given = (options.data_dir, options.review_dir, options.evidence_dir, options.previous, options.out_dir)
    return tuple(folder for folder in given if folder is not None)


def manifest_dict(
    outcomes: Iterable[DistrictOutcome],
    options: BatchOptions,
    *,
    year: int | None,
    year_dir: Path | None,
    generated: str,
    started: str,
    finished: str | None,
    summary: dict[str, Any] | None,
) -> dict[str, Any]:
    """The manifest of `year` (its folder `year_dir`), or of the whole run (both None);
    `finished` and `summary` are None while the summaries are still to be made. It names the
    data folder and each input as the user's folder does, never by where they lie.
    `generated` is the run's generation time; `started`, `finished` and each input's seconds
    go to `timings` (None when the run is to be reproducible)."""
    outcomes = list(outcomes)
    rubric = load_rubric(options.rubric_path)
    folders = shared_folders(options)
    entries = [o.to_manifest(year_dir or options.out_dir, options.data_dir, folders) for o in outcomes]
    counts = {status: sum(1 for e in entries if e["status"] == status) for status in STATUS_WORDS}
    return {
        "year": year,
        "tool_version": assessment.__version__,
        "rubric": {"id": rubric.id, "version": rubric.version, "source": rubric.source},
        "rubric_sha256": rubric.sha256,
        "data_dir": options.data_dir.name,
        "generated": generated,
        "counts": counts,
        "districts": entries,
        "summary": summary,
        "timings": None if reproducible() else {
            "started": started,
            "finished": finished,
            "seconds": {shared_name(o.input, options.data_dir): o.seconds for o in outcomes},
        },
    }


def json_bytes(data: dict[str, Any]) -> bytes:
    """A manifest as written: indented UTF-8 JSON, Chinese kept readable."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def counts_line(outcomes: Iterable[DistrictOutcome]) -> str:
    """The run's counts as the terminal's closing line and batch.log both say them, from the
    same outcomes the manifest counts, so the three never disagree."""
    listed = list(outcomes)
    ok, invalid, failed = (sum(1 for o in listed if o.status == s) for s in ("ok", "invalid", "failed"))
    return f"共{len(listed)}个填报文件：{ok}个已生成报告，{invalid}个校验未通过，{failed}个生成失败"


def rerun_lines(outcomes: Iterable[DistrictOutcome], summaries: Iterable[YearSummary]) -> list[str]:
    """What this run made again and why, and what it kept, as the terminal and batch.log both
    say it: `重新生成：龙湾区（输入已修改）`, `未变化，沿用已有报告：鹿城区、瓯海区`."""
    listed, years = list(outcomes), list(summaries)
    remade = [f"{o.name}（{'、'.join(o.reasons)}）" for o in listed if o.status == "ok" and not o.reused]
    kept = [o.name for o in listed if o.status == "ok" and o.reused]
    lines = []
    if remade:
        lines.append("重新生成：" + "；".join(remade))
    if kept:
        lines.append("未变化，沿用已有报告：" + "、".join(kept))
    for s in years:
        if s.reused:
            lines.append(f"{s.year}年{s.name}：未变化，沿用已有汇总")
        elif s.error is None:
            lines.append(f"{s.year}年{s.name}：重新生成（{'、'.join(s.reasons)}）")
    return lines


def log_text(
    outcomes: Iterable[DistrictOutcome],
    summaries: Iterable[YearSummary],
    skipped: Iterable[dict[str, str]],
    options: BatchOptions,
) -> str:
    """batch.log: the counts, what was made again and why and what was kept, then every
    input that failed validation with its problems, every
    failure with its traceback (or its reason when there is none), every file left out (a
    review that matched no input among them); "没有失败" only when every input was reported.
    Inputs are named within the data folder and the run's folders cut from every message."""
    listed, years, left_out = list(outcomes), list(summaries), list(skipped)
    folders = shared_folders(options)
    parts = [counts_line(listed)]
    if rerun := rerun_lines(listed, years):
        parts.append("\n".join(rerun))
    for o in listed:
        name = shared_name(o.input, options.data_dir)
        if o.status == "invalid":
            parts.append(f"== {name}（{o.name}）校验未通过 ==\n" + "\n".join(o.errors))
        elif o.status == "failed":
            parts.append(f"== {name}（{o.name}）生成失败 ==\n{o.trace or '；'.join(o.errors)}")
    for s in years:
        if s.error:
            parts.append(f"== {s.year}年{s.name}生成失败 ==\n{s.trace or s.error}")
    for item in left_out:
        parts.append(f"== 已跳过：{item['file']} ==\n{item['reason']}")
    if not any(o.status != "ok" for o in listed) and not any(s.error for s in years) and not left_out:
        parts.append("本次运行没有失败。")
    return shared_text("\n\n".join(parts) + "\n", folders)
