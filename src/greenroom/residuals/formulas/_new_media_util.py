"""Small helpers shared by the pay-TV (§78) and new-media (Sideletters H and I) formulas.

They keep the SQL and the Python reference in step: the same date arithmetic (month steps clamp
to the month's last day, as DuckDB does), the same per-title ordering of exhibition rows and the
same largest-remainder split of a pool over a units column of the basis.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.contracts.sql import ref_sql, unverified_sql, value_sql
from greenroom.residuals.formulas.base import (
    Formula,
    ReferenceImpl,
    RefInputs,
    RefLine,
    SqlContext,
    add_months,  # noqa: F401 - used by the formulas
    rows_by_title,  # noqa: F401 - re-exported for the formulas
)

Row = Mapping[str, Any]
TitleReference = Callable[[RefInputs, Pack, Row, list[Row]], list[RefLine]]

# Per-title order of exhibition rows, shared by every cumulative window (free days, units, weeks).
ORDER = "PARTITION BY x.title_id ORDER BY x.start_date, x.exhibition_id"
# A window over the rows before this one in that order.
PREV = f"OVER ({ORDER} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)"


def scoped_rows(f: Formula, select: str) -> str:
    """SQL: the exhibitions a formula prices (x.*, joined to their title as b) plus extra columns."""
    return (f"SELECT x.*, {select} FROM exhibitions x JOIN titles b ON b.title_id = x.title_id "
            f"WHERE {f.scope_sql()}")


def with_title(inner: str) -> str:
    """SQL FROM clause: derived exhibition rows x joined to their title b (for ctx.pool)."""
    return f"({inner}) x JOIN titles b ON b.title_id = x.title_id"





def sql_add_months(date_sql: str, months_sql: str) -> str:
    """SQL twin of add_months."""
    return f"CAST({date_sql} + to_months(CAST({months_sql} AS INTEGER)) AS DATE)"


def sql_add_days(date_sql: str, days_sql: str) -> str:
    """SQL for a date plus a whole number of days."""
    return f"CAST({date_sql} + to_days(CAST({days_sql} AS INTEGER)) AS DATE)"


def cite_when(ctx: SqlContext, condition: str, param_id: str, date_expr: str) -> str:
    """Like ctx.p, but a line cites the parameter (and takes its verified status) only where condition
    holds, for a value that matters to some pictures only."""
    param = ctx.pack[param_id]
    ctx.cite(f"CASE WHEN {condition} THEN {ref_sql(param, date_expr)} END",
             f"(({condition}) AND {unverified_sql(param, date_expr)})")
    return value_sql(param, date_expr)


def per_title(fn: TitleReference) -> ReferenceImpl:
    """A reference implementation from a per-title one (title, its rows in start order).

    A title whose parameters are not in force on its date yields no lines, as the SQL yields NULL
    amounts there, so the engine lists its rows as exceptions.
    """
    def reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
        lines: list[RefLine] = []
        for title_id, rows in rows_by_title(inputs, f).items():
            try:
                lines += fn(inputs, pack, inputs.titles[title_id], rows)
            except LookupError as exc:
                if isinstance(exc, KeyError):  # a bug, not a missing parameter value
                    raise
        return lines
    return reference



