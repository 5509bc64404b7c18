"""Report data as plain rows (dicts), for the CLI, the HTML/PDF reports and the web app.

Balances come from ledger_balances as the last `greenroom audit run` left it; findings from the
application database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
from sqlalchemy import func, select

from greenroom.audit.models import CLAIMED, OPEN, AuditRun, Finding, HeldRow, RemittanceFile
from greenroom.audit.workflow import query_findings
from greenroom.config import Settings
from greenroom.consent.compensation import RUNS_TABLE as AI_RUNS
from greenroom.consent.compensation import UNKNOWN_TABLE as AI_UNKNOWN
from greenroom.consent.compensation import unknown_amounts
from greenroom.ledger.balance import BALANCES_TABLE
from greenroom.store import analytics
from greenroom.store.db import session_factory

NO_PAYER = "(no payer yet)"

AI_UNKNOWN_ROWS = 200
"""AI-compensation amounts the consent registry could not work out, listed in the report (the rest counted)."""


def _has(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return analytics.relation_type(con, name) is not None


def has_balances(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether an audit run has built the balances table."""
    return _has(con, BALANCES_TABLE)


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def open_findings(settings: Settings, performer_id: str | None = None) -> dict[str, list[Any]]:
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


def _where_payer(payer: str | None, alias: str = "") -> tuple[str, list[Any]]:
    """A WHERE clause for one payer (NO_PAYER: titles nobody has remitted for), or none."""
    if payer is None:
        return "", []
    if payer == NO_PAYER:
        return f"WHERE {alias}payer IS NULL", []
    return f"WHERE {alias}payer = ?", [payer]


def payer_report(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Per payer (or just one): owed, paid and the difference (performer and P&H), keys checked, open findings."""
    where, params = _where_payer(payer)
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return []
        rows = query_rows(con, f"SELECT COALESCE(payer, '{NO_PAYER}') AS payer, {_TOTALS} "
                               f"FROM {BALANCES_TABLE} {where} GROUP BY 1 ORDER BY 1", params)
    by_payer: dict[str, dict[str, int]] = defaultdict(dict)
    for g in finding_groups(settings, (OPEN, CLAIMED)):
        by_payer[g["payer"]][g["type"]] = by_payer[g["payer"]].get(g["type"], 0) + g["findings"]
    for r in rows:
        r["open_findings"] = dict(sorted(by_payer.get(r["payer"], {}).items()))
    return rows


def finding_groups(settings: Settings, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """Findings counted by type, payer (NO_PAYER when none yet) and status, with their money, summed in SQL.

    Loading every finding with its evidence to count them took minutes on the whole demo union (90,000).
    """
    stmt = select(Finding.type, Finding.payer, Finding.status, func.count(Finding.id),
                  func.sum(Finding.difference_cents), func.sum(Finding.ph_difference_cents),
                  func.sum(Finding.interest_cents)).group_by(Finding.type, Finding.payer, Finding.status)
    if statuses is not None:
        stmt = stmt.where(Finding.status.in_(statuses))
    acc: dict[tuple[str, str, str], dict[str, Any]] = {}
    with session_factory(settings)() as db:
        for type_, payer, status, n, diff, ph, interest in db.execute(stmt):
            k = (str(type_), payer or NO_PAYER, str(status))
            row = acc.setdefault(k, {"type": k[0], "payer": k[1], "status": k[2], "findings": 0,
                                     "difference_cents": 0, "ph_difference_cents": 0, "interest_cents": 0})
            row["findings"] += int(n)
            row["difference_cents"] += int(diff or 0)
            row["ph_difference_cents"] += int(ph or 0)
            row["interest_cents"] += int(interest or 0)
    return [acc[k] for k in sorted(acc)]


def title_report(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Per title (optionally of one payer): its name, owed, paid, difference and keys not balancing."""
    where, params = _where_payer(payer, "b.")
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return []
        return query_rows(con, f"""SELECT COALESCE(b.payer, '{NO_PAYER}') AS payer, b.title_id,
            any_value(t.name) AS name, {_TOTALS} FROM {BALANCES_TABLE} b LEFT JOIN titles t USING (title_id)
            {where} GROUP BY 1, 2 ORDER BY 1, 2""", params)


def totals(settings: Settings, payer: str | None = None) -> dict[str, Any]:
    """Owed, paid and the difference over all balances (or one payer's), with keys checked and not balancing."""
    where, params = _where_payer(payer)
    empty = {"owed_cents": 0, "owed_ph_cents": 0, "paid_cents": 0, "paid_ph_cents": 0, "difference_cents": 0,
             "ph_difference_cents": 0, "keys": 0, "keys_not_ok": 0}
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return empty
        rows = query_rows(con, f"SELECT {_TOTALS} FROM {BALANCES_TABLE} {where}", params)
    return {k: int(v or 0) for k, v in rows[0].items()} if rows else empty


def last_run(settings: Settings) -> AuditRun | None:
    """The latest finished audit run (None before the first)."""
    with session_factory(settings)() as s:
        return s.scalars(select(AuditRun).where(AuditRun.finished_at.is_not(None))
                         .order_by(AuditRun.id.desc()).limit(1)).first()


def member_statement(settings: Settings, performer_id: str) -> list[dict[str, Any]]:
    """For one performer: each title, market and period with owed, paid, difference and open findings."""
    with analytics.connect(settings) as con:
        if not has_balances(con):
            return []
        rows = query_rows(con, f"""SELECT COALESCE(b.payer, '{NO_PAYER}') AS payer, b.title_id, t.name, b.market,
            b.period_start, b.period_end, b.due_date, b.owed_cents, b.owed_ph_cents, b.paid_cents, b.paid_ph_cents,
            b.diff_cents AS difference_cents, b.diff_ph_cents AS ph_difference_cents, b.last_paid_date
            FROM {BALANCES_TABLE} b LEFT JOIN titles t USING (title_id) WHERE b.performer_id = ?
            ORDER BY b.period_start, b.title_id, b.market""", [performer_id])
    by_key: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for fs in open_findings(settings, performer_id).values():
        for f in fs:
            by_key[(f.title_id, f.market, f.period_start, f.period_end)].append(f"{f.type} #{f.id}")
    for r in rows:
        r["findings"] = by_key.get((r["title_id"], r["market"], r["period_start"], r["period_end"]), [])
    return rows


def findings_report(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Findings counted by type, payer and status, with the money involved and the interest due."""
    return [g for g in finding_groups(settings) if payer is None or g["payer"] == payer]


def files_report(settings: Settings, payer: str | None = None) -> list[dict[str, Any]]:
    """Each remittance file loaded: rows read = matched + queued + rejected + duplicates."""
    stmt = select(RemittanceFile).order_by(RemittanceFile.id)
    if payer is not None:
        stmt = stmt.where(RemittanceFile.payer == payer)
    with session_factory(settings)() as s:
        return [{"id": f.id, "payer": f.payer, "file": f.file_name, "status": f.status, "rows_read": f.rows_read,
                 "matched": f.matched, "queued": f.queued, "rejected": f.rejected, "duplicates": f.duplicates,
                 "loaded_at": f.loaded_at} for f in s.scalars(stmt)]


def held_report(settings: Settings, payer: str | None = None, examples: int = 3) -> list[dict[str, Any]]:
    """Rows not loaded, by payer, disposition (queued, rejected, duplicate) and status, with example reasons."""
    stmt = select(HeldRow).order_by(HeldRow.id)
    if payer is not None:
        stmt = stmt.where(HeldRow.payer == payer)
    acc: dict[tuple[str, str, str], dict[str, Any]] = {}
    with session_factory(settings)() as s:
        for h in s.scalars(stmt):
            row = acc.setdefault((h.payer, h.disposition, h.status),
                                 {"payer": h.payer, "disposition": h.disposition, "status": h.status, "rows": 0,
                                  "examples": []})
            row["rows"] += 1
            if len(row["examples"]) < examples:
                row["examples"].append(f"row {h.row_number}: {h.reason}")
    return [acc[k] for k in sorted(acc)]


def ai_unknown_report(settings: Settings, payer: str | None = None, limit: int = AI_UNKNOWN_ROWS) -> dict[str, Any]:
    """The AI compensation the consent registry's last posted run could not price: how many, the first limit
    (performer, project and its title name, producer, use or session, why), and that run's own count.

    For one payer only the items whose producer is that payer are listed; the others are counted, not dropped.
    """
    out: dict[str, Any] = {"recorded": False, "run_id": None, "stored_at": None, "not_priced": None, "count": 0,
                           "rows": [], "more": 0, "other_producers": 0, "warning": ""}
    with analytics.connect(settings) as con:
        # Only read: before the consent registry has posted a run there is nothing to report, and the report
        # must not create the registry's tables.
        if not _has(con, AI_UNKNOWN):
            return out
        out["recorded"] = True
        items = unknown_amounts(con)
        names: dict[str, str] = {}
        if _has(con, "titles"):
            projects = sorted({str(r["title_id"]) for r in items if r["title_id"]})
            if projects:
                names = {str(t): str(n) for t, n in con.execute(
                    "SELECT title_id, name FROM titles WHERE title_id IN (SELECT unnest(?))", [projects]).fetchall()}
        if _has(con, AI_RUNS):
            run = con.execute(f"SELECT run_id, stored_at, not_priced FROM {AI_RUNS} "
                              "ORDER BY run_id DESC LIMIT 1").fetchone()
            if run is not None:
                out["run_id"], out["not_priced"] = int(run[0]), None if run[2] is None else int(run[2])
                out["stored_at"] = run[1].isoformat(sep=" ") if run[1] is not None else None
    if payer is not None:
        mine = [r for r in items if (r["producer"] or "").strip().casefold() == payer.strip().casefold()]
        out["other_producers"] = len(items) - len(mine)
        items = mine
    out["count"] = len(items)
    out["rows"] = [{"run_id": r["run_id"], "performer_id": r["performer_id"] or "", "project": r["title_id"] or "",
                    "title": names.get(str(r["title_id"]), ""), "producer": r["producer"] or "",
                    "subject_id": r["subject_id"] or "", "reason": r["reason"] or ""} for r in items[:limit]]
    out["more"] = len(items) - len(out["rows"])
    if out["not_priced"] is not None and not out["other_producers"] and out["not_priced"] != out["count"]:
        # The run's own count and the stored items disagree: something was written or lost outside the run.
        out["warning"] = (f" Warning: compensation run {out['run_id']} recorded {out['not_priced']:,} not priced; "
                          f"{out['count']:,} are stored.")
    return out
