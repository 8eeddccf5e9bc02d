"""Exact numbers: rubric points, rates and shares are Fractions from end to end.

A rate of 24 staff on duty out of 30 must be exactly 80, not 79.99999999999999, or a
district would miss a threshold by a rounding error. Everything that crosses into the
engine is turned into a Fraction here, through its decimal text, never through binary
float arithmetic; numbers only become floats (rounded) when they leave as JSON.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

ZERO = Fraction(0)
HUNDRED = Fraction(100)


def to_fraction(value: int | float | str | Decimal | Fraction) -> Fraction:
    """The exact value a person meant by `value` (0.3 means 3/10, not the nearest double)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    try:
        return Fraction(Decimal(str(value).strip()))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def rounded(value: Fraction, places: int = 4) -> int | float:
    """A JSON-friendly number: an int when whole, else a float rounded to `places` decimals."""
    r = round(value, places)
    return int(r) if r.denominator == 1 else float(r)


def percent(numerator: int, denominator: int) -> Fraction:
    """numerator / denominator as an exact percentage."""
    return Fraction(numerator * 100, denominator)
