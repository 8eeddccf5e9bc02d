"""The main job is reproducible to the byte.

The README's main command (tools/run.sh: the batch over the bundled Wenzhou samples with
their reviews and evidence, then the summary) is run three times into three folders: twice
with SOURCE_DATE_EPOCH set, where every file must be identical, and once without it, where
the files must differ from the first run only in the one visible generation time (and in
the manifests' `timings`, which measure the run and are the only field kept apart for it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.publish.ledger import LEDGER
from assessment.report.markup import china_time

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "data_templates" / "examples"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
MASK = "〈生成时间〉"


def _main_job(out: Path, epoch: str | None) -> Path:
    """Run the main job as tools/run.sh does, into `out`; `epoch` is SOURCE_DATE_EPOCH (None: unset)."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    done = subprocess.run(
        [
            sys.executable, "-m", "assessment", "batch", str(EXAMPLES / "wenzhou-2022"), "--out", str(out),
            "--review", str(EXAMPLES / "wenzhou-2022-reviews"), "--evidence", str(EXAMPLES / "wenzhou-2022-evidence"),
        ],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("reproducible")
    first = _files(_main_job(tmp / "first", EPOCH))
    second = _files(_main_job(tmp / "second", EPOCH))
    unset = _files(_main_job(tmp / "unset", None))
    return first, second, unset


def test_with_source_date_epoch_two_runs_give_the_same_bytes_in_every_file(runs):
    first, second, _ = runs
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == [], f"files that differ between two runs with SOURCE_DATE_EPOCH: {differing}"
    # What the user gets: every report, its notebook, the summary and its workbook.
    for name in ("report.html", "report.ipynb", "scores.json", "plan.json"):
        assert sum(1 for f in first if f.endswith("/" + name)) == 12, name
    assert {"2022/summary.html", "2022/summary.xlsx", "manifest.json", "2022/manifest.json", "batch.log"} <= set(first)


def test_source_date_epoch_is_the_generation_time_every_page_shows(runs):
    first, _, _ = runs
    manifest = json.loads(first["manifest.json"])
    assert manifest["generated"] == "2023-11-14T22:13:20+00:00"
    assert manifest["timings"] is None  # durations are measurements: not recorded in a reproducible run
    shown = china_time(manifest["generated"])
    assert shown == "2023年11月15日 06:13"
    assert f"生成于{shown}".encode() in first["2022/summary.html"]
    assert shown.encode() in first["2022/龙湾区/report.html"]


def _masked_lines(data: bytes, generated: str) -> list[str]:
    text = data.decode("utf-8")
    for form in (generated, china_time(generated) or generated):
        text = text.replace(form, MASK)
    return text.splitlines()


def _without_timings(data: bytes) -> bytes:
    """A manifest as written, less the field that measures the run."""
    manifest = json.loads(data)
    manifest.pop("timings")
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_without_it_a_run_differs_only_in_the_one_visible_generation_time(runs):
    reproducible, _, unset = runs
    assert sorted(reproducible) == sorted(unset)
    times = {
        "reproducible": json.loads(reproducible["manifest.json"])["generated"],
        "unset": json.loads(unset["manifest.json"])["generated"],
    }
    assert times["reproducible"] != times["unset"]
    changed: dict[str, int] = {}
    for name in sorted(unset):
        before, after = reproducible[name], unset[name]
        if Path(name).name == LEDGER:
            # A folder's record of the files it holds: the same files, hashes of their new bytes.
            assert json.loads(before).keys() == json.loads(after).keys(), name
            continue
        if Path(name).name == "manifest.json":
            timings = json.loads(after)["timings"]
            assert timings["started"] <= timings["finished"] and timings["seconds"], name
            before, after = _without_timings(before), _without_timings(after)
        if before == after:
            continue
        assert not name.endswith(".xlsx"), f"{name} depends on the time it was made"
        old, new = _masked_lines(before, times["reproducible"]), _masked_lines(after, times["unset"])
        assert old == new, f"{name} differs in more than the generation time"
        changed[name] = sum(1 for a, b in zip(before.decode().splitlines(), after.decode().splitlines(), strict=True)
                            if a != b)
    # The index pages show no time (what they list is made from the files alone): not one byte moves.
    indexes = [name for name in unset if Path(name).name == "index.html"]
    assert sorted(indexes) == ["2022/index.html", "index.html"] and not set(indexes) & set(changed)
    pages = [name for name in unset if name.endswith(".html") and name not in indexes]
    assert len(pages) == 13
    # Each page shows the time on exactly one line; nothing else on any page moved.
    assert {name: changed.get(name) for name in pages} == dict.fromkeys(pages, 1)
    assert changed["manifest.json"] == 1 and changed["2022/manifest.json"] == 1  # "generated"
    assert set(changed) - set(pages) - {"manifest.json", "2022/manifest.json"} == {
        name for name in unset if name.endswith("report.ipynb")
    }
