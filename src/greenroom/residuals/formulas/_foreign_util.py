"""Helpers shared by the foreign, basic-cable and supplemental-market formulas: a title's running
gross in SQL and Python, P&H rates for pictures older than the P&H table, period-close due dates
and the Python twin of SqlContext.pool."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.residuals.formulas.base import (
    Formula,
    rows_by_title,  # noqa: F401 - re-exported for the formulas
)

Row = Mapping[str, Any]
ORDER = "PARTITION BY x.title_id ORDER BY x.start_date, x.exhibition_id"


def running_gross_sql(f: Formula, extra: Mapping[str, str] | None = None) -> str:
    """Subquery of the formula's exhibitions with the title's running gross before and after each row.

    Columns added: row_gross (NULL gross counts as 0), cum_before, cum_gross and seq (1 = the
    title's first row in scope), plus any extra columns: expressions over the windowed row x
    (which may use the columns above) and the title b.
    """
    g = "COALESCE(x.gross_receipts_cents, 0)"
    cum = f"SUM({g}) OVER ({ORDER} ROWS UNBOUNDED PRECEDING)"
    windowed = (f"SELECT x.*, {g} AS row_gross, {cum} - {g} AS cum_before, {cum} AS cum_gross, "
                f"ROW_NUMBER() OVER ({ORDER}) AS seq FROM exhibitions x "
                f"JOIN titles b ON b.title_id = x.title_id WHERE {f.scope_sql()}")
    if not extra:
        return windowed
    cols = ", ".join(f"{expr} AS {name}" for name, expr in extra.items())
    # A second level so the extra columns can use the window columns.
    return f"SELECT x.*, {cols} FROM ({windowed}) x JOIN titles b ON b.title_id = x.title_id"


def gross(x: Row) -> int:
    """A row's gross receipts, a missing value counting as nothing received."""
    return int(x.get("gross_receipts_cents") or 0)


def _first_start(pack: Pack, param_id: str) -> dt.date:
    return pack[param_id].values[0].start


def ph_day_sql(pack: Pack, param_id: str, date_expr: str) -> str:
    """SQL date at which to look up a P&H rate: pictures photographed before the P&H table starts
    use its first rate (the table only reaches back to 2014; older pictures still owe contributions)."""
    return f"GREATEST({date_expr}, DATE '{_first_start(pack, param_id).isoformat()}')"


def ph_day(pack: Pack, param_id: str, day: dt.date) -> dt.date:
    """Python twin of ph_day_sql."""
    return max(day, _first_start(pack, param_id))


def quarter_end_sql(date_expr: str) -> str:
    """SQL for the last day of the calendar quarter containing date_expr."""
    return f"CAST(date_trunc('quarter', {date_expr}) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE)"


def half_year_end_sql(date_expr: str) -> str:
    """SQL for June 30 or December 31, whichever closes the half-year containing date_expr."""
    first = f"month({date_expr}) <= 6"
    return (f"make_date(CAST(year({date_expr}) AS INTEGER), CASE WHEN {first} THEN 6 ELSE 12 END, "
            f"CASE WHEN {first} THEN 30 ELSE 31 END)")


def days_after_sql(date_sql: str, days_sql: str) -> str:
    """SQL for a date plus a number of days given by a parameter expression."""
    return f"CAST({date_sql} + to_days(CAST({days_sql} AS INTEGER)) AS DATE)"


def quarter_end(day: dt.date) -> dt.date:
    """The last day of the calendar quarter containing day."""
    month = 3 * ((day.month - 1) // 3) + 3
    return (dt.date(day.year, 12, 31) if month == 12
            else dt.date(day.year, month + 1, 1) - dt.timedelta(days=1))


def half_year_end(day: dt.date) -> dt.date:
    """June 30 or December 31, whichever closes the half-year containing day."""
    return dt.date(day.year, 6, 30) if day.month <= 6 else dt.date(day.year, 12, 31)


