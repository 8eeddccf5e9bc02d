"""Outputs the browser tests open, made once per test process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_harness import REVIEWED_CITY

from assessment.batch.run import run_batch

EXAMPLES = Path(__file__).resolve().parents[2] / "data_templates" / "examples"


@pytest.fixture(scope="session")
def reviewed_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The batch output of REVIEWED_CITY with the sample reviews (pages are only read)."""
    data = tmp_path_factory.mktemp("data")
    for name in REVIEWED_CITY:
        shutil.copy(EXAMPLES / "wenzhou-2022" / f"{name}.xlsx", data)
    out = tmp_path_factory.mktemp("out")
    outcome = run_batch(data, out, jobs=2, progress=False, review=EXAMPLES / "wenzhou-2022-reviews")
    assert outcome.exit_code == 0
    return out
