"""Shared fixtures: the bundled rubric, small builders of district inputs, and a record of the
web fonts a test makes."""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from fractions import Fraction
from typing import Any

import pytest

from assessment.inputs.model import DistrictInput
from assessment.publish import fonts
from assessment.rubric.loader import default_rubric
from assessment.rubric.model import Rubric
from assessment.samples import perfect_input
from assessment.scoring.engine import score


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return default_rubric()


@pytest.fixture
def perfect(rubric: Rubric):
    """perfect_input with overrides: answers merged, other fields replaced."""

    def build(level: str = "county", answers: dict[str, Any] | None = None, **fields: Any) -> DistrictInput:
        base = perfect_input(rubric, level=level)
        merged = {**base.answers, **(answers or {})}
        return dataclasses.replace(base, answers=merged, **fields)

    return build


@pytest.fixture
def points(rubric: Rubric, perfect):
    """Points of one criterion for a perfect district with some answers changed."""

    def get(cid: str, level: str = "county", **answers: Any) -> Fraction:
        return score(rubric, perfect(level, answers)).criteria[cid].points

    return get


@pytest.fixture
def fonts_made(monkeypatch) -> list[tuple[str, str]]:
    """Every web font made from here on, in order, as (its characters, the name of the thread
    that made it); none was made before (the process's kept rules are set aside)."""
    made: list[tuple[str, str]] = []
    real = fonts.web_font_woff2
    monkeypatch.setattr(fonts, "_RULES", OrderedDict())
    monkeypatch.setattr(
        fonts, "web_font_woff2", lambda text: made.append((text, threading.current_thread().name)) or real(text)
    )
    return made
