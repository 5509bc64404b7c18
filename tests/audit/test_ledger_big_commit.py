"""Posting more than one DuckDB row group at once still leaves every entry visible to the balance check.

DuckDB 2.0.0 lost sight of ledger_entries on the posting connection after a commit of more than 122,880
rows (one row group): an audit of 62,000 lines found no balances at all. The ledger checkpoints after
each posting; this holds it on the smallest size that showed the problem.
"""

from __future__ import annotations

from greenroom.audit.posting import post_owed, post_paid
from greenroom.audit.tables import ensure_audit_tables
from greenroom.ledger.balance import build_balances, ledger_totals
from greenroom.store.analytics import connect

from .conftest import write_lines

LINES = 62_000  # 124,000 owed entries (performer + P&H): just over one row group


def test_balances_see_every_entry_after_a_big_posting(settings) -> None:
    with connect(settings) as con:
        ensure_audit_tables(con)
        write_lines(con, f"""SELECT 'L' || i AS line_id, 1::BIGINT AS run_id,
            'sag-aftra-tv-theatrical' AS agreement, 'f' AS formula_id, '1' AS formula_version,
            'P' || (i % 500) AS performer_id, 'T' || (i // 500) AS title_id, 'syndication' AS market,
            DATE '2021-01-01' AS period_start, DATE '2021-01-01' AS period_end, 1000::BIGINT AS amount_cents,
            175::BIGINT AS ph_cents, DATE '2021-02-01' AS due_date FROM range({LINES}) t(i)""")
        con.execute(f"""INSERT INTO remittance_rows BY NAME SELECT 'r' || i AS row_id, 1 AS file_id,
            1 + i AS row_number, 'Northlight' AS payer, 'C' || i AS check_number, 'T' || (i // 500) AS title_id,
            'id' AS title_match, 'P' || (i % 500) AS performer_id, 'syndication' AS market,
            DATE '2021-01-01' AS period_start, DATE '2021-01-01' AS period_end, 1000::BIGINT AS amount_cents,
            175::BIGINT AS ph_cents, DATE '2021-01-20' AS paid_date, 'USD' AS currency,
            TIMESTAMP '2021-01-20 00:00:00' AS loaded_at FROM range({LINES}) t(i)""")
        assert post_owed(con) is not None
        post_paid(con)
        assert build_balances(con) == LINES
        totals = ledger_totals(con)
        row = con.execute("SELECT count(*) FILTER (WHERE ok), sum(paid_cents) FROM ledger_balances").fetchone()
    assert totals.owed_cents == totals.paid_cents == LINES * 1000
    assert row == (LINES, LINES * 1000)
