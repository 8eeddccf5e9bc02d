"""The generation time: now, or the moment SOURCE_DATE_EPOCH names."""

from __future__ import annotations

from datetime import datetime

import pytest

from assessment.util.clock import generation_time, reproducible
from assessment.util.console import CommandError


def test_source_date_epoch_is_the_generation_time_in_utc(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert generation_time() == "2023-11-14T22:13:20+00:00"
    assert reproducible()


def test_without_it_the_generation_time_is_now_with_its_offset(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    shown = datetime.fromisoformat(generation_time())
    assert shown.tzinfo is not None and abs((datetime.now(shown.tzinfo) - shown).total_seconds()) < 5
    assert not reproducible()


@pytest.mark.parametrize("value", ["1.5", "-1", "明天", "1e9", "99999999999999999999"])
def test_a_malformed_value_stops_the_run_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(CommandError, match="SOURCE_DATE_EPOCH"):
        generation_time()
