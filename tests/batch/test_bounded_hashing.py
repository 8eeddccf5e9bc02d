"""A batch hashes each input while streaming it, under the size limit validation applies:
an input's size never becomes the batch's memory."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
from pathlib import Path

from assessment.batch.options import BatchOptions
from assessment.batch.workers import check_input
from assessment.inputs.json_form import input_to_dict
from assessment.inputs.limits import MAX_FILE_BYTES
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input

MEMORY_LIMIT = 1024 * 1024 * 1024


def test_a_3_gb_sparse_input_is_refused_by_size_without_being_read_under_a_memory_limit(tmp_path: Path) -> None:
    huge = tmp_path / "x.json"
    with open(huge, "wb") as stream:
        stream.truncate(3 * 1024 * 1024 * 1024)  # sparse: no disk space, 3 GB to whoever reads it
    script = (
        "import json, sys; from pathlib import Path;"
        "from assessment.batch.options import BatchOptions; from assessment.batch.workers import check_input;"
        f"r = check_input(Path({str(huge)!r}), BatchOptions(data_dir={str(tmp_path)!r}, out_dir={str(tmp_path)!r}, jobs=1));"
        "print(json.dumps({k: r[k] for k in ('status', 'sha256', 'errors')}, ensure_ascii=False))"
    )

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    run = subprocess.run([sys.executable, "-c", script], preexec_fn=limit_memory, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert record["status"] == "invalid" and record["sha256"] == ""
    assert f"超过{MAX_FILE_BYTES // (1024 * 1024)} MB" in record["errors"][0]


def test_an_input_within_the_limit_is_recorded_with_the_sha256_of_its_bytes(tmp_path: Path, rubric: Rubric) -> None:
    path = tmp_path / "龙湾区.json"
    path.write_text(json.dumps(input_to_dict(perfect_input(rubric, district="龙湾区")), ensure_ascii=False), "utf-8")
    record = check_input(path, BatchOptions(data_dir=tmp_path, out_dir=tmp_path / "out", jobs=1))
    assert record["status"] == "ok"
    assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
