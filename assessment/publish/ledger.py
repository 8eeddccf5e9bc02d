"""The proof of what the tool wrote: a small hidden ledger in each folder it publishes into.

A file name alone proves nothing (a person may keep their own report.html or manifest.json
in an output folder), so the tool replaces an existing file only when the folder's ledger
`.assessment-files.json` records that name with the sha256 of the bytes on disk now: the
file is then exactly what the tool wrote, and replacing it loses nothing. A file missing
from the ledger, or changed since, is a person's, and only `--force` replaces it. Outputs of
versions before the ledger have no entry and are treated the same way (refused, the message
says to use --force once). A damaged or unreadable ledger proves nothing and so adopts
nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from assessment.util.fsutil import atomic_write_bytes

LEDGER = ".assessment-files.json"
_CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    """The hex sha256 of bytes about to be published."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in chunks so that a large file costs no memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_ledger(folder: Path) -> dict[str, str]:
    """The folder's ledger (file name → sha256); empty when absent, unreadable or damaged."""
    try:
        data = json.loads((Path(folder) / LEDGER).read_bytes())
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if isinstance(k, str) and isinstance(v, str)}


def wrote(path: Path) -> bool:
    """Whether the tool provably wrote `path` as it is now (its ledger has this content)."""
    path = Path(path)
    recorded = read_ledger(path.parent).get(path.name)
    if recorded is None:
        return False
    try:
        return sha256_file(path) == recorded
    except OSError:
        return False


def record(folder: Path, hashes: Mapping[str, str]) -> None:
    """Add `hashes` (name → sha256 of what was just written) to the folder's ledger,
    atomically; entries of other names are kept."""
    files = {**read_ledger(folder), **hashes}
    body = {"note": "assessment 生成的文件及其 sha256；请勿编辑", "files": dict(sorted(files.items()))}
    atomic_write_bytes(Path(folder) / LEDGER, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def record_file(path: Path) -> None:
    """Record a file the tool has just written (by another writer) in its folder's ledger."""
    path = Path(path)
    record(path.parent, {path.name: sha256_file(path)})
