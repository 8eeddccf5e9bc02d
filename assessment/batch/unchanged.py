"""A re-run's shortcut: the inputs whose report folders are already what this run would write,
found in the main process before any worker starts.

A worker costs a process start, and checking an input there imports the validation stack
and scores it; on a re-run where nothing changed that was all the time left. The folder's
ledger seals its fingerprint (`report.fingerprint`), which records the input file's name and
sha256 and the bytes of everything else the report read. So an input whose file has the
sha256 its folder sealed is the very input validated then (same bytes, same rubric, same
tool), and its fingerprint now is the sealed one with each other part read again from
disk: the district's review and its sha256, each listed evidence file looked up again in
the evidence folder, last year's files, the rubric, the tool, the templates, `--pdf`.

The shortcut only ever says "unchanged": when it proves the folder is what this run would
write (`fingerprint.changes` empty, every sealed file intact) the district is kept with
the record a worker's check would have given; anything else, a changed part, a damaged
ledger or scores.json, a review claimed twice, goes to a worker as before, which validates
the input and says why it renders (输入已修改, 复核已更新 …).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from assessment.batch.options import BatchOptions
from assessment.batch.workers import input_sha256, review_of
from assessment.inputs.model import InputError
from assessment.publish.ledger import SealedIndex, read_fingerprint, sha256_file
from assessment.publish.outputs import SCORES_JSON, report_files
from assessment.report.district import default_notebook, previous_for, report_folder
from assessment.report.fingerprint import changes, fingerprint_of
from assessment.review import manifest_record
from assessment.review.evidence import EvidenceCheck, Hashes, evidence_dict, evidence_folder, locate
from assessment.rubric.loader import load_rubric


def _evidence_now(root: Path, district: str, recorded: Any) -> dict[str, Any] | None:
    """The district's evidence record as checking it now would give it, each file the sealed
    listing names (the input's own list, unchanged with the input) looked up again in the
    folder (`evidence.locate`); None when the folder sealed no listing to look up."""
    if not isinstance(recorded, dict) or not isinstance(recorded.get("files"), list):
        return None
    folder = evidence_folder(root, district)
    hashes = Hashes()
    files = tuple(locate(folder, cid, name, hashes) for cid, name, *_ in recorded["files"])
    return evidence_dict(EvidenceCheck(str(folder), files, ()))


def reused_check(path: Path, options: BatchOptions, index: SealedIndex) -> dict[str, Any] | None:
    """The check record of an input whose sealed report folder is what this run would write
    (`workers.check_input`'s, with empty `reasons`), or None when that cannot be proved here
    (then a worker checks it)."""
    started = time.perf_counter()
    sha256 = input_sha256(path)
    folder = index.get((path.name, sha256))
    if folder is None:
        return None
    sealed = read_fingerprint(folder)
    try:
        scores = json.loads((folder / SCORES_JSON).read_bytes())
        district, year = scores["district"], scores["year"]
        if not isinstance(district, str) or not isinstance(year, int) or report_folder(options.out_dir, year, district) != folder:
            return None
        parts = sealed["parts"] if sealed is not None else {}
        review = review_of(options, district, year)
        evidence = None if options.evidence_dir is None else _evidence_now(options.evidence_dir, district, parts.get("evidence"))
        if options.evidence_dir is not None and evidence is None:
            return None
        fingerprint = fingerprint_of(
            parts["input"],
            None if review is None else {"file": review.name, "sha256": sha256_file(review)},
            evidence,
            previous_scores=previous_for(options.previous, district, year)[0],
            rubric_sha256=load_rubric(options.rubric_path).sha256,
            notebook=options.notebook or default_notebook(),
            pdf=options.pdf,
        )
        if changes(folder, fingerprint, report_files(path, options.pdf)):
            return None
        provenance = manifest_record(scores)
    except (OSError, ValueError, KeyError, TypeError, InputError):  # unreadable or claimed twice: a worker says why
        return None
    return {
        "status": "ok", "sha256": sha256, "district": district, "year": year, "folder": str(folder),
        "fingerprint": fingerprint.to_dict(), "reasons": [], "provenance": provenance,
        "seconds": time.perf_counter() - started,
    }
