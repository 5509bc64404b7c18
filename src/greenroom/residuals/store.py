"""How residual lines are stored: each formula row's context once, each performer's amounts per line,
and residual_lines a view joining the two back into one row per line.

A basic-cable pool shared by forty performers has one explanation, one due date and one exhibition;
storing them once rather than forty times is most of what makes the engine fast. Readers see the
same residual_lines columns as ever.

A run posted to the ledger is retained: the ledger reads its lines in place instead of copying them
(retain_run), so the next run moves them aside, whole and unchanged, rather than deleting them.
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


RETAINED = "line_runs_retained"
RETAINED_DDL = f"CREATE TABLE IF NOT EXISTS {RETAINED} (run_id BIGINT PRIMARY KEY, archive INTEGER)"
"""Runs whose lines are kept unchanged for good, and the archive number of the tables they are in (NULL while
they are still the current tables')."""


class FrozenRunError(ValueError):
    """Lines added to a run whose lines are retained, which must never change."""


def ensure_line_store(con: duckdb.DuckDBPyConnection) -> None:
    """Create the line tables and the residual_lines view, moving lines of a table-era store across."""
    con.execute(RETAINED_DDL)
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
    its own. Refuses lines of a retained run, and line ids given twice or already stored.
    """
    con.execute("DROP TABLE IF EXISTS _store_lines")
    # A temp table of the whole line shape takes the rows by name, so a query may leave columns out.
    con.execute(LINES_DDL.replace("CREATE TABLE IF NOT EXISTS residual_lines", "CREATE TEMP TABLE _store_lines", 1))
    try:
        con.execute(f"INSERT INTO _store_lines BY NAME {select_sql}", list(params))
        _check_storable(con)
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


def _check_storable(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse the lines in _store_lines that would change a retained run or repeat a line id."""
    frozen = con.execute(f"""SELECT DISTINCT s.run_id FROM _store_lines s JOIN {RETAINED} r USING (run_id)
        WHERE r.archive IS NULL ORDER BY 1 LIMIT 1""").fetchone()
    if frozen:
        raise FrozenRunError(f"the lines of run {frozen[0]} were posted to the ledger and cannot change; "
                             "store them as a new run")
    # The ledger posts lines by id: two lines with one id would be one entry.
    twice = con.execute(f"""SELECT line_id FROM (SELECT line_id FROM _store_lines WHERE line_id IS NOT NULL
        GROUP BY line_id HAVING count(*) > 1 UNION ALL SELECT s.line_id FROM _store_lines s
        JOIN {AMOUNTS} a ON a.line_id = s.line_id) LIMIT 1""").fetchone()
    if twice:
        raise ValueError(f"line id {twice[0]!r} is given twice or already stored; line ids must be unique")


def retain_run(con: duckdb.DuckDBPyConnection, run_id: int) -> str:
    """Keep a run's lines unchanged for good; returns the view that reads them wherever they are kept."""
    ensure_line_store(con)
    con.execute(f"INSERT INTO {RETAINED} VALUES (?, NULL) ON CONFLICT DO NOTHING", [int(run_id)])
    row = con.execute(f"SELECT archive FROM {RETAINED} WHERE run_id = ?", [int(run_id)]).fetchone()
    _run_view(con, int(run_id), row[0] if row else None)
    return run_view(int(run_id))


def run_view(run_id: int) -> str:
    """The name of the view over a retained run's lines (residual_lines' columns)."""
    return f"residual_lines_run_{int(run_id)}"


def _run_view(con: duckdb.DuckDBPyConnection, run_id: int, archive: int | None) -> None:
    amounts, contexts = (AMOUNTS, CONTEXTS) if archive is None else _archived(archive)
    view = VIEW_SQL.replace("VIEW residual_lines AS", f"VIEW {run_view(run_id)} AS", 1)
    view = view.replace(f"FROM {AMOUNTS} a JOIN {CONTEXTS} c", f"FROM {amounts} a JOIN {contexts} c", 1)
    con.execute(f"{view} WHERE c.run_id = {int(run_id)}")


def _archived(archive: int) -> tuple[str, str]:
    return f"{AMOUNTS}_{archive}", f"{CONTEXTS}_{archive}"


def clear_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Empty the line store for a new run; lines of retained runs are moved aside whole, never deleted."""
    con.execute(RETAINED_DDL)
    held = [int(r[0]) for r in con.execute(f"SELECT run_id FROM {RETAINED} WHERE archive IS NULL").fetchall()]
    if held:
        # Renaming moves millions of lines at no cost; the retained runs' views follow them.
        row = con.execute(f"SELECT COALESCE(max(archive), 0) + 1 FROM {RETAINED}").fetchone()
        archive = int(row[0]) if row else 1
        amounts, contexts = _archived(archive)
        con.execute(f"ALTER TABLE {AMOUNTS} RENAME TO {amounts}")
        con.execute(f"ALTER TABLE {CONTEXTS} RENAME TO {contexts}")
        con.execute(f"UPDATE {RETAINED} SET archive = ? WHERE archive IS NULL", [archive])
        kept = ", ".join(map(str, held))
        con.execute(f"DELETE FROM {amounts} WHERE context_no IN (SELECT context_no FROM {contexts} "
                    f"WHERE run_id NOT IN ({kept}))")
        con.execute(f"DELETE FROM {contexts} WHERE run_id NOT IN ({kept})")
        for run_id in held:
            _run_view(con, run_id, archive)
    else:
        # Dropping is far cheaper than deleting every row of a large run.
        con.execute(f"DROP TABLE {AMOUNTS}")
        con.execute(f"DROP TABLE {CONTEXTS}")
    con.execute(CONTEXTS_DDL)
    con.execute(AMOUNTS_DDL)
