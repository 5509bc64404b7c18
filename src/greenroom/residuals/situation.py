"""A situation (titles, engagements, exhibitions as plain rows) loaded into an in-memory DuckDB,
so cases, property tests and the reference engine can all run the real engine on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from greenroom.ingest.schemas import ENGAGEMENTS, EXHIBITIONS, TITLES, Schema
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.formulas.base import RefInputs

TITLE_DEFAULTS: dict[str, Any] = {"agreement": "sag-aftra-tv-theatrical", "name": "Untitled"}
ENGAGEMENT_DEFAULTS: dict[str, Any] = {"days_worked": 0, "weeks_worked": 0}


def _typed(schema: Schema, row: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    merged = {**defaults, **row}
    unknown = set(merged) - set(schema.names)
    if unknown:
        raise ValueError(f"{schema.kind}: unknown column(s) {sorted(unknown)}")
    for col in schema.columns:
        value = merged.get(col.name)
        if value is None:
            if col.required:
                raise ValueError(f"{schema.kind}: row {dict(row)} lacks required column {col.name}")
            out[col.name] = None
        elif col.type == "date":
            out[col.name] = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        elif col.type in ("integer", "cents", "minutes"):
            if isinstance(value, float) or int(value) != value:
                raise ValueError(f"{schema.kind}: {col.name} must be a whole number, got {value!r}")
            out[col.name] = int(value)
        else:
            out[col.name] = value if col.type == "boolean" else str(value)
    return out


def situation_inputs(titles: Iterable[Mapping[str, Any]], engagements: Iterable[Mapping[str, Any]],
                     exhibitions: Iterable[Mapping[str, Any]]) -> RefInputs:
    """Type-check and normalise rows into the inputs both engines read."""
    t = [_typed(TITLES, r, TITLE_DEFAULTS) for r in titles]
    e = [_typed(ENGAGEMENTS, r, ENGAGEMENT_DEFAULTS) for r in engagements]
    x = [_typed(EXHIBITIONS, r, {}) for r in exhibitions]
    return RefInputs({r["title_id"]: r for r in t}, e, x)


def load_situation(inputs: RefInputs, con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding the situation's rows in the loaded-table layout."""
    con = con or duckdb.connect(":memory:")
    ensure_tables(con)
    for schema, rows in ((TITLES, list(inputs.titles.values())), (ENGAGEMENTS, inputs.engagements),
                         (EXHIBITIONS, inputs.exhibitions)):
        if not rows:
            continue
        names = schema.names
        placeholders = ", ".join("?" for _ in names)
        con.executemany(f"INSERT INTO {schema.table} ({', '.join(names)}) VALUES ({placeholders})",
                        [[r[n] for n in names] for r in rows])
    return con
