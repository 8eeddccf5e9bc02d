"""The proof of what the tool wrote: a small hidden ledger in each folder it publishes into.

A file name alone proves nothing (a person may keep their own report.html or manifest.json
in an output folder), so the tool replaces an existing file only when the folder's ledger
`.assessment-files.json` records that name with the sha256 of the bytes on disk now: the
file is then exactly what the tool wrote, and replacing it loses nothing. A file missing
from the ledger, or changed since, is a person's, and only `--force` replaces it. Outputs of
versions before the ledger have no entry and are treated the same way (refused, the message
says to use --force once). A damaged or unreadable ledger proves nothing and so adopts
nothing.

A name may carry two hashes while files are being renamed into place (`publishing`): the
ledger first lists the old and the new content, then, once every rename is done, only the
new; a run killed in between leaves every file provable.

The ledger also keeps the folder's fingerprint (`assessment.report.fingerprint`): what made
its files, with the sha256 of each file it covers. It is written (`seal`) only once every
file of the folder is in place and dropped as soon as a publish starts (`publishing`), so a
killed or failed run never leaves a fingerprint claiming files the folder does not hold.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

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


def _body(folder: Path) -> dict[str, Any]:
    """The ledger's JSON as read; empty when absent, unreadable or damaged."""
    try:
        data = json.loads((Path(folder) / LEDGER).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_fingerprint(folder: Path) -> dict[str, Any] | None:
    """The fingerprint sealed in the folder's ledger (see `seal`), None when there is none."""
    found = _body(folder).get("fingerprint")
    return found if isinstance(found, dict) else None


def read_ledger(folder: Path) -> dict[str, list[str]]:
    """The folder's ledger (file name → the sha256 its content may have); empty when absent,
    unreadable or damaged."""
    files = _body(folder).get("files")
    if not isinstance(files, dict):
        return {}
    ledger: dict[str, list[str]] = {}
    for name, value in files.items():
        hashes = [value] if isinstance(value, str) else value
        if isinstance(name, str) and isinstance(hashes, list) and all(isinstance(h, str) for h in hashes):
            ledger[name] = hashes
    return ledger


def wrote(path: Path) -> bool:
    """Whether the tool provably wrote `path` as it is now (its ledger has this content)."""
    path = Path(path)
    recorded = read_ledger(path.parent).get(path.name)
    if not recorded:
        return False
    try:
        return sha256_file(path) in recorded
    except OSError:
        return False


def _write(folder: Path, files: Mapping[str, list[str]], fingerprint: Mapping[str, Any] | None = None) -> None:
    """Replace the ledger atomically (a reader sees the old ledger or the new, never half)."""
    shown = {name: hashes[0] if len(hashes) == 1 else hashes for name, hashes in sorted(files.items())}
    body: dict[str, Any] = {"note": "assessment 生成的文件及其 sha256；请勿编辑", "files": shown}
    if fingerprint is not None:
        body["fingerprint"] = dict(fingerprint)
    atomic_write_bytes(Path(folder) / LEDGER, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def record(folder: Path, hashes: Mapping[str, str]) -> None:
    """Set `hashes` (name → sha256 of what was just written) in the folder's ledger,
    atomically; entries of other names are kept."""
    _write(folder, {**read_ledger(folder), **{name: [h] for name, h in hashes.items()}}, read_fingerprint(folder))


def forget(folder: Path, names: Iterable[str]) -> None:
    """Drop `names` (files the tool has just removed) from the folder's ledger, and its
    fingerprint when it covers one of them."""
    gone = set(names)
    sealed = read_fingerprint(folder)
    covered = sealed.get("files") if sealed is not None else None
    kept = sealed if isinstance(covered, dict) and not set(covered) & gone else None
    _write(folder, {name: hashes for name, hashes in read_ledger(folder).items() if name not in gone}, kept)


def publishing(folder: Path, hashes: Mapping[str, str]) -> None:
    """Before renaming new files into place: let each name be its current content (if
    existing and proven or forced) or the new one (see the module's note), and drop the
    folder's fingerprint when it covers one of them: it no longer describes what the folder
    is about to hold (a year's manifest, rewritten every run, leaves its summary's sealed)."""
    folder = Path(folder)
    updated = read_ledger(folder)
    for name, new in hashes.items():
        try:
            now = [sha256_file(folder / name)]
        except OSError:  # absent: nothing to keep provable
            now = []
        updated[name] = [*now, new]
    sealed = read_fingerprint(folder)
    covered = sealed.get("files") if sealed is not None else None
    _write(folder, updated, sealed if isinstance(covered, dict) and not set(covered) & set(hashes) else None)


def seal(folder: Path, names: Iterable[str], fingerprint: Mapping[str, Any]) -> None:
    """Record `fingerprint` as what made the files `names` of `folder`, now in place: the
    fingerprint keeps each one's sha256 as the ledger has it, so a file changed or replaced
    later no longer matches it (see `sealed_files_intact`)."""
    files = read_ledger(folder)
    covered = {}
    for name in names:
        hashes = files.get(name, [])
        if len(hashes) != 1:  # not published, or mid-publish: nothing to vouch for
            raise ValueError(f"{name} is not a published file of {folder}")
        covered[name] = hashes[0]
    _write(folder, files, {**fingerprint, "files": dict(sorted(covered.items()))})


def sealed_files_intact(folder: Path, fingerprint: Mapping[str, Any]) -> bool:
    """Whether every file the sealed `fingerprint` covers is on disk as the ledger and the
    fingerprint both record it (a deleted, edited or half-published file makes it False)."""
    covered = fingerprint.get("files")
    if not isinstance(covered, dict) or not covered:
        return False
    files = read_ledger(folder)
    for name, digest in covered.items():
        if files.get(name) != [digest]:
            return False
        try:
            if sha256_file(Path(folder) / name) != digest:
                return False
        except OSError:
            return False
    return True


def record_file(path: Path) -> None:
    """Record a file the tool has just written (by another writer) in its folder's ledger."""
    path = Path(path)
    record(path.parent, {path.name: sha256_file(path)})


#: A sealed report folder by the input that made it: (the input file's name, its sha256).
SealedIndex = dict[tuple[str, str], Path]


def sealed_folders(out_dir: Path) -> SealedIndex:
    """Every district folder of `out_dir` (`<year>/<district>/`) whose ledger seals a
    fingerprint, by the name and sha256 of the input file it records."""
    index: SealedIndex = {}
    if not out_dir.is_dir():
        return index
    for year_dir in sorted(p for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit()):
        for folder in sorted(p for p in year_dir.iterdir() if p.is_dir() and not p.is_symlink()):
            sealed = read_fingerprint(folder)
            parts = sealed.get("parts") if sealed is not None else None
            recorded = parts.get("input") if isinstance(parts, dict) else None
            if isinstance(recorded, dict):
                name, sha256 = recorded.get("file"), recorded.get("file_sha256")
                if isinstance(name, str) and isinstance(sha256, str):
                    index[(name, sha256)] = folder
    return index
