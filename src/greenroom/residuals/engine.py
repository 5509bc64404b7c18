"""The bulk engine: run every formula's SQL over the loaded tables and keep lines and exceptions.

Counts in = counts out: every exhibition row ends up priced by at least one line or listed as an
exception with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb

from greenroom.contracts.params import Pack, load_pack
from greenroom.ingest.tables import ensure_tables
from greenroom.residuals.basis import build_basis
from greenroom.residuals.formulas import FORMULAS
from greenroom.residuals.formulas.base import POOL_ROW_COLUMNS, ROW_COLUMNS, Formula, FormulaSql, SqlContext
from greenroom.residuals.staging import SYNDICATION_RUNS, build_staging, build_syndication_runs
from greenroom.residuals.store import (
    AMOUNTS,
    CONTEXTS,
    LINES_DDL,
    UNPRICED,
    append,
    clear_lines,
    ensure_line_store,
    line_key_sql,
    publish,
    sweep_sets,
)

__all__ = ["LINES_DDL", "ComputeResult", "compute", "ensure_output_tables", "formula_sql"]

EXCEPTIONS_DDL = """
CREATE TABLE IF NOT EXISTS compute_exceptions (
  run_id BIGINT, exhibition_id VARCHAR, title_id VARCHAR, market VARCHAR, reason VARCHAR
)"""

# A formula part's rows as made; the view formula_rows adds each one's context number.
STAGED_ROWS = "formula_rows_staged"

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
    ensure_line_store(con)
    for ddl in (EXCEPTIONS_DDL, RUNS_DDL):
        con.execute(ddl)


def formula_sql(formula: Formula, pack: Pack) -> tuple[FormulaSql, ...]:
    """The SQL a formula yields for a pack, part by part."""
    parts = formula.sql(SqlContext(pack), formula)
    return (parts,) if isinstance(parts, FormulaSql) else parts


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
    sweep_sets(con)
    contexts = 0  # numbers used so far: the next part's first context number
    con.execute("BEGIN TRANSACTION")
    try:
        clear_lines(con)
        con.execute("DELETE FROM compute_exceptions")
        present = _markets_present(con)
        for pack in packs:
            build_basis(con, pack)
            build_staging(con, pack)
            todo = [(f, formula_sql(f, pack)) for f in formulas
                    if f.agreement == pack.agreement and _prices_any(f, present)]
            readers = _reading(todo, SYNDICATION_RUNS)
            for i, (formula, parts) in enumerate(todo):
                if readers and i == readers[0]:
                    build_syndication_runs(con, pack)
                if progress:
                    progress(formula.id)
                for part in parts:
                    contexts += _store_part(con, formula, part, pack.agreement, run_id, contexts)
                if readers and i == readers[-1]:
                    con.execute(f"DROP TABLE {SYNDICATION_RUNS}")  # a copy of every syndication row
        publish(con)
        _check_contexts_unique(con)
        # Lines a formula could not price (a value not in force, a figure missing) make their
        # exhibitions exceptions; an exhibition counts as priced when one of its rows has a line.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE unpriced AS
            SELECT c.exhibition_id, COALESCE(a.note, c.note) AS note
            FROM {UNPRICED} a JOIN {CONTEXTS} c USING (context_no)""")
        # The contexts with lines first: ten lines a context, so the join then has a tenth of the rows.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE priced AS SELECT DISTINCT c.exhibition_id
            FROM (SELECT DISTINCT context_no FROM {AMOUNTS}) a JOIN {CONTEXTS} c USING (context_no)""")
        _record_exceptions(con, run_id, formulas)
        result = _record_run(con, run_id, started)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        sweep_sets(con)  # the failed run's files
        raise
    sweep_sets(con)  # the replaced run's files, unless the ledger retained them
    con.execute("DROP VIEW IF EXISTS formula_rows")
    for table in ("unpriced", "priced", STAGED_ROWS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return result


def _reading(todo: Sequence[tuple[Formula, tuple[FormulaSql, ...]]], table: str) -> list[int]:
    """The indexes of the formulas whose SQL reads a table."""
    name = re.compile(rf"\b{re.escape(table)}\b")
    return [i for i, (_, parts) in enumerate(todo) if any(name.search(p.rows) or name.search(p.lines) for p in parts)]


def _markets_present(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """The (market, kind of picture, agreement) combinations the loaded exhibitions have."""
    rows = con.execute("SELECT DISTINCT x.market, t.kind, t.agreement FROM exhibitions x "
                       "JOIN titles t USING (title_id)").fetchall()
    return {(str(m), str(k), str(a)) for m, k, a in rows}


def _prices_any(formula: Formula, present: set[tuple[str, str, str]]) -> bool:
    """Whether any loaded exhibition is in the formula's scope (its rows keep their exhibition's market),
    so a small situation does not pay for the statements of every rule."""
    return any((m, k, formula.agreement) in present for m in formula.markets for k in formula.kinds)


def _store_part(con: duckdb.DuckDBPyConnection, formula: Formula, fs: FormulaSql, agreement: str,
                run_id: int, first_context: int) -> int:
    """Stage a formula's rows, store them as contexts numbered from first_context, then store its lines with
    the P&H split; returns how many context numbers it used (the next part numbers from there)."""
    key = line_key_sql(f"'{formula.id}|' || r_exhibition_id || '|' || r_component")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGED_ROWS} AS SELECT *, {key} AS line_key FROM ({fs.rows})")
    # Contexts are numbered by row position: a numbering window (row_number() OVER ()) would carry every
    # column through one thread, which at 10M rows took four times as long as making the rows. Row ids
    # made inside a transaction start at a large offset, so the numbers count from the lowest.
    low, high = con.execute(f"SELECT MIN(rowid), MAX(rowid) FROM {STAGED_ROWS}").fetchone() or (None, None)
    con.execute(f"CREATE OR REPLACE TEMP VIEW formula_rows AS "
                f"SELECT *, {first_context - (low or 0)} + rowid AS context_no FROM {STAGED_ROWS}")
    positions = 0 if low is None else int(high) - int(low) + 1
    row_cols = ROW_COLUMNS + POOL_ROW_COLUMNS
    append(con, "contexts", f"""
SELECT context_no, line_key, {run_id} AS run_id, '{agreement}' AS agreement, '{formula.id}' AS formula_id,
       '{formula.version}' AS formula_version, {', '.join(f'r_{c} AS {c}' for c in row_cols)},
       r_params AS params, r_unverified AS unverified
FROM formula_rows""")
    ctx = SqlContext
    inclusive_amount = ctx.muldiv("gross_cents", "1000000", "1000000 + ph_rate_ppm")
    # A line no value in force could price (no gross) is kept apart: it makes its exhibition an exception.
    append(con, "amounts", f"""
SELECT context_no, performer_id, engagement_id, basis_cents, rate_ppm, gross_cents, units, total_units, note,
       CASE WHEN includes_ph THEN {inclusive_amount} ELSE gross_cents END AS amount_cents,
       CASE WHEN includes_ph THEN gross_cents - {inclusive_amount} ELSE {ctx.pct('gross_cents', 'ph_rate_ppm')} END
         AS ph_cents, NULL::VARCHAR AS line_id, gross_cents IS NULL AS unpriced
FROM ({fs.lines})""")
    return positions


def _check_contexts_unique(con: duckdb.DuckDBPyConnection) -> None:
    """Line ids are made from a row's formula, exhibition and component, so those must name one row."""
    # Keys alone first: carrying the names through the grouping of every context cost more than the grouping.
    clash = con.execute(f"SELECT line_key FROM {CONTEXTS} GROUP BY line_key HAVING count(*) > 1 LIMIT 1").fetchone()
    if clash:
        row = con.execute(f"SELECT formula_id, exhibition_id, component FROM {CONTEXTS} WHERE line_key = ? LIMIT 1",
                          [clash[0]]).fetchone()
        assert row is not None
        raise ValueError(f"formula {row[0]} yields two rows for exhibition {row[1]}, component {row[2]}")


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
WHERE x.exhibition_id NOT IN (SELECT exhibition_id FROM priced)
""")


def _record_run(con: duckdb.DuckDBPyConnection, run_id: int, started: dt.datetime) -> ComputeResult:
    n_in = _scalar(con, "SELECT COUNT(*) FROM exhibitions")
    priced = _scalar(con, "SELECT COUNT(*) FROM priced")
    exceptions = _scalar(con, "SELECT COUNT(*) FROM compute_exceptions")
    lines, amount, ph = con.execute(
        f"SELECT COUNT(*), COALESCE(SUM(amount_cents), 0), COALESCE(SUM(ph_cents), 0) FROM {AMOUNTS}"
    ).fetchone()  # type: ignore[misc]
    con.execute("INSERT INTO compute_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, started, dt.datetime.now(), n_in, priced, exceptions, lines, amount, ph])
    return ComputeResult(run_id, n_in, priced, exceptions, int(lines), int(amount), int(ph))


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0
