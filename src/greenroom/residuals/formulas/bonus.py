"""The 2023 streaming success bonus (2023 MOA §12 "Success Bonus for High Budget SVOD Programs";
reference §a12).

A program (a film, or a season of a series) qualifies when its domestic views in the first 90 days
reach 20% of the service's domestic subscribers: views = minutes streamed ÷ runtime, compared
exactly in whole numbers (minutes × 1,000,000 ≥ threshold ppm × runtime × subscribers). The bonus
is 100% of the performer's fixed HBSVOD residual (the Year-1 residual is assumed to be the base):
75% to the performer, 25% to the SAG-AFTRA–Producers Success Bonus Distribution Fund (SBDF).

Rows are one per title (episode or film) for its first 90 days. Episodes with the same series_id
and season form one season: its minutes and runtimes are summed, and the subscriber count, the
window start and the parameters come from the season's earliest row. A title's later rows (a
repeat, or a later exhibition year: recurrence is not confirmed for SAG-AFTRA) get zero lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from greenroom.contracts.params import Pack
from greenroom.money import apply_ppm
from greenroom.residuals.formulas._hbsvod_util import fixed_residual, fixed_sql, with_columns
from greenroom.residuals.formulas.base import Consulted, Formula, FormulaSql, RefInputs, RefLine, SqlContext

FUND_ID = "SBDF"
PPM = 1_000_000
START = dt.date(2024, 1, 1)
BONUS_PARAMS = ("bonus.window_days", "bonus.due_days", "bonus.bonus_rate", "bonus.performer_share",
                "bonus.performer_ph")


def _group_sql() -> str:
    return ("CASE WHEN b.series_id IS NOT NULL AND b.season IS NOT NULL "
            "THEN 's|' || b.series_id || '|' || CAST(b.season AS VARCHAR) ELSE 't|' || b.title_id END")


def _group(title: Mapping[str, Any]) -> str:
    if title["series_id"] is not None and title["season"] is not None:
        return f"s|{title['series_id']}|{title['season']}"
    return f"t|{title['title_id']}"


def _windows_sql(f: Formula) -> str:
    """Bonus rows with their season aggregates; the date filter is applied per season, not per row."""
    scope = (f"x.market IN ({', '.join(repr(m) for m in f.markets)}) AND b.kind IN "
             f"({', '.join(repr(k) for k in f.kinds)}) AND b.agreement = '{f.agreement}'")
    order = "ORDER BY x.start_date, x.exhibition_id"
    rows = (f"SELECT x.*, {_group_sql()} AS grp, b.length_minutes AS runtime, "
            f"ROW_NUMBER() OVER (PARTITION BY x.title_id {order}) AS title_rn, "
            f"FIRST_VALUE(x.exhibition_id) OVER (PARTITION BY x.title_id {order}) AS title_first "
            f"FROM exhibitions x JOIN titles b ON b.title_id = x.title_id WHERE {scope}")
    # Only a title's first row counts towards the season; the earliest row sets start and subscribers.
    return (f"SELECT x.*, MIN(x.start_date) OVER (PARTITION BY x.grp) AS g_start, "
            "SUM(CASE WHEN x.title_rn = 1 THEN COALESCE(x.minutes_streamed, 0) ELSE 0 END) "
            "OVER (PARTITION BY x.grp) AS g_minutes, "
            "SUM(CASE WHEN x.title_rn = 1 THEN x.runtime ELSE 0 END) OVER (PARTITION BY x.grp) AS g_runtime, "
            f"FIRST_VALUE(x.subscribers) OVER (PARTITION BY x.grp {order}) AS g_subs FROM ({rows}) x")


def _fmt_hundredths(expr: str, suffix: str = "") -> str:
    return (f"CAST(({expr}) // 100 AS VARCHAR) || '.' || lpad(CAST(({expr}) % 100 AS VARCHAR), 2, '0') "
            f"|| '{suffix}'")


def _sql(ctx: SqlContext, f: Formula) -> FormulaSql:
    d = "x.g_start"
    values = {
        "b_inc": ctx.p("bonus.minutes_increment", d),
        "b_threshold": ctx.p("bonus.success_threshold", d),
        "b_base_year": ctx.p("bonus.base_year", d),
        **{f"b_{p.split('.')[1]}": ctx.p(p, d) for p in BONUS_PARAMS},
        "hb_ph": ctx.p("ph.residuals_rate", "b.pp_date"),
    }
    fx = fixed_sql(ctx, "x.g_subs", values["b_base_year"])
    values.update(fx.columns)
    minutes = "(x.g_minutes // x.b_inc * x.b_inc)"
    qualifies = f"(CAST({minutes} AS HUGEINT) * {PPM} >= CAST(x.b_threshold AS HUGEINT) * x.g_runtime * x.g_subs)"
    # Built in layers so each long expression appears once: row values, then the row's verdict,
    # then each performer's bonus, then one line per (performer, part) from a two-row VALUES list.
    # Each exhibition is two rows, one per part (the performer's and the fund's), each with a line
    # per performer.
    verdicts = (f"SELECT x.*, {minutes} AS g_counted, {qualifies} AS qualifies "
                f"FROM ({with_columns(_windows_sql(f), values)}) x")
    rows = (f"SELECT x.*, k.part FROM ({verdicts}) x "
            "CROSS JOIN (VALUES ('bonus_performer'), ('bonus_fund')) k(part)")
    bonus = ctx.pct(fx.residual, "x.b_bonus_rate")
    to_performer = ctx.pct(bonus, "x.b_performer_share")
    fund = "x.part = 'bonus_fund'"
    metric = "(x.g_counted * 10000 // NULLIF(x.g_runtime * x.g_subs, 0))"
    views10 = "(x.g_counted * 10 // x.g_runtime)"
    facts = (f"'success metric ' || COALESCE({_fmt_hundredths(metric, '%')}, 'n/a') || ' = ' || "
             f"format('{{:,}}', CAST({views10} // 10 AS BIGINT)) || '.' || CAST({views10} % 10 AS VARCHAR) || "
             "' views (' || format('{:,}', CAST(x.g_counted AS BIGINT)) || ' minutes ÷ ' || "
             "CAST(x.g_runtime AS VARCHAR) || '-minute runtime' || "
             "CASE WHEN x.grp LIKE 's|%' THEN ', season totals' ELSE '' END || ') ÷ ' || "
             "format('{:,}', CAST(x.g_subs AS BIGINT)) || ' subscribers'")
    needed = _fmt_hundredths("x.b_threshold // 100", "%")
    performer_pct = _fmt_hundredths("x.b_performer_share // 100", "%")
    fund_pct = _fmt_hundredths(f"({PPM} - x.b_performer_share) // 100", "%")
    note = (f"CASE WHEN {fund} THEN {fund_pct} || ' of the success bonus to the SAG-AFTRA–Producers Success "
            "Bonus Distribution Fund, for performer ' || b.performer_id "
            "WHEN x.title_rn > 1 THEN 'bonus for this program already assessed on exhibition ' || "
            "x.title_first || '; recurrence in later exhibition years is not confirmed for SAG-AFTRA' "
            f"WHEN x.qualifies THEN {facts} || '; meets ' || {needed} || ': bonus = the Year-' || x.b_base_year || "
            f"' fixed residual, ' || {performer_pct} || ' to the performer and ' || {fund_pct} || "
            "' to the Success Bonus Distribution Fund' "
            f"ELSE {facts} || '; below ' || {needed} || ': no bonus' END")
    return ctx.select(f, {
        "performer_id": f"CASE WHEN {fund} THEN '{FUND_ID}' ELSE b.performer_id END",
        "component": "x.part",
        "basis_cents": bonus,
        "rate_ppm": f"CASE WHEN {fund} THEN {PPM} - x.b_performer_share ELSE x.b_performer_share END",
        "gross_cents": (f"CASE WHEN {fund} THEN {bonus} - {to_performer} "
                        f"WHEN x.title_rn > 1 OR NOT x.qualifies THEN 0 ELSE {to_performer} END"),
        "ph_rate_ppm": f"CASE WHEN NOT {fund} AND x.b_performer_ph = 1 THEN x.hb_ph ELSE 0 END",
        "period_end": f"CAST({d} + to_days(CAST(x.b_window_days AS INTEGER) - 1) AS DATE)",
        "due_date": f"CAST({d} + to_days(CAST(x.b_window_days + x.b_due_days AS INTEGER)) AS DATE)",
        "note": note,
    }, rows=rows, where=(f"x.g_start >= DATE '{START.isoformat()}' AND x.g_subs IS NOT NULL "
                            f"AND (NOT {fund} OR (x.title_rn = 1 AND x.qualifies))"))


def _in_scope(f: Formula, title: Mapping[str, Any] | None, x: Mapping[str, Any]) -> bool:
    return (title is not None and x["market"] in f.markets and title["kind"] in f.kinds
            and title["agreement"] == f.agreement)


def _reference(inputs: RefInputs, pack: Pack, f: Formula) -> list[RefLine]:
    rows = sorted((x for x in inputs.exhibitions if _in_scope(f, inputs.titles.get(x["title_id"]), x)),
                  key=lambda x: (x["start_date"], str(x["exhibition_id"])))
    seen: set[str] = set()
    groups: dict[str, list[tuple[Mapping[str, Any], bool]]] = {}
    for x in rows:
        first = x["title_id"] not in seen
        seen.add(x["title_id"])
        groups.setdefault(_group(inputs.titles[x["title_id"]]), []).append((x, first))
    lines: list[RefLine] = []
    for members in groups.values():
        start, subs = members[0][0]["start_date"], members[0][0]["subscribers"]
        if start < START or subs is None:
            continue
        firsts = [x for x, first in members if first]
        minutes = sum(int(x["minutes_streamed"] or 0) for x in firsts)
        runtime = sum(int(inputs.titles[x["title_id"]]["length_minutes"]) for x in firsts)
        for x, first in members:
            lines += _lines(inputs, pack, x, first, start, int(subs), minutes, runtime)
    return lines


def _lines(inputs: RefInputs, pack: Pack, x: Mapping[str, Any], first: bool, start: dt.date, subs: int,
           minutes: int, runtime: int) -> list[RefLine]:
    title = inputs.titles[x["title_id"]]
    out: list[RefLine] = []
    for e in inputs.cast_of(x["title_id"]):
        c = Consulted(pack)
        inc = c.need("bonus.minutes_increment", start)
        threshold = c.need("bonus.success_threshold", start)
        base_year = c.need("bonus.base_year", start)
        _, _, rate, share, performer_ph = (c.get(p, start) for p in BONUS_PARAMS)
        ph = c.get("ph.residuals_rate", title["pp_date"]) or 0
        fixed = fixed_residual(c, title, e, subs, base_year)
        ph_rate = ph if performer_ph == 1 else 0
        qualifies = first and (minutes // inc * inc) * PPM >= threshold * runtime * subs
        if not qualifies:
            out.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], 0, "bonus_performer",
                               False, ph_rate, c.unverified))
            continue
        if fixed is None or rate is None or share is None:
            continue  # the SQL gives NULL: no parameter in force for this picture's dates
        bonus = apply_ppm(fixed.residual_cents, rate)
        to_performer = apply_ppm(bonus, share)
        out.append(RefLine(x["exhibition_id"], e["engagement_id"], e["performer_id"], to_performer,
                           "bonus_performer", False, ph_rate, c.unverified))
        out.append(RefLine(x["exhibition_id"], e["engagement_id"], FUND_ID, bonus - to_performer, "bonus_fund",
                           False, 0, c.unverified))
    return out


FORMULAS = (
    Formula(
        id="bonus.streaming_success", version="2023.1",
        title="Streaming success bonus for High Budget SVOD programs",
        clause="2023 MOA §12 (Success Bonus for High Budget SVOD Programs)",
        markets=("streaming_bonus",), kinds=("hbsvod",), sql=_sql, reference=_reference,
        date_basis="exhibition_date", effective_from=START,
        plain="A streaming program first shown on or after 1 January 2024 earns a success bonus when, in its "
              "first 90 days, the number of domestic views (minutes streamed ÷ running time; for a series, the "
              "whole season) reaches 20% of the service's domestic subscribers. The bonus equals the "
              "performer's fixed streaming residual for Year 1: 75% is paid to the performer (plus P&H) and "
              "25% goes to the SAG-AFTRA–Producers Success Bonus Distribution Fund. If the program falls short, "
              "the statement shows the metric it reached."),
)
