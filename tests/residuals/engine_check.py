"""Shared test helper: run a situation through the SQL engine and the Decimal reference and compare."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from greenroom.contracts.params import load_pack
from greenroom.residuals.engine import compute
from greenroom.residuals.formulas.base import Formula, RefInputs
from greenroom.residuals.reference import compute_reference
from greenroom.residuals.situation import load_situation

KEY = ("formula_id", "exhibition_id", "engagement_id", "component")
VALUES = ("gross_cents", "amount_cents", "ph_cents", "unverified")


def engine_lines(inputs: RefInputs, formulas: Sequence[Formula] | None = None) -> list[dict]:
    """Lines the SQL engine stores for a situation (priced by the given formulas, default all)."""
    con = load_situation(inputs)
    result = compute(con, packs=[load_pack()], formulas=formulas)
    assert result.balanced, "every exhibition must be priced or excepted"
    cur = con.execute("SELECT * FROM residual_lines")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def assert_engine_matches_reference(inputs: RefInputs, formulas: Sequence[Formula] | None = None) -> list[dict]:
    """Assert the engine and the reference produce the same lines to the cent; return the lines.

    Restricting to one module's formulas keeps property tests quick; test_whole_engine.py runs
    every formula together.
    """
    lines = engine_lines(inputs, formulas)
    reference = compute_reference(inputs, load_pack(), formulas)
    got = Counter((tuple(str(ln[k]) for k in KEY), tuple(ln[v] for v in VALUES)) for ln in lines)
    want = Counter((tuple(str(getattr(r, k)) for k in KEY), tuple(getattr(r, v) for v in VALUES))
                   for r in reference)
    assert got == want, f"engine-only: {got - want}\nreference-only: {want - got}"
    return lines
