"""The analytical DuckDB file in the data directory."""

from __future__ import annotations

import os

import duckdb

from greenroom.config import Settings

DEFAULT_MEMORY_LIMIT = "3GB"
TABLE, VIEW = "BASE TABLE", "VIEW"


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the data directory's DuckDB file, spilling to the data directory when memory runs short."""
    con = duckdb.connect(str(settings.duckdb_path), read_only=read_only)
    tmp = settings.data_dir / "duckdb-tmp"
    tmp.mkdir(exist_ok=True)
    con.execute(f"SET temp_directory = '{tmp}'")
    # A bound keeps big computations inside the machine's memory; DuckDB spills past it.
    con.execute(f"SET memory_limit = '{os.environ.get('GREENROOM_DUCKDB_MEMORY_LIMIT', DEFAULT_MEMORY_LIMIT)}'")
    return con


def relation_type(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """TABLE or VIEW when the connection's own database and schema hold a relation of that name, else None.

    Temporary tables and attached databases' tables do not count: a bare name would not resolve to them.
    """
    row = con.execute("SELECT table_type FROM information_schema.tables WHERE table_name = ? "
                      "AND table_catalog = current_database() AND table_schema = current_schema()",
                      [name]).fetchone()
    return str(row[0]) if row else None
