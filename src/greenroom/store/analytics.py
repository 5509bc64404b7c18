"""The analytical DuckDB file in the data directory."""

from __future__ import annotations

import os

import duckdb

from greenroom.config import Settings

DEFAULT_MEMORY_LIMIT = "3GB"


def connect(settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the data directory's DuckDB file, spilling to the data directory when memory runs short."""
    con = duckdb.connect(str(settings.duckdb_path), read_only=read_only)
    tmp = settings.data_dir / "duckdb-tmp"
    tmp.mkdir(exist_ok=True)
    con.execute(f"SET temp_directory = '{tmp}'")
    # A bound keeps big computations inside the machine's memory; DuckDB spills past it.
    con.execute(f"SET memory_limit = '{os.environ.get('GREENROOM_DUCKDB_MEMORY_LIMIT', DEFAULT_MEMORY_LIMIT)}'")
    return con
