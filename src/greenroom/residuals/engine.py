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
    """Price every loaded exhibition with the formulas in force and replace the stored lines."""
    ensure_output_tables(con)
    started = dt.datetime.now()
    packs = list(packs) if packs is not None else [load_pack()]
    formulas = list(formulas) if formulas is not None else list(FORMULAS)
    run_id = int(con.execute("SELECT COALESCE(MAX(run_id), 0) + 1 FROM compute_runs").fetchone()[0])  # type: ignore[index]
    con.execute("CREATE OR REPLACE TEMP TABLE staging AS SELECT * EXCLUDE (line_id, run_id, agreement, "
                "formula_id, formula_version, amount_cents, ph_cents) FROM residual_lines LIMIT 0")
    con.execute("ALTER TABLE staging ADD COLUMN formula_id VARCHAR")
    con.execute("ALTER TABLE staging ADD COLUMN formula_version VARCHAR")
    con.execute("ALTER TABLE staging ADD COLUMN agreement VARCHAR")
    cols = ", ".join(LINE_COLUMNS)
    for pack in packs:
        build_basis(con, pack)
        for formula in formulas:
            if formula.agreement != pack.agreement:
                continue
            if progress:
                progress(formula.id)
            con.execute(
                f"INSERT INTO staging BY NAME SELECT {cols}, '{formula.id}' AS formula_id, "
                f"'{formula.version}' AS formula_version, '{pack.agreement}' AS agreement "
                f"FROM ({formula_sql(formula, pack)})"
            )
    _finalize(con, run_id, formulas)
    result = _record_run(con, run_id, started)
    con.execute("DROP TABLE IF EXISTS staging")
    return result


def _finalize(con: duckdb.DuckDBPyConnection, run_id: int, formulas: Sequence[Formula]) -> None:
    ctx = SqlContext
    amount = (f"CASE WHEN includes_ph THEN {ctx.muldiv('gross_cents', '1000000', '1000000 + ph_rate_ppm')} "
              "ELSE gross_cents END")
    con.execute("DELETE FROM residual_lines")
    con.execute("DELETE FROM compute_exceptions")
    con.execute(f"""
INSERT INTO residual_lines BY NAME
SELECT s.*, {run_id} AS run_id,
       'L' || substr(md5(formula_id || '|' || exhibition_id || '|' || engagement_id || '|' || component), 1, 16)
         AS line_id,
       a.amount_cents,
       CASE WHEN includes_ph THEN gross_cents - a.amount_cents ELSE {ctx.pct('gross_cents', 'ph_rate_ppm')} END
         AS ph_cents
FROM staging s, LATERAL (SELECT {amount} AS amount_cents) a
WHERE gross_cents IS NOT NULL
""")
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
    WHEN EXISTS (SELECT 1 FROM staging s WHERE s.exhibition_id = x.exhibition_id AND s.gross_cents IS NULL)
      -- A formula that could not price a row may say why in its note (e.g. a missing budget).
      THEN 'no parameter value in force on this date (before the agreement''s first effective date?), '
           || 'or a value the rule needs is missing'
           || COALESCE(' — ' || (SELECT MAX(NULLIF(s.note, '')) FROM staging s
                                  WHERE s.exhibition_id = x.exhibition_id AND s.gross_cents IS NULL), '')
    ELSE 'not payable under any rule in force for its dates and run number (e.g. the initial run, '
         || 'or a date outside the rule''s effective period)'
  END
FROM exhibitions x LEFT JOIN titles t USING (title_id)
WHERE NOT EXISTS (SELECT 1 FROM residual_lines l WHERE l.exhibition_id = x.exhibition_id)
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
