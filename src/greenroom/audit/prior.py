"""Amounts at the previous scale: the engine rerun with every parameter one dated value back.

A payer still using last year's rate card pays what the engine computes when each parameter's
value in force is replaced by the value before it. Rerunning only the titles and formulas in
question keeps this cheap; line ids are stable, so prior lines join the current ones by line_id.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa

from greenroom.contracts.params import DatedValue, Pack, Parameter, load_pack
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.engine import compute
from greenroom.residuals.formulas import FORMULAS

PRIOR_COLUMNS = ("line_id", "amount_cents", "ph_cents")


def previous_values_pack(pack: Pack) -> Pack:
    """A copy of pack in which, from each value's start date, the value before it is in force.

    The first value of a parameter has no predecessor and stays as it is.
    """
    params: dict[str, Parameter] = {}
    for p in pack:
        shifted = [p.values[0]] + [
            DatedValue(p.id, v.start, prev.value, prev.reference, prev.source, prev.status, prev.note)
            for prev, v in zip(p.values, p.values[1:], strict=False)]
        params[p.id] = Parameter(p.id, p.description, p.unit, tuple(shifted), p.key, p.match, p.file)
    return Pack(pack.agreement, params)


def prior_scale_lines(con: duckdb.DuckDBPyConnection, title_ids: Iterable[str],
                      formula_ids: Iterable[str] | None = None, agreement: str = "sag-aftra-tv-theatrical") -> pa.Table:
    """line_id, amount_cents, ph_cents of the given titles' lines at the previous scale (computed aside)."""
    titles = sorted(set(title_ids))
    empty = pa.table({"line_id": pa.array([], pa.string()), "amount_cents": pa.array([], pa.int64()),
                      "ph_cents": pa.array([], pa.int64())})
    if not titles:
        return empty
    wanted = set(formula_ids) if formula_ids is not None else None
    formulas = [f for f in FORMULAS if wanted is None or f.id in wanted]
    if not formulas:
        return empty
    scratch = duckdb.connect()
    try:
        ensure_tables(scratch)
        for table in ("titles", "engagements", "exhibitions"):
            rows = _arrow(con, f"SELECT * FROM {table} WHERE title_id IN (SELECT unnest(?::VARCHAR[]))", [titles])
            scratch.register("_rows", rows)
            scratch.execute(f"INSERT INTO {table} SELECT * FROM _rows")
            scratch.unregister("_rows")
        compute(scratch, packs=[previous_values_pack(load_pack(agreement))], formulas=formulas)
        return _arrow(scratch, "SELECT line_id, amount_cents, ph_cents FROM residual_lines")
    finally:
        scratch.close()


def _arrow(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pa.Table:
    """A query's rows as Arrow, straight from the relation (no DB-API copy)."""
    relation = con.sql(sql, params=params)
    assert relation is not None
    return relation.to_arrow_table()
