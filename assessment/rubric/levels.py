"""The two levels the rubric assesses: a county-level unit (区县) and a city-level one (市级).

Several criteria score differently by level (city-only items, level-dependent equipment
quantities), so every module that speaks of a level uses this one type.
"""

from __future__ import annotations

from typing import Literal

Level = Literal["county", "city"]
#: Both levels, in the order maxima, lattices and checks walk them.
LEVELS: tuple[Level, ...] = ("county", "city")
