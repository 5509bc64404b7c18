"""Read-only queries the pages and the API share, over the analytics tables (DuckDB).

Every member-facing query takes the performer id as a parameter: callers pass the signed-in member's
own id, never one from the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from greenroom.ledger.balance import BALANCES_TABLE
from greenroom.web.analytics import has_table

GROUPS = {"title": "l.title_id", "market": "l.market", "period": "quarter"}
LINE_COLUMNS = ("line_id", "performer_id", "title_id", "title_name", "market", "component", "period_start",
                "period_end", "amount_cents", "ph_cents", "due_date", "unverified")


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def quarter_label(day: dt.date) -> str:
    """'2024-Q3' for a date."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter label like '2024-Q3' (ValueError otherwise)."""
    year_s, _, q_s = label.partition("-Q")
    year, q = int(year_s), int(q_s)
    if not 1 <= q <= 4:
        raise ValueError(f"bad quarter {label!r}")
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - dt.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class LineFilter:
    """Filters for residual lines; performer_id is set by the server for members."""

    performer_id: str | None = None
    title_id: str | None = None
    market: str | None = None
    component: str | None = None
    quarter: str | None = None
    text: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        """SQL conditions and parameters."""
        conds: list[str] = []
        args: list[Any] = []
        for col, val in (("l.performer_id", self.performer_id), ("l.title_id", self.title_id),
                         ("l.market", self.market), ("l.component", self.component)):
            if val:
                conds.append(f"{col} = ?")
                args.append(val)
        if self.quarter:
            start, end = quarter_bounds(self.quarter)
            conds.append("l.period_start BETWEEN ? AND ?")
            args += [start, end]
        if self.text:
            conds.append("(t.name ILIKE ? OR l.title_id = ? OR l.line_id = ?)")
            args += [f"%{self.text}%", self.text, self.text]
        return (" WHERE " + " AND ".join(conds)) if conds else "", args


_LINES_FROM = "FROM residual_lines l LEFT JOIN titles t USING (title_id)"


def lines(con: duckdb.DuckDBPyConnection, f: LineFilter, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Residual lines matching the filter, newest period first."""
    if not has_table(con, "residual_lines"):
        return []
    where, args = f.where()
    return _rows(con.execute(
        f"SELECT l.line_id, l.performer_id, l.title_id, t.name AS title_name, l.market, l.component, "
        f"l.period_start, l.period_end, l.amount_cents, l.ph_cents, l.due_date, l.unverified {_LINES_FROM}{where} "
        f"ORDER BY l.period_start DESC, l.line_id LIMIT ? OFFSET ?", [*args, limit, offset]))


def count_lines(con: duckdb.DuckDBPyConnection, f: LineFilter) -> tuple[int, int, int]:
    """How many lines match, and their amount and P&H totals."""
    if not has_table(con, "residual_lines"):
        return 0, 0, 0
    where, args = f.where()
    source = _LINES_FROM if f.text else "FROM residual_lines l"  # the titles join only for a name search
    row = con.execute(f"SELECT count(*), COALESCE(sum(l.amount_cents), 0), COALESCE(sum(l.ph_cents), 0) "
                      f"{source}{where}", args).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def grouped(con: duckdb.DuckDBPyConnection, performer_id: str, by: str) -> list[dict[str, Any]]:
    """One member's residuals totalled by title, market or quarter."""
    if by not in GROUPS or not has_table(con, "residual_lines"):
        return []
    if by == "title":
        sql = """SELECT l.title_id AS key, any_value(t.name) AS label, count(*) AS lines,
                   sum(l.amount_cents) AS amount_cents, sum(l.ph_cents) AS ph_cents
                 FROM residual_lines l LEFT JOIN titles t USING (title_id) WHERE l.performer_id = ?
                 GROUP BY 1 ORDER BY amount_cents DESC, key"""
    elif by == "market":
        sql = """SELECT l.market AS key, l.market AS label, count(*) AS lines, sum(l.amount_cents) AS amount_cents,
                   sum(l.ph_cents) AS ph_cents FROM residual_lines l WHERE l.performer_id = ?
                 GROUP BY 1 ORDER BY amount_cents DESC, key"""
    else:
        sql = """SELECT year(l.period_start) || '-Q' || quarter(l.period_start) AS key,
                   year(l.period_start) || '-Q' || quarter(l.period_start) AS label, count(*) AS lines,
                   sum(l.amount_cents) AS amount_cents, sum(l.ph_cents) AS ph_cents
                 FROM residual_lines l WHERE l.performer_id = ? GROUP BY 1 ORDER BY 1 DESC"""
    return _rows(con.execute(sql, [performer_id]))


def owed_paid_by_quarter(con: duckdb.DuckDBPyConnection, performer_id: str | None = None
                         ) -> list[tuple[str, int, int | None]]:
    """(quarter, owed, paid) per quarter, from the last audit's balances; paid None where nothing was audited."""
    where = "WHERE performer_id = ?" if performer_id else ""
    args = [performer_id] if performer_id else []
    if has_table(con, BALANCES_TABLE):
        rows = con.execute(f"""SELECT year(period_start) || '-Q' || quarter(period_start) AS q,
            sum(owed_cents), sum(paid_cents) FROM {BALANCES_TABLE} {where} GROUP BY 1 ORDER BY 1""", args).fetchall()
        return [(str(q), int(o), int(p)) for q, o, p in rows]
    if has_table(con, "residual_lines"):
        rows = con.execute(f"""SELECT year(period_start) || '-Q' || quarter(period_start) AS q, sum(amount_cents)
            FROM residual_lines {where} GROUP BY 1 ORDER BY 1""", args).fetchall()
        return [(str(q), int(o), None) for q, o in rows]
    return []


def line_owner(con: duckdb.DuckDBPyConnection, line_id: str) -> str | None:
    """The performer a line belongs to, or None if there is no such line."""
    if not has_table(con, "residual_lines"):
        return None
    row = con.execute("SELECT performer_id FROM residual_lines WHERE line_id = ? LIMIT 1", [line_id]).fetchone()
    return str(row[0]) if row else None


def performer_name(con: duckdb.DuckDBPyConnection, performer_id: str) -> str | None:
    """A performer's professional name from their engagements, if known."""
    if not has_table(con, "engagements"):
        return None
    row = con.execute("SELECT any_value(performer_name) FROM engagements WHERE performer_id = ?",
                      [performer_id]).fetchone()
    return str(row[0]) if row and row[0] else None


def performer_exists(con: duckdb.DuckDBPyConnection, performer_id: str) -> bool:
    """Whether any engagement names this performer."""
    if not has_table(con, "engagements"):
        return False
    row = con.execute("SELECT count(*) FROM engagements WHERE performer_id = ?", [performer_id]).fetchone()
    return bool(row and row[0])


def search_performers(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> list[dict[str, Any]]:
    """Performers whose id or name matches, with how many engagements and lines they have."""
    if not has_table(con, "engagements"):
        return []
    lines_join = ("LEFT JOIN (SELECT performer_id, count(*) AS lines, sum(amount_cents) AS amount_cents "
                  "FROM residual_lines GROUP BY 1) r USING (performer_id)") if has_table(con, "residual_lines") else ""
    extra = ", r.lines, r.amount_cents" if lines_join else ", NULL AS lines, NULL AS amount_cents"
    return _rows(con.execute(f"""
        SELECT e.performer_id, e.name, e.engagements{extra} FROM (
          SELECT performer_id, any_value(performer_name) AS name, count(*) AS engagements FROM engagements
          WHERE performer_id ILIKE ? OR performer_name ILIKE ? GROUP BY 1) e {lines_join}
        ORDER BY e.performer_id LIMIT ?""", [f"%{text}%", f"%{text}%", limit]))


def markets(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The markets present in the residual lines."""
    if not has_table(con, "residual_lines"):
        return []
    return [str(r[0]) for r in con.execute("SELECT DISTINCT market FROM residual_lines ORDER BY 1").fetchall()]


def paid_for_line(con: duckdb.DuckDBPyConnection, line: dict[str, Any]) -> dict[str, Any] | None:
    """What the last audit found owed and paid on the line's key (performer, title, market, period), if audited."""
    if not has_table(con, BALANCES_TABLE):
        return None
    row = con.execute(f"""SELECT sum(owed_cents), sum(paid_cents), sum(owed_ph_cents), sum(paid_ph_cents),
        max(last_paid_date), string_agg(DISTINCT payer, ', ') FROM {BALANCES_TABLE}
        WHERE performer_id = ? AND title_id = ? AND market = ? AND period_start = ? AND period_end = ?""",
                      [line["performer_id"], line["title_id"], line["market"], line["period_start"],
                       line["period_end"]]).fetchone()
    if row is None or row[0] is None:
        return None
    owed, paid, owed_ph, paid_ph, last_paid, payers = row
    return {"owed_cents": int(owed), "paid_cents": int(paid), "difference_cents": int(owed) - int(paid),
            "owed_ph_cents": int(owed_ph), "paid_ph_cents": int(paid_ph), "last_paid_date": last_paid,
            "payer": payers}
