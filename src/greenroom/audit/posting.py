"""Post the engine's lines (owed) and the matched remittance rows (paid) to the ledger, idempotently."""

from __future__ import annotations

import duckdb

from greenroom.audit.tables import ensure_audit_tables
from greenroom.consent.compensation import TABLE as AI_LINES
from greenroom.consent.compensation import ensure_table as ensure_ai_lines
from greenroom.consent.compensation import last_run as ai_last_run
from greenroom.ledger.entries import (
    OWED,
    PAID,
    PostResult,
    batch_posted,
    has_entries,
    has_stored_entries,
    post_by_reference,
    sync,
)
from greenroom.residuals.engine import ensure_output_tables
from greenroom.residuals.store import CONTEXTS, retain_run

_ACCOUNTS = "(VALUES ('performer'), ('ph')) a(account)"

_LINE_COLUMNS = ("line_id, agreement, formula_id, formula_version, performer_id, title_id, market, component, "
                 "period_start, period_end, amount_cents, ph_cents, due_date, params")
# The engine's residual lines and the consent registry's AI-compensation lines (same columns) are owed alike.
OWED_LINES = (f"(SELECT {_LINE_COLUMNS} FROM residual_lines UNION ALL "
              f"SELECT {_LINE_COLUMNS} FROM {AI_LINES})")

_OWED_SELECT = f"""
SELECT line_id AS source_id, a.account,
       CASE a.account WHEN 'performer' THEN amount_cents ELSE ph_cents END AS cents,
       NULL::VARCHAR AS payer, title_id, performer_id, market, period_start, period_end, due_date,
       NULL::DATE AS paid_date, formula_id || '@' || formula_version AS reference, component AS memo
FROM {{lines}} CROSS JOIN {_ACCOUNTS}"""
OWED_SOURCE = _OWED_SELECT.format(lines=OWED_LINES)


PAID_SOURCE = f"""
SELECT row_id AS source_id, a.account,
       CASE a.account WHEN 'performer' THEN amount_cents ELSE ph_cents END AS cents,
       payer, title_id, performer_id, market, period_start, period_end, NULL::DATE AS due_date, paid_date,
       check_number AS reference, file_name || ' row ' || row_number AS memo
FROM remittance_rows CROSS JOIN {_ACCOUNTS}"""


PAID_THROUGH_DDL = """
CREATE TABLE IF NOT EXISTS ledger_paid_through (batch_id VARCHAR PRIMARY KEY, loaded_through TIMESTAMP NOT NULL)"""
# Each paid batch posted by reference covers the remittance rows loaded after the previous batch's stamp up to
# its own; rows are only ever added, each stamped when loaded, so a batch's rows never change.


def engine_run_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run the stored residual lines come from (None when nothing was computed)."""
    ensure_output_tables(con)
    # The contexts carry the run: no need to join every line to them.
    row = con.execute(f"SELECT max(run_id) FROM {CONTEXTS}").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def ai_lines_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many AI-compensation lines are stored."""
    ensure_ai_lines(con)
    row = con.execute(f"SELECT count(*) FROM {AI_LINES}").fetchone()
    return int(row[0]) if row else 0


def owed_lines(con: duckdb.DuckDBPyConnection) -> str:
    """The owed lines to read: residual_lines alone while there are no AI-compensation lines (no union to pay)."""
    return OWED_LINES if ai_lines_count(con) else "residual_lines"


def post_owed(con: duckdb.DuckDBPyConnection) -> PostResult | None:
    """Post the current engine run's lines and the stored AI-compensation lines as owed entries (None when
    neither was ever computed).

    Together they are the whole truth about what is owed: a line whose amount changed is reversed and
    posted again, a line no longer there is reversed. The batch is named by the engine run and the
    AI-compensation run (both only grow), so posting the same state twice does nothing.
    """
    run = engine_run_id(con)
    ai_run = ai_last_run(con)
    if run is None and ai_run is None:
        return None
    batch = f"engine-run:{run}" if run is not None else "engine-run:none"
    note = f"residual lines of run {run}" if run is not None else "no residual lines"
    lines = owed_lines(con)
    if ai_run is not None:
        batch += f"+ai-run:{ai_run}"
        note += f" and AI-compensation run {ai_run}"
    if batch_posted(con, batch):
        return PostResult(batch, 0, 0, already=True)
    if run is not None and _one_run(con) and not has_entries(con, OWED):
        # The first posting, the big one: the run's lines are kept unchanged and read in place. The AI lines
        # (few, and replaced by each AI run) are copied. Engine line ids are unique by construction (a row's
        # key plus the engagement) and the store refuses repeated ids of lines stored by others.
        ensure_ai_lines(con)
        return sync(con, batch, OWED, _OWED_SELECT.format(lines=AI_LINES), complete=True, note=note,
                    source_ids=f"SELECT line_id AS source_id FROM {AI_LINES}",
                    frozen_sql=_OWED_SELECT.format(lines=retain_run(con, run)))
    return sync(con, batch, OWED, _OWED_SELECT.format(lines=lines), complete=True, note=note,
                source_ids=f"SELECT line_id AS source_id FROM {lines}")


def _one_run(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every stored line belongs to one run."""
    row = con.execute(f"SELECT count(DISTINCT run_id) FROM {CONTEXTS}").fetchone()
    return bool(row and row[0] == 1)


def post_paid(con: duckdb.DuckDBPyConnection) -> PostResult:
    """Post matched remittance rows not posted yet as paid entries; rows already posted change nothing."""
    ensure_audit_tables(con)
    row = con.execute("SELECT count(*) FROM remittance_rows").fetchone()
    rows = int(row[0]) if row else 0
    # Rows are only ever added, so their count names the state being posted.
    batch, note = f"remittances:{rows}", f"{rows} remittance rows"
    keyed = _row_id_is_key(con)
    if has_stored_entries(con, PAID) or not keyed:
        # A ledger that copied paid entries before batches by reference (or rows without their key): keep
        # comparing against them.
        return sync(con, batch, PAID, PAID_SOURCE, complete=False, note=note, keyed=keyed)
    if batch_posted(con, batch):
        return PostResult(batch, 0, 0, already=True)
    con.execute(PAID_THROUGH_DDL)
    bounds = con.execute("""SELECT (SELECT max(loaded_through) FROM ledger_paid_through),
        (SELECT max(loaded_at) FROM remittance_rows)""").fetchone()
    after, through = bounds if bounds else (None, None)
    if through is None or (after is not None and through <= after):
        return PostResult(batch, 0, 0)
    since = f"loaded_at > TIMESTAMP '{after.isoformat(sep=' ')}' AND " if after is not None else ""
    return post_by_reference(con, batch, PAID, f"{PAID_SOURCE} WHERE {since}"
                             f"loaded_at <= TIMESTAMP '{through.isoformat(sep=' ')}'", note=note,
                             also=("INSERT INTO ledger_paid_through VALUES (?, ?)", [batch, through]))


def _row_id_is_key(con: duckdb.DuckDBPyConnection) -> bool:
    """True when remittance_rows.row_id is the table's PRIMARY KEY (as its DDL makes it), so ids cannot repeat."""
    rows = con.execute("""SELECT constraint_column_names FROM duckdb_constraints()
        WHERE table_name = 'remittance_rows' AND constraint_type = 'PRIMARY KEY'""").fetchall()
    return any(list(r[0]) == ["row_id"] for r in rows)
