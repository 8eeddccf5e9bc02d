"""Equipment requirements: how many of each item a district needs, and what it lacks.

Quantities follow Annex 1 as the rubric states them: items per staff are ⌈N/k⌉ for N
enforcement staff on duty (reading r11), fixed items depend on the level. Analysts add the
items of the national standard that the source does not name as extra rows with their own
standard quantity (reading r12).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from assessment.rubric.levels import Level


@dataclass(frozen=True)
class EquipmentSpec:
    """One item the rubric names, with its requirement rule."""

    id: str
    name: str
    category: str
    unit: str
    source: str
    per_staff: int | None = None
    fixed: tuple[tuple[str, int], ...] | None = None

    def required(self, staff_on_duty: int, level: Level) -> int:
        """Required quantity: ⌈N / per_staff⌉, or the fixed count for the level."""
        if self.per_staff is not None:
            return -(-staff_on_duty // self.per_staff)
        assert self.fixed is not None, f"{self.id}: the rubric loader guarantees a rule"
        return dict(self.fixed)[level]

    def rule_text(self, level: Level) -> str:
        """The requirement in words (1台/3人, 县级3部)."""
        if self.per_staff is not None:
            return f"1{self.unit}/人" if self.per_staff == 1 else f"1{self.unit}/{self.per_staff}人"
        return f"{dict(self.fixed or ())[level]}{self.unit}"


@dataclass(frozen=True)
class EquipmentLine:
    """An item's requirement against what the district has (`quantity` None = not filled)."""

    id: str | None
    name: str
    category: str
    unit: str
    required: int
    quantity: int | None
    extra: bool = False

    @property
    def present(self) -> int:
        return self.quantity or 0

    @property
    def met(self) -> bool:
        return self.present >= self.required

    @property
    def above(self) -> bool:
        """Strictly more than the standard (reading r3)."""
        return self.present > self.required

    @property
    def shortfall(self) -> int:
        return max(0, self.required - self.present)


@dataclass(frozen=True)
class ExtraEquipment:
    """An item an analyst added: one of the national standard's unnamed field/office items."""

    category: str
    name: str
    required: int
    quantity: int
    unit_price: Fraction | None = None


def equipment_lines(
    specs: tuple[EquipmentSpec, ...],
    quantities: dict[str, int],
    extras: tuple[ExtraEquipment, ...],
    staff_on_duty: int,
    level: Level,
) -> tuple[EquipmentLine, ...]:
    """Every named item with its requirement and quantity, then the analyst's extra rows."""
    named = tuple(
        EquipmentLine(
            id=spec.id,
            name=spec.name,
            category=spec.category,
            unit=spec.unit,
            required=spec.required(staff_on_duty, level),
            quantity=quantities.get(spec.id),
        )
        for spec in specs
    )
    added = tuple(
        EquipmentLine(
            id=None, name=x.name, category=x.category, unit="", required=x.required, quantity=x.quantity, extra=True
        )
        for x in extras
    )
    return named + added
