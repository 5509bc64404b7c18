"""Exact money: integer cents, parts-per-million rates, named rounding and exact pool splits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PPM = 1_000_000
CENT = Decimal("0.01")


def round_half_up(value: Decimal | Fraction) -> int:
    """Round an exact amount of cents to whole cents, halves away from zero."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_to_ppm(rate: Decimal | str | int) -> int:
    """Convert a rate such as Decimal('0.036') to integer parts per million, refusing inexact ones."""
    scaled = Decimal(str(rate)) * PPM
    if scaled != scaled.to_integral_value():
        raise ValueError(f"rate {rate} is not a whole number of parts per million")
    return int(scaled)


def apply_ppm(cents: int, ppm: int) -> int:
    """cents × rate, rounded half-up to the cent (the engine's per-line rounding)."""
    return mul_div_half_up(cents, ppm, PPM)


def mul_div_half_up(a: int, b: int, d: int) -> int:
    """Exact a × b ÷ d rounded half-up (away from zero) with integers only."""
    if d <= 0:
        raise ValueError("divisor must be positive")
    n = a * b
    q, r = divmod(abs(n), d)
    if 2 * r >= d:
        q += 1
    return q if n >= 0 else -q


def split_largest_remainder(total: int, weights: Sequence[int | Fraction]) -> list[int]:
    """Split total cents in proportion to weights so the shares sum to total exactly.

    Each share is first floored; the cents left over go one each to the largest remainders,
    ties to the earlier position, so the result is deterministic.
    """
    if total < 0:
        raise ValueError("cannot split a negative pool")
    weight_sum = sum(weights, Fraction(0))
    if not weights or weight_sum == 0:
        raise ValueError("cannot split a pool over zero weight")
    exact = [Fraction(total) * Fraction(w) / weight_sum for w in weights]
    floors = [int(x) for x in exact]
    leftover = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return floors


def format_cents(cents: int) -> str:
    """Render cents as dollars, e.g. 123456 -> '$1,234.56'."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"
