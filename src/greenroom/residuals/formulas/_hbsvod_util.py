"""Shared pieces of the HBSVOD fixed residual (Sideletter H; 2020 MOA item 9) used by the hbsvod and
bonus formulas: the exhibition-year count and the per-performer fixed residual, in SQL and Python.

The fixed residual of exhibition year k is year_rate[k] × round(tier_factor × min(TAC, ceiling)),
rounded half-up to the cent at each of the two steps, so a statement line reads basis × rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greenroom.money import apply_ppm
from greenroom.residuals.formulas.base import Consulted, SqlContext

CEILING = "hbsvod.ceiling"
TIER = "hbsvod.tier_factor"
YEAR_RATE = "hbsvod.year_rate"
OFFSET = "hbsvod.year1_offset_days"
FULL_PPM = 1_000_000


def exhibition_year(start: dt.date, release: dt.date, offset_days: int) -> int:
    """Exhibition year containing start: 0 before year 1, which begins offset_days after release.

    Years run anniversary to anniversary; an anniversary falling on 29 February is reached on
    1 March in common years (the same comparison of (month, day) as the SQL twin).
    """
    anchor = release + dt.timedelta(days=offset_days)
    if start < anchor:
        return 0
    before_anniversary = (start.month, start.day) < (anchor.month, anchor.day)
    return start.year - anchor.year - int(before_anniversary) + 1


def exhibition_year_sql(start: str, release: str, offset: str) -> str:
    """SQL twin of exhibition_year."""
    anchor = f"CAST({release} + to_days(CAST({offset} AS INTEGER)) AS DATE)"
    return (f"(CASE WHEN {start} < {anchor} THEN 0 ELSE year({start}) - year({anchor}) - "
            f"CASE WHEN month({start}) * 100 + day({start}) < month({anchor}) * 100 + day({anchor}) "
            "THEN 1 ELSE 0 END + 1 END)")


@dataclass(frozen=True)
class FixedSql:
    """One performer's fixed residual in SQL.

    `columns` are title-level parameter values to compute once per exhibition row (over x and
    titles b, see with_columns); the other fields are per-performer expressions over that row x
    and basis b.
    """

    columns: dict[str, str]
    tiered: str
    residual: str
    note: str


def fixed_sql(ctx: SqlContext, subscribers: str, year: str) -> FixedSql:
    """Cite the fixed-residual parameters and build the SQL for year `year` at `subscribers`."""
    columns = {
        "hb_ceiling": ctx.p(CEILING, "b.pp_date", "b.length_minutes"),
        "hb_tier": ctx.p(TIER, "b.pp_date", subscribers),
        "hb_rate": ctx.p(YEAR_RATE, "b.pp_date", year),
    }
    # LEAST would skip a NULL ceiling (no value in force) and pay uncapped; CASE keeps it NULL.
    base = "(CASE WHEN b.tac_cents <= x.hb_ceiling THEN b.tac_cents ELSE x.hb_ceiling END)"
    tiered = ctx.pct(base, "x.hb_tier")
    note = ("concat_ws('; ', CASE WHEN b.tac_cents > x.hb_ceiling THEN 'capped at the ceiling' END, "
            f"CASE WHEN x.hb_tier < {FULL_PPM} THEN 'reduced base for a smaller service (subscriber tier)' END)")
    return FixedSql(columns, tiered, ctx.pct(tiered, "x.hb_rate"), note)


def with_columns(inner: str, columns: Mapping[str, str]) -> str:
    """Rows of the subquery `inner` (aliased x, joined to titles b) with extra per-row columns.

    Parameter lookups are long CASE expressions; computing each once per exhibition row keeps the
    per-performer SQL small enough for DuckDB to plan quickly.
    """
    cols = ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
    return f"SELECT x.*, {cols} FROM ({inner}) x JOIN titles b ON b.title_id = x.title_id"


@dataclass(frozen=True)
class Fixed:
    """One performer's fixed residual for one exhibition year, with its two steps."""

    tiered_cents: int
    rate_ppm: int
    residual_cents: int


def fixed_residual(c: Consulted, title: Mapping[str, Any], engagement: Mapping[str, Any],
                   subscribers: int, year: int) -> Fixed | None:
    """Python twin of fixed_sql; None where a parameter has no value in force (the SQL gives NULL)."""
    pp: dt.date = title["pp_date"]
    ceiling = c.get(CEILING, pp, int(title["length_minutes"]))
    tier = c.get(TIER, pp, subscribers)
    rate = c.get(YEAR_RATE, pp, year)
    if ceiling is None or tier is None or rate is None:
        return None
    tiered = apply_ppm(min(int(engagement["tac_cents"]), ceiling), tier)
    return Fixed(tiered, rate, apply_ppm(tiered, rate))


def quarter_due_sql(day: str, days: str) -> str:
    """SQL: `days` days after the close of the calendar quarter containing `day`."""
    q_end = f"last_day(CAST(date_trunc('quarter', {day}) AS DATE) + INTERVAL 2 MONTH)"
    return f"CAST({q_end} + to_days(CAST({days} AS INTEGER)) AS DATE)"

