"""The generation time every output shows, and the reproducible-builds override of it.

A report, a summary and a manifest each say when they were made. Two runs of the same
inputs should differ in nothing else, and with `SOURCE_DATE_EPOCH` set (the
reproducible-builds convention: https://reproducible-builds.org/specs/source-date-epoch/,
whole seconds since 1970-01-01 UTC) not even in that: the variable's moment is the
generation time, and what only measures a run (how long each step took) is not recorded.
Every writer takes its time from here, so no output keeps a clock of its own.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from assessment.util.console import CommandError

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def source_date_epoch() -> datetime | None:
    """The moment `SOURCE_DATE_EPOCH` names (UTC), None when it is unset or empty;
    CommandError (exit 2) when it is no whole number of seconds, as the convention asks
    (a malformed value must not quietly give a run that is not reproducible)."""
    text = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit():
        raise CommandError(f"环境变量 {SOURCE_DATE_EPOCH} 应为自1970年1月1日（UTC）起的整秒数，实为“{text}”")
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        raise CommandError(f"环境变量 {SOURCE_DATE_EPOCH} 超出可表示的时间范围：“{text}”") from None


def reproducible() -> bool:
    """Whether this run is to be reproducible to the byte (`SOURCE_DATE_EPOCH` is set)."""
    return source_date_epoch() is not None


def generation_time() -> str:
    """The time outputs show as made, ISO 8601 to the second with its offset: the moment of
    `SOURCE_DATE_EPOCH` (UTC) when it is set, else now (local time)."""
    fixed = source_date_epoch()
    moment = fixed if fixed is not None else datetime.now(UTC).astimezone()
    return moment.isoformat(timespec="seconds")
