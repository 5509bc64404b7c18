"""Report data as plain rows (dicts), for the CLI now and for HTML/PDF reports later.

Balances come from ledger_balances as the last `greenroom audit run` left it; findings from the
application database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb

from greenroom.audit.models import CLAIMED, OPEN
from greenroom.audit.workflow import query_findings
from greenroom.config import Settings
from greenroom.ledger.balance import BALANCES_TABLE
from greenroom.store import analytics
from greenroom.store.db import session_factory

NO_PAYER = "(no payer yet)"


def _has_balances(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                      [BALANCES_TABLE]).fetchone()
    return row is not None and row[0] > 0


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _open_findings(settings: Settings, performer_id: str | None = None) -> dict[str, list[Any]]:
    """Open or claimed findings, by payer."""
    sessions = session_factory(settings)
    out: dict[str, list[Any]] = defaultdict(list)
    for status in (OPEN, CLAIMED):
        for f in query_findings(sessions, status=status, performer_id=performer_id):
            out[f.payer or NO_PAYER].append(f)
    return out


_TOTALS = """sum(owed_cents) AS owed_cents, sum(owed_ph_cents) AS owed_ph_cents, sum(paid_cents) AS paid_cents,
  sum(paid_ph_cents) AS paid_ph_cents, sum(diff_cents) AS difference_cents, sum(diff_ph_cents) AS ph_difference_cents,
  count(*) AS keys, count(*) FILTER (WHERE NOT ok) AS keys_not_ok"""


def payer_report(settings: Settings) -> list[dict[str, Any]]:
    """Per payer: owed, paid and the difference (performer and P&H), keys checked, open findings by type."""
    with analytics.connect(settings) as con:
        if not _has_balances(con):
            return []
        rows = _rows(con, f"SELECT COALESCE(payer, '{NO_PAYER}') AS payer, {_TOTALS} "
                          f"FROM {BALANCES_TABLE} GROUP BY 1 ORDER BY 1")
    findings = _open_findings(settings)
    for r in rows:
        by_type: dict[str, int] = defaultdict(int)
        for f in findings.get(r["payer"], []):
            by_type[f.type] += 1
        r["open_findings"] = dict(sorted(by_type.items()))
    return rows


def title_report(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Per title (optionally of one payer): its name, owed, paid, difference and keys not balancing."""
    where = "WHERE b.payer = ?" if payer else ""
    with analytics.connect(settings) as con:
        if not _has_balances(con):
            return []
        return _rows(con, f"""SELECT COALESCE(b.payer, '{NO_PAYER}') AS payer, b.title_id, any_value(t.name) AS name,
            {_TOTALS} FROM {BALANCES_TABLE} b LEFT JOIN titles t USING (title_id) {where}
            GROUP BY 1, 2 ORDER BY 1, 2""", [payer] if payer else [])


def member_statement(settings: Settings, performer_id: str) -> list[dict[str, Any]]:
    """For one performer: each title, market and period with owed, paid, difference and open findings."""
    with analytics.connect(settings) as con:
        if not _has_balances(con):
            return []
        rows = _rows(con, f"""SELECT COALESCE(b.payer, '{NO_PAYER}') AS payer, b.title_id, t.name, b.market,
            b.period_start, b.period_end, b.due_date, b.owed_cents, b.owed_ph_cents, b.paid_cents, b.paid_ph_cents,
            b.diff_cents AS difference_cents, b.diff_ph_cents AS ph_difference_cents, b.last_paid_date
            FROM {BALANCES_TABLE} b LEFT JOIN titles t USING (title_id) WHERE b.performer_id = ?
            ORDER BY b.period_start, b.title_id, b.market""", [performer_id])
    by_key: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for fs in _open_findings(settings, performer_id).values():
        for f in fs:
            by_key[(f.title_id, f.market, f.period_start, f.period_end)].append(f"{f.type} #{f.id}")
    for r in rows:
        r["findings"] = by_key.get((r["title_id"], r["market"], r["period_start"], r["period_end"]), [])
    return rows


def findings_report(settings: Settings) -> list[dict[str, Any]]:
    """Findings counted by type, payer and status, with the money involved and the interest due."""
    sessions = session_factory(settings)
    acc: dict[tuple[str, str, str], dict[str, Any]] = {}
    for f in query_findings(sessions):
        k = (f.type, f.payer or NO_PAYER, f.status)
        row = acc.setdefault(k, {"type": k[0], "payer": k[1], "status": k[2], "findings": 0, "difference_cents": 0,
                                 "ph_difference_cents": 0, "interest_cents": 0})
        row["findings"] += 1
        row["difference_cents"] += f.difference_cents
        row["ph_difference_cents"] += f.ph_difference_cents
        row["interest_cents"] += f.interest_cents
    return [acc[k] for k in sorted(acc)]
