"""The analytical DuckDB file in the data directory."""

from __future__ import annotations

import duckdb

from greenroom.config import Settings


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the data directory's DuckDB file, spilling to the data directory when memory runs short."""
    con = duckdb.connect(str(settings.duckdb_path), read_only=read_only)
    tmp = settings.data_dir / "duckdb-tmp"
    tmp.mkdir(exist_ok=True)
    con.execute(f"SET temp_directory = '{tmp}'")
    return con
