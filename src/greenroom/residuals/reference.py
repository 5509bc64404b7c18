"""The plain-Python reference engine: the oracle the SQL engine is held to, one situation at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from greenroom.contracts.params import Pack
from greenroom.residuals.basis import split_ph
from greenroom.residuals.formulas import FORMULAS
from greenroom.residuals.formulas.base import Formula, RefInputs


@dataclass(frozen=True)
class ReferenceLine:
    """A reference line after the P&H split, comparable with a stored engine line."""

    formula_id: str
    exhibition_id: str
    engagement_id: str
    performer_id: str
    component: str
    gross_cents: int
    amount_cents: int
    ph_cents: int
    unverified: bool


def compute_reference(inputs: RefInputs, pack: Pack,
                      formulas: Sequence[Formula] | None = None) -> list[ReferenceLine]:
    """Price a situation with every formula's reference implementation."""
    out: list[ReferenceLine] = []
    for formula in formulas if formulas is not None else FORMULAS:
        if formula.agreement != pack.agreement:
            continue
        for line in formula.reference(inputs, pack, formula):
            amount, ph = split_ph(line.gross_cents, line.includes_ph, line.ph_rate_ppm)
            out.append(ReferenceLine(formula.id, line.exhibition_id, line.engagement_id, line.performer_id,
                                     line.component, line.gross_cents, amount, ph, line.unverified))
    return out
