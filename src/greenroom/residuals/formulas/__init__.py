"""The registry of formulas. Each module defines FORMULAS, a tuple of Formula objects."""

from __future__ import annotations

from importlib import import_module

from greenroom.residuals.formulas.base import Formula

# One module per group of rules in the reference (residuals-rules.md §a3-§a12).
MODULES = (
    "theatrical",
    "free_tv",
    "foreign",
    "cable_supplemental",
    "pay_tv",
    "new_media",
    "hbsvod",
    "bonus",
)


def _collect() -> tuple[Formula, ...]:
    found: list[Formula] = []
    for name in MODULES:
        found.extend(import_module(f"{__name__}.{name}").FORMULAS)
    ids = [f"{f.id}@{f.version}" for f in found]
    if len(ids) != len(set(ids)):
        raise ValueError(f"duplicate formula ids: {sorted(i for i in ids if ids.count(i) > 1)}")
    return tuple(found)


FORMULAS: tuple[Formula, ...] = _collect()


def formula_by_id(formula_id: str, version: str | None = None) -> Formula:
    """The registered formula with this id (and version, when given)."""
    for f in FORMULAS:
        if f.id == formula_id and (version is None or f.version == version):
            return f
    raise KeyError(formula_id)
