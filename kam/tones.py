"""Tones: the colour a status, tier or result is shown in, decided here and not in templates.

A choice enum names a tone for each of its values with `@toned(...)`; a model exposes the tone
of a field with `ToneOf`; a template prints `text-bg-{{ x.status_tone }}` (or includes
`partials/badge.html`) and never compares a status to a string itself. A tone is one of
Bootstrap's colour names, so badges, text and borders can all use it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any, TypeVar

TONES = frozenset({"primary", "secondary", "success", "danger", "warning", "info", "light"})
NEUTRAL = "secondary"

C = TypeVar("C")


def toned(**tones: str) -> Callable[[C], C]:
    """`@toned(open="primary", closed="secondary")` on a TextChoices: every value gets a tone,
    read back as `Enum.tones[value]`. A value without a tone, or an unknown tone, fails at
    import, so a new status cannot ship uncoloured."""

    def apply(choices: C) -> C:
        values = set(choices.values)  # type: ignore[attr-defined]
        if set(tones) != values:
            raise ValueError(f"{choices.__name__}: tones for {sorted(values)}, got {sorted(tones)}")
        unknown = set(tones.values()) - TONES
        if unknown:
            raise ValueError(f"{choices.__name__}: unknown tones {sorted(unknown)}")
        choices.tones = MappingProxyType(dict(tones))  # type: ignore[attr-defined]
        return choices

    return apply


def tone_of(choices: Any, value: str) -> str:
    return choices.tones.get(value, NEUTRAL)


class ToneOf:
    """`status_tone = ToneOf("status", PlanStatus)` on a model: the tone of the field's value."""

    def __init__(self, field: str, choices: Any) -> None:
        self.field, self.choices = field, choices

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return tone_of(self.choices, getattr(obj, self.field))
