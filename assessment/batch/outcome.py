"""What became of a batch: of each input file, of each year's summary, of the whole run.

Worker tasks report in plain dicts (picklable, see `assessment.batch.workers`);
`district_outcome` turns an input's check and render records into its `DistrictOutcome`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from assessment.report.summary_name import CITY_SUMMARY
from assessment.util.errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK

Status = Literal["ok", "invalid", "failed"]
STATUS_WORDS: dict[str, str] = {"ok": "完成", "invalid": "校验未通过", "failed": "生成失败"}
WORKER_DIED = "工作进程意外退出（可能内存不足或程序崩溃）"


def shared_text(text: str, folders: Iterable[Path]) -> str:
    """`text` with the folders the batch was given cut from the paths it quotes, so a manifest,
    batch.log or summary that is passed on names a file as the user's own folder does
    (`鹿城区.xlsx 工作表「指标填报」 第2行 D列…`), never where that folder lies on this machine.
    The deepest folder goes first, so a review folder inside the data folder is cut whole."""
    for folder in sorted(folders, key=lambda f: len(str(f)), reverse=True):
        text = text.replace(f"{folder}{os.sep}", "")
    return text


def shared_name(path: Path, folder: Path) -> str:
    """An input as a shared document names it: relative to the data folder, else by its name."""
    return str(path.relative_to(folder)) if path.is_relative_to(folder) else path.name


@dataclass(frozen=True)
class DistrictOutcome:
    """What became of one input file."""

    input: Path
    sha256: str
    status: Status
    district: str | None = None
    year: int | None = None
    folder: Path | None = None
    errors: tuple[str, ...] = ()
    problems: tuple[dict[str, Any], ...] = ()
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    trace: str | None = None
    #: review.manifest_record of a published report: review file and sha256, evidence count.
    provenance: dict[str, Any] = field(default_factory=dict)
    #: The fingerprint sealed in its report folder (`report.fingerprint`), for a published report only.
    fingerprint: dict[str, Any] | None = None
    #: Whether its published report was kept as it was (its fingerprint unchanged).
    reused: bool = False
    #: Why its report was made again (输入已修改, 首次生成 …; `report.fingerprint`).
    reasons: tuple[str, ...] = ()

    @property
    def done_words(self) -> str:
        """What became of it, as the progress line and batch.log say: 完成（输入已修改）, 未变化…"""
        if self.status == "ok" and self.reused:
            return "未变化，沿用已有报告"
        reasons = f"（{'、'.join(self.reasons)}）" if self.status == "ok" and self.reasons else ""
        return STATUS_WORDS[self.status] + reasons

    @property
    def name(self) -> str:
        """How progress lines and messages call it: the district, else the file name."""
        return self.district or self.input.name

    def to_manifest(self, base: Path, data_dir: Path, folders: Iterable[Path]) -> dict[str, Any]:
        """Its manifest entry: report folder relative to `base` (the year's folder, or the output
        folder for the run's manifest), input relative to `data_dir`, and every message with the
        run's `folders` cut from its paths (`shared_text`)."""
        folders = tuple(folders)

        def shared(text: str) -> str:
            return shared_text(text, folders)

        problems = [
            {**p, "text": shared(p["text"]), "location": {**p["location"], "file": shared(p["location"]["file"])}}
            for p in self.problems
        ]
        return {
            "input": shared_name(self.input, data_dir),
            "file": self.input.name,
            "sha256": self.sha256,
            "district": self.district,
            "year": self.year,
            "status": self.status,
            "errors": [shared(e) for e in self.errors],
            "problems": problems,
            "warnings": [shared(w) for w in self.warnings],
            "folder": str(self.folder.relative_to(base)) if self.folder is not None else None,
            "review": self.provenance.get("review"),
            "review_sha256": self.provenance.get("review_sha256"),
            "evidence_count": self.provenance.get("evidence_count"),
            "fingerprint": self.fingerprint if self.status == "ok" else None,
            "reused": self.reused,
            "reasons": list(self.reasons),
        }


def district_outcome(path: Path, check: dict[str, Any], render: dict[str, Any] | None) -> DistrictOutcome:
    """The outcome of the input at `path` from its check record and, when it was rendered,
    its render record (which then decides the status)."""
    final = render if render is not None else check
    seconds = {"validate": round(check["seconds"], 3)}
    if render is not None:
        seconds["render"] = round(render["seconds"], 3)
    seconds["total"] = round(sum(seconds.values()), 3)
    return DistrictOutcome(
        input=path,
        sha256=check["sha256"],
        status=final["status"],
        district=check.get("district"),
        year=check.get("year"),
        folder=Path(final["folder"]) if final.get("folder") else None,
        errors=tuple(final.get("errors", ())),
        problems=tuple(final.get("problems", ())),
        seconds=seconds,
        warnings=tuple(final.get("warnings", ())),
        trace=final.get("trace"),
        provenance=dict(final.get("provenance") or {}),
        fingerprint=final.get("fingerprint") if final["status"] == "ok" else None,
        reused=render is None and final["status"] == "ok",
        reasons=tuple(check.get("reasons", ())),
    )


@dataclass(frozen=True)
class YearSummary:
    """One year's municipal summary: where it went, or why it could not be made."""

    year: int
    folder: Path
    manifest: Path
    html: Path | None
    xlsx: Path | None
    error: str | None = None
    trace: str | None = None
    #: Whether the published summary was kept as it was, and else why it was made again.
    reused: bool = False
    reasons: tuple[str, ...] = ()
    #: What the summary is called: 市级汇总, or 全省汇总 for units of several cities (`report.summary_name`).
    name: str = CITY_SUMMARY


@dataclass(frozen=True)
class BatchOutcome:
    """The whole run: every input's outcome in file order, every year's summary, and where
    the run's manifest and log went."""

    out_dir: Path
    districts: tuple[DistrictOutcome, ...]
    summaries: tuple[YearSummary, ...]
    manifest: Path
    started: str
    finished: str
    log: Path | None = None
    skipped: tuple[dict[str, str], ...] = ()

    def with_status(self, status: Status) -> list[DistrictOutcome]:
        return [d for d in self.districts if d.status == status]

    @property
    def exit_code(self) -> int:
        """1 when something failed by a bug (a traceback, a crashed worker), else 2 when some
        input was invalid or some output could not be made for a reason the user can act on
        (a time limit, a file in the way), else 0."""
        bugs = [d for d in self.with_status("failed") if d.trace or WORKER_DIED in d.errors]
        if bugs or any(s.trace or s.error == WORKER_DIED for s in self.summaries):
            return EXIT_INTERNAL
        if self.with_status("invalid") or self.with_status("failed") or any(s.error for s in self.summaries):
            return EXIT_INVALID
        return EXIT_OK
