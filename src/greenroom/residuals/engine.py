"""The bulk engine: run every formula's SQL over the loaded tables and keep lines and exceptions.

Counts in = counts out: every exhibition row ends up priced by at least one line or listed as an
exception with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from greenroom.contracts.params import Pack, load_pack
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.basis import build_basis
from greenroom.residuals.formulas import FORMULAS
from greenroom.residuals.formulas.base import LINE_COLUMNS, Formula, SqlContext

LINES_DDL = """
CREATE TABLE IF NOT EXISTS residual_lines (
  line_id VARCHAR, run_id BIGINT, agreement VARCHAR, formula_id VARCHAR, formula_version VARCHAR,
  performer_id VARCHAR, engagement_id VARCHAR, title_id VARCHAR, exhibition_id VARCHAR, market VARCHAR,
  component VARCHAR, period_start DATE, period_end DATE, run_number BIGINT, basis_cents BIGINT,
  rate_ppm BIGINT, gross_cents BIGINT, pool_cents BIGINT, units BIGINT, total_units BIGINT,
  includes_ph BOOLEAN, ph_rate_ppm BIGINT, amount_cents BIGINT, ph_cents BIGINT, due_date DATE,
  note VARCHAR, params VARCHAR, unverified BOOLEAN
)"""

EXCEPTIONS_DDL = """
CREATE TABLE IF NOT EXISTS compute_exceptions (
  run_id BIGINT, exhibition_id VARCHAR, title_id VARCHAR, market VARCHAR, reason VARCHAR
)"""

RUNS_DDL = """
CREATE TABLE IF NOT EXISTS compute_runs (
  run_id BIGINT, started_at TIMESTAMP, finished_at TIMESTAMP, exhibitions_in BIGINT,
  exhibitions_priced BIGINT, exceptions BIGINT, lines BIGINT, amount_cents HUGEINT, ph_cents HUGEINT
)"""


@dataclass(frozen=True)
class ComputeResult:
    """What a compute run did: counts in and out, and totals."""

    run_id: int
    exhibitions_in: int
    exhibitions_priced: int
    exceptions: int
    lines: int
    amount_cents: int
    ph_cents: int

    @property
    def balanced(self) -> bool:
        """True when every exhibition is priced or excepted."""
        return self.exhibitions_in == self.exhibitions_priced + self.exceptions


def ensure_output_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the lines, exceptions and runs tables if missing."""
    ensure_tables(con)
    for ddl in (LINES_DDL, EXCEPTIONS_DDL, RUNS_DDL):
        con.execute(ddl)


def formula_sql(formula: Formula, pack: Pack) -> str:
    """The SQL a formula yields for a pack."""
    return formula.sql(SqlContext(pack), formula)


def compute(
    con: duckdb.DuckDBPyConnection,
    packs: Sequence[Pack] | None = None,
    formulas: Sequence[Formula] | None = None,
    progress: Callable[[str], None] | None = None,
) -> ComputeResult:
    """Price every loaded exhibition with the formulas in force and replace the stored lines.

    Runs in one transaction, so a failure leaves the previous run's lines in place.
    """
    ensure_output_tables(con)
    started = dt.datetime.now()
    packs = list(packs) if packs is not None else [load_pack()]
    formulas = list(formulas) if formulas is not None else list(FORMULAS)
    run_id = _scalar(con, "SELECT COALESCE(MAX(run_id), 0) + 1 FROM compute_runs")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM residual_lines")
        con.execute("DELETE FROM compute_exceptions")
        for pack in packs:
            build_basis(con, pack)
            for formula in formulas:
                if formula.agreement != pack.agreement:
                    continue
                if progress:
                    progress(formula.id)
                con.execute(_insert_sql(formula, pack, run_id))
        # Rows a formula could not price (a value not in force, a figure missing) become exceptions.
        con.execute("CREATE OR REPLACE TEMP TABLE unpriced AS "
                    "SELECT exhibition_id, note FROM residual_lines WHERE gross_cents IS NULL")
        con.execute("DELETE FROM residual_lines WHERE gross_cents IS NULL")
        _record_exceptions(con, run_id, formulas)
        result = _record_run(con, run_id, started)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("DROP TABLE IF EXISTS unpriced")
    return result


def _insert_sql(formula: Formula, pack: Pack, run_id: int) -> str:
    """INSERT of one formula's lines, with stable line ids and the P&H split done in the same pass."""
    ctx = SqlContext
    cols = ", ".join(LINE_COLUMNS)
    inclusive_amount = ctx.muldiv("gross_cents", "1000000", "1000000 + ph_rate_ppm")
    return f"""
INSERT INTO residual_lines BY NAME
SELECT {cols},
       '{formula.id}' AS formula_id, '{formula.version}' AS formula_version, '{pack.agreement}' AS agreement,
       {run_id} AS run_id,
       'L' || substr(md5('{formula.id}|' || exhibition_id || '|' || engagement_id || '|' || component), 1, 16)
         AS line_id,
       CASE WHEN includes_ph THEN {inclusive_amount} ELSE gross_cents END AS amount_cents,
       CASE WHEN includes_ph THEN gross_cents - {inclusive_amount} ELSE {ctx.pct('gross_cents', 'ph_rate_ppm')} END
         AS ph_cents
FROM ({formula_sql(formula, pack)})"""


def _record_exceptions(con: duckdb.DuckDBPyConnection, run_id: int, formulas: Sequence[Formula]) -> None:
    covered = " OR ".join(
        f"(x.market IN ({', '.join(repr(m) for m in f.markets)}) "
        f"AND t.kind IN ({', '.join(repr(k) for k in f.kinds)}))"
        for f in formulas) or "FALSE"
    con.execute(f"""
INSERT INTO compute_exceptions
SELECT {run_id}, x.exhibition_id, x.title_id, x.market,
  CASE
    WHEN t.title_id IS NULL THEN 'unknown title ' || x.title_id
    WHEN NOT ({covered}) THEN 'no rule prices market ' || x.market || ' for a picture of kind ' || t.kind
    WHEN NOT EXISTS (SELECT 1 FROM basis b WHERE b.title_id = x.title_id AND b.entitled)
      THEN 'no engagement on this title is entitled to residuals (no cast loaded, or background only)'
    WHEN EXISTS (SELECT 1 FROM unpriced u WHERE u.exhibition_id = x.exhibition_id)
      -- A formula that could not price a row may say why in its note (e.g. a missing budget).
      THEN 'no parameter value in force on this date (before the agreement''s first effective date?), '
           || 'or a value the rule needs is missing'
           || COALESCE(' — ' || (SELECT MAX(NULLIF(u.note, '')) FROM unpriced u
                                  WHERE u.exhibition_id = x.exhibition_id), '')
    ELSE 'not payable under any rule in force for its dates and run number (e.g. the initial run, '
         || 'or a date outside the rule''s effective period)'
  END
FROM exhibitions x LEFT JOIN titles t USING (title_id)
WHERE x.exhibition_id NOT IN (SELECT exhibition_id FROM residual_lines)
""")


def _record_run(con: duckdb.DuckDBPyConnection, run_id: int, started: dt.datetime) -> ComputeResult:
    n_in = _scalar(con, "SELECT COUNT(*) FROM exhibitions")
    priced = _scalar(con, "SELECT COUNT(DISTINCT exhibition_id) FROM residual_lines")
    exceptions = _scalar(con, "SELECT COUNT(*) FROM compute_exceptions")
    lines, amount, ph = con.execute(
        "SELECT COUNT(*), COALESCE(SUM(amount_cents), 0), COALESCE(SUM(ph_cents), 0) FROM residual_lines"
    ).fetchone()  # type: ignore[misc]
    con.execute("INSERT INTO compute_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, started, dt.datetime.now(), n_in, priced, exceptions, lines, amount, ph])
    return ComputeResult(run_id, n_in, priced, exceptions, int(lines), int(amount), int(ph))


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
