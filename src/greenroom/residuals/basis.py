"""Per-engagement basis the formulas share: TAM from minimum scale by date, and distribution units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb

from greenroom.contracts.params import Pack
from greenroom.contracts.sql import value_sql
from greenroom.money import mul_div_half_up
from greenroom.store.analytics import relation_type

DAY_SCALE = "minimums.day_performer"
# Written by the consent registry (`greenroom consent compensation --post`): days of digital performance
# by an employment-based replica, paid "as if performed", so they also earn residuals as if performed.
AI_DAYS_TABLE = "ai_performed_days"
WEEKLY_SCALE = "minimums.weekly_performer"
DAY_CATEGORIES = ("day", "three_day", "background")
UNITS_182 = {"series": 3, "weekly": 2}


def _round_over_half(a: str, b: str) -> str:
    """SQL: a ÷ b rounded to a whole number, a fraction over one half rounding up (§78(e))."""
    return f"(({a}) // ({b}) + CASE WHEN 2 * (({a}) % ({b})) > ({b}) THEN 1 ELSE 0 END)"


def build_basis(con: duckdb.DuckDBPyConnection, pack: Pack) -> None:
    """Materialise the basis table: engagements joined to titles with TAM and units."""
    day, weekly = pack[DAY_SCALE], pack[WEEKLY_SCALE]
    d = "t.pp_date"
    day_v, weekly_v = value_sql(day, d), value_sql(weekly, d)
    day_cats = ", ".join(f"'{c}'" for c in DAY_CATEGORIES)
    salary_day = _round_over_half("e.tac_cents", day_v)
    salary_other = _round_over_half("e.tac_cents", weekly_v)
    if has_performed_days(con):
        ai_join = f"LEFT JOIN ({_AI_DAYS_BY_ENGAGEMENT}) ai ON ai.engagement_id = e.engagement_id"
        ai_days = "COALESCE(ai.ai_days, 0)"
    else:
        ai_join, ai_days = "", "0"
    days = f"(e.days_worked + {ai_days})"
    con.execute(f"""
CREATE OR REPLACE TEMP TABLE basis AS
SELECT e.engagement_id, e.performer_id, e.title_id, e.category, {days} AS days_worked, e.weeks_worked,
       {ai_days} AS ai_days,
       e.tac_cents, t.kind, t.agreement, t.length_minutes, t.pp_date, t.initial_release_date, t.genre,
       t.series_id, t.season, t.platform, t.budget_cents,
       {days} * {day_v} + e.weeks_worked * {weekly_v} AS tam_cents,
       {day_v} AS day_scale_cents, {weekly_v} AS weekly_scale_cents,
       e.category <> 'background' AS entitled,
       CASE e.category WHEN 'series' THEN 3 WHEN 'weekly' THEN 2 ELSE 1 END AS units_182,
       -- LEAST skips NULLs, so without scale in force the units must be NULL explicitly.
       CASE WHEN {day_v} IS NULL OR {weekly_v} IS NULL THEN NULL
            ELSE LEAST(25, {days} + 5 * e.weeks_worked)
              + CASE WHEN e.category IN ({day_cats}) THEN LEAST(50, {salary_day})
                     ELSE LEAST(50, 5 * {salary_other}) END END AS units_78e
FROM engagements e JOIN titles t USING (title_id) {ai_join}
WHERE t.agreement = '{pack.agreement}'
""")


# A performer's days on a title are counted once, on their first engagement on it (several engagements
# on one title would otherwise each gain the days).
_AI_DAYS_BY_ENGAGEMENT = f"""
SELECT MIN(e2.engagement_id) AS engagement_id, a.ai_days
FROM (SELECT performer_id, title_id, SUM(days) AS ai_days FROM {AI_DAYS_TABLE} GROUP BY performer_id, title_id) a
JOIN engagements e2 ON e2.performer_id = a.performer_id AND e2.title_id = a.title_id
GROUP BY a.performer_id, a.title_id, a.ai_days"""


def has_performed_days(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the consent registry has stored days of digital performance in this database."""
    return relation_type(con, AI_DAYS_TABLE) is not None


def performed_days(con: duckdb.DuckDBPyConnection, engagement_id: str) -> list[tuple[str, int]]:
    """(use id, days) of digital performance counted as days worked on this engagement, for explanations."""
    if not has_performed_days(con):
        return []
    rows = con.execute(f"""
SELECT a.use_id, a.days FROM {AI_DAYS_TABLE} a JOIN engagements e USING (performer_id, title_id)
WHERE e.engagement_id = ? AND e.engagement_id = (
  SELECT MIN(e2.engagement_id) FROM engagements e2 WHERE e2.performer_id = e.performer_id AND e2.title_id = e.title_id)
ORDER BY a.use_id""", [engagement_id]).fetchall()
    return [(str(u), int(d)) for u, d in rows]


def with_performed_days(engagements: Iterable[Mapping[str, Any]], performed: Iterable[Mapping[str, Any]]
                        ) -> list[dict[str, Any]]:
    """The engagements as the basis sees them: each performer's days of digital performance on a title
    added to the days worked of their first engagement on it (the reference engine's view of build_basis)."""
    out = [dict(e) for e in engagements]
    totals: dict[tuple[str, str], int] = {}
    for p in performed:
        key = (str(p["performer_id"]), str(p["title_id"]))
        totals[key] = totals.get(key, 0) + int(p["days"])
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for e in out:
        key = (str(e["performer_id"]), str(e["title_id"]))
        if key in totals and (key not in first or str(e["engagement_id"]) < str(first[key]["engagement_id"])):
            first[key] = e
    for key, e in first.items():
        e["days_worked"] = int(e.get("days_worked") or 0) + totals[key]
    return out


def tam_cents(engagement: Mapping[str, Any], title: Mapping[str, Any], pack: Pack) -> int | None:
    """Total applicable minimum: days × day scale + weeks × weekly scale in force at principal photography."""
    day = pack.value(DAY_SCALE, title["pp_date"])
    weekly = pack.value(WEEKLY_SCALE, title["pp_date"])
    if day is None or weekly is None:
        return None
    return int(engagement["days_worked"]) * int(day) + int(engagement["weeks_worked"]) * int(weekly)


def tam_unverified(title: Mapping[str, Any], pack: Pack) -> bool:
    """True when either scale used for TAM is unverified."""
    pp: dt.date = title["pp_date"]
    return any(not (v := pack.dated(p, pp)) or not v.verified for p in (DAY_SCALE, WEEKLY_SCALE))


def units_182(engagement: Mapping[str, Any]) -> int:
    """§18.2 units: series performer 3, weekly freelance 2, anyone else 1."""
    return UNITS_182.get(str(engagement["category"]), 1)


def units_78e_fifths(engagement: Mapping[str, Any], title: Mapping[str, Any], pack: Pack) -> int:
    """§78(e) time units plus salary units, counted in fifths of a unit."""
    day = int(pack.value(DAY_SCALE, title["pp_date"]))
    weekly = int(pack.value(WEEKLY_SCALE, title["pp_date"]))
    time_fifths = min(25, int(engagement["days_worked"]) + 5 * int(engagement["weeks_worked"]))
    tac = int(engagement["tac_cents"])
    if engagement["category"] in DAY_CATEGORIES:
        salary = min(50, _over_half(tac, day))
    else:
        salary = min(50, 5 * _over_half(tac, weekly))
    return time_fifths + salary


def _over_half(a: int, b: int) -> int:
    q, r = divmod(a, b)
    return q + (1 if 2 * r > b else 0)


def split_ph(gross_cents: int, includes_ph: bool, ph_rate_ppm: int) -> tuple[int, int]:
    """Split a formula's result into (to the performer, to the P&H plans)."""
    if includes_ph:
        amount = mul_div_half_up(gross_cents, 1_000_000, 1_000_000 + ph_rate_ppm)
        return amount, gross_cents - amount
    return gross_cents, mul_div_half_up(gross_cents, ph_rate_ppm, 1_000_000)
