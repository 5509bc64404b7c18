"""Checks of generated exchange files against the v1 schemas, shared by the demo tests."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.ingest.schemas import ENGAGEMENTS, EXHIBITIONS, TITLES, Schema
from greenroom.residuals.markets import MARKETS

AS_OF = date(2026, 11, 21)
SCHEMAS = {"titles": TITLES, "engagements": ENGAGEMENTS, "exhibitions": EXHIBITIONS}


def schema_problems(table: pa.Table, schema: Schema) -> list[str]:
    """Every way a table breaks its exchange format (column set, required, allowed, minimum)."""
    problems = []
    if table.column_names != schema.names:
        problems.append(f"columns {table.column_names} != {schema.names}")
        return problems
    for col in schema.columns:
        arr = table.column(col.name)
        if col.required and arr.null_count:
            problems.append(f"{col.name}: {arr.null_count} missing required values")
        if col.type in ("cents", "integer", "minutes") and not pa.types.is_integer(arr.type):
            problems.append(f"{col.name}: type {arr.type} is not an integer")
        if col.type == "date" and not pa.types.is_date32(arr.type):
            problems.append(f"{col.name}: type {arr.type} is not a date")
        if col.allowed:
            bad = pc.sum(pc.invert(pc.is_in(arr, value_set=pa.array(col.allowed)))).as_py() or 0
            bad -= arr.null_count
            if bad:
                problems.append(f"{col.name}: {bad} values outside {col.allowed}")
        if col.minimum is not None and pa.types.is_integer(arr.type):
            low = pc.min(arr).as_py()
            if low is not None and low < col.minimum:
                problems.append(f"{col.name}: minimum {low} < {col.minimum}")
    key = table.column(schema.key)
    if pc.count_distinct(key).as_py() != table.num_rows:
        problems.append(f"{schema.key} is not unique")
    return problems


def market_problems(exhibitions: pa.Table) -> list[str]:
    """Rows whose market is unknown or that lack a column their market requires."""
    problems = []
    markets = exhibitions.column("market")
    unknown = pc.sum(pc.invert(pc.is_in(markets, value_set=pa.array(list(MARKETS))))).as_py()
    if unknown:
        problems.append(f"{unknown} rows with an unknown market")
    for name, market in MARKETS.items():
        rows = exhibitions.filter(pc.equal(markets, name))
        for col in market.requires:
            if rows.column(col).null_count:
                problems.append(f"{name}: {rows.column(col).null_count} rows without {col}")
    return problems
