"""Balance checks per (payer, title, performer, market, period): owed against paid, after Beancount's
balance assertion, each with its tolerance, its difference and the entry ids behind it.

Owed entries carry no payer (the engine does not know who pays); a title's payer is the one that
remits for it (the payer of most of its paid entries, ties to the first name), so owed and paid
meet in one key. A title nobody has remitted for keeps a NULL payer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from greenroom.ledger.entries import STORED, ensure_ledger, live_sql

BALANCES_TABLE = "ledger_balances"
KEY = ("payer", "title_id", "performer_id", "market", "period_start", "period_end")
_TITLE_PAYER = """title_payer AS (
  SELECT title_id, arg_min(payer, (-n, payer)) AS payer
  FROM (SELECT title_id, payer, count(*) AS n FROM ledger_entries
        WHERE kind = 'paid' AND reverses IS NULL GROUP BY ALL) GROUP BY title_id
)"""


@dataclass(frozen=True)
class Totals:
    """Ledger-wide sums: owed and paid to performers and to P&H."""

    owed_cents: int
    owed_ph_cents: int
    paid_cents: int
    paid_ph_cents: int

    @property
    def difference_cents(self) -> int:
        """Owed minus paid, performer and P&H together."""
        return self.owed_cents + self.owed_ph_cents - self.paid_cents - self.paid_ph_cents


def build_balances(con: duckdb.DuckDBPyConnection, tolerances: Mapping[str, int] | None = None,
                   default_tolerance: int = 0) -> int:
    """(Re)build the ledger_balances table from every entry; returns how many keys it holds.

    Columns: the key, owed/paid/diff cents for the performer and for P&H, tolerance_cents, ok
    (both differences within tolerance), due_date (earliest owed), last_paid_date, and owed_count /
    paid_count (live entries behind the key). The entries themselves are listed by key_entries, for
    the keys that need them: sorted id lists for every key were half of this table's cost.
    """
    ensure_ledger(con)
    tol = tolerances or {}
    # Sums over all entries equal sums over the live ones (a reversal cancels its entry); counts and dates
    # need the live ones, which takes a join only when something was ever reversed.
    reversed_any = con.execute(f"SELECT 1 FROM {STORED} WHERE reverses IS NOT NULL LIMIT 1").fetchone()
    live = "e.reverses IS NULL AND r.rid IS NULL" if reversed_any else "true"
    reversed_join = "LEFT JOIN reversed r ON r.rid = e.entry_id" if reversed_any else ""
    con.execute(f"""
CREATE OR REPLACE TABLE {BALANCES_TABLE} AS
WITH _tolerances AS (SELECT unnest(?::VARCHAR[]) AS payer, unnest(?::BIGINT[]) AS tolerance_cents),
reversed AS (SELECT DISTINCT reverses AS rid FROM {STORED} WHERE reverses IS NOT NULL),
{_TITLE_PAYER},
e AS (
  SELECT CASE WHEN e.kind = 'owed' THEN tp.payer ELSE e.payer END AS payer,
         e.title_id, e.performer_id, e.market, e.period_start, e.period_end, e.kind, e.account, e.cents,
         e.due_date, e.paid_date, {live} AS live
  FROM ledger_entries e {reversed_join}
  LEFT JOIN title_payer tp ON e.kind = 'owed' AND tp.title_id = e.title_id
),
k AS (
  SELECT {', '.join(KEY)},
    COALESCE(SUM(cents) FILTER (WHERE kind = 'owed' AND account = 'performer'), 0) AS owed_cents,
    COALESCE(SUM(cents) FILTER (WHERE kind = 'owed' AND account = 'ph'), 0) AS owed_ph_cents,
    COALESCE(SUM(cents) FILTER (WHERE kind = 'paid' AND account = 'performer'), 0) AS paid_cents,
    COALESCE(SUM(cents) FILTER (WHERE kind = 'paid' AND account = 'ph'), 0) AS paid_ph_cents,
    MIN(due_date) FILTER (WHERE kind = 'owed' AND live) AS due_date,
    MAX(paid_date) FILTER (WHERE kind = 'paid' AND live) AS last_paid_date,
    COUNT(*) FILTER (WHERE kind = 'owed' AND live) AS owed_count,
    COUNT(*) FILTER (WHERE kind = 'paid' AND live) AS paid_count
  FROM e GROUP BY ALL
)
SELECT k.*, CAST(owed_cents - paid_cents AS BIGINT) AS diff_cents,
       CAST(owed_ph_cents - paid_ph_cents AS BIGINT) AS diff_ph_cents,
       COALESCE(t.tolerance_cents, {int(default_tolerance)}) AS tolerance_cents,
       abs(owed_cents - paid_cents) <= COALESCE(t.tolerance_cents, {int(default_tolerance)})
         AND abs(owed_ph_cents - paid_ph_cents) <= COALESCE(t.tolerance_cents, {int(default_tolerance)}) AS ok
FROM k LEFT JOIN _tolerances t ON t.payer = k.payer
""", [list(tol), [int(v) for v in tol.values()]])
    row = con.execute(f"SELECT count(*) FROM {BALANCES_TABLE}").fetchone()
    return int(row[0]) if row else 0


def key_entries(keys: str) -> str:
    """SQL for the live entries behind the balances in keys, each with its key's k.

    keys is a table or subquery with a column k and the balance key's columns, taken from ledger_balances
    as the last build_balances left it. Owed entries carry no payer: they belong to the key with their
    title, performer, market and period that has owed entries (a title has one payer, so there is one).
    """
    key = " AND ".join(f"e.{c} IS NOT DISTINCT FROM b.{c}" for c in KEY[1:])
    return f"""SELECT b.k, e.* FROM ({live_sql()}) e JOIN {keys} b ON {key}
        AND CASE WHEN e.kind = 'owed' THEN b.owed_count > 0 ELSE e.payer IS NOT DISTINCT FROM b.payer END"""


def ledger_totals(con: duckdb.DuckDBPyConnection) -> Totals:
    """Owed and paid over every entry (reversals net out)."""
    ensure_ledger(con)
    row = con.execute("""SELECT
        COALESCE(SUM(cents) FILTER (WHERE kind = 'owed' AND account = 'performer'), 0),
        COALESCE(SUM(cents) FILTER (WHERE kind = 'owed' AND account = 'ph'), 0),
        COALESCE(SUM(cents) FILTER (WHERE kind = 'paid' AND account = 'performer'), 0),
        COALESCE(SUM(cents) FILTER (WHERE kind = 'paid' AND account = 'ph'), 0) FROM ledger_entries""").fetchone()
    assert row is not None
    return Totals(*(int(v) for v in row))
