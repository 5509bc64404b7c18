"""Read the balance checks that need judging out of DuckDB, with their lines, rows and previous-scale amounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import duckdb

from greenroom.audit.findings import Check, OwedLine, PaidRow
from greenroom.audit.posting import owed_lines
from greenroom.audit.prior import prior_scale_lines
from greenroom.ledger.balance import key_entries

DEFAULT_AGREEMENT = "sag-aftra-tv-theatrical"


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _select_keys(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """a_keys: balances that fail, or were paid after their due date, except unpaid keys not due yet."""
    con.execute("""CREATE OR REPLACE TEMP TABLE a_keys AS
        SELECT row_number() OVER (ORDER BY payer, title_id, performer_id, market, period_start, period_end) AS k, *
        FROM ledger_balances
        WHERE (NOT ok OR (due_date IS NOT NULL AND last_paid_date > due_date))
          AND NOT (paid_count = 0 AND COALESCE(due_date, period_end) > ?)""", [as_of])
    # The entries behind those keys only: ledger_balances keeps counts, not id lists, for every key.
    con.execute(f"CREATE OR REPLACE TEMP TABLE a_entries AS {key_entries('a_keys')}")


def _entry_ids(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], tuple[str, ...]]:
    """Each selected key's live entry ids by kind, sorted."""
    rows = con.execute("SELECT k, kind, list(entry_id ORDER BY entry_id) FROM a_entries GROUP BY k, kind").fetchall()
    return {(int(k), kind): tuple(ids) for k, kind, ids in rows}


def _lines(con: duckdb.DuckDBPyConnection) -> dict[int, list[OwedLine]]:
    lines = owed_lines(con)
    rows = _rows(con, f"""
        SELECT e.k, e.source_id AS line_id,
               COALESCE(sum(e.cents) FILTER (WHERE e.account = 'performer'), 0) AS amount,
               COALESCE(sum(e.cents) FILTER (WHERE e.account = 'ph'), 0) AS ph, min(e.due_date) AS due_date,
               COALESCE(any_value(l.formula_id || '@' || l.formula_version), any_value(e.reference)) AS formula,
               COALESCE(any_value(l.component), any_value(e.memo), '') AS component,
               COALESCE(any_value(l.agreement), '{DEFAULT_AGREEMENT}') AS agreement,
               COALESCE(any_value(l.params), '') AS params
        FROM a_entries e LEFT JOIN {lines} l ON l.line_id = e.source_id
        WHERE e.kind = 'owed'
        GROUP BY e.k, e.source_id ORDER BY e.k, e.source_id""")
    out: dict[int, list[OwedLine]] = defaultdict(list)
    for r in rows:
        out[int(r["k"])].append(OwedLine(r["line_id"], int(r["amount"]), int(r["ph"]), r["due_date"],
                                         r["formula"] or "", r["component"], r["agreement"], r["params"]))
    return out


def _paid(con: duckdb.DuckDBPyConnection) -> dict[int, list[PaidRow]]:
    rows = _rows(con, """
        WITH checks AS (SELECT payer, check_number, sum(amount_cents) AS total FROM remittance_rows GROUP BY ALL)
        SELECT e.k, e.source_id AS row_id,
               COALESCE(sum(e.cents) FILTER (WHERE e.account = 'performer'), 0) AS amount,
               COALESCE(sum(e.cents) FILTER (WHERE e.account = 'ph'), 0) AS ph,
               any_value(r.file_name) AS file_name, any_value(r.row_number) AS row_number,
               any_value(r.check_number) AS check_number, any_value(c.total) AS check_total,
               any_value(r.title_written) AS title_written, any_value(r.title_match) AS title_match,
               any_value(r.title_score) AS title_score, min(e.paid_date) AS paid_date, any_value(r.line_id) AS line_id
        FROM a_entries e LEFT JOIN remittance_rows r ON r.row_id = e.source_id
        LEFT JOIN checks c ON c.payer = r.payer AND c.check_number = r.check_number
        WHERE e.kind = 'paid'
        GROUP BY e.k, e.source_id ORDER BY e.k, e.source_id""")
    out: dict[int, list[PaidRow]] = defaultdict(list)
    for r in rows:
        out[int(r["k"])].append(PaidRow(
            r["row_id"], r["file_name"] or "", int(r["row_number"] or 0), r["check_number"] or "",
            int(r["check_total"] or 0), r["title_written"] or "", r["title_match"] or "", r["title_score"],
            int(r["amount"]), int(r["ph"]), r["paid_date"], r["line_id"]))
    return out


def _prior(con: duckdb.DuckDBPyConnection, lines: dict[int, list[OwedLine]]) -> dict[int, tuple[int, int]]:
    """Previous-scale (amount, P&H) for keys that were paid but not what is owed."""
    keys = con.execute("SELECT k, title_id FROM a_keys WHERE paid_count > 0 AND NOT ok AND owed_count > 0").fetchall()
    if not keys:
        return {}
    wanted = [int(k) for k, _ in keys]
    titles = {t for _, t in keys}
    # Only the formulas these lines came from are rerun: the rerun's cost is per formula.
    by_agreement: dict[str, set[str]] = defaultdict(set)
    for k in wanted:
        for ln in lines.get(k, []):
            by_agreement[ln.agreement].add(ln.formula.split("@")[0])
    prior: dict[str, tuple[int, int]] = {}
    for agreement, formulas in by_agreement.items():
        table = prior_scale_lines(con, titles, formulas, agreement)
        for line_id, amount, ph in zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True):
            prior[line_id] = (int(amount), int(ph))
    out = {}
    for k in wanted:
        ls = lines.get(k, [])
        out[k] = (sum(prior.get(ln.line_id, (ln.amount_cents, ln.ph_cents))[0] for ln in ls),
                  sum(prior.get(ln.line_id, (ln.amount_cents, ln.ph_cents))[1] for ln in ls))
    return out


def load_checks(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[Check]:
    """The checks to judge (from ledger_balances, built first), with lines, paid rows and prior amounts."""
    _select_keys(con, as_of)
    lines, paid, ids = _lines(con), _paid(con), _entry_ids(con)
    prior = _prior(con, lines)
    checks = []
    for r in _rows(con, "SELECT * FROM a_keys ORDER BY k"):
        k = int(r["k"])
        p = prior.get(k)
        checks.append(Check(
            r["payer"], r["title_id"], r["performer_id"], r["market"], r["period_start"], r["period_end"],
            int(r["owed_cents"]), int(r["owed_ph_cents"]), int(r["paid_cents"]), int(r["paid_ph_cents"]),
            int(r["tolerance_cents"]), r["due_date"], ids.get((k, "owed"), ()), ids.get((k, "paid"), ()),
            tuple(lines.get(k, [])), tuple(paid.get(k, [])), p[0] if p else None, p[1] if p else None))
    con.execute("DROP TABLE IF EXISTS a_entries")
    con.execute("DROP TABLE IF EXISTS a_keys")
    return checks
