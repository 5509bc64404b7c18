"""Named sizes of the demo union and how an integer size is read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """How big a demo union to generate.

    exhibitions is the exact number of exhibition rows written (before any deliberately bad rows
    are made out of existing ones). density thins each title's reuse history so that small targets
    still cover every kind of picture; max_seasons and max_episodes cap series for the same reason.
    """

    name: str
    exhibitions: int
    performers: int
    density: float = 1.0
    max_episodes: int | None = None
    max_seasons: int | None = None


NAMED_SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 400, 100, density=0.5, max_episodes=2, max_seasons=2),
    "small": Scale("small", 200_000, 3_000),
    "medium": Scale("medium", 1_000_000, 15_000),
    "large": Scale("large", 10_000_000, 120_000),
}


def resolve_scale(scale: str | int) -> Scale:
    """A named scale, or a Scale for an integer number of exhibition rows (digits in a string too)."""
    if isinstance(scale, str):
        key = scale.strip().lower().replace("_", "")
        if key in NAMED_SCALES:
            return NAMED_SCALES[key]
        if not key.isdigit():
            names = ", ".join(NAMED_SCALES)
            raise ValueError(f"unknown scale {scale!r}: use one of {names} or a number of exhibition rows")
        scale = int(key)
    if scale < 1:
        raise ValueError("scale must be at least one exhibition row")
    # About 15 performers per thousand exhibition rows, as in `small`; SAG-AFTRA has ~160k members.
    performers = min(max(scale * 15 // 1000, 100), 160_000)
    density = min(max(scale / 20_000, 0.2), 1.0)
    few = scale < 2_000
    return Scale(str(scale), scale, performers, density=density, max_episodes=2 if few else None,
                 max_seasons=2 if few else None)
