"""Post the engine's lines (owed) and the matched remittance rows (paid) to the ledger, idempotently."""

from __future__ import annotations

import duckdb

from greenroom.audit.tables import ensure_audit_tables
from greenroom.ledger.entries import OWED, PAID, PostResult, sync
from greenroom.residuals.engine import ensure_output_tables

_ACCOUNTS = "(VALUES ('performer'), ('ph')) a(account)"

OWED_SOURCE = f"""
SELECT line_id AS source_id, a.account,
       CASE a.account WHEN 'performer' THEN amount_cents ELSE ph_cents END AS cents,
       NULL::VARCHAR AS payer, title_id, performer_id, market, period_start, period_end, due_date,
       NULL::DATE AS paid_date, formula_id || '@' || formula_version AS reference, component AS memo
FROM residual_lines CROSS JOIN {_ACCOUNTS}"""

PAID_SOURCE = f"""
SELECT row_id AS source_id, a.account,
       CASE a.account WHEN 'performer' THEN amount_cents ELSE ph_cents END AS cents,
       payer, title_id, performer_id, market, period_start, period_end, NULL::DATE AS due_date, paid_date,
       check_number AS reference, file_name || ' row ' || row_number AS memo
FROM remittance_rows CROSS JOIN {_ACCOUNTS}"""


def engine_run_id(con: duckdb.DuckDBPyConnection) -> int | None:
    """The run the stored residual lines come from (None when nothing was computed)."""
    ensure_output_tables(con)
    row = con.execute("SELECT max(run_id) FROM residual_lines").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def post_owed(con: duckdb.DuckDBPyConnection) -> PostResult | None:
    """Post the current engine run's lines as owed entries (None when there are no lines to post).

    The run is the whole truth about what is owed: a line whose amount changed is reversed and
    posted again, a line the run no longer has is reversed. Posting the same run twice does nothing.
    """
    run = engine_run_id(con)
    if run is None:
        return None
    return sync(con, f"engine-run:{run}", OWED, OWED_SOURCE, complete=True, note=f"residual lines of run {run}")


def post_paid(con: duckdb.DuckDBPyConnection) -> PostResult:
    """Post matched remittance rows not posted yet as paid entries; rows already posted change nothing."""
    ensure_audit_tables(con)
    row = con.execute("SELECT count(*) FROM remittance_rows").fetchone()
    rows = int(row[0]) if row else 0
    # Rows are only ever added, so their count names the state being posted.
    return sync(con, f"remittances:{rows}", PAID, PAID_SOURCE, complete=False, note=f"{rows} remittance rows")
