"""How residual lines are stored: each formula row's context once, each performer's amounts per line,
and residual_lines a view joining the two back into one row per line.

A basic-cable pool shared by forty performers has one explanation, one due date and one exhibition;
storing them once rather than forty times is most of what makes the engine fast. Readers see the
same residual_lines columns as ever.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

# The full shape of a line, as the view yields it (other tables of lines, such as the consent
# registry's AI compensation, are created from it).
LINES_DDL = """
CREATE TABLE IF NOT EXISTS residual_lines (
  line_id VARCHAR, run_id BIGINT, agreement VARCHAR, formula_id VARCHAR, formula_version VARCHAR,
  performer_id VARCHAR, engagement_id VARCHAR, title_id VARCHAR, exhibition_id VARCHAR, market VARCHAR,
  component VARCHAR, period_start DATE, period_end DATE, run_number BIGINT, basis_cents BIGINT,
  rate_ppm BIGINT, gross_cents BIGINT, pool_cents BIGINT, units BIGINT, total_units BIGINT,
  includes_ph BOOLEAN, ph_rate_ppm BIGINT, amount_cents BIGINT, ph_cents BIGINT, due_date DATE,
  note VARCHAR, params VARCHAR, unverified BOOLEAN
)"""

CONTEXTS = "line_contexts"
AMOUNTS = "line_amounts"

CONTEXTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {CONTEXTS} (
  context_no BIGINT, line_key UBIGINT, run_id BIGINT, agreement VARCHAR, formula_id VARCHAR, formula_version VARCHAR,
  title_id VARCHAR, exhibition_id VARCHAR, market VARCHAR, component VARCHAR, period_start DATE,
  period_end DATE, run_number BIGINT, basis_cents BIGINT, rate_ppm BIGINT, pool_cents BIGINT,
  includes_ph BOOLEAN, ph_rate_ppm BIGINT, due_date DATE, note VARCHAR, params VARCHAR, unverified BOOLEAN
)"""

# context_no numbers a run's contexts densely (cheap to store and join); line_key is stable from run
# to run (an md5 of the formula, exhibition and component). line_id is NULL for the engine's lines (the
# view derives it from line_key and the engagement) and kept as given for lines stored by store_lines.
AMOUNTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {AMOUNTS} (
  context_no BIGINT, performer_id VARCHAR, engagement_id VARCHAR, basis_cents BIGINT, rate_ppm BIGINT,
  gross_cents BIGINT, units BIGINT, total_units BIGINT, amount_cents BIGINT, ph_cents BIGINT,
  note VARCHAR, line_id VARCHAR
)"""

LINE_ID_SQL = "COALESCE(a.line_id, printf('L%016x-', c.line_key) || COALESCE(a.engagement_id, ''))"

VIEW_SQL = f"""
CREATE OR REPLACE VIEW residual_lines AS
SELECT {LINE_ID_SQL} AS line_id, c.run_id, c.agreement, c.formula_id, c.formula_version,
       a.performer_id, a.engagement_id, c.title_id, c.exhibition_id, c.market, c.component,
       c.period_start, c.period_end, c.run_number, COALESCE(a.basis_cents, c.basis_cents) AS basis_cents,
       COALESCE(a.rate_ppm, c.rate_ppm) AS rate_ppm, a.gross_cents, c.pool_cents, a.units, a.total_units,
       c.includes_ph, c.ph_rate_ppm, a.amount_cents, a.ph_cents, c.due_date,
       COALESCE(a.note, c.note) AS note, c.params, c.unverified
FROM {AMOUNTS} a JOIN {CONTEXTS} c USING (context_no)"""

_CONTEXT_COLUMNS = ("run_id", "agreement", "formula_id", "formula_version", "title_id", "exhibition_id", "market",
                    "component", "period_start", "period_end", "run_number", "pool_cents", "includes_ph",
                    "ph_rate_ppm", "due_date", "params", "unverified")
_AMOUNT_COLUMNS = ("performer_id", "engagement_id", "basis_cents", "rate_ppm", "gross_cents", "units",
                   "total_units", "amount_cents", "ph_cents", "note", "line_id")


def ensure_line_store(con: duckdb.DuckDBPyConnection) -> None:
    """Create the line tables and the residual_lines view, moving lines of a table-era store across."""
    old = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'residual_lines' "
                      "AND NOT temporary AND schema_name = current_schema()").fetchone()
    con.execute(CONTEXTS_DDL)
    con.execute(AMOUNTS_DDL)
    if old and old[0]:
        # A data directory from before the split: its lines keep their ids, their explanations, everything.
        con.execute("ALTER TABLE residual_lines RENAME TO residual_lines_v1")
        con.execute(VIEW_SQL)
        store_lines(con, "SELECT * FROM residual_lines_v1")
        con.execute("DROP TABLE residual_lines_v1")
    else:
        exists = con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'residual_lines' "
                             "AND schema_name = current_schema()").fetchone()
        if not (exists and exists[0]):
            con.execute(VIEW_SQL)


def store_lines(con: duckdb.DuckDBPyConnection, select_sql: str, params: Sequence[Any] = ()) -> int:
    """Append whole lines (every residual_lines column, by name) given by a query; returns how many.

    For lines made outside the engine (tests, imports): each keeps its line_id and gets a context of
    its own.
    """
    con.execute("DROP TABLE IF EXISTS _store_lines")
    # A temp table of the whole line shape takes the rows by name, so a query may leave columns out.
    con.execute(LINES_DDL.replace("CREATE TABLE IF NOT EXISTS residual_lines", "CREATE TEMP TABLE _store_lines", 1))
    try:
        con.execute(f"INSERT INTO _store_lines BY NAME {select_sql}", list(params))
        con.execute("ALTER TABLE _store_lines ADD COLUMN context_no BIGINT")
        con.execute(f"UPDATE _store_lines SET context_no = rowid + {next_context_no(con)}")
        con.execute(f"INSERT INTO {CONTEXTS} (context_no, line_key, {', '.join(_CONTEXT_COLUMNS)}) "
                    f"SELECT context_no, md5_number_upper(line_id), {', '.join(_CONTEXT_COLUMNS)} FROM _store_lines")
        row = con.execute(f"INSERT INTO {AMOUNTS} (context_no, {', '.join(_AMOUNT_COLUMNS)}) "
                          f"SELECT context_no, {', '.join(_AMOUNT_COLUMNS)} FROM _store_lines").fetchone()
    finally:
        con.execute("DROP TABLE IF EXISTS _store_lines")
    return int(row[0]) if row else 0


def next_context_no(con: duckdb.DuckDBPyConnection) -> int:
    """The first context number not yet used."""
    row = con.execute(f"SELECT COALESCE(max(context_no), -1) + 1 FROM {CONTEXTS}").fetchone()
    return int(row[0]) if row else 0


def clear_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Delete every stored line (the engine replaces a run's lines whole)."""
    con.execute(f"DELETE FROM {AMOUNTS}")
    con.execute(f"DELETE FROM {CONTEXTS}")
