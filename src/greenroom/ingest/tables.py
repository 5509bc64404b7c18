"""DuckDB tables for the loaded exchange files, derived from the schemas."""

from __future__ import annotations

import duckdb

from greenroom.ingest.schemas import SCHEMAS, Schema

SQL_TYPES = {"text": "VARCHAR", "integer": "BIGINT", "cents": "BIGINT", "minutes": "BIGINT",
             "date": "DATE", "boolean": "BOOLEAN"}


def table_ddl(schema: Schema) -> str:
    """CREATE TABLE statement for one exchange format (plus the load that brought each row)."""
    cols = [f"{c.name} {SQL_TYPES[c.type]}" for c in schema.columns]
    cols.append("load_id BIGINT")
    return f"CREATE TABLE IF NOT EXISTS {schema.table} ({', '.join(cols)})"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the titles, engagements and exhibitions tables if they do not exist."""
    for schema in SCHEMAS.values():
        con.execute(table_ddl(schema))
