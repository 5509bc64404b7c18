"""The audit's DuckDB table: remittance rows that matched a title and a performer, ready to post."""

from __future__ import annotations

import duckdb

from greenroom.residuals.engine import ensure_output_tables

REMITTANCE_ROWS_DDL = """
CREATE TABLE IF NOT EXISTS remittance_rows (
  row_id VARCHAR PRIMARY KEY, file_id BIGINT NOT NULL, file_name VARCHAR, row_number BIGINT NOT NULL,
  payer VARCHAR NOT NULL, check_number VARCHAR NOT NULL, title_written VARCHAR, title_id VARCHAR NOT NULL,
  title_match VARCHAR NOT NULL, title_score DOUBLE, performer_id VARCHAR NOT NULL, market VARCHAR NOT NULL,
  period_start DATE NOT NULL, period_end DATE NOT NULL, gross_cents BIGINT, amount_cents BIGINT NOT NULL,
  ph_cents BIGINT NOT NULL, paid_date DATE NOT NULL, currency VARCHAR NOT NULL, line_id VARCHAR,
  exhibition_id VARCHAR, content_hash UBIGINT, loaded_at TIMESTAMP NOT NULL
)"""

CONTENT = ("check_number", "title_written", "performer_id", "market", "period_start", "period_end", "gross_cents",
           "amount_cents", "ph_cents", "paid_date", "currency", "line_id", "exhibition_id")
"""The columns that make two remittance rows the same row (a duplicate)."""


def content_hash_sql(prefix: str = "") -> str:
    """SQL hashing a row's content columns (NULLs hash alike), for finding duplicates fast."""
    return "hash(" + ", ".join(prefix + c for c in CONTENT) + ")"


def ensure_audit_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the exchange-format and engine tables (for the joins) and remittance_rows if missing."""
    ensure_output_tables(con)
    con.execute(REMITTANCE_ROWS_DDL)
